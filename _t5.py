import time, json, os, sys
from benchmarks._common import scratch_database, serve, closed_loop, get_step, wrk_get
from benchmarks._world import build_world, assessed_draft
with scratch_database(None) as s:
    w = build_world(); d, alts = assessed_draft(w)
    with serve(s) as srv:
        wrk_get(f"{srv.base}/api/v1/drafts/{d}/assessment", w.headers, clients=8, duration=2)
        for c in (1,8):
          for path, h in [("/healthz", {}), ("/api/v1/me", w.headers), (f"/api/v1/drafts/{d}/assessment", w.headers)]:
            c0=srv.cpu_seconds()
            r = wrk_get(f"{srv.base}{path}", h, clients=c, duration=4)
            cpu=srv.cpu_seconds()-c0
            print(c, path[-12:], r["rps"], r["p50_ms"], r["p99_ms"], "cpu ms/req", round(cpu*1000/r["requests"],3), "cpu util", round(cpu/r["seconds"],2))
