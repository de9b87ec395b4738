"""The year's mode («Режим учебного года»): which periods a class studies by, and the
halves and trimesters a saved mode asks for."""
from __future__ import annotations

from app import hookimpl


@hookimpl
def get_study_period_types(host, session, group) -> list[str] | None:
    """Quarters by default; halves or trimesters for the grades the year's mode names."""
    if group is None or group.kind != "class":
        return None
    from app.services.calendar import year_mode

    from .periods import period_type_for_level

    mode = year_mode(session, group.year_id, group.org_id)
    return [period_type_for_level(mode, group.level)] if mode is not None else None


@hookimpl
def year_mode_saved(host, session, year, mode) -> None:
    """The halves and trimesters the year's mode names get their periods."""
    from .periods import ensure_periods

    ensure_periods(session, year, mode)
