"""Curriculum and teaching load, lesson plans (КТП) and the flow of their topics into lessons."""
from __future__ import annotations

from typing import TYPE_CHECKING

from app.hookspecs import hookimpl
from app.registry import READ, SCOPE_AUTHORITY, SCOPE_GROUPS, SCOPE_ORGANISATION, TAUGHT, WRITE, Resource, RoleSpec
from app.roles import ADMINISTRATOR, AUTHORITY_OFFICER, DEPUTY, DIRECTOR, TEACHER

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder
    from sqlalchemy.orm import Session

    from app.models import AcademicYear
    from app.plugins import PluginHost


@hookimpl
def register_models(host: PluginHost) -> list[type]:
    from app.models.plans import CurriculumEntry, LessonPlan, LessonTopicLink, PlanTopic

    return [CurriculumEntry, LessonPlan, PlanTopic, LessonTopicLink]


@hookimpl
def register_resources(host: PluginHost) -> list[Resource]:
    return [Resource("Curriculum", "Учебный план", needs=TAUGHT),
            Resource("CurriculumLoad", "Нагрузка и учебный план", needs=TAUGHT),
            Resource("LessonPlans", "Календарно-тематическое планирование (КТП)", needs=TAUGHT)]


@hookimpl
def register_roles(host: PluginHost) -> list[RoleSpec]:
    # The Завуч draws up and corrects the curriculum; the teacher writes the КТП of
    # his classes, the administration reads it.
    return [
        RoleSpec(ADMINISTRATOR, SCOPE_ORGANISATION, {"Curriculum": WRITE, "CurriculumLoad": READ,
                                                         "LessonPlans": READ}),
        RoleSpec(DEPUTY, SCOPE_ORGANISATION, {"Curriculum": WRITE, "CurriculumLoad": READ, "LessonPlans": READ}),
        RoleSpec(DIRECTOR, SCOPE_ORGANISATION, {"Curriculum": READ, "CurriculumLoad": READ,
                                                  "LessonPlans": READ}),
        RoleSpec(TEACHER, SCOPE_GROUPS, {"LessonPlans": WRITE}),
        RoleSpec(AUTHORITY_OFFICER, SCOPE_AUTHORITY, {"Curriculum": READ}),
    ]


@hookimpl
def extra_views(host: PluginHost, appbuilder: AppBuilder) -> None:
    from flask_babel import lazy_gettext as _l

    from app.views.catalog import CATEGORIES
    from app.views.plans import CurriculumView, LessonPlanView, LoadCheckView

    from app.views.vocabulary import organisation_teaches_without

    # A plugin keeping its own curriculum (a college's plan of a specialty) replaces these
    # two pages in its organisations: the curriculum by level would stand there unused.
    def by_level() -> bool:
        return organisation_teaches_without("get_curriculum_hours")

    label, icon = CATEGORIES["Organisation"]
    appbuilder.add_view(CurriculumView, "Curriculum", label=_l("Учебный план"), category="Organisation",
                        category_label=label, category_icon=icon, menu_cond=by_level)
    appbuilder.add_view(LoadCheckView, "CurriculumLoad", label=_l("Нагрузка и учебный план"),
                        category="Organisation", href="/load/", menu_cond=by_level)
    journal_label, journal_icon = CATEGORIES["Journal"]
    appbuilder.add_view(LessonPlanView, "LessonPlans", label=_l("КТП (тематическое планирование)"),
                        category="Journal", category_label=journal_label, category_icon=journal_icon,
                        href="/plans/")


@hookimpl
def academic_year_opened(host: PluginHost, session: Session, old_year: AcademicYear, new_year: AcademicYear,
                         group_map: dict[int, int]) -> None:
    from app.services.plans import copy_curriculum

    copy_curriculum(session, old_year, new_year)
