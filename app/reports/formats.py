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
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from flask import current_app, render_template
from flask_babel import format_datetime
from sqlalchemy import select

from .. import clock
from ..models import Authority, Organisation
from ..registry import Table

# xhtml2pdf's table layout is super-linear in the rows of one table (NOTES.md):
# long ledgers are printed as a run of tables, the header repeated on each.
PDF_ROWS_PER_TABLE = 35

# The fill of shaded columns (Table.shaded) in XLSX.
XLSX_SHADE = "FFD9D9D9"

# The PDF's text width in points: A4 less the page margins of pdf.html (1.2 cm a side).
PDF_TEXT_WIDTH = {False: 595.3 - 68.0, True: 841.9 - 68.0}
# The font sizes a PDF table may take, largest first: a wide table gets a smaller one.
PDF_FONT_SIZES = (9.0, 8.0, 7.0)
# Columns above which a table takes the smallest size at once (a month of days).
PDF_WIDE_TABLE = 20
# What a cell takes besides its text: padding 2pt a side, the rules, a little air.
_CELL_EXTRA_PT = 5.5
# Without the font's metrics, the advance of a character in em: DejaVu Sans on
# Russian text and digits runs 0.61–0.67 regular and up to 0.76 bold; rounded up.
_EM_BODY, _EM_HEAD = 0.68, 0.78
# The narrowest column, in em («31», «ОТ»).
_MIN_EM = 1.3
# Rows measured for the widths.
_SAMPLE_ROWS = 200

# The width of a text in em: (text, bold) -> em.
Measure = Callable[[str, bool], float]


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


def estimate(text: str, bold: bool) -> float:
    """A text's width in em by its length (no font at hand)."""
    return len(text) * (_EM_HEAD if bold else _EM_BODY)


def font_measure(font_dir: str | Path) -> Measure | None:
    """The text widths of pdf.html's font (DejaVu Sans in ``font_dir``), a little
    rounded up; None when the font cannot be read."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    names = {False: "EjournalMeasure", True: "EjournalMeasure-Bold"}
    try:
        for bold, name in names.items():
            if name not in pdfmetrics.getRegisteredFontNames():
                file = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
                pdfmetrics.registerFont(TTFont(name, str(Path(font_dir) / file)))
    except Exception:  # noqa: BLE001 - no font, no metrics: the estimate does
        return None
    return lambda text, bold: pdfmetrics.stringWidth(text, names[bold], 1.03)


def _column_ems(table: Table, measure: Measure) -> list[tuple[float, float, float]]:
    """Per column, in em of the font: the longest header word, the longest
    unbroken word of a cell (text wraps only at spaces) and the longest cell
    printed on one line."""
    out = []
    for i, column in enumerate(table.columns):
        head = max((measure(w, True) for w in str(column).split()), default=0.0)
        texts = {cell_text(row[i]) for row in table.rows[:_SAMPLE_ROWS] if i < len(row)}
        word = max((measure(w, False) for t in texts for w in t.split()), default=0.0)
        line = max((measure(t, False) for t in texts), default=0.0)
        word = max(word, _MIN_EM)
        out.append((head, word, max(word, line)))
    return out


def column_widths(table: Table, text_width: float = PDF_TEXT_WIDTH[True], font_size: float = 7.0,
                  measure: Measure = estimate) -> list[float]:
    """Each column's width in percent of the table (summing to 100), from its content.

    A column gets at least its longest unbroken word, of the header or of a cell;
    what the page has beyond the sum of those goes to the columns whose texts
    would wrap (a column of full names), in proportion to what they lack; when
    every text fits on one line, the spare room is shared in proportion to the
    columns' widths. When not even the words fit, the longest header words are
    broken first, then the longest words of the cells."""
    if not table.columns:
        return []
    extra = _CELL_EXTRA_PT / font_size
    room = text_width / font_size
    # No column takes more than most of the page: a longer word is broken anyway.
    ems = [(min(head, room * 0.45) + extra, min(word, room * 0.45) + extra, min(line, room * 0.6) + extra)
           for head, word, line in _column_ems(table, measure)]
    least = [max(head, word) for head, word, _line in ems]
    whole = [max(lo, line) for lo, (_h, _w, line) in zip(least, ems)]
    if sum(whole) <= room:
        widths = whole
    elif sum(least) <= room:
        spare, lack = room - sum(least), [hi - lo for lo, hi in zip(least, whole)]
        widths = [lo + spare * d / sum(lack) for lo, d in zip(least, lack)]
    else:
        words = [word for _head, word, _line in ems]
        if sum(words) <= room:
            # The cells keep their words; the longest header words give way.
            cap = _cap([lo - word for lo, word in zip(least, words)], room - sum(words))
            widths = [word + min(lo - word, cap) for lo, word in zip(least, words)]
        else:
            cap = _cap(words, room)
            widths = [min(word, cap) for word in words]
    total = sum(widths)
    return [100 * w / total for w in widths]


def _cap(widths: list[float], room: float) -> float:
    """The cap that, put on the widest of ``widths``, makes them sum to ``room``."""
    rest, count = room, len(widths)
    for w in sorted(widths):
        if w * count > rest:
            return rest / count
        rest, count = rest - w, count - 1
    return max(widths, default=0.0)


def pdf_font_size(table: Table, text_width: float, measure: Measure = estimate) -> float:
    """The largest of ``PDF_FONT_SIZES`` at which every column gets its longest
    word; a table of many columns (a month of days) takes the smallest."""
    if len(table.columns) > PDF_WIDE_TABLE:
        return PDF_FONT_SIZES[-1]
    ems = _column_ems(table, measure)
    for size in PDF_FONT_SIZES:
        if sum(max(head, word) * size + _CELL_EXTRA_PT for head, word, _line in ems) <= text_width:
            return size
    return PDF_FONT_SIZES[-1]


@dataclass(frozen=True)
class _PdfTable:
    table: Table
    font_size: float
    widths: list[float]
    head: list[tuple[str, str]]  # (column, CSS class)
    chunks: list[list[list[tuple[str, str]]]]  # runs of rows of (text, CSS class)


def _css(value, shaded: bool) -> str:
    return " ".join(name for name, on in (("num", is_number(value)), ("shaded", shaded)) if on)


_VOWELS = set("аеёиоуыэюяАЕЁИОУЫЭЮЯaeiouyAEIOUY")


def hyphenate(word: str, room: float, measure: Measure) -> str:
    """A header word wider than ``room`` (em) cut into syllables that fit, each
    but the last ending in a hyphen and a space where the line may break
    («Пропущено:» → «Пропу- щено:»); a word that cannot be cut stays whole
    (pdf.html breaks it anywhere rather than print it over the next column).

    A cut falls after a vowel or between two consonants, leaves a vowel on each
    side and never puts ь, ъ or й at the start of a line."""
    pieces = []
    while measure(word, True) > room:
        cuts = [i for i in range(2, len(word) - 1)
                if word[i - 1].isalpha() and word[i].isalpha() and word[i].lower() not in "ьъй"
                and (word[i - 1] in _VOWELS or word[i] not in _VOWELS)
                and _VOWELS & set(word[:i]) and _VOWELS & set(word[i:])
                and measure(word[:i] + "-", True) <= room]
        if not cuts:
            break
        pieces.append(word[:cuts[-1]] + "-")
        word = word[cuts[-1]:]
    return " ".join([*pieces, word])


def _pdf_table(table: Table, landscape: bool, measure: Measure) -> _PdfTable:
    text_width = PDF_TEXT_WIDTH[landscape]
    size = pdf_font_size(table, text_width, measure)
    widths = column_widths(table, text_width, size, measure)
    shaded = set(table.shaded)
    rows = [[(cell_text(v), _css(v, i in shaded)) for i, v in enumerate(row)] for row in table.rows]
    chunks = [rows[i:i + PDF_ROWS_PER_TABLE] for i in range(0, len(rows), PDF_ROWS_PER_TABLE)] or [[]]
    # The room of a column's text, in em: a longer header word is hyphenated.
    rooms = [(w / 100 * text_width - _CELL_EXTRA_PT) / size for w in widths]
    head = [(" ".join(hyphenate(word, room, measure) for word in str(c).split()), _css(None, i in shaded))
            for i, (c, room) in enumerate(zip(table.columns, rooms))]
    return _PdfTable(table, size, widths, head, chunks)


def to_pdf(title: str, header: list[tuple[str, str]], tables: list[Table], organisation: str,
           landscape: bool = False) -> bytes:
    from xhtml2pdf import pisa

    from .charts import chart_images

    images = chart_images(tables)
    font_dir = Path(current_app.config["PDF_FONT_DIR"])
    measure = font_measure(font_dir) or estimate
    html = render_template("reports/pdf.html", title=title, header=header, organisation=organisation,
                           tables=[_pdf_table(t, landscape, measure) for t in tables], landscape=landscape,
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
