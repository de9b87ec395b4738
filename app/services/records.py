"""Fields whose allowed values come from the loaded plugins, checked on every write.

A group's kind and level, a period's type and a subject's plugin must name what
the organisation's plugins declare: a class of kind «abc» or of grade 14 breaks
every page that asks the plugin about it. Called by the flush guard, so the
pages, the REST API and the services are all held to it.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..exceptions import InvalidRecord
from ..models import AttendanceCode, LearnerGroup, Organisation, Period, Subject
from ..models.journal import ATTENDANCE_CATEGORIES


def _plugins_of(session, org_id) -> set[str]:
    org = session.get(Organisation, org_id) if org_id is not None else None
    return set(org.plugins or []) if org is not None else set()


def check_record(session, obj) -> None:
    host = current_app.extensions["ejournal"]
    if isinstance(obj, LearnerGroup):
        kind = host.group_kinds.get(obj.kind)
        if kind is None or kind.plugin not in _plugins_of(session, obj.org_id):
            allowed = ", ".join(sorted(k.name for k in host.group_kinds.values()
                                       if k.plugin in _plugins_of(session, obj.org_id)))
            raise InvalidRecord(_l("Вид группы «%(kind)s» в этой организации не ведётся. Возможны: %(allowed)s.",
                                   kind=obj.kind, allowed=allowed or "—"))
        if kind.levels and obj.level not in kind.levels:
            raise InvalidRecord(_l("%(level_name)s — от %(low)s до %(high)s.", level_name=kind.level_name or "Уровень",
                                   low=min(kind.levels), high=max(kind.levels)))
    elif isinstance(obj, Organisation):
        from .. import clock

        if obj.timezone and not clock.valid_timezone(obj.timezone):
            raise InvalidRecord(_l("Часовой пояс «%(tz)s» не найден: укажите его как Europe/Samara или Asia/Yekaterinburg.",
                                   tz=obj.timezone))
        from sqlalchemy import inspect

        from .organisations import inn_error, ogrn_error

        state = inspect(obj)
        for key, error in (("inn", inn_error), ("ogrn", ogrn_error)):
            # Checked when entered or changed: an old value does not block another field's change.
            if state.transient or state.pending or state.attrs[key].history.has_changes():
                problem = error(getattr(obj, key))
                if problem:
                    raise InvalidRecord(problem)
    elif isinstance(obj, Period):
        ptype = host.period_types.get(obj.type_code)
        if obj.plugin not in _plugins_of(session, obj.org_id) or ptype is None or ptype.plugin != obj.plugin:
            raise InvalidRecord(_l("Вид периода «%(type)s» не ведётся в этой организации.", type=obj.type_code))
        if obj.start and obj.end and obj.end < obj.start:
            raise InvalidRecord(_l("Период кончается раньше, чем начинается."))
    elif isinstance(obj, Subject):
        if obj.plugin and obj.plugin != "core" and obj.plugin not in _plugins_of(session, obj.org_id):
            raise InvalidRecord(_l("Предмет относится к виду организации, который здесь не ведётся."))
    elif isinstance(obj, AttendanceCode):
        if obj.category not in ATTENDANCE_CATEGORIES:
            raise InvalidRecord(_l("Неизвестная категория кода посещаемости: «%(category)s».", category=obj.category))
