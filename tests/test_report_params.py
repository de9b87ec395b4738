"""Parameters that fit the report and the user (issue «Ledgers a deputy signs», part 2):
a report offers only the current year's periods of the chosen group's own scheme (the
current one first), only the groups of its institution kind and of the current year;
its dates start at the current period; a ledger prints only the period asked for; a
period that is not offered (another year, another scheme) is refused in Russian."""
from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from app.extensions import db
from app.models import AcademicYear, FinalMark, LearnerGroup, Period
from app.models.timetable import SchoolYearMode
from app.scoping import acting_as
from tests.world import QUARTERS, TODAY, YEAR_START, current_quarter

pytestmark = pytest.mark.dates

NUMBER, QUARTER, QUARTER_START, QUARTER_END = current_quarter()
HALVES = [("1 полугодие", dt.date(2026, 9, 1), dt.date(2026, 12, 28)),
          ("2 полугодие", dt.date(2027, 1, 12), dt.date(2027, 5, 26))]
CLASS_RESULTS = "/reports/school.class_results/"


def _period(world, org, plugin, type_code, name, start, end, order, year=None, final=False):
    period = Period(org_id=getattr(world, org), year_id=year or getattr(world, f"{org}_year"), plugin=plugin,
                    type_code=type_code, name=name, start=start, end=end, order=order, is_final=final)
    db.session.add(period)
    db.session.flush()
    return period.id


@pytest.fixture
def school(app, world):
    """Школа № 1 with its four quarters, «Год», a 10А studying by halves (the year's mode),
    a kindergarten group with its months, and last year with a quarter and a class."""
    ids = {}
    with app.app_context(), acting_as(None):
        s = db.session
        for order, (name, start, end) in enumerate(QUARTERS, 1):
            ids[name] = world.org1_period if order == NUMBER else \
                _period(world, "org1", "school", "quarter", name, start, end, order)
        ids["Год"] = _period(world, "org1", "school", "year", "Год", YEAR_START, QUARTERS[-1][2], 5, final=True)
        for order, (name, start, end) in enumerate(HALVES, 1):
            ids[name] = _period(world, "org1", "school", "half", name, start, end, order)
        s.add(SchoolYearMode(org_id=world.org1, year_id=world.org1_year, week_days=5, half_levels="10, 11"))
        tenth = LearnerGroup(org_id=world.org1, year_id=world.org1_year, kind="class", name="10А", level=10)
        kids = LearnerGroup(org_id=world.org1, year_id=world.org1_year, kind="preschool_group", name="Солнышко",
                            level=3)
        last = AcademicYear(org_id=world.org1, name="2025/2026", start=dt.date(2025, 9, 1), end=dt.date(2026, 6, 30))
        s.add_all([tenth, kids, last])
        s.flush()
        old_class = LearnerGroup(org_id=world.org1, year_id=last.id, kind="class", name="4А", level=4)
        s.add(old_class)
        ids["old quarter"] = _period(world, "org1", "school", "quarter", "2 четверть", dt.date(2025, 11, 5),
                                     dt.date(2025, 12, 28), 2, year=last.id)
        month = dt.date(2026, 9, 1)
        for order in range(1, 11):
            following = (month + dt.timedelta(days=32)).replace(day=1)
            _period(world, "org1", "preschool", "month", f"Месяц {order}", month, following - dt.timedelta(days=1),
                    order)
            month = following
        # 5А's final marks: «5» for the current quarter (the world's), «3» for another quarter.
        other = next(ids[name] for name, *_ in QUARTERS if ids[name] != world.org1_period)
        s.add(FinalMark(org_id=world.org1, learner_id=world.org1_sibling, subject_id=world.org1_subject,
                        period_id=other, value="3"))
        s.commit()
        ids.update(tenth=tenth.id, kids=kids.id, old_class=old_class.id, other_quarter=other)
    return ids


def _select(page: str, name: str) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of the options of the form's select ``name``."""
    block = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.DOTALL).group(0)
    return [(v, html.unescape(label), bool(sel)) for v, sel, label in
            re.findall(r'<option value="([^"]*)" ?(selected)?>([^<]*)</option>', block)]


def _labels(page, name):
    return [label.split(" (")[0] for _v, label, _s in _select(page, name)]


def _xlsx_text(client, url) -> str:
    import io

    from openpyxl import load_workbook

    response = client.get(url + ("" if "format=" in url else "&format=xlsx"))
    assert response.status_code == 200 and "spreadsheetml" in response.content_type, url
    book = load_workbook(io.BytesIO(response.data))
    return "\n".join(str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row
                     if c.value is not None)


def _current_first(names: list[str], current: str) -> list[str]:
    return [current] + [n for n in names if n != current]


def test_class_results_offer_the_current_years_quarters_of_the_class_current_first(client, login, world, school):
    login("deputy1")
    page = client.get(CLASS_RESULTS + f"?group={world.org1_group}").get_data(as_text=True)
    quarters = [name for name, *_ in QUARTERS]
    assert _labels(page, "period") == _current_first(quarters, QUARTER)
    periods = _select(page, "period")
    assert periods[0][2] and periods[0][0] == str(world.org1_period)  # the current quarter is the one selected
    assert str(school["old quarter"]) not in [v for v, *_ in periods]  # not last year's
    assert all("(2026/2027)" in label for _v, label, _s in periods)
    # Classes of this year only: no kindergarten group, no last year's class.
    assert _labels(page, "group") == ["5А", "6Б", "10А"]


def test_the_first_class_decides_the_periods_when_none_is_chosen(client, login, world, school):
    login("deputy1")
    page = client.get(CLASS_RESULTS).get_data(as_text=True)
    assert _select(page, "group")[0][1].startswith("5А")
    assert _labels(page, "period") == _current_first([name for name, *_ in QUARTERS], QUARTER)


def test_a_tenth_class_in_halves_gets_halves(client, login, world, school):
    login("deputy1")
    page = client.get(CLASS_RESULTS + f"?group={school['tenth']}").get_data(as_text=True)
    current = HALVES[1][0] if TODAY >= HALVES[1][1] else HALVES[0][0]  # the winter holidays: the half just ended
    assert _labels(page, "period") == _current_first([name for name, *_ in HALVES], current)


def test_the_engine_offers_the_same_as_the_form(app, world, school):
    from app.registry import ReportParam
    from app.reports.engine import choices

    with app.test_request_context(), acting_as(None):
        period = ReportParam("period", "Период", "period")
        by_class = choices(db.session, period, {"organisation": world.org1, "group": world.org1_group})
        by_tenth = choices(db.session, period, {"organisation": world.org1, "group": school["tenth"]})
        by_kids = choices(db.session, period, {"organisation": world.org1, "group": school["kids"]})
    assert by_class[0].label.split(" (")[0] == QUARTER and len(by_class) == 4
    assert {c.label.split(" (")[0] for c in by_tenth} == {name for name, *_ in HALVES}
    assert len(by_kids) == 10 and all(c.label.startswith("Месяц") for c in by_kids)
    assert by_kids[0].label.split(" (")[0] == f"Месяц {(TODAY.year - 2026) * 12 + TODAY.month - 8}"


def test_a_period_of_another_year_is_refused_in_russian(client, login, world, school):
    login("deputy1")
    page = client.get(CLASS_RESULTS + f"?run=1&group={world.org1_group}&period={school['old quarter']}")
    text = html.unescape(page.get_data(as_text=True))
    assert "«Период»: такой период не предлагается — он из другого учебного года" in text
    assert "report-table" not in text


def test_a_period_of_another_scheme_is_refused(client, login, world, school):
    login("deputy1")
    half = school[HALVES[0][0]]
    text = html.unescape(client.get(CLASS_RESULTS + f"?run=1&group={world.org1_group}&period={half}")
                         .get_data(as_text=True))
    assert "такой период не предлагается" in text and "report-table" not in text
    text = html.unescape(client.get(CLASS_RESULTS + f"?run=1&group={school['tenth']}&period={half}")
                         .get_data(as_text=True))
    assert "такой период не предлагается" not in text and "report-table" in text


def test_a_last_years_class_is_not_offered(client, login, world, school):
    login("deputy1")
    text = html.unescape(client.get(CLASS_RESULTS + f"?run=1&group={school['old_class']}").get_data(as_text=True))
    assert "«Класс»: значение не найдено или вам недоступно." in text


def test_the_tabel_offers_preschool_groups_and_months(client, login, world, school):
    login("deputy1")
    page = client.get("/reports/preschool.attendance_sheet/").get_data(as_text=True)
    assert _labels(page, "group") == ["Солнышко"]
    months = _select(page, "month")
    assert months and months[0][0] == f"{TODAY:%Y-%m}" and 'name="period"' not in page


def test_the_college_ledger_offers_semesters_and_the_year(app, client, login, world):
    with app.app_context(), acting_as(None):
        for order, (name, start, end) in enumerate([("1 семестр", YEAR_START, dt.date(2026, 12, 31)),
                                                    ("2 семестр", dt.date(2027, 1, 12), QUARTERS[-1][2])], 1):
            _period(world, "org2", "college", "semester", name, start, end, order)
        _period(world, "org2", "college", "session", "Зимняя сессия", dt.date(2027, 1, 1), dt.date(2027, 1, 11), 3,
                final=True)
        _period(world, "org2", "college", "college_year", "Учебный год", YEAR_START, QUARTERS[-1][2], 4, final=True)
        db.session.commit()
    login("admin2")
    page = client.get(f"/reports/college.group_ledger/?group={world.org2_group}").get_data(as_text=True)
    current = "2 семестр" if TODAY >= dt.date(2027, 1, 12) else "1 семестр"  # in the session: the one just ended
    assert _labels(page, "period") == _current_first(["1 семестр", "2 семестр"], current) + ["Учебный год"]
    assert _labels(page, "group") == ["5А", "6Б"]
    page = client.get("/reports/college.debts/").get_data(as_text=True)
    assert _labels(page, "period") == ["Зимняя сессия"]


def test_the_authority_summary_starts_at_the_current_period_and_runs_without_dates(client, login, world):
    login("uo_a")
    page = client.get("/reports/core.authority_summary/").get_data(as_text=True)
    assert f'name="dates_from" value="{QUARTER_START.isoformat()}"' in page
    assert f'name="dates_to" value="{QUARTER_END.isoformat()}"' in page
    page = html.unescape(client.get("/reports/core.authority_summary/?run=1").get_data(as_text=True))
    assert "ГГГГ-ММ-ДД" not in page and "report-table" in page
    assert f"{QUARTER_START:%d.%m.%Y} — {QUARTER_END:%d.%m.%Y}" in _xlsx_text(client, "/reports/core.authority_summary/?run=1")


def test_monitoring_dates_default_to_the_schools_quarter_not_a_preschool_month(app, world, school):
    from app.reports.engine import current_dates

    with app.test_request_context(), acting_as(None):
        assert current_dates(db.session, world.org1) == (QUARTER_START, QUARTER_END)


def test_a_single_date_defaults_to_today(client, login, world):
    login("deputy1")
    page = client.get("/reports/school.material_covered/").get_data(as_text=True)
    assert f'name="date" value="{TODAY.isoformat()}"' in page


def test_the_attainment_ledger_prints_only_the_quarter_asked_for(client, login, world, school):
    login("deputy1")
    url = f"/reports/school.ledger/?group={world.org1_group}&period={world.org1_period}&run=1&format=json"
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    tables = response.get_json()
    assert [t["title"] for t in tables] == [QUARTER]
    (table,) = tables
    rows = {r[0]: r[1:] for r in table["rows"]}
    assert rows["Иванов Иван"] == [5] and rows["Петрова Мария"] == [None]  # the other quarter's «3» is not here
    page = html.unescape(client.get(url.replace("&format=json", "")).get_data(as_text=True))
    assert "полугодие" not in page.split("report-table", 1)[1]
    assert f"{QUARTER} (2026/2027)" in _xlsx_text(client, url.replace("format=json", "format=xlsx"))  # the header
    other = client.get(url.replace(f"period={world.org1_period}", f"period={school['other_quarter']}")).get_json()
    assert [t["title"] for t in other] != [QUARTER] and len(other) == 1
    assert {r[0]: r[1:] for r in other[0]["rows"]}["Петрова Мария"] == [3]


def test_the_attainment_ledger_defaults_to_the_current_quarter(client, login, world, school):
    login("deputy1")
    tables = client.get(f"/reports/school.ledger/?group={world.org1_group}&run=1&format=json").get_json()
    assert [t["title"] for t in tables] == [QUARTER]


def test_the_year_results_offer_only_the_year(client, login, world, school):
    login("deputy1")
    page = client.get(f"/reports/school.year_results/?group={world.org1_group}").get_data(as_text=True)
    assert _labels(page, "period") == ["Год"]


def test_group_parameters_declare_their_kinds(app):
    host = app.extensions["ejournal"]
    for spec in host.reports.values():
        for param in spec.params:
            if param.kind == "group":
                assert param.kinds, spec.id
                assert {host.group_kinds[k].plugin for k in param.kinds} == {spec.plugin}, spec.id
    order = [p.kind for p in host.reports["school.class_results"].params]
    assert order.index("group") < order.index("period")

