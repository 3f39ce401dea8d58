"""Every query of the reports, always filtered by the organisations the caller's report covers:
scope.py (the window a report reads), coverage.py (drafts, screenings, meetings), cells.py (live
aggregates over the approval snapshots), ledger_table.py (the ledger kept pre-aggregated per
organisation and month) and snapshots.py (the snapshots' own writes)."""
