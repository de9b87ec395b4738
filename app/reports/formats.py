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
import re
import unicodedata
from urllib.parse import quote

from sqlalchemy import select

from ..models import Authority, Organisation
from ..registry import Table

# The fill of shaded columns (Table.shaded) in XLSX.
XLSX_SHADE = "FFD9D9D9"
# Excel's limit on a sheet's name, and the characters it refuses in one.
SHEET_NAME_MAX = 31
SHEET_FORBIDDEN = {"[": "(", "]": ")", ":": " ", "*": " ", "?": " ", "/": "-", "\\": "-"}
# Words a shortened name should not end on («отметки и», «Отчёт по»).
DANGLING = {"и", "или", "а", "в", "во", "на", "по", "за", "с", "со", "о", "об", "к", "ко", "у", "для", "из", "от",
            "до", "при", "без", "—", "-", "–"}
# A table's page number, as the reports write it: «… (1/2)».
PAGE_SUFFIX = re.compile(r"\s*\((\d+)/(\d+)\)$")
# The more columns than this, the landscape page (XLSX print setup).
LANDSCAPE_COLUMNS = 10
# The report parameters whose values name a download: the class or group, the period, the month.
NAMED_BY = ("group", "period", "month")
# Characters no file name may hold (Windows is the strictest), and control characters.
FILE_FORBIDDEN = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')
FILE_NAME_MAX = 150


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


def csv_value(value):
    """A value as Russian Excel reads it from a CSV: a decimal comma, dates dd.mm.yyyy;
    unlike ``cell_text``, sums without thousands separators and floats in full."""
    if isinstance(value, decimal.Decimal):
        return f"{value:f}".replace(".", ",")  # a sum keeps its kopecks: «3000,50»
    if isinstance(value, float):
        return f"{value:.15g}".replace(".", ",")
    if value is None or isinstance(value, (bool, dt.date)):
        return cell_text(value)
    return value


# What a spreadsheet takes for the start of a formula in a cell of text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """A text a spreadsheet would run as a formula («=HYPERLINK(…)», «@SUM(…)»), quoted
    so that it opens as the text it is; numbers and other texts as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(tables: list[Table]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for i, table in enumerate(tables):
        if i:
            writer.writerow([])
        if len(tables) > 1:
            writer.writerow([inert(table.title)])
        writer.writerow([inert(c) for c in table.columns])
        writer.writerows([[inert(csv_value(v)) for v in row] for row in table.rows])
    # With a BOM, Excel opens Russian text in UTF-8 correctly.
    return ("\ufeff" + out.getvalue()).encode()


def shorten(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, cut between words, ending on
    neither a conjunction or preposition («отметки и») nor a comma or an open bracket."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    words: list[str] = []
    for word in text.split(" "):
        if len(" ".join([*words, word])) > limit:
            break
        words.append(word)
    if not words:  # a single word longer than the limit
        return text[:limit]
    while True:
        short = " ".join(words).rstrip(",;:.—–-( ")
        if short.count("(") > short.count(")") and short.rfind("(") > 0:
            short = short[:short.rfind("(")].rstrip(",;:.—–-( ")
        last = short.rsplit(" ", 1)
        if len(last) == 2 and last[1].lower() in DANGLING:
            words = last[0].split(" ")
            continue
        return short or text[:limit]


def sheet_name(title: str, taken=()) -> str:
    """A sheet's name from a table's title: at most 31 characters cut between
    words, none of ``[]:*?/\\``, and unique in the book (``taken``, compared as
    Excel does, ignoring case) by a number at the end. A table's page «(1/2)»
    stays as «(1 из 2)»."""
    page = PAGE_SUFFIX.search(title or "")
    tail = f" ({page[1]} из {page[2]})" if page else ""
    base = "".join(SHEET_FORBIDDEN.get(ch, ch) for ch in (title[:page.start()] if page else title or ""))
    base = " ".join(base.split()).strip("' ") or "Лист"
    taken = {t.lower() for t in taken}
    for n in range(1, 10 ** 6):
        suffix = f" {n}" if n > 1 else ""
        name = shorten(base, SHEET_NAME_MAX - len(tail) - len(suffix)) + tail + suffix
        if name.lower() not in taken:
            return name
    raise ValueError(title)


def _whole(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 3 and str(int(text)) == text


def mark_value(value):
    """A mark written as text («5», «4,5») as the number it is, for XLSX.

    Only a whole number 1–100 without a leading zero, or one with a decimal
    comma, is a number: codes («н», «зч», «ОТ»), two marks in a cell («5 4»),
    «05» and long digit strings (СНИЛС, a phone number) stay text."""
    if not isinstance(value, str):
        return value
    if _whole(value) and 1 <= int(value) <= 100:
        return int(value)
    whole, comma, fraction = value.partition(",")
    if comma and _whole(whole) and fraction.isascii() and fraction.isdigit() and len(fraction) <= 2:
        number = float(f"{whole}.{fraction}")
        if 1 <= number <= 100:
            return number
    return value


def print_setup(sheet, head_row: int, columns: int, rows: int, landscape: bool) -> None:
    """A4, landscape for a wide table, as wide as the page, the columns' header on
    every page, and an autofilter over a list's header and rows."""
    from openpyxl.utils import get_column_letter

    setup = sheet.page_setup
    setup.orientation = "landscape" if landscape or columns > LANDSCAPE_COLUMNS else "portrait"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{head_row}:{head_row}"
    if rows and columns:
        sheet.auto_filter.ref = f"A{head_row}:{get_column_letter(columns)}{head_row + rows}"


def to_xlsx(title: str, header: list[tuple[str, str]], tables: list[Table], organisation: str,
            landscape: bool = False) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(sheet_name(table.title, book.sheetnames))
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
            sheet.append([mark_value(v) for v in row])
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
        print_setup(sheet, head_row, len(table.columns), len(table.rows), landscape)
        # A text typed by a user («=HYPERLINK(…)» as a lesson's topic) stays text:
        # nothing of ours is a formula.
        for cell in (c for r in sheet.iter_rows() for c in r if c.data_type == "f"):
            cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Cyrillic in Latin letters, for the ASCII name of a download (old browsers, mail clients).
_LATIN = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                  ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
                   "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"]))


def file_safe(text: str) -> str:
    """``text`` fit for a file name anywhere: no ``<>:"/\\|?*`` nor control characters."""
    text = FILE_FORBIDDEN.sub(" ", text.replace("/", "-").replace("\\", "-"))
    return " ".join(text.split()).strip(" .")


def download_name(spec, header: list[tuple[str, str]], ext: str) -> str:
    """The file a report downloads as, in Russian words: its title, the values of
    its class (group), subject, period and month as the header shows them
    (without the academic year in brackets) and today's date:
    «Итоги успеваемости класса за период 5А 2 четверть 2026-11-20.pdf»."""
    from .. import clock

    naming = {p.label for p in spec.params if p.kind in (*NAMED_BY, "subject")}
    words = [spec.title] + [re.sub(r"\s*\([^()]*\)$", "", str(value)) for label, value in header
                            if label in naming and value]
    stem = shorten(file_safe(" ".join(words)), FILE_NAME_MAX) or spec.id
    return f"{stem} {clock.today().isoformat()}.{ext}"


def ascii_name(name: str) -> str:
    """``name`` in ASCII: Cyrillic transliterated, «№» as «No», the rest dropped."""
    latin = "".join(_LATIN.get(ch.lower(), ch).capitalize() if ch.isupper() else _LATIN.get(ch, ch) for ch in name)
    text = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode("ascii")
    return " ".join(text.replace('"', "").replace("\\", "").split()) or "report"


def content_disposition(name: str) -> str:
    """An attachment named ``name``: RFC 5987's UTF-8 name, and an ASCII one for
    clients that do not read it."""
    return f"attachment; filename=\"{ascii_name(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


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
        data = to_xlsx(spec.title, header, tables, org_name, landscape=spec.landscape)
    elif fmt == "csv":
        data = to_csv(tables)
    else:
        data = to_json(tables)
    mime, ext = FORMATS[fmt]
    return data, mime, ext
