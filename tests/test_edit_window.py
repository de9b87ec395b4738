"""R1 edit window and unlocks."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from app.exceptions import RuleError
from app.services.edit_window import check_editable

NOW = dt.datetime(2026, 11, 23, 10, 0)


def unlock(**kw):
    base = dict(status="granted", group_id=1, subject_id=None, date_from=dt.date(2026, 11, 1),
                date_to=dt.date(2026, 11, 10), valid_until=None)
    return SimpleNamespace(**{**base, **kw})


def test_within_window_is_editable():
    check_editable(dt.date(2026, 11, 13), 1, 5, 10, NOW)  # day 10 after the lesson
    check_editable(NOW.date(), 1, 5, 10, NOW)


def test_after_window_refused_with_the_rule_and_date(app):
    with app.test_request_context():
        with pytest.raises(RuleError) as err:
            check_editable(dt.date(2026, 11, 12), 1, 5, 10, NOW)
        assert err.value.rule == "R1" and "22.11.2026" in str(err.value)


def test_future_lesson_refused(app):
    with app.test_request_context(), pytest.raises(RuleError):
        check_editable(dt.date(2026, 11, 24), 1, 5, 10, NOW)


def test_granted_unlock_opens_only_its_group_subject_and_dates(app):
    lesson = dt.date(2026, 11, 5)
    check_editable(lesson, 1, 5, 10, NOW, [unlock()])
    check_editable(lesson, 1, 5, 10, NOW, [unlock(subject_id=5)])
    with app.test_request_context():
        for other in [unlock(status="requested"), unlock(status="refused"), unlock(group_id=2),
                      unlock(subject_id=6), unlock(date_to=dt.date(2026, 11, 4)),
                      unlock(valid_until=dt.datetime(2026, 11, 22))]:
            with pytest.raises(RuleError):
                check_editable(lesson, 1, 5, 10, NOW, [other])
