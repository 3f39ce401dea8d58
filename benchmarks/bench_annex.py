"""Annex rendering speed: render_pdf and render_html on a ~10-page and the large example.

    .venv/bin/python benchmarks/bench_annex.py --rounds 30
    .venv/bin/python -m benchmarks.bench_annex --rounds 30 --chromium-rounds 5

Warm process (fonts, templates and styles loaded by a warm-up round), medians and p95 in
milliseconds. If /usr/bin/chromium exists, the same HTML annex is also printed to PDF with
`chromium --headless --print-to-pdf` (one process per document, start-up included) and, if
Playwright is installed, by a warm long-lived Chromium (`page.pdf()`); both ratios are
reported. The 10× budget is checked against the command-line print.
Results go to benchmarks/results/annex.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "annex.json"
LARGE = ROOT / "examples" / "assessment-large.json"
TEN_PAGES: dict[str, Any] = {"alternatives": 2, "areas": 6, "groups": 3, "genders": 3}
CHROMIUM = Path("/usr/bin/chromium")
BUDGET_MS = {"pdf_10_pages": 60.0, "html_10_pages": 5.0}


def _timings(fn: Callable[[], object], rounds: int, warmup: int) -> dict[str, float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return {"median_ms": statistics.median(samples), "p95_ms": p95, "rounds": rounds}


def _chromium(html: str, rounds: int) -> dict[str, float] | None:
    if not CHROMIUM.exists() or rounds <= 0:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "annex.html"
        source.write_text(html, encoding="utf-8")
        target = Path(tmp) / "annex.pdf"
        command = [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]

        def run() -> None:
            subprocess.run(command, check=True, capture_output=True, timeout=120)

        result = _timings(run, rounds, warmup=1)
        result["bytes"] = target.stat().st_size
        return result


def _chromium_warm(html: str, rounds: int) -> dict[str, float] | None:
    """A long-lived Chromium (Playwright) printing the HTML: no process start per document."""
    if not CHROMIUM.exists() or rounds <= 0:
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()

        def run() -> None:
            page.set_content(html)
            page.pdf(format="A4", print_background=True)

        result = _timings(run, rounds, warmup=2)
        browser.close()
    return result


def _scenarios() -> dict[str, Any]:
    from app.annexes.record import AnnexRecord, load_record
    from examples.make_large_record import build_record

    return {
        "10_pages": AnnexRecord.model_validate(build_record(**TEN_PAGES)),
        "large": load_record(LARGE),
    }


def _measure(name: str, record: Any, args: argparse.Namespace) -> dict[str, Any]:
    import pikepdf

    from app.annexes.render import render_html, render_pdf

    pdf = render_pdf(record)
    with pikepdf.open(__import__("io").BytesIO(pdf)) as doc:
        pages = len(doc.pages)
    html = render_html(record)
    row: dict[str, Any] = {
        "scenario": name,
        "pages": pages,
        "pdf_bytes": len(pdf),
        "html_bytes": len(html.encode()),
        "pdf": _timings(lambda: render_pdf(record), args.rounds, args.warmup),
        "html": _timings(lambda: render_html(record), args.rounds, args.warmup),
    }
    chromium = _chromium(html, args.chromium_rounds)
    if chromium is not None:
        row["chromium_print_to_pdf"] = chromium
        row["speedup_vs_chromium"] = chromium["median_ms"] / row["pdf"]["median_ms"]
    warm = _chromium_warm(html, args.chromium_rounds * 2)
    if warm is not None:
        row["chromium_warm_playwright"] = warm
        row["speedup_vs_warm_chromium"] = warm["median_ms"] / row["pdf"]["median_ms"]
    return row


def _print(rows: list[dict[str, Any]]) -> None:
    header = f"{'scenario':<10} {'pages':>5} {'pdf med':>9} {'pdf p95':>9} {'html med':>9}"
    header += f" {'html p95':>9} {'chromium':>10} {'speedup':>8} {'warm':>8} {'speedup':>8}"
    print(header)
    for r in rows:
        chrome = r.get("chromium_print_to_pdf", {}).get("median_ms")
        speed = r.get("speedup_vs_chromium")
        warm = r.get("chromium_warm_playwright", {}).get("median_ms")
        warm_speed = r.get("speedup_vs_warm_chromium")
        print(
            f"{r['scenario']:<10} {r['pages']:>5} {r['pdf']['median_ms']:>8.1f}m"
            f" {r['pdf']['p95_ms']:>8.1f}m {r['html']['median_ms']:>8.2f}m"
            f" {r['html']['p95_ms']:>8.2f}m"
            f" {(f'{chrome:.0f}m' if chrome else '-'):>10} {(f'{speed:.0f}×' if speed else '-'):>8}"
            f" {(f'{warm:.0f}m' if warm else '-'):>8}"
            f" {(f'{warm_speed:.1f}×' if warm_speed else '-'):>8}"
        )


def _environment() -> dict[str, Any]:
    import reportlab

    accel = importlib.util.find_spec("_rl_accel") is not None
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "reportlab": reportlab.Version,
        "rl_accel": accel,
        "chromium": shutil.which("chromium"),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the scenarios, print a table, write JSON; exit 1 if a budget is missed."""
    parser = argparse.ArgumentParser(description="Annex rendering benchmark")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--chromium-rounds", type=int, default=5, help="0 to skip Chromium")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    rows = [_measure(name, record, args) for name, record in _scenarios().items()]
    _print(rows)
    ten = rows[0]
    budgets = {
        "pdf_10_pages": ten["pdf"]["median_ms"] <= BUDGET_MS["pdf_10_pages"],
        "html_10_pages": ten["html"]["median_ms"] <= BUDGET_MS["html_10_pages"],
    }
    if "speedup_vs_chromium" in ten:
        budgets["chromium_10x"] = ten["speedup_vs_chromium"] >= 10
    result = {"environment": _environment(), "budgets_ms": BUDGET_MS, "met": budgets, "rows": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"budgets met: {budgets}  → {args.out.relative_to(ROOT)}")
    return 0 if all(budgets.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
