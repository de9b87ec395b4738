"""A report's tables as a PDF (xhtml2pdf): column widths from their content, header
words hyphenated to fit, long tables printed as runs of tables.
"""
from __future__ import annotations

import contextlib
import io
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from flask import current_app, render_template
from flask_babel import format_datetime

from .. import clock
from ..registry import Table
from .formats import cell_text, is_number

# xhtml2pdf's table layout is super-linear in the rows of one table (NOTES.md):
# long ledgers are printed as a run of tables, the header repeated on each.
PDF_ROWS_PER_TABLE = 35

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

# The name pdf.html's font (DejaVu Sans) is registered under with ReportLab, for its metrics.
MEASURE_FONT = "EjournalMeasure"

# The width of a text in em: (text, bold) -> em.
Measure = Callable[[str, bool], float]


def estimate(text: str, bold: bool) -> float:
    """A text's width in em by its length (no font at hand)."""
    return len(text) * (_EM_HEAD if bold else _EM_BODY)


def font_measure(font_dir: str | Path) -> Measure | None:
    """The text widths of pdf.html's font (DejaVu Sans in ``font_dir``), a little
    rounded up; None when the font cannot be read."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    names = {False: MEASURE_FONT, True: f"{MEASURE_FONT}-Bold"}
    try:
        for bold, name in names.items():
            if name not in pdfmetrics.getRegisteredFontNames():
                file = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
                pdfmetrics.registerFont(TTFont(name, str(Path(font_dir) / file)))
    except Exception:  # noqa: BLE001 - no font, no metrics: the estimate does
        return None
    return lambda text, bold: pdfmetrics.stringWidth(text, names[bold], 1.03)


# Serialises the change of ReportLab's initial font (a module global) around a rendering.
_BASE_FONT_LOCK = threading.Lock()


@contextlib.contextmanager
def _base_font(name: str | None):
    """ReportLab's canvas starts every page in its base font, Helvetica, and sets it
    again before each table cell; it never embeds Helvetica, so a PDF naming it has a
    font that is not embedded. Rendered here, both take ``name`` instead (pdf.html's
    DejaVu Sans, registered by ``font_measure``)."""
    from reportlab import rl_config
    from reportlab.platypus.tables import CellStyle

    if name is None:
        yield
        return
    with _BASE_FONT_LOCK:
        before = rl_config.canvas_basefontname, CellStyle.fontname
        rl_config.canvas_basefontname = CellStyle.fontname = name
        try:
            yield
        finally:
            rl_config.canvas_basefontname, CellStyle.fontname = before


def _column_ems(table: Table, measure: Measure) -> list[tuple[float, float, float]]:
    """Per column, in em of the font: the longest header word, the longest
    unbroken word of a cell (text wraps only at spaces) and the longest cell
    printed on one line."""
    out = []
    for i, column in enumerate(table.columns):
        head = max((measure(w, True) for w in str(column).split()), default=0.0)
        texts = {cell_text(row[i]) for row in table.rows[:_SAMPLE_ROWS] if i < len(row)}
        word = max((measure(w, False) for t in texts for w in _pieces(t)), default=0.0)
        line = max((measure(t, False) for t in texts), default=0.0)
        word = max(word, _MIN_EM)
        out.append((head, word, max(word, line)))
    return out


# Where a cell's text may break: at spaces, and after the hyphen of a compound word
# («Константинопольская-|Преображенская»).
_PIECE = re.compile(r"[^\s-]+-+(?=[^\s-])|\S+")
# A line break after a hyphen: a space (xhtml2pdf does not break a word at U+200B; a
# word is broken only when wider than its column, so its pieces never share a line).
_BREAK = " "


def _pieces(text: str) -> list[str]:
    """The pieces of ``text`` no line break may cut."""
    return _PIECE.findall(text)


def breakable(text: str, room: float, measure: Measure) -> str:
    """A cell's text whose words wider than ``room`` (em) may break after their hyphens:
    a long double surname wraps after its hyphen instead of widening its column or
    being cut anywhere. A word that fits is left alone."""
    return " ".join(_BREAK.join(_pieces(word)) if "-" in word.strip("-") and measure(word, False) > room else word
                    for word in text.split(" "))


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
    # The room of a column's text, in em: a longer header word is hyphenated, a longer
    # compound word of a cell breaks after its hyphen.
    rooms = [(w / 100 * text_width - _CELL_EXTRA_PT) / size for w in widths]
    rows = [[(breakable(cell_text(v), rooms[i], measure) if i < len(rooms) else cell_text(v), _css(v, i in shaded))
             for i, v in enumerate(row)] for row in table.rows]
    chunks = [rows[i:i + PDF_ROWS_PER_TABLE] for i in range(0, len(rows), PDF_ROWS_PER_TABLE)] or [[]]
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
    with _base_font(MEASURE_FONT if measure is not estimate else None):
        result = pisa.CreatePDF(html, dest=out, encoding="utf-8", path=str(font_dir / "report.html"))
    if result.err:
        raise RuntimeError(f"xhtml2pdf: {result.err} errors")
    return out.getvalue()
