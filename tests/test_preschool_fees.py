"""Родительская плата (plugins/preschool): the authority's norms, the children's
discounts and a month's charges, as a parent, a заведующий and the УО would check them."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.exceptions import RuleError
from app.extensions import db
from app.models import AcademicYear, Account, Attendance, AuditEntry, Learner, LearnerGroup, Organisation, Staff
from app.scoping import acting_as
from plugins.preschool.charges import add_discount, add_norm, month_charges
from plugins.preschool.fees import FeeDiscount, FeeNorm
from plugins.preschool.models import AttendanceDay
from plugins.preschool.regime import group_calendar
from tests.conftest import count_queries
from tests.test_preschool_day import kindergarten  # noqa: F401  (the fixture)
from tests.world import PASSWORD

pytestmark = pytest.mark.dates

NORMS, DISCOUNTS = "/preschool/fee-norms/", "/preschool/fee-discounts/"
REPORT = "/reports/preschool.fee_charges/"


def _group(kindergarten, key="sun") -> LearnerGroup:
    return db.session.get(LearnerGroup, kindergarten[f"{key}_group"])


def _month(group):
    """The first month of the group's year (begun whatever the world's day, so the
    report offers it) and its working days: the days before the 16th, and from it."""
    year = db.session.get(AcademicYear, group.year_id)
    start = year.start.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    days = group_calendar(db.session, group).working_days(start, end)
    before, after = [d for d in days if d.day < 16], [d for d in days if d.day >= 16]
    assert len(days) >= 20 and len(before) >= 10 and len(after) >= 5, days
    return start, days, before, after


def _norm(world, rate, start, end=None, group_type="full", authority="auth_a"):
    norm = FeeNorm(authority_id=getattr(world, authority), group_type=group_type, daily_rate=Decimal(rate),
                   valid_from=start, valid_to=end)
    db.session.add(norm)
    return norm


def _take(world, group_id, days, absences=()):
    """The days taken by the воспитатель, with ``absences`` [(learner id, day, code id)]."""
    db.session.add_all([AttendanceDay(org_id=world.org1, group_id=group_id, date=d, version=1) for d in days])
    db.session.add_all([Attendance(org_id=world.org1, learner_id=lid, lesson_id=None, date=d, code_id=code)
                        for lid, d, code in absences])


def _charge(group, month, learner_id):
    return next(c for c in month_charges(db.session, group, month) if c.learner.id == learner_id)


def test_twenty_payable_days_at_150_roubles_are_3000(app, world, kindergarten):
    with app.app_context(), acting_as(None):
        group = _group(kindergarten)
        month, days, _b, _a = _month(group)
        _norm(world, "150.00", month)
        _take(world, group.id, days[:20])
        db.session.commit()
        charge = _charge(group, month, kindergarten["sun_kids"][0])
        assert (len(charge.payable), charge.amount) == (20, Decimal("3000.00"))


def test_a_half_discount_from_the_16th_is_rounded_to_kopecks_once_at_the_end(app, world, kindergarten):
    """10 days at 137,45 and 5 days at half of it: 1374,50 + 343,625 = 1718,125 → 1718,13
    (rounding each day to 68,73 would give 1718,15)."""
    kid = kindergarten["sun_kids"][0]
    with app.app_context(), acting_as(None):
        group = _group(kindergarten)
        month, _days, before, after = _month(group)
        _norm(world, "137.45", month)
        _take(world, group.id, before[:10] + after[:5])
        db.session.add(FeeDiscount(org_id=world.org1, learner_id=kid, percent=Decimal("50"), reason="large_family",
                                   starts=month.replace(day=16)))
        db.session.commit()
        charge = _charge(group, month, kid)
        assert (charge.amount, charge.discount_text()) == (Decimal("1718.13"), f"50 с 16.{month:%m}")


def test_a_rate_change_on_the_16th_charges_each_day_at_its_own_rate(app, world, kindergarten):
    """10 days at 150,00 and 5 at 160,00: 1500,00 + 800,00."""
    with app.app_context(), acting_as(None):
        group = _group(kindergarten)
        month, _days, before, after = _month(group)
        _norm(world, "150.00", month, month.replace(day=15))
        _norm(world, "160.00", month.replace(day=16))
        _take(world, group.id, before[:10] + after[:5])
        db.session.commit()
        assert _charge(group, month, kindergarten["sun_kids"][0]).amount == Decimal("2300.00")


@pytest.mark.parametrize("charge_unexcused, expected", [(True, Decimal("1350.00")), (False, Decimal("1200.00"))])
def test_illness_is_never_charged_an_unexcused_absence_only_when_the_organisation_says_so(
        app, world, kindergarten, charge_unexcused, expected):
    """10 days taken; the child was ill one day (never charged) and away without a
    reason another (charged only with «charge_unexcused»): 9 or 8 days at 150,00."""
    kid = kindergarten["sun_kids"][0]
    with app.app_context(), acting_as(None):
        group = _group(kindergarten)
        month, days, _b, _a = _month(group)
        org = db.session.get(Organisation, world.org1)
        org.settings = {**(org.settings or {}), "preschool": {"charge_unexcused": charge_unexcused}}
        _norm(world, "150.00", month)
        _take(world, group.id, days[:10], [(kid, days[0], kindergarten["Б"]), (kid, days[1], kindergarten["ОТ"])])
        db.session.commit()
        assert _charge(group, month, kid).amount == expected


def test_a_full_exemption_charges_nothing(app, world, kindergarten):
    kid = kindergarten["sun_kids"][1]
    with app.app_context(), acting_as(None):
        group = _group(kindergarten)
        month, days, _b, _a = _month(group)
        _norm(world, "150.00", month)
        _take(world, group.id, days[:10])
        db.session.add(FeeDiscount(org_id=world.org1, learner_id=kid, percent=Decimal("100"), reason="disabled_child",
                                   starts=month))
        db.session.commit()
        assert _charge(group, month, kid).amount == Decimal("0.00")


def test_a_payable_day_without_a_norm_is_not_charged_as_zero(app, world, kindergarten):
    """The norm starts on the 16th: the days before it cannot be priced, so the month is not computed."""
    with app.app_context(), acting_as(None):
        group = _group(kindergarten)
        month, _days, before, after = _month(group)
        _norm(world, "150.00", month.replace(day=16))
        _take(world, group.id, before[:2] + after[:2])
        db.session.commit()
        charge = _charge(group, month, kindergarten["sun_kids"][0])
        assert (charge.amount, charge.unpriced) == (None, before[:2])


def test_a_discount_over_100_percent_is_refused_and_nothing_is_written(app, world, kindergarten):
    with app.app_context(), acting_as(None):
        with pytest.raises(RuleError) as refused:
            add_discount(db.session, kindergarten["sun_kids"][0], "120", "large_family", "", "2026-09-01")
        db.session.rollback()
        assert ("не больше 100 %" in refused.value.shown(),
                db.session.scalar(select(func.count(FeeDiscount.id)))) == (True, 0)


def test_an_overlapping_norm_is_refused_with_the_way_out(app, world):
    with app.app_context(), acting_as(None):
        add_norm(db.session, world.auth_a, "full", "150,00", "2026-09-01")
        db.session.commit()
        with pytest.raises(RuleError) as refused:
            add_norm(db.session, world.auth_a, "full", "160,00", "2026-11-16")
        db.session.rollback()
        assert (refused.value.shown(), db.session.scalar(select(func.count(FeeNorm.id)))) == (
            "Норматив для вида группы «Группа полного дня (10,5–12 часов)» на эти даты уже есть (с 01.09.2026, "
            "без даты окончания, 150,00 руб. в день): нормативы одного вида не должны пересекаться. "
            "Сначала завершите его днём 15.11.2026.", 1)


def test_the_officer_of_the_authority_adds_a_norm_and_it_is_audited(app, client, login, world):
    login("uo_a")
    response = client.post(f"{NORMS}add", data={"group_type": "nursery", "daily_rate": "155,50",
                                                "valid_from": "2026-09-01"})
    assert response.status_code == 302
    with app.app_context(), acting_as(None):
        norm = db.session.scalar(select(FeeNorm))
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "FeeNorm"))
        assert ((norm.authority_id, norm.group_type, norm.daily_rate),
                (entry.action, entry.username, entry.new["daily_rate"])) == (
            (world.auth_a, "nursery", Decimal("155.50")), ("insert", "uo_a", 155.5))


@pytest.fixture
def uo_b(app, world):
    """An officer of the other authority (УО Б: Школа № 3 only)."""
    with app.app_context():
        sm = current_app.appbuilder.sm
        user = sm.add_user("uo_b", "Уо", "Бэ", "uo_b@example.ru", [sm.find_role("Сотрудник УО")], PASSWORD)
        db.session.get(Account, user.id).authority_id = world.auth_b
        db.session.commit()
    return "uo_b"


def _norm_a(app, world) -> int:
    with app.app_context(), acting_as(None):
        norm = _norm(world, "150.00", dt.date(2026, 9, 1))
        db.session.commit()
        return norm.id


def test_the_other_authoritys_officer_does_not_see_the_norms(app, client, login, world, uo_b):
    _norm_a(app, world)
    login("uo_a")
    assert ">150,00</td>" in client.get(NORMS).get_data(as_text=True)
    login(uo_b)
    assert ">150,00</td>" not in client.get(NORMS).get_data(as_text=True)


def test_the_other_authoritys_officer_cannot_end_or_add_the_norms(app, client, login, world, uo_b):
    norm_id = _norm_a(app, world)
    login(uo_b)
    client.post(f"{NORMS}end", data={"norm": norm_id, "valid_to": "2026-10-31"})
    page = client.post(f"{NORMS}add", data={"authority": world.auth_a, "group_type": "short", "daily_rate": "90",
                                            "valid_from": "2026-09-01"}, follow_redirects=True)
    with app.app_context(), acting_as(None):
        assert ([(n.authority_id, n.valid_to) for n in db.session.scalars(select(FeeNorm))],
                "устанавливает орган управления образованием" in page.get_data(as_text=True)) == (
            [(world.auth_a, None)], True)


def test_the_organisations_administrator_reads_the_norms_and_cannot_write_them(app, client, login, world):
    _norm_a(app, world)
    login("admin1")
    page = client.get(NORMS).get_data(as_text=True)
    refused = client.post(f"{NORMS}add", data={"authority": world.auth_a, "group_type": "short",
                                               "daily_rate": "90", "valid_from": "2026-09-01"})
    with app.app_context(), acting_as(None):
        assert (">150,00</td>" in page, "fee-norm-add" in page, refused.status_code,
                db.session.scalar(select(func.count(FeeNorm.id)))) == (True, False, 403, 1)


@pytest.mark.parametrize("username, url", [("teacher1", NORMS), ("teacher1", DISCOUNTS), ("parent1", NORMS),
                                           ("parent1", DISCOUNTS), ("educator_sun", DISCOUNTS),
                                           ("uo_a", DISCOUNTS)])
def test_the_pages_are_closed_to_those_without_a_right(client, login, kindergarten, username, url):
    login(username)
    assert client.get(url).status_code == 403


def test_the_administrator_grants_and_ends_a_discount_and_both_are_audited(app, client, login, world, kindergarten):
    kid = kindergarten["sun_kids"][0]
    login("admin1")
    client.post(f"{DISCOUNTS}add", data={"learner": kid, "percent": "50", "reason": "svo", "note": "Справка № 12",
                                         "starts": "2026-09-01"})
    with app.app_context(), acting_as(None):
        discount_id = db.session.scalar(select(FeeDiscount.id))
    client.post(f"{DISCOUNTS}end", data={"discount": discount_id, "ends": "2026-12-31"})
    page = client.get(DISCOUNTS).get_data(as_text=True)
    with app.app_context(), acting_as(None):
        entries = db.session.execute(select(AuditEntry.action, AuditEntry.org_id, AuditEntry.new).where(
            AuditEntry.entity == "FeeDiscount").order_by(AuditEntry.id)).all()
        assert ([(a, o, n.get("percent"), n.get("ends")) for a, o, n in entries], "Алексеев Тест" in page) == (
            [("insert", world.org1, 50.0, None), ("update", world.org1, None, "2026-12-31")], True)


def test_the_administrator_of_another_organisation_does_not_see_the_discounts(app, client, login, world,
                                                                              kindergarten):
    with app.app_context(), acting_as(None):
        db.session.add(FeeDiscount(org_id=world.org1, learner_id=kindergarten["sun_kids"][0], percent=Decimal("50"),
                                   reason="large_family", starts=dt.date(2026, 9, 1)))
        db.session.commit()
        org3 = db.session.get(Organisation, world.org3)
        org3.plugins = ["school", "preschool"]  # Школа № 3 opens preschool groups of its own
        db.session.commit()
    login("admin1")
    own = client.get(DISCOUNTS).get_data(as_text=True)
    login("admin3")
    other = client.get(DISCOUNTS)
    assert ("Алексеев Тест" in own, other.status_code, "Алексеев" in other.get_data(as_text=True)) == (
        True, 200, False)


def test_the_report_gives_a_row_per_child_and_the_total(app, client, login, world, kindergarten):
    a, b, c = kindergarten["sun_kids"]
    with app.app_context(), acting_as(None):
        group = _group(kindergarten)
        month, days, _b, _a = _month(group)
        _norm(world, "150.00", month)
        _take(world, group.id, days[:10], [(b, days[0], kindergarten["Б"])])
        db.session.add(FeeDiscount(org_id=world.org1, learner_id=c, percent=Decimal("100"), reason="orphan",
                                   starts=month))
        db.session.commit()
    for username, org in (("admin1", ""), ("uo_a", f"&organisation={world.org1}")):
        login(username)
        url = f"{REPORT}?run=1&format=json&group={kindergarten['sun_group']}&month={month:%Y-%m}{org}"
        (table,) = client.get(url).get_json()
        assert [r[1:] for r in table["rows"]] == [
            ["Алексеев Тест", 10, 10, "", 1500.0, ""],
            ["Борисова Тест", 9, 9, "", 1350.0, ""],
            ["Васильев Тест", 10, 10, "100", 0.0, ""],
            ["Итого", 29, 29, "", 2850.0, ""]], username


def test_the_report_says_when_a_charge_cannot_be_computed(app, client, login, world, kindergarten):
    with app.app_context(), acting_as(None):
        group = _group(kindergarten)
        month, days, _b, _a = _month(group)
        _norm(world, "150.00", month, group_type="short")  # the group is a full-day one: no norm for it
        _take(world, group.id, days[:1])
        db.session.commit()
    login("admin1")
    url = f"{REPORT}?run=1&format=json&group={kindergarten['sun_group']}&month={month:%Y-%m}"
    (table,) = client.get(url).get_json()
    assert (table["rows"][0][5:], table["rows"][-1][5:]) == (
        [None, f"Не рассчитано: нет норматива на {days[0]:%d.%m}"], [None, "Не рассчитано детей: 3 (нет норматива)"])


def test_month_charges_run_the_same_queries_for_5_and_for_25_children(app, world):
    with app.app_context(), acting_as(None):
        s = db.session
        groups = []
        for size in (5, 25):
            educator = Staff(org_id=world.org1, last_name=f"Воспитатель{size}", first_name="Тест")
            s.add(educator)
            s.flush()
            group = LearnerGroup(org_id=world.org1, year_id=world.org1_year, kind="preschool_group",
                                 name=f"Группа {size}", level=3, leader_id=educator.id)
            s.add(group)
            s.flush()
            kids = [Learner(org_id=world.org1, last_name=f"Ребёнок{i}", first_name="Тест", group_id=group.id)
                    for i in range(size)]
            s.add_all(kids)
            s.flush()
            month, days, _b, _a = _month(group)
            _take(world, group.id, days[:10], [(kids[0].id, days[0], world.org1_code)])
            s.add_all([FeeDiscount(org_id=world.org1, learner_id=k.id, percent=Decimal("50"), reason="staff",
                                   starts=month) for k in kids[::2]])
            groups.append(group.id)
        _norm(world, "150.00", month)
        s.commit()
        counts = []
        for group_id in groups:
            month_charges(s, s.get(LearnerGroup, group_id), month)  # warm
            s.expunge_all()
            group = s.get(LearnerGroup, group_id)
            with count_queries(app) as n:
                charges = month_charges(s, group, month)
            counts.append(n["n"])
            assert len(charges) in (5, 25) and all(c.amount is not None for c in charges)
            s.expunge_all()
        assert counts[0] == counts[1]


def _scope_of(app, username):
    from app.scoping import resolve_scope

    account = db.session.scalar(select(Account).where(Account.username == username))
    return resolve_scope(db.session, account, app.extensions["ejournal"])


def test_below_the_pages_a_norm_written_by_the_organisation_is_refused(app, world):
    """The service refuses the Администратор; a norm added past it is refused at the flush."""
    from app.exceptions import ScopeError

    with app.test_request_context(), acting_as(None):
        scope = _scope_of(app, "admin1")
        with acting_as(scope):
            with pytest.raises(RuleError):
                add_norm(db.session, world.auth_a, "full", "150", "2026-09-01")
            _norm(world, "150.00", dt.date(2026, 9, 1))
            with pytest.raises(ScopeError):
                db.session.flush()
        db.session.rollback()
        assert db.session.scalar(select(func.count(FeeNorm.id))) == 0


def test_the_report_page_prints_sums_with_kopecks(app, client, login, world, kindergarten):
    with app.app_context(), acting_as(None):
        group = _group(kindergarten)
        month, days, _b, _a = _month(group)
        _norm(world, "150.00", month)
        _take(world, group.id, days[:10])
        db.session.commit()
    login("admin1")
    page = client.get(f"{REPORT}?run=1&group={kindergarten['sun_group']}&month={month:%Y-%m}").get_data(as_text=True)
    assert "<td>4\u00a0500,00</td>" in page  # 3 children × 10 days × 150 roubles
