"""Reading an uploaded table: CSV (UTF-8 or Windows-1251, «;» or «,») or XLSX, and the
pieces every kind of import shares: header matching, errors with row and column, cells.

The reading repeats ``app.services.plans.read_table`` with the limits of a whole
organisation's list (thousands of rows, not a plan's hundred topics).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..exceptions import EjournalError

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20000


class ImportFileError(EjournalError):
    """The file as a whole cannot be read (its message is shown as is)."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        return str(_l("строка %(row)s, «%(column)s»: %(message)s", row=self.row, column=self.column,
                      message=self.message))


def norm(text) -> str:
    """A header or a name as compared: lower case, «ё» as «е», single spaces, no final dot."""
    return " ".join(str(text or "").lower().replace("ё", "е").replace("\u00a0", " ").split()).rstrip(".:").strip()


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\u00a0", " ").strip()
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@") else text  # an export's inert «'=…»


def read_table(filename: str, data: bytes) -> list[tuple[int, list]]:
    """(row number, cells) of a CSV or XLSX file, numbered as the spreadsheet shows them."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(_l("Файл больше 10 МБ."))
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return _read_xlsx(data)
    if name and not name.endswith((".csv", ".txt")):
        raise ImportFileError(_l("Загрузите файл CSV или XLSX."))
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1251 decodes almost anything
        raise ImportFileError(_l("Не удалось прочитать файл: сохраните его в кодировке UTF-8 или Windows-1251."))
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    for row in reader:
        rows.append((reader.line_num, row))
        if len(rows) > MAX_ROWS + 1:
            raise ImportFileError(_l("В файле больше %(max)s строк: разделите его.", max=MAX_ROWS))
    return rows


def _read_xlsx(data: bytes) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(_l("Не удалось прочитать файл XLSX: он повреждён или это не таблица Excel.")) from None
    try:
        rows = []
        for number, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + 1:
                raise ImportFileError(_l("В файле больше %(max)s строк: разделите его.", max=MAX_ROWS))
            rows.append((number, list(row[:40])))
        return rows
    finally:
        book.close()


def match_header(header: list, columns: tuple[str, ...], synonyms: dict[str, str]) -> dict[str, int]:
    """Column name → its index in the file: names compared by ``norm``, in any order;
    ``synonyms`` maps other normalised names to a column's own."""
    known = {norm(c): c for c in columns}
    known.update({norm(k): v for k, v in synonyms.items()})
    found: dict[str, int] = {}
    for index, value in enumerate(header):
        key = norm(cell(value))
        name = known.get(key) or known.get(key.replace(" :", ":"))
        if name is not None and name not in found:
            found[name] = index
    return found


_DATE_RE = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})")
_ISO_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_date(raw: str) -> tuple[dt.date | None, str | None]:
    """«ДД.ММ.ГГГГ» (or the ISO form a spreadsheet may give) → (date, None) or (None, why not)."""
    text = raw.strip()
    if " " in text:  # «2015-03-01 00:00:00» from a spreadsheet
        text = text.split(" ", 1)[0]
    m = _DATE_RE.fullmatch(text)
    if m:
        day, month, year = (int(g) for g in m.groups())
    else:
        m = _ISO_RE.fullmatch(text)
        if not m:
            return None, str(_l("%(value)s — не дата (нужно ДД.ММ.ГГГГ)", value=raw))
        year, month, day = (int(g) for g in m.groups())
    try:
        return dt.date(year, month, day), None
    except ValueError:
        return None, str(_l("%(value)s — такой даты нет", value=raw))


def begin(rows: list[tuple[int, list]], columns: tuple[str, ...], synonyms: dict[str, str],
          required: tuple[str, ...], errors: list) -> tuple[int, dict[str, int], list[tuple[int, list]]] | None:
    """The header of a table: (its row number, column → index, the rows under it), or None
    with the errors added (an empty file, a required column missing)."""
    while rows and not any(cell(c) for c in rows[0][1]):
        rows = rows[1:]
    if not rows:
        errors.append(RowError(1, columns[0], str(_l("файл пуст"))))
        return None
    header_row, header = rows[0]
    found = match_header(header, columns, synonyms)
    for name in required:
        if name not in found:
            errors.append(RowError(header_row, name, str(_l("в заголовке нет такого столбца"))))
    if errors:
        return None
    return header_row, found, rows[1:]


def values_of(cells: list, columns: dict[str, int]) -> dict[str, str]:
    return {name: cell(cells[i]) if i < len(cells) else "" for name, i in columns.items()}


def data_rows(body: list[tuple[int, list]], columns: dict[str, int], progress=None):
    """(row number, column → text) of every row under the header that is not empty;
    ``progress`` hears of every hundred rows read, and of the rest at the end."""
    for count, (number, cells) in enumerate(body, start=1):
        if progress is not None and count % 100 == 0:
            progress(100)
        values = values_of(cells, columns)
        if any(values.values()):
            yield number, values
    if progress is not None:
        progress(len(body) % 100)


def template_csv(columns: tuple[str, ...]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerow(columns)
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(columns: tuple[str, ...], title: str, text_columns: tuple[str, ...] = ()) -> bytes:
    """An empty table with the bold header; ``text_columns`` kept as text (dates, СНИЛС,
    phones: a spreadsheet must not turn «01.09.2026» or «001-…» into something else)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(columns))
    for index, name in enumerate(columns, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(14, len(name) + 2)
        if name in text_columns:
            for row in range(2, 1002):
                sheet[f"{letter}{row}"].number_format = "@"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def number(raw: str) -> float | None:
    """«1,5», «2.25», «3» → a number; None when it is not one."""
    text = raw.replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None
