"""XLSX workbooks of report tables (openpyxl). Loaded on first use (app.core.lazy), through
app.reports.exports.to_xlsx: a worker that never writes a workbook never loads openpyxl."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from app.reports.exports import Table, neutralise


def to_xlsx(tables: Sequence[Table], *, created: datetime) -> bytes:
    """Every table on its own sheet, title in the first row and headers bold and frozen."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.created = workbook.properties.modified = created.replace(tzinfo=None)
    for table in tables:
        _sheet(workbook.create_sheet(table.name[:31]), table)
    out = io.BytesIO()
    # openpyxl's save() stamps `modified` with the clock; its writer keeps what was set
    ExcelWriter(workbook, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)).save()
    return _stamped(out.getvalue(), created)


def _stamped(archive: bytes, moment: datetime) -> bytes:
    """The workbook's zip entries dated `moment` (openpyxl dates them by the clock), so the
    same report gives the same bytes."""
    stamp = (max(moment.year, 1980), moment.month, moment.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = item.external_attr
            target.writestr(entry, source.read(item.filename))
    return out.getvalue()


def _sheet(sheet: Worksheet, table: Table) -> None:
    sheet.append([neutralise(table.title)])
    sheet["A1"].font = Font(bold=True)
    sheet.append([neutralise(h) for h in table.headers])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([neutralise(v) for v in row])
    sheet.freeze_panes = "A3"
    for index, header in enumerate(table.headers, start=1):
        width = max([len(str(header)), *(len(str(r[index - 1] or "")) for r in table.rows)])
        sheet.column_dimensions[sheet.cell(row=2, column=index).column_letter].width = min(
            max(width + 2, 8), 60
        )
