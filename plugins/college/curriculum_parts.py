"""Учебный план специальности: its table, its permission resource, who has which right,
its page, and the scale of final marks it decides (seed 003: the учебная часть keeps
the plan; its head and the administration read it).

Rights by default (the Администратор changes them on «Права ролей»):

* «CollegeCurriculum» (Учебные планы специальностей): Менеджер учебной части writes;
  Заведующий учебной частью, Администратор, Директор and Завуч read; the Сотрудник УО
  reads, as he reads the specialties.
"""
from __future__ import annotations

from app import hookimpl
from app.core_plugin import R, W
from app.registry import SCOPE_AUTHORITY, SCOPE_ORGANISATION, Resource, RoleSpec
from app.roles import ADMINISTRATOR, AUTHORITY_OFFICER, DEPUTY, DIRECTOR

from . import name

CURRICULUM = "CollegeCurriculum"


@hookimpl
def register_models(host) -> list[type]:
    from .curriculum import CurriculumRow

    return [CurriculumRow]


@hookimpl
def register_resources(host) -> list[Resource]:
    return [Resource(CURRICULUM, "Учебные планы специальностей", name)]


@hookimpl
def register_roles(host) -> list[RoleSpec]:
    return [
        RoleSpec("Менеджер учебной части", SCOPE_ORGANISATION, {CURRICULUM: W}),
        RoleSpec("Заведующий учебной частью", SCOPE_ORGANISATION, {CURRICULUM: R}),
        RoleSpec(ADMINISTRATOR, SCOPE_ORGANISATION, {CURRICULUM: R}),
        RoleSpec(DIRECTOR, SCOPE_ORGANISATION, {CURRICULUM: R}),
        RoleSpec(DEPUTY, SCOPE_ORGANISATION, {CURRICULUM: R}),
        RoleSpec(AUTHORITY_OFFICER, SCOPE_AUTHORITY, {CURRICULUM: R}),
    ]


@hookimpl
def extra_views(host, appbuilder) -> None:
    from app.views.catalog import CATEGORIES

    from .curriculum_views import CurriculumPlanView

    label, icon = CATEGORIES["Organisation"]
    appbuilder.add_view(CurriculumPlanView, CURRICULUM, label=CurriculumPlanView.menu_label(),
                        category="Organisation", category_label=label, category_icon=icon,
                        href="/college/curriculum/")


@hookimpl
def get_final_scale(host, session, group, subject_id, period):
    from .curriculum_service import final_scale

    return final_scale(host, session, group, subject_id, period)


@hookimpl
def get_curriculum_hours(host, session, year, groups):
    from .curriculum_service import year_hours

    return year_hours(session, groups)
