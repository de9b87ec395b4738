"""A report's tables as downloads: JSON, CSV, XLSX (openpyxl) and PDF (``pdf.py``).

Values stay typed until here: numbers and dates become real numbers and
dates in XLSX, and are formatted the Russian way only for people (HTML, PDF).
"""
from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json

from sqlalchemy import select

from ..models import Authority, Organisation
from ..registry import Table

# The fill of shaded columns (Table.shaded) in XLSX.
XLSX_SHADE = "FFD9D9D9"


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
    if isinstance(value, decimal.Decimal):
        # A fixed-point sum (roubles and kopecks) keeps its places: «3 000,00».
        return f"{value:,f}".replace(",", "\u00a0").replace(".", ",")
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return str(value)


def is_number(value) -> bool:
    """A number shown right-aligned: an int, a float or a Decimal (not a yes/no)."""
    return isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool)


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
    from openpyxl.styles import Font, PatternFill
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
            sheet.append(row)
        for cell in (c for r in sheet.iter_rows(min_row=head_row + 1) for c in r):
            if isinstance(cell.value, decimal.Decimal):  # a sum of money: a number shown with kopecks
                places = max(-cell.value.as_tuple().exponent, 0)
                cell.value = float(cell.value)
                cell.number_format = "#,##0" + ("." + "0" * places if places else "")
            elif isinstance(cell.value, dt.datetime):
                cell.number_format = "DD.MM.YYYY HH:MM"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "DD.MM.YYYY"
        # A табель's weekends and holidays (Table.shaded), header and cells.
        for i in (i for i in table.shaded if 0 <= i < len(table.columns)):
            for (cell,) in sheet.iter_rows(min_row=head_row, min_col=i + 1, max_col=i + 1):
                cell.fill = PatternFill("solid", start_color=XLSX_SHADE)
        for i, column in enumerate(table.columns, 1):
            width = max([len(str(column))] + [len(cell_text(r[i - 1])) for r in table.rows[:200]])
            sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 6), 60)
        sheet.freeze_panes = sheet.cell(row=head_row + 1, column=1)
    out = io.BytesIO()
    book.save(out)
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
        from .pdf import to_pdf

        data = to_pdf(spec.title, header, tables, org_name, landscape=spec.landscape)
    elif fmt == "xlsx":
        data = to_xlsx(spec.title, header, tables, org_name)
    elif fmt == "csv":
        data = to_csv(tables)
    else:
        data = to_json(tables)
    mime, ext = FORMATS[fmt]
    return data, mime, ext
