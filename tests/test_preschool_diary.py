"""A kindergarten child's diary is the month's attendance as a calendar: no lessons,
no marks, no homework (the demo's preschool parent, read-only)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.demo import PASSWORD
from app.extensions import db
from app.models import Account, Attendance, GuardianLink, Learner
from app.scoping import acting_as

pytestmark = pytest.mark.dates  # the demo is built on the test's day: the school year's first one too


def _parent(demo_app):
    client = demo_app.test_client()
    assert client.post("/login/", data={"username": "s1-preschool-parent", "password": PASSWORD}).status_code == 302
    return client


def _child_and_stranger(demo_app):
    """The parent's kindergarten child, its latest absence (date, reason), and a child of another family."""
    with demo_app.app_context(), acting_as(None):
        person = db.session.scalar(select(Account.person_id).where(Account.username == "s1-preschool-parent"))
        child = db.session.scalar(select(GuardianLink.learner_id).where(GuardianLink.guardian_id == person))
        absence = db.session.scalar(select(Attendance).where(Attendance.learner_id == child)
                                    .order_by(Attendance.date.desc()).limit(1))
        stranger = db.session.scalar(select(Learner.id).where(Learner.group.has(kind="preschool_group"),
                                                              Learner.id != child).limit(1))
        return child, (absence.date, absence.code.name), stranger


def test_the_preschool_parent_sees_the_months_attendance_and_no_marks(demo_app):
    with demo_app.app_context():
        page = _parent(demo_app).get("/diary/").get_data(as_text=True)
    assert ('id="diary-month"' in page, "Отметки за период" in page, "уроков нет" in page, "Домашнее задание" in page,
            "отметок" in page) == (True, False, False, False, False)


def test_the_month_shows_each_absence_with_its_reason(demo_app):
    child, (day, reason), _ = _child_and_stranger(demo_app)
    with demo_app.app_context():
        page = _parent(demo_app).get(f"/diary/month?learner={child}&month={day:%Y-%m}").get_data(as_text=True)
    assert f"{day:%d.%m} — {reason}" in page


def test_another_childs_month_is_not_shown(demo_app):
    _, _, stranger = _child_and_stranger(demo_app)
    with demo_app.app_context():
        assert _parent(demo_app).get(f"/diary/month?learner={stranger}").status_code == 404


def test_the_month_shows_the_days_attended_as_the_tabel_counts_them(demo_app):
    from app import clock
    from plugins.preschool.month import group_month

    child, _, _ = _child_and_stranger(demo_app)
    month = clock.today().replace(day=1)
    with demo_app.app_context(), acting_as(None):
        learner = db.session.get(Learner, child)
        attended = len(next(c for c in group_month(db.session, learner.group, month).children
                            if c.learner.id == child).attended)
    with demo_app.app_context():
        page = _parent(demo_app).get(f"/diary/month?learner={child}&month={month:%Y-%m}").get_data(as_text=True)
    assert (f"<strong>Посещено дней:</strong> {attended}" in page, page.count('class="diary-present"')) == (
        True, attended)


def test_the_month_shows_the_parental_fee_with_the_familys_discount(demo_app):
    """The demo authority's norm is 150 roubles a day until 31 December, 165 from
    1 January; the demo parent's family is large and pays half."""
    from decimal import Decimal

    from plugins.preschool.month import group_month

    child, (day, _reason), _ = _child_and_stranger(demo_app)
    month = day.replace(day=1)  # a month with days taken, whatever today is
    with demo_app.app_context(), acting_as(None):
        learner = db.session.get(Learner, child)
        payable = len(next(c for c in group_month(db.session, learner.group, month).children
                           if c.learner.id == child).payable)
    rate = Decimal("165.00") if month.month < 9 else Decimal("150.00")
    expected = f"{payable * rate / 2:,.2f}".replace(",", "\u00a0").replace(".", ",")
    with demo_app.app_context():
        page = _parent(demo_app).get(f"/diary/month?learner={child}&month={month:%Y-%m}").get_data(as_text=True)
    # The discount is named for a month with days to pay (on the year's first day the child
    # may have been absent on the only one).
    assert (f"<strong>Родительская плата за месяц:</strong> {expected} руб." in page,
            "<strong>Льгота по родительской плате, %:</strong> 50" in page) == (True, payable > 0)
