import time, json, os, sys
from pathlib import Path
from benchmarks._common import scratch_database, serve, closed_loop, get_step, wrk_get
from benchmarks._world import build_world, assessed_draft
os.environ["PY_SPY"]="/tmp/pyspy/py_spy-0.4.3.data/scripts/py-spy"
with scratch_database(None) as s:
    w = build_world(); d, alts = assessed_draft(w)
    with serve(s, profile=Path(sys.argv[1])) as srv:
        time.sleep(3)
        wrk_get(f"{srv.base}/api/v1/drafts/{d}/assessment", w.headers, clients=8, duration=2)
        print(json.dumps(wrk_get(f"{srv.base}{sys.argv[2].replace('DRAFT', d)}", w.headers, clients=int(sys.argv[3]), duration=8)))
    time.sleep(1)
