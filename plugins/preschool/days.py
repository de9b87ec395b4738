"""The воспитатель's day of attendance: its table and its page («Журнал» → «Посещаемость группы»).

The page's rights are the core's resource «Attendance»: reading it opens the page,
writing it saves the day, as each role already has it on «Права ролей»."""
from __future__ import annotations

from app import hookimpl
from app.registry import HomeLink


@hookimpl
def register_models(host) -> list[type]:
    from .models import AttendanceDay, GroupRegime

    return [AttendanceDay, GroupRegime]


@hookimpl
def extra_views(host, appbuilder) -> None:
    from app.views.catalog import CATEGORIES

    from app.views.vocabulary import organisation_has_kind

    from .regime_views import GroupRegimeView
    from .views import PreschoolDayView

    def kept():  # a school or college without a preschool group has no such entries
        return organisation_has_kind("preschool_group")

    label, icon = CATEGORIES["Journal"]
    appbuilder.add_view(PreschoolDayView, "PreschoolDay", label=PreschoolDayView.menu_label(), category="Journal",
                        category_label=label, category_icon=icon, href="/preschool/day/", menu_cond=kept)
    label, icon = CATEGORIES["Organisation"]
    appbuilder.add_view(GroupRegimeView, "GroupRegime", label=GroupRegimeView.menu_label(), category="Organisation",
                        category_label=label, category_icon=icon, href="/preschool/regime/", menu_cond=kept)


@hookimpl
def extra_home_links(host, session, account, links) -> None:
    """The воспитатель opens her group's day in one tap; an organisation-wide role
    (Заведующий, Завуч) gets one link to the page, where he picks the group."""
    from flask import current_app, url_for
    from flask_babel import gettext as _

    if current_app.appbuilder.sm.level("Attendance") < 1:
        return
    from .attendance import attendance_groups

    groups = attendance_groups(session)
    if not groups:
        return
    hint = _("Отметьте, кого сегодня нет: остальные — присутствуют.")
    if len(groups) > 3:
        links.append(HomeLink(_("Посещаемость групп"), url_for("PreschoolDayView.day"), hint))
        return
    for group in groups:
        links.append(HomeLink(_("Посещаемость за сегодня: %(name)s", name=group.name),
                              url_for("PreschoolDayView.day", group=group.id), hint))
