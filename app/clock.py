"""The product's one clock: every «today» and «now» comes from here.

Journal rules are about days (the edit window, the deadline of final marks, the
days to correct «ОТ»), and a day is the organisation's, not the server's: at
01:00 in Moscow it is still yesterday in UTC. So «today» is always taken in a
time zone, and times are stored as naive UTC.

The clock can be pinned, for tests and for a demo or a training course that
should show a chosen day: ``EJOURNAL_TODAY`` in the environment (or the app's
config) names a local date, optionally with a time («2027-03-10» or
«2027-03-10T09:30»). A date alone keeps the real time of day, so a pinned demo
still moves through its day. Tests pin it with :func:`pinned`.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
from zoneinfo import ZoneInfo

from flask import current_app, g, has_app_context

DEFAULT_TIMEZONE = "Europe/Moscow"

# A pin set in code (tests, the demo builder) wins over the configuration.
_pin: dt.datetime | dt.date | None = None


def timezone(name: str | None = None) -> ZoneInfo:
    """The zone ``name``; else the organisation's of the request (set by
    :func:`use_organisation_timezone`); else the installation's (``EJOURNAL_TIMEZONE``)."""
    if not name and has_app_context():
        name = g.get("ejournal_timezone") or current_app.config.get("BABEL_DEFAULT_TIMEZONE")
    return ZoneInfo(name or os.environ.get("EJOURNAL_TIMEZONE") or DEFAULT_TIMEZONE)


def use_organisation_timezone(name: str | None) -> None:
    """For the rest of the request (or app context), the organisation's zone is ``name``."""
    if name:
        g.ejournal_timezone = name


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return False
    return "/" in name or name == "UTC"


def parse_pin(value: str | None) -> dt.datetime | dt.date | None:
    """«2027-03-10» → a date, «2027-03-10T09:30» → a local time; empty → None."""
    value = (value or "").strip()
    if not value:
        return None
    if "T" in value or " " in value:
        return dt.datetime.fromisoformat(value).replace(tzinfo=None)
    return dt.date.fromisoformat(value)


def _configured_pin() -> dt.datetime | dt.date | None:
    if _pin is not None:
        return _pin
    raw = current_app.config.get("EJOURNAL_TODAY") if has_app_context() else None
    return parse_pin(raw if raw is not None else os.environ.get("EJOURNAL_TODAY"))


def pinned_day() -> dt.date | None:
    """The pinned day, if the clock is pinned."""
    pin_ = _configured_pin()
    return pin_.date() if isinstance(pin_, dt.datetime) else pin_


def _installation_zone() -> ZoneInfo:
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or os.environ.get("EJOURNAL_TIMEZONE") or DEFAULT_TIMEZONE)


def local_now(tz: str | None = None) -> dt.datetime:
    """Now, as an aware time in the organisation's zone. A pinned time is a moment
    in the installation's zone (EJOURNAL_TIMEZONE), the same for every organisation."""
    zone = timezone(tz)
    pin = _configured_pin()
    if pin is None:
        return dt.datetime.now(zone)
    home = _installation_zone()
    if isinstance(pin, dt.datetime):
        moment = pin.replace(tzinfo=home)
    else:
        moment = dt.datetime.combine(pin, dt.datetime.now(home).time().replace(tzinfo=None), tzinfo=home)
    return moment.astimezone(zone)


def today(tz: str | None = None) -> dt.date:
    """The organisation's date now."""
    return local_now(tz).date()


def now(tz: str | None = None) -> dt.datetime:
    """Now as stored in the database: naive UTC."""
    return local_now(tz).astimezone(dt.timezone.utc).replace(tzinfo=None)


def local_wall(tz: str | None = None) -> dt.datetime:
    """Now as a naive local wall-clock time (compared with a lesson's date and bells)."""
    return local_now(tz).replace(tzinfo=None)


def utc_from_local(value: dt.datetime, tz: str | None = None) -> dt.datetime:
    """A wall-clock time of the organisation (bells, a lesson's day) as stored: naive UTC."""
    return value.replace(tzinfo=timezone(tz)).astimezone(dt.timezone.utc).replace(tzinfo=None)


def local_from_utc(value: dt.datetime, tz: str | None = None) -> dt.datetime:
    """A stored (naive UTC) time as the organisation's naive wall-clock time."""
    return value.replace(tzinfo=dt.timezone.utc).astimezone(timezone(tz)).replace(tzinfo=None)


def pin(value: dt.datetime | dt.date | None) -> None:
    """Pin the clock to a local date or time (None: the real clock again)."""
    global _pin
    _pin = value


@contextlib.contextmanager
def pinned(value: dt.datetime | dt.date):
    """Run a block with the clock pinned to ``value``."""
    previous = _pin
    pin(value)
    try:
        yield value
    finally:
        pin(previous)
