"""Run every benchmark scenario in order and summarise the budgets (`make bench`).

    .venv/bin/python -m benchmarks.run_all                 # full runs (~3–4 minutes)
    .venv/bin/python -m benchmarks.run_all --quick
    .venv/bin/python -m benchmarks.run_all --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python -m benchmarks.run_all --only matrix_read,listing

Exits non-zero only when a scenario crashes; a missed budget is printed as MISS and
recorded in benchmarks/results/summary.json, not treated as a failure.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import inspect
import json
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks._common import RESULTS_DIR, load_average, results_name

# The figures summary.json repeats from each scenario's file, so that one file shows the run.
_HEADLINES = {
    "matrix_read": (
        "rows",
        ["row", "rps", "p99_ms", "cpu_ms_per_req", "cpu_x_floor", "cpu_ms_beyond_304"],
    ),
    "cell_writes": (
        "phases",
        [
            *("phase", "writers", "organisations", "writes_per_s", "x_floor", "p99_ms"),
            "cpu_ms_per_attempt",
            *("cpu_x_floor", "http_5xx", "db_locked"),
        ],
    ),
    "listing": ("table", None),
}


@dataclass(frozen=True)
class Scenario:
    name: str  # results/<name>.json
    module: str
    quick_args: tuple[str, ...] = ("--quick",)
    takes_database_url: bool = True


SCENARIOS = (
    Scenario("matrix_read", "benchmarks.bench_matrix_read"),
    Scenario("cell_writes", "benchmarks.bench_cell_writes"),
    Scenario("listing", "benchmarks.bench_listing"),
    Scenario(
        "annex",
        "benchmarks.bench_annex",
        quick_args=("--rounds", "5", "--warmup", "1", "--chromium-rounds", "2", "--cold-runs", "3"),
        takes_database_url=False,
    ),
    Scenario("webhooks", "benchmarks.bench_webhooks"),
    Scenario("reports", "benchmarks.bench_reports"),
)


def _accepts(module: Any, option: str) -> bool:
    try:
        return option in inspect.getsource(module)
    except (OSError, TypeError):
        return False


def _arguments(scenario: Scenario, module: Any, args: argparse.Namespace) -> list[str]:
    argv: list[str] = []
    if args.quick:
        if scenario.quick_args == ("--quick",) and not _accepts(module, '"--quick"'):
            pass  # a scenario without --quick runs as it is
        else:
            argv += scenario.quick_args
    if args.database_url and scenario.takes_database_url and _accepts(module, "--database-url"):
        argv += ["--database-url", args.database_url]
    return argv


def _results(name: str, args: argparse.Namespace) -> Path:
    return RESULTS_DIR / f"{results_name(name, args.database_url)}.json"


def _headline(name: str, args: argparse.Namespace) -> list[dict[str, Any]] | None:
    path = _results(name, args)
    if name not in _HEADLINES or not path.exists():
        return None
    key, columns = _HEADLINES[name]
    rows = json.loads(path.read_text(encoding="utf-8")).get(key, [])
    return [r if columns is None else {c: r.get(c) for c in columns} for r in rows]


def _budget_lines(name: str, args: argparse.Namespace) -> dict[str, bool]:
    path = _results(name, args)
    if not path.exists():
        return {}
    met = json.loads(path.read_text(encoding="utf-8")).get("met", {})
    return {str(k): bool(v) for k, v in met.items()}


def run_one(scenario: Scenario, args: argparse.Namespace) -> dict[str, Any]:
    record: dict[str, Any] = {"scenario": scenario.name, "module": scenario.module}
    if importlib.util.find_spec(scenario.module) is None:
        return record | {"status": "absent"}
    started = time.monotonic()
    try:
        module = importlib.import_module(scenario.module)
        argv = _arguments(scenario, module, args)
        record["argv"] = argv
        print(f"\n##### {scenario.name}: {scenario.module} {' '.join(argv)}", flush=True)
        results = _results(scenario.name, args)
        before = results.stat().st_mtime_ns if results.exists() else 0
        code = module.main(argv)
        record["exit_code"] = code
        written = results.exists() and results.stat().st_mtime_ns != before
        # By convention 0 = budgets met, 1 = a budget missed; anything else is a crash.
        record["status"] = "ran" if code in (0, 1, None) and written else "crashed"
    except SystemExit as exc:  # argparse errors and explicit exits
        record |= {"status": "crashed", "error": f"SystemExit({exc.code})"}
    except Exception as exc:
        traceback.print_exc()
        record |= {"status": "crashed", "error": f"{type(exc).__name__}: {exc}"}
    record["seconds"] = round(time.monotonic() - started, 1)
    if record["status"] == "ran":
        record["budgets"] = _budget_lines(scenario.name, args)
        if (figures := _headline(scenario.name, args)) is not None:
            record["figures"] = figures
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs of every scenario")
    parser.add_argument("--database-url", help="PostgreSQL server URL (default: temp SQLite)")
    parser.add_argument("--only", help="comma-separated scenario names")
    args = parser.parse_args(argv)
    chosen = set(args.only.split(",")) if args.only else None
    load_before = load_average()
    records = [run_one(s, args) for s in SCENARIOS if chosen is None or s.name in chosen]
    print("\n##### summary")
    for r in records:
        print(f"{r['scenario']:<12} {r['status']:<8} {r.get('seconds', 0):>6.1f} s")
        for budget_name, met in r.get("budgets", {}).items():
            print(f"    {'PASS' if met else 'MISS'}  {budget_name}")
        if "error" in r:
            print(f"    error: {r['error']}")
    path = RESULTS_DIR / f"{results_name('summary', args.database_url)}.json"
    if chosen is not None and path.exists():  # keep the other scenarios' last records
        previous = json.loads(path.read_text(encoding="utf-8")).get("scenarios", [])
        ran = {r["scenario"] for r in records}
        kept = [r | {"from_earlier_run": True} for r in previous if r["scenario"] not in ran]
        order = [s.name for s in SCENARIOS]
        records = sorted([*records, *kept], key=lambda r: order.index(r["scenario"]))
    summary = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "quick": args.quick,
        "database": "postgresql" if args.database_url else "sqlite",
        # the machine is shared: other work skews every figure of the run
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "scenarios": records,
        "budgets_missed": [
            f"{r['scenario']}.{name}"
            for r in records
            for name, met in r.get("budgets", {}).items()
            if not met
        ],
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"→ {path}")
    return 1 if any(r["status"] == "crashed" for r in records) else 0


if __name__ == "__main__":
    raise SystemExit(main())
