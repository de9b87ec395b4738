"""How a report is laid out: PDF columns as wide as their content (a long name
wraps in its own cell instead of printing over the days of a табель), shaded
weekends in PDF and XLSX, and the choices a report offers: the months of the
current year that have begun, and only the kinds of group a report is about."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.registry import ReportParam, Table
from app.scoping import acting_as
from tests.world import YEAR_END, YEAR_START

LONG_NAME = "Константинопольская-Преображенская Александра-Виктория Святославовна"
DAYS = 31
WEEKENDS = [d for d in range(1, DAYS + 1) if d % 7 in (0, 6)]  # column indexes of the shaded days


def _sheet(learners: int = 35) -> Table:
    """A табель of a month: the name, 31 days and a total; the first learner has the long name."""
    columns = ["ФИО", *(str(d) for d in range(1, DAYS + 1)), "Пропущено дней"]
    names = [LONG_NAME] + [f"Иванов{i} Иван Иванович" for i in range(1, learners)]
    rows = [[name, *("Б" if (d + k) % 9 == 0 else "" for d in range(1, DAYS + 1)), k % 4]
            for k, name in enumerate(names)]
    return Table("Табель учёта посещаемости детей", columns, rows, shaded=WEEKENDS)


def test_a_long_name_gets_more_width_than_a_day_and_the_widths_fill_the_table():
    from app.reports.pdf import column_widths

    widths = column_widths(_sheet())
    assert (len(widths), widths[0] > max(widths[1:DAYS + 1]), round(sum(widths), 6)) == (DAYS + 2, True, 100)


def _text_and_cells(pdf: bytes, font_dir: str) -> list[tuple[list[tuple[float, float, str]], list[float]]]:
    """Per page: the lines of 7pt table text (left x, right x, text), measured with
    the embedded font, and the left edges of the table's columns, read from the
    header row's background boxes."""
    from pypdf import PdfReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    fonts = {"DejaVuSans": "DejaVuSans.ttf", "DejaVuSans-Bold": "DejaVuSans-Bold.ttf"}
    for name, file in fonts.items():
        if f"layout-{name}" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(f"layout-{name}", f"{font_dir}/{file}"))
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        lines, boxes = [], []

        def text(value, cm, tm, font, size, lines=lines):
            base = str(font.get("/BaseFont", "")).split("+")[-1] if font else ""
            value = value.strip()
            if value and size == 7 and base in fonts:
                x = cm[4] + tm[4] * cm[0]
                lines.append((x, x + pdfmetrics.stringWidth(value, f"layout-{base}", size), value))

        def operand(op, args, cm, tm, boxes=boxes):
            if op == b"re":
                boxes.append((cm[5] + float(args[1]), cm[4] + float(args[0])))

        page.extract_text(visitor_text=text, visitor_operand_before=operand)
        if not boxes:  # the signatures alone
            continue
        top = max(y for y, _x in boxes)
        pages.append((lines, sorted({round(x, 2) for y, x in boxes if y == top})))
    return pages


def test_a_long_name_wraps_in_its_own_cell_of_a_landscape_tabel(app):
    from app.reports.pdf import to_pdf

    with app.test_request_context():
        pdf = to_pdf("Табель учёта посещаемости детей", [("Месяц", "ноябрь 2026")], [_sheet()], "Школа № 1",
                     landscape=True)
        font_dir = app.config["PDF_FONT_DIR"]
    names, over = [], []
    for lines, edges in _text_and_cells(pdf, font_dir):
        first_day = edges[1]  # the left edge of the day «1»: where the name column ends
        for left, right, value in lines:
            if edges[0] <= left < first_day:
                names.append(value)
                if right > first_day:
                    over.append(value)
    # The long name is printed whole in the name column, in lines none of which reaches the first day.
    assert (LONG_NAME in " ".join(names).replace("- ", "-"), over) == (True, [])


def _offered(app, username: str, param: ReportParam, organisation: int) -> tuple[list[tuple[str, str]], str]:
    """What ``param`` offers to ``username`` (value, label) and its default value."""
    from app.models import Account
    from app.reports.engine import choices, default_value
    from app.scoping import resolve_scope

    host = app.extensions["ejournal"]
    with app.test_request_context(), acting_as(None):
        account = db.session.scalar(select(Account).where(Account.username == username))
        with acting_as(resolve_scope(db.session, account, host)) as scope:
            offered = choices(db.session, param, {"organisation": organisation})
            default = default_value(db.session, param, scope, offered)
            return [(c.value, c.label) for c in offered], default


def _months_back(last: dt.date, first: dt.date) -> list[tuple[str, str]]:
    from app.reports.engine import MONTHS

    out, month = [], last.replace(day=1)
    while month >= first.replace(day=1):
        out.append((f"{month:%Y-%m}", f"{MONTHS[month.month - 1]} {month.year}"))
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return out


@pytest.mark.dates
def test_a_month_is_one_of_the_current_years_months_begun_the_current_first(app, world):
    with app.app_context():
        expected = _months_back(clock.today(), YEAR_START)
    offered, _default = _offered(app, "deputy1", ReportParam("month", "Месяц", "month"), world.org1)
    assert offered == expected


@pytest.mark.dates
def test_the_current_month_is_the_default(app, world):
    with app.app_context():
        current = f"{clock.today():%Y-%m}"
    assert _offered(app, "deputy1", ReportParam("month", "Месяц", "month"), world.org1)[1] == current


def test_after_the_year_its_months_are_offered_the_last_first_and_by_default(app, world):
    with clock.pinned(YEAR_END + dt.timedelta(days=45)):  # the summer after the world's year
        offered = _offered(app, "deputy1", ReportParam("month", "Месяц", "month"), world.org1)
    assert offered == (_months_back(YEAR_END, YEAR_START), f"{YEAR_END:%Y-%m}")


def test_a_group_parameter_with_kinds_offers_only_those_kinds(app, world):
    from app.models import LearnerGroup

    with app.app_context():
        group = LearnerGroup(org_id=world.org1, year_id=world.org1_year, kind="preschool_group",
                             name="Средняя группа «Солнышко»", level=4)
        db.session.add(group)
        db.session.commit()
        group_id = group.id
    param = ReportParam("group", "Группа", "group", kinds=("preschool_group",))
    offered, _default = _offered(app, "deputy1", param, world.org1)
    assert [value for value, _label in offered] == [str(group_id)]


def test_xlsx_shades_the_weekends_header_and_cells(app):
    from openpyxl import load_workbook

    from app.reports.formats import to_xlsx

    with app.app_context():
        data = to_xlsx("Табель учёта посещаемости детей", [], [_sheet(3)], "Школа № 1")
    sheet = load_workbook(io.BytesIO(data)).active
    head = next(row[0].row for row in sheet.iter_rows() if row[0].value == "ФИО")
    # Per column of the table: whether its header and its three cells are filled, all alike.
    filled = [{c.fill.fill_type == "solid" for c in column}
              for column in sheet.iter_cols(min_row=head, max_row=head + 3, max_col=DAYS + 2)]
    assert filled == [{i in WEEKENDS} for i in range(DAYS + 2)]


def test_the_page_shades_the_weekends_and_right_aligns_the_numbers(app, client, login, monkeypatch):
    """On the page: shaded columns by their <col>, numbers by the columns all of whose cells are numbers."""
    import dataclasses
    import re
    from decimal import Decimal

    host = app.extensions["ejournal"]
    spec = host.reports["school.class_fill"]
    table = Table("Табель", ["ФИО", "Всего", "Сб", "Код", "Балл"],
                  [["Иванов Иван", 3, "", "Б", Decimal("4.5")], ["Петрова Мария", 0, "", 7, None]], shaded=[2])
    monkeypatch.setitem(host.reports, spec.id, dataclasses.replace(spec, run=lambda session, params: [table]))
    login("deputy1")
    page = client.get(f"/reports/{spec.id}/?run=1").get_data(as_text=True)
    colgroup = re.search(r"<colgroup>(.*?)</colgroup>", page, re.S).group(1)
    shaded = [i for i, col in enumerate(re.findall(r"<col[^>]*>", colgroup)) if "report-shaded" in col]
    right = [int(n) - 1 for n in re.findall(r"#report-result-1 td:nth-child\((\d+)\) \{ text-align: right; \}", page)]
    assert (shaded, right) == ([2], [1, 4])
