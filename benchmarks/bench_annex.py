"""Annex rendering speed against Chromium (and WeasyPrint), as ratios measured in the same run.

    .venv/bin/python -m benchmarks.bench_annex                 # both scenarios
    .venv/bin/python -m benchmarks.bench_annex --scenario cold --cold-runs 7
    .venv/bin/python -m benchmarks.bench_annex --scenario warm --rounds 30

- warm: in one warm process, `render_pdf` of the ~10-page and the large example (median and
  p95 ms) against a warm long-lived Chromium printing the same HTML annex (Playwright's
  `page.set_content` + `page.pdf`, no process start per document) and, when the `bench`
  extra is installed (`pip install -e '.[bench]'`), WeasyPrint rendering the same HTML.
  Budgets: ≥ 10× the warm Chromium print and ≥ 30× WeasyPrint (10-page annex), HTML ≤ 5 ms,
  judged on wall-clock medians; CPU medians (Chromium's: its whole process tree) are printed
  beside them, the steadier figure on a busy machine.
- cold: whole processes, one document each: `ennakko annex render` of the 10-page record
  against `chromium --headless --print-to-pdf` of the same HTML, run alternately (so both
  see the same machine), median wall time of `--cold-runs` runs each, and the CPU time of
  each process tree. Budget: ≥ 3× (wall-clock medians).

Results go to benchmarks/results/annex.json with the load average before and after.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pikepdf
import reportlab
from playwright.sync_api import sync_playwright

from app.annexes.record import AnnexRecord, load_record
from app.annexes.render import render_html, render_pdf
from examples.make_large_record import build_record

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "annex.json"
LARGE = ROOT / "examples" / "assessment-large.json"
TEN_PAGES: dict[str, Any] = {"alternatives": 2, "areas": 6, "groups": 3, "genders": 3}
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# `ennakko` as its console script runs it (the same imports), from this checkout
ENNAKKO = [sys.executable, "-m", "app.cli"]
BUDGETS = {"warm_x_chromium": 10.0, "warm_x_weasyprint": 30.0, "cold_x_chromium_cli": 3.0}
HTML_BUDGET_MS = 5.0


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _descendants_cpu() -> float:
    """CPU seconds so far of this process and every live process below it (Linux /proc): a
    browser's work is spread over its own processes, which process_time() does not see."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        times[pid] = (int(fields[11]) + int(fields[12])) / tick
    tree, frontier = {os.getpid()}, [os.getpid()]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier += children
    return sum(times.get(pid, 0.0) for pid in tree)


def _timings(
    fn: Callable[[], object], rounds: int, warmup: int, *, other_processes: bool = False
) -> dict[str, float]:
    """Median and p95 wall ms, and median CPU ms (this process, or with `other_processes` its
    whole process tree: clock ticks of 10 ms, so a median over rounds)."""
    for _ in range(warmup):
        fn()
    samples, cpu = [], []
    for _ in range(rounds):
        cpu_start = _descendants_cpu() if other_processes else time.process_time()
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
        cpu_end = _descendants_cpu() if other_processes else time.process_time()
        cpu.append((cpu_end - cpu_start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return {
        "median_ms": statistics.median(samples),
        "p95_ms": p95,
        "cpu_median_ms": statistics.median(cpu),
        "rounds": rounds,
    }


def _chromium_warm(html: str, rounds: int) -> dict[str, float] | None:
    """A long-lived Chromium (Playwright) printing the HTML: no process start per document."""
    if not Path(CHROMIUM).exists() or rounds <= 0:
        return None
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()

        def run() -> None:
            page.set_content(html)
            page.pdf(format="A4", print_background=True)

        result = _timings(run, rounds, warmup=2, other_processes=True)
        browser.close()
    return result


def _weasyprint(html: str, rounds: int) -> dict[str, float] | None:
    """WeasyPrint on the same HTML, when the bench extra installed it (never a runtime need)."""
    if importlib.util.find_spec("weasyprint") is None or rounds <= 0:
        return None
    weasyprint = importlib.import_module("weasyprint")
    return _timings(lambda: weasyprint.HTML(string=html).write_pdf(), rounds, warmup=1)


def _ratio(other: dict[str, Any] | None, ours: dict[str, Any], key: str = "median_ms") -> Any:
    return None if other is None else round(other[key] / max(ours[key], 0.001), 2)


def _warm_row(name: str, record: AnnexRecord, args: argparse.Namespace) -> dict[str, Any]:
    pdf = render_pdf(record)
    with pikepdf.open(BytesIO(pdf)) as doc:
        pages = len(doc.pages)
    html = render_html(record)
    row: dict[str, Any] = {
        "scenario": name,
        "pages": pages,
        "pdf_bytes": len(pdf),
        "html_bytes": len(html.encode()),
        "reproducible": render_pdf(record) == pdf,
        "pdf": _timings(lambda: render_pdf(record), args.rounds, args.warmup),
        "html": _timings(lambda: render_html(record), args.rounds, args.warmup),
    }
    row["chromium_warm"] = _chromium_warm(html, args.chromium_rounds)
    row["x_chromium_warm"] = _ratio(row["chromium_warm"], row["pdf"])
    row["weasyprint"] = _weasyprint(html, args.weasyprint_rounds)
    row["x_weasyprint"] = _ratio(row["weasyprint"], row["pdf"])
    row["cpu_x_chromium_warm"] = _ratio(row["chromium_warm"], row["pdf"], "cpu_median_ms")
    row["cpu_x_weasyprint"] = _ratio(row["weasyprint"], row["pdf"], "cpu_median_ms")
    return row


def _warm(args: argparse.Namespace) -> tuple[list[dict[str, Any]], dict[str, bool]]:
    records = {
        "10_pages": AnnexRecord.model_validate(build_record(**TEN_PAGES)),
        "large": load_record(LARGE),
    }
    rows = [_warm_row(name, record, args) for name, record in records.items()]
    print(
        f"{'warm':<9} {'pages':>5} {'pdf med':>8} {'html med':>9} {'chromium':>9} {'×':>6}", end=""
    )
    print(f" {'weasy':>8} {'×':>6}")
    for r in rows:
        chrome, weasy = r["chromium_warm"], r["weasyprint"]
        chrome_ms = f"{chrome['median_ms']:.0f}m" if chrome else "-"
        chrome_x = f"{r['x_chromium_warm']:.1f}" if chrome else "-"
        weasy_ms = f"{weasy['median_ms']:.0f}m" if weasy else "-"
        weasy_x = f"{r['x_weasyprint']:.1f}" if weasy else "-"
        cpu = [
            f"{r['pdf']['cpu_median_ms']:.0f}m",
            f"{chrome['cpu_median_ms']:.0f}m" if chrome else "-",
            f"{r['cpu_x_chromium_warm']:.1f}" if chrome else "-",
            f"{weasy['cpu_median_ms']:.0f}m" if weasy else "-",
            f"{r['cpu_x_weasyprint']:.1f}" if weasy else "-",
        ]
        print(
            f"{r['scenario']:<9} {r['pages']:>5} {r['pdf']['median_ms']:>7.1f}m"
            f" {r['html']['median_ms']:>8.2f}m {chrome_ms:>9} {chrome_x:>6}"
            f" {weasy_ms:>8} {weasy_x:>6}        {cpu[0]:>6} {cpu[1]:>9} {cpu[2]:>6}"
            f" {cpu[3]:>7} {cpu[4]:>6}"
        )
    ten = rows[0]
    met = {"html_10_pages": ten["html"]["median_ms"] <= HTML_BUDGET_MS}
    if ten["x_chromium_warm"] is not None:
        met["warm_x_chromium"] = ten["x_chromium_warm"] >= BUDGETS["warm_x_chromium"]
    if ten["x_weasyprint"] is not None:
        met["warm_x_weasyprint"] = ten["x_weasyprint"] >= BUDGETS["warm_x_weasyprint"]
    return rows, met


def _process(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the whole process tree) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def _cold(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, bool]]:
    """`ennakko annex render` and Chromium's CLI print of the same HTML, alternately."""
    record = AnnexRecord.model_validate(build_record(**TEN_PAGES))
    with tempfile.TemporaryDirectory() as tmp:
        source, html = Path(tmp) / "annex.json", Path(tmp) / "annex.html"
        source.write_text(record.model_dump_json(), encoding="utf-8")
        html.write_text(render_html(record), encoding="utf-8")
        ours_pdf, chrome_pdf = Path(tmp) / "ennakko.pdf", Path(tmp) / "chromium.pdf"
        ours = [*ENNAKKO, "annex", "render", "--input", str(source), "--out", str(ours_pdf)]
        chrome = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu"]
        chrome += ["--no-pdf-header-footer", f"--print-to-pdf={chrome_pdf}", html.as_uri()]
        _process(ours), _process(chrome)  # first runs fill the page cache, not timed
        runs: dict[str, list[tuple[float, float]]] = {"ennakko": [], "chromium": []}
        for _ in range(args.cold_runs):
            runs["ennakko"].append(_process(ours))
            runs["chromium"].append(_process(chrome))
        same = (
            hashlib.sha256(ours_pdf.read_bytes()).digest()
            == hashlib.sha256(render_pdf(record)).digest()
        )
    row: dict[str, Any] = {"runs": args.cold_runs, "same_bytes_as_in_process": same}
    for name, samples in runs.items():
        row[name] = {
            "wall_median_ms": _median_ms([wall for wall, _ in samples]),
            "cpu_median_ms": _median_ms([cpu for _, cpu in samples]),
        }
    row["x_wall"] = round(row["chromium"]["wall_median_ms"] / row["ennakko"]["wall_median_ms"], 2)
    row["x_cpu"] = round(row["chromium"]["cpu_median_ms"] / row["ennakko"]["cpu_median_ms"], 2)
    print(f"cold ({args.cold_runs} runs each, medians)   wall ms   cpu ms")
    for name in runs:
        print(
            f"  {name:<34} {row[name]['wall_median_ms']:>7.0f} {row[name]['cpu_median_ms']:>8.0f}"
        )
    print(f"  chromium / ennakko                 {row['x_wall']:>6.2f}× {row['x_cpu']:>7.2f}×")
    return row, {"cold_x_chromium_cli": row["x_wall"] >= BUDGETS["cold_x_chromium_cli"]}


def _environment() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "reportlab": reportlab.Version,
        "rl_accel": importlib.util.find_spec("_rl_accel") is not None,
        "chromium": shutil.which("chromium"),
        "weasyprint": importlib.util.find_spec("weasyprint") is not None,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the scenarios, print tables, write JSON; exit 1 if a budget is missed."""
    parser = argparse.ArgumentParser(description="Annex rendering against Chromium")
    parser.add_argument("--scenario", choices=["warm", "cold", "all"], default="all")
    parser.add_argument("--rounds", type=int, default=30, help="warm renders timed")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--chromium-rounds", type=int, default=10, help="0 skips warm Chromium")
    parser.add_argument("--weasyprint-rounds", type=int, default=5, help="0 skips WeasyPrint")
    parser.add_argument("--cold-runs", type=int, default=7, help="processes of each kind")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print("chromium is not installed (Debian package chromium): no ratios", file=sys.stderr)
    result: dict[str, Any] = {"environment": _environment(), "budgets": BUDGETS}
    result["load_before"] = _load()
    met: dict[str, bool] = {}
    if args.scenario in ("warm", "all"):
        result["warm"], warm_met = _warm(args)
        met |= warm_met
    if args.scenario in ("cold", "all") and Path(CHROMIUM).exists():
        result["cold"], cold_met = _cold(args)
        met |= cold_met
    result["load_after"] = _load()
    result["met"] = met
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"load {result['load_before']} → {result['load_after']}; budgets met: {met}")
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
