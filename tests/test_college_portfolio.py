"""Педагогическое портфолио (plugins/college, seed 003 3.4.5): the преподаватель keeps his
own, the учебная часть and the director read it, the report finds those who did not
correct it twice in the semester."""
from __future__ import annotations

import datetime as dt

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.exceptions import RuleError
from app.extensions import db
from app.models import AuditEntry, Organisation, Period, Staff
from app.scoping import acting_as
from plugins.college.portfolio import PortfolioEntry, PortfolioUpdate
from plugins.college.portfolio_service import SYSTEM_ACTOR, add_entry, current_semester, current_year
from tests.test_query_counts import assert_fixed_queries
from tests.test_russian_ui import assert_russian
from tests.world import TODAY, _user

pytestmark = pytest.mark.dates

INDEX = "/college/portfolio/"
REPORT = "/reports/college.portfolio_stale/"
PAST = TODAY - dt.timedelta(days=10)


def page_of(staff_id: int) -> str:
    return f"{INDEX}teacher/{staff_id}"


@pytest.fixture
def college(app, world):
    """Techникум № 2 with its semesters and the accounts of its two преподаватели and
    of the Заведующий учебной частью."""
    with app.app_context(), acting_as(None):
        s = db.session
        for name, start, end, order in (("1 семестр", dt.date(2026, 9, 1), dt.date(2026, 12, 28), 1),
                                        ("2 семестр", dt.date(2027, 1, 21), dt.date(2027, 6, 10), 3)):
            s.add(Period(org_id=world.org2, year_id=world.org2_year, plugin="college", type_code="semester",
                         name=name, start=start, end=end, order=order))
        s.commit()
        sm = current_app.appbuilder.sm
        org = s.get(Organisation, world.org2)
        _user(sm, "cteacher", ["Учитель"], org, person=s.get(Staff, world.org2_teacher))
        _user(sm, "cteacher2", ["Учитель"], org, person=s.get(Staff, world.org2_other_teacher))
        _user(sm, "head2", ["Заведующий учебной частью"], org)
    return world


def _entry(world, staff_key="org2_teacher", title="Курсы «Цифровая дидактика»") -> int:
    with acting_as(None):
        entry = add_entry(db.session, SYSTEM_ACTOR, getattr(world, staff_key), "courses", title, PAST.isoformat(),
                          hours="72", issuer="ИРО", document="УД-001")
        db.session.commit()
        return entry.id


def _count(model) -> int:
    with acting_as(None):
        return db.session.scalar(select(func.count(model.id)))


FORM = {"section": "courses", "title": "Курсы «Цифровая дидактика»", "date": PAST.isoformat(), "hours": "72",
        "issuer": "Институт развития образования", "document": "УД-001", "description": ""}


def test_a_teacher_adds_an_entry_and_sees_it_with_the_date_of_the_last_update(app, client, login, college):
    login("cteacher")
    assert client.get(INDEX).headers["Location"].endswith(page_of(college.org2_teacher))
    assert "Портфолио ещё не заполнялось" in client.get(page_of(college.org2_teacher)).get_data(as_text=True)
    page = client.post(f"{INDEX}add", data={**FORM, "staff": college.org2_teacher},
                       follow_redirects=True).get_data(as_text=True)
    assert ("Запись добавлена в портфолио." in page, "Курсы «Цифровая дидактика»" in page,
            f"Последнее обновление: {TODAY:%d.%m.%Y}" in page, "Институт развития образования" in page) == (
        True, True, True, True)
    assert_russian(page, "cteacher portfolio")


@pytest.mark.parametrize("change, message", [
    ({"date": "2026-13-45"}, "Дата «2026-13-45» не распознана: укажите её в виде ДД.ММ.ГГГГ."),
    ({"date": ""}, "Укажите дату записи (получения документа, события)."),
    ({"date": (TODAY + dt.timedelta(days=1)).isoformat()}, "ещё не наступила"),
    ({"title": "   "}, "Укажите название записи."),
    ({"hours": "семьдесят"}, "Количество часов — целое число, например 72."),
])
def test_bad_input_is_refused_in_russian_and_nothing_is_saved(app, client, login, college, change, message):
    login("cteacher")
    page = client.post(f"{INDEX}add", data={**FORM, **change, "staff": college.org2_teacher},
                       follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        assert (message in page, _count(PortfolioEntry), _count(PortfolioUpdate)) == (True, 0, 0)


def test_the_service_refuses_an_empty_title_with_the_rule_error(app, college):
    with app.app_context(), acting_as(None):
        with pytest.raises(RuleError) as refused:
            add_entry(db.session, SYSTEM_ACTOR, college.org2_teacher, "education", "", PAST)
        db.session.rollback()
        assert (refused.value.shown(), _count(PortfolioEntry)) == ("Укажите название записи.", 0)


def test_adding_and_changing_an_entry_are_audited(app, client, login, college):
    login("cteacher")
    client.post(f"{INDEX}add", data={**FORM, "staff": college.org2_teacher})
    with app.app_context(), acting_as(None):
        entry_id = db.session.scalar(select(PortfolioEntry.id))
    form = client.get(f"{page_of(college.org2_teacher)}?edit={entry_id}").get_data(as_text=True)
    assert ("Изменить запись" in form, 'name="hours" class="form-control" min="1" max="5000" style="width: 100px;" '
            'value="72"' in form) == (True, True)
    client.post(f"{INDEX}edit", data={**FORM, "hours": "108", "entry": entry_id, "staff": college.org2_teacher})
    with app.app_context(), acting_as(None):
        entries = db.session.execute(select(AuditEntry.action, AuditEntry.username, AuditEntry.org_id, AuditEntry.new)
                                     .where(AuditEntry.entity == "PortfolioEntry").order_by(AuditEntry.id)).all()
        assert [(a, u, o, n.get("title"), n.get("hours")) for a, u, o, n in entries] == [
            ("insert", "cteacher", college.org2, "Курсы «Цифровая дидактика»", 72),
            ("update", "cteacher", college.org2, None, 108)]


def test_the_teacher_deletes_his_entry_and_the_audit_keeps_what_it_said(app, client, login, college):
    with app.app_context():
        entry_id = _entry(college)
    login("cteacher")
    page = client.post(f"{INDEX}delete", data={"entry": entry_id, "staff": college.org2_teacher},
                       follow_redirects=True).get_data(as_text=True)
    with app.app_context(), acting_as(None):
        old = db.session.scalar(select(AuditEntry.old).where(AuditEntry.entity == "PortfolioEntry",
                                                             AuditEntry.action == "delete"))
        assert ("Запись удалена из портфолио." in page, _count(PortfolioEntry), old["title"]) == (
            True, 0, "Курсы «Цифровая дидактика»")


def test_another_teacher_can_neither_change_nor_read_the_portfolio(app, client, login, college):
    with app.app_context():
        entry_id = _entry(college)
    login("cteacher2")
    edited = client.post(f"{INDEX}edit", data={**FORM, "title": "Чужая запись", "entry": entry_id,
                                               "staff": college.org2_teacher}, follow_redirects=True)
    client.post(f"{INDEX}delete", data={"entry": entry_id, "staff": college.org2_teacher})
    added = client.post(f"{INDEX}add", data={**FORM, "staff": college.org2_teacher}, follow_redirects=True)
    with app.app_context(), acting_as(None):
        titles = list(db.session.scalars(select(PortfolioEntry.title)))
    assert (titles, "изменять чужое портфолио может только администратор" in added.get_data(as_text=True),
            "Чужая запись" in edited.get_data(as_text=True), client.get(page_of(college.org2_teacher)).status_code,
            client.get(INDEX).headers["Location"].endswith(page_of(college.org2_other_teacher))) == (
        ["Курсы «Цифровая дидактика»"], True, False, 404, True)


def test_below_the_page_a_write_into_someone_elses_portfolio_is_refused_at_the_flush(app, college):
    from app.exceptions import ScopeError
    from app.models import Account
    from app.scoping import resolve_scope

    with app.test_request_context():
        with acting_as(None):
            account = db.session.scalar(select(Account).where(Account.username == "cteacher2"))
            scope = resolve_scope(db.session, account, app.extensions["ejournal"])
        with acting_as(scope):
            db.session.add(PortfolioEntry(org_id=college.org2, staff_id=college.org2_teacher, section="education",
                                          title="Подлог", date=PAST))
            with pytest.raises(ScopeError):
                db.session.flush()
        db.session.rollback()
        assert _count(PortfolioEntry) == 0


def test_a_user_of_another_organisation_does_not_see_the_portfolio(app, client, login, college):
    with app.app_context():
        _entry(college)
    login("admin3")  # a school: no portfolio of teachers there at all
    assert client.get(page_of(college.org2_teacher)).status_code == 403
    with app.app_context(), acting_as(None):
        org3 = db.session.get(Organisation, college.org3)
        org3.plugins = ["school", "college"]  # Школа № 3 opens a college branch of its own
        db.session.commit()
    login("admin3")
    own = client.get(INDEX).get_data(as_text=True)
    # Школа № 3 has its own «Учителева»: the link must be to her, not to the техникум's.
    assert (client.get(page_of(college.org2_teacher)).status_code, page_of(college.org2_teacher) in own,
            page_of(college.org3_teacher) in own) == (404, False, True)


def test_the_head_of_the_study_department_reads_but_cannot_write(app, client, login, college):
    with app.app_context():
        entry_id = _entry(college)
    login("head2")
    listing = client.get(INDEX).get_data(as_text=True)
    page = client.get(page_of(college.org2_teacher)).get_data(as_text=True)
    refused = [client.post(f"{INDEX}add", data={**FORM, "staff": college.org2_teacher}).status_code,
               client.post(f"{INDEX}edit", data={**FORM, "entry": entry_id}).status_code,
               client.post(f"{INDEX}delete", data={"entry": entry_id}).status_code]
    with app.app_context():
        assert ("Учителева Анна Петровна" in listing, "Курсы «Цифровая дидактика»" in page,
                'id="portfolio-form"' in page, refused, _count(PortfolioEntry)) == (
            True, True, False, [403, 403, 403], 1)


def test_the_administrator_writes_a_teachers_portfolio(app, client, login, college):
    login("admin2")
    client.post(f"{INDEX}add", data={**FORM, "section": "achievements", "title": "Грамота министерства",
                                     "hours": "", "staff": college.org2_other_teacher})
    with app.app_context(), acting_as(None):
        assert db.session.execute(select(PortfolioEntry.staff_id, PortfolioEntry.section)).all() == [
            (college.org2_other_teacher, "achievements")]


def _updates(app, world, counts: dict[str, int]):
    """Corrections on ``n`` different days of the current semester, per teacher."""
    with app.app_context(), acting_as(None):
        s = db.session
        semester = current_semester(s, current_year(s, world.org2))
        for key, n in counts.items():
            s.add_all([PortfolioUpdate(org_id=world.org2, staff_id=getattr(world, key),
                                       day=semester.start + dt.timedelta(days=i),
                                       at=dt.datetime.combine(semester.start + dt.timedelta(days=i), dt.time(9)))
                       for i in range(n)])
        s.commit()


def _report_rows(client):
    (table,) = client.get(f"{REPORT}?run=1&format=json").get_json()
    return [row[1] for row in table["rows"]]


def test_the_report_lists_a_teacher_with_one_update_and_not_one_with_two(app, client, login, college):
    _updates(app, college, {"org2_teacher": 1, "org2_other_teacher": 2})
    for username in ("head2", "admin2"):
        login(username)
        assert _report_rows(client) == ["Учителева Анна Петровна"], username


def test_the_number_of_updates_is_the_organisations_rule(app, client, login, college):
    _updates(app, college, {"org2_teacher": 1, "org2_other_teacher": 2})
    with app.app_context(), acting_as(None):
        org = db.session.get(Organisation, college.org2)
        org.settings = {**(org.settings or {}), "college": {"portfolio_updates_per_semester": 3}}
        db.session.commit()
    login("head2")
    assert _report_rows(client) == ["Другова Вера", "Учителева Анна Петровна"]


def test_the_report_is_not_for_teachers(client, login, college):
    login("cteacher")
    assert client.get(f"{REPORT}?run=1&format=json").status_code in (403, 404)


def _grow_entries(app, world, n: int):
    def grow():
        with app.app_context(), acting_as(None):
            db.session.add_all([PortfolioEntry(org_id=world.org2, staff_id=world.org2_teacher,
                                               section=("education", "courses", "methodical")[i % 3],
                                               title=f"Запись {i}", date=PAST, hours=i + 1,
                                               updated_at=dt.datetime(2026, 9, 1, 9))
                                for i in range(n)])
            db.session.add_all([PortfolioUpdate(org_id=world.org2, staff_id=world.org2_teacher,
                                                day=dt.date(2025, 1, 1) + dt.timedelta(days=i),
                                                at=dt.datetime(2025, 1, 1, 9) + dt.timedelta(days=i))
                                for i in range(n)])
            db.session.commit()
    return grow


def test_the_teachers_page_runs_the_same_queries_for_2_and_for_40_entries(app, client, login, college):
    with app.app_context():
        _entry(college)
        _entry(college, title="Диплом о высшем образовании")
    login("cteacher")
    page = assert_fixed_queries(app, client, page_of(college.org2_teacher), _grow_entries(app, college, 38))
    assert 'class="pagination"' in page.get_data(as_text=True)


def test_the_list_of_teachers_runs_the_same_queries_for_2_and_for_32_teachers(app, client, login, college):
    def grow():
        with app.app_context(), acting_as(None):
            from app.models import TeachingAssignment

            staff = [Staff(org_id=college.org2, last_name=f"Преподаватель{i}", first_name="Тест") for i in range(30)]
            db.session.add_all(staff)
            db.session.flush()
            db.session.add_all([TeachingAssignment(org_id=college.org2, year_id=college.org2_year, teacher_id=t.id,
                                                   subject_id=college.org2_subject, group_id=college.org2_group,
                                                   hours_per_week=2) for t in staff])
            db.session.commit()
        _grow_entries(app, college, 5)()

    login("head2")
    page = assert_fixed_queries(app, client, INDEX, grow)
    html = page.get_data(as_text=True)
    assert "Преподавателей: 32" in html
    assert_russian(html, "head2 portfolio list")
