"""A report's tables as downloads: JSON, CSV, XLSX (openpyxl) and PDF (xhtml2pdf).

Values stay typed until here: numbers and dates become real numbers and
dates in XLSX, and are formatted the Russian way only for people (HTML, PDF).
"""
from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
from pathlib import Path

from flask import current_app, render_template
from flask_babel import format_datetime
from sqlalchemy import select

from .. import clock
from ..models import Authority, Organisation
from ..registry import Table

# xhtml2pdf's table layout is super-linear in the rows of one table (NOTES.md):
# long ledgers are printed as a run of tables, the header repeated on each.
PDF_ROWS_PER_TABLE = 35


def cell_text(value) -> str:
    """A value as a Russian reader expects it (HTML and PDF)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, (float, decimal.Decimal)):
        return f"{float(value):.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return str(value)


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def to_json(tables: list[Table]) -> bytes:
    data = [{"title": t.title, "columns": list(t.columns), "rows": [[_plain(v) for v in row] for row in t.rows]}
            for t in tables]
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


def to_csv(tables: list[Table]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for i, table in enumerate(tables):
        if i:
            writer.writerow([])
        if len(tables) > 1:
            writer.writerow([table.title])
        writer.writerow(table.columns)
        writer.writerows([[_plain(v) for v in row] for row in table.rows])
    # With a BOM, Excel opens Russian text in UTF-8 correctly.
    return ("\ufeff" + out.getvalue()).encode()


def to_xlsx(title: str, header: list[tuple[str, str]], tables: list[Table], organisation: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for n, table in enumerate(tables, 1):
        # Sheet titles: at most 31 characters, no []:*?/\ .
        name = "".join(ch for ch in table.title if ch not in "[]:*?/\\")[:28] or "Лист"
        sheet = book.create_sheet(name if name not in book.sheetnames else f"{name[:25]} {n}")
        sheet.append([organisation])
        sheet.append([title])
        sheet["A1"].font = sheet["A2"].font = Font(bold=True)
        for label, value in header:
            sheet.append([label, value])
        sheet.append([])
        sheet.append(list(table.columns))
        head_row = sheet.max_row
        for cell in sheet[head_row]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([float(v) if isinstance(v, decimal.Decimal) else v for v in row])
        for cell in (c for r in sheet.iter_rows(min_row=head_row + 1) for c in r):
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "DD.MM.YYYY HH:MM"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "DD.MM.YYYY"
        for i, column in enumerate(table.columns, 1):
            width = max([len(str(column))] + [len(cell_text(r[i - 1])) for r in table.rows[:200]])
            sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 6), 60)
        sheet.freeze_panes = sheet.cell(row=head_row + 1, column=1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _chunks(table: Table) -> list[list]:
    rows = [[cell_text(v) for v in row] for row in table.rows]
    return [rows[i:i + PDF_ROWS_PER_TABLE] for i in range(0, len(rows), PDF_ROWS_PER_TABLE)] or [[]]


def to_pdf(title: str, header: list[tuple[str, str]], tables: list[Table], organisation: str,
           landscape: bool = False) -> bytes:
    from xhtml2pdf import pisa

    from .charts import chart_images

    images = chart_images(tables)
    font_dir = Path(current_app.config["PDF_FONT_DIR"])
    html = render_template("reports/pdf.html", title=title, header=header, organisation=organisation,
                           tables=[(t, _chunks(t)) for t in tables], landscape=landscape,
                           printed=format_datetime(clock.now(), "dd.MM.yyyy HH:mm"), images=images)
    out = io.BytesIO()
    # The document "lives" in the font folder: xhtml2pdf loads files only from
    # its base directory (NOTES.md), and the fonts must embed for Cyrillic.
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8", path=str(font_dir / "report.html"))
    if result.err:
        raise RuntimeError(f"xhtml2pdf: {result.err} errors")
    return out.getvalue()


FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "json": ("application/json", "json"),
}


def render(spec, values, header, tables, fmt: str, session=None) -> tuple[bytes, str, str]:
    """Bytes, MIME type and file extension of a report in ``fmt``, headed by the
    organisation it was run for (the authority, for a report across organisations)."""
    if session is None:
        from ..extensions import db

        session = db.session
    if spec.across_organisations:
        authority = session.scalars(select(Authority).order_by(Authority.id)).first()
        org_name = authority.name if authority else ""
    else:
        org = session.get(Organisation, values["organisation"])
        org_name = org.name if org else ""
    if fmt == "pdf":
        data = to_pdf(spec.title, header, tables, org_name, landscape=spec.landscape)
    elif fmt == "xlsx":
        data = to_xlsx(spec.title, header, tables, org_name)
    elif fmt == "csv":
        data = to_csv(tables)
    else:
        data = to_json(tables)
    mime, ext = FORMATS[fmt]
    return data, mime, ext
