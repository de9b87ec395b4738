"""The one clock: «today» is the organisation's day, times are stored in UTC, and
the day can be pinned for tests, demos and training."""
from __future__ import annotations

import datetime as dt

import pytest

from app import clock
from app.exceptions import RuleError
from app.services.edit_window import check_editable


def test_after_midnight_in_moscow_it_is_already_tomorrow(app):
    with app.app_context(), clock.pinned(dt.datetime(2027, 3, 10, 1, 30)):  # 01:30 in Moscow
        assert clock.today() == dt.date(2027, 3, 10)
        assert clock.now() == dt.datetime(2027, 3, 9, 22, 30)  # stored as UTC


def test_the_edit_window_counts_the_schools_days_not_utcs(app):
    """A lesson on 28.02, a 10-day window: at 01:30 on 11.03 in Moscow (still 10.03 in UTC) it is closed."""
    with app.app_context(), clock.pinned(dt.datetime(2027, 3, 11, 1, 30)):
        with pytest.raises(RuleError):
            check_editable(dt.date(2027, 2, 28), 1, 1, 10, clock.now())


def test_a_pinned_day_keeps_the_real_time_of_day(app):
    with app.app_context(), clock.pinned(dt.date(2027, 3, 10)):
        now = clock.local_now()
        real = dt.datetime.now(clock.timezone())
    seconds = lambda t: t.hour * 3600 + t.minute * 60 + t.second  # noqa: E731
    assert now.date() == dt.date(2027, 3, 10) and abs(seconds(real) - seconds(now)) <= 5


def test_the_configuration_pins_the_day(app):
    previous = clock._pin
    clock.pin(None)
    try:
        app.config["EJOURNAL_TODAY"] = "2027-03-10T09:30"
        with app.app_context():
            assert clock.local_now().replace(tzinfo=None) == dt.datetime(2027, 3, 10, 9, 30)
    finally:
        clock.pin(previous)


def test_an_organisation_in_samara_has_its_own_day(app, world):
    """At 23:30 in Moscow it is already tomorrow in Samara (UTC+4): the class teacher's
    «Посещаемость за день» opens on Samara's date."""
    from app.extensions import db
    from app.models import Organisation
    from tests.world import PASSWORD

    with app.app_context():
        db.session.get(Organisation, world.org1).timezone = "Europe/Samara"
        db.session.commit()
    client = app.test_client()
    with clock.pinned(dt.datetime(2026, 11, 20, 23, 30)):  # a moment in the installation's zone, Moscow
        with app.app_context():
            client.post("/login/", data={"username": "teacher1", "password": PASSWORD})
        with app.app_context():
            page = client.get("/attendance-day/").get_data(as_text=True)
    assert 'value="2026-11-21"' in page


def test_a_time_zone_that_does_not_exist_is_refused(app, client, login, world):
    from app.extensions import db
    from app.models import Organisation

    login("sysadmin")
    page = client.post(f"/organisationview/edit/{world.org1}", data={"name": "Школа № 1", "timezone": "Europe/Zarechny"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Часовой пояс «Europe/Zarechny» не найден" in page
    with app.app_context():
        assert db.session.get(Organisation, world.org1).timezone is None
