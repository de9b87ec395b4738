"""Специальности: their tables, their permission resource and their page; the page of
the study groups' specialty, year of admission and form of study, and the link carried
to the next course when the year is closed."""
from __future__ import annotations

from app import hookimpl
from app.registry import Resource

from . import name


@hookimpl
def register_models(host) -> list[type]:
    from .models import GroupSpecialty, Specialty

    return [Specialty, GroupSpecialty]


@hookimpl
def register_resources(host) -> list[Resource]:
    return [Resource("Specialties", "Специальности", name)]


@hookimpl
def extra_views(host, appbuilder) -> None:
    from app.views.catalog import CATEGORIES

    from .group_study_views import GroupStudyView
    from .views import SpecialtyView

    label, icon = CATEGORIES["Organisation"]
    appbuilder.add_view(SpecialtyView, "Specialties", label=SpecialtyView.title, category="Organisation",
                        category_label=label, category_icon=icon)
    appbuilder.add_view(GroupStudyView, "GroupStudy", label=GroupStudyView.menu_label(), category="Organisation",
                        category_label=label, category_icon=icon, href="/college/groups/")


@hookimpl
def academic_year_opened(host, session, old_year, new_year, group_map) -> None:
    """A group moved to the next course keeps its specialty, year of admission and form of study."""
    from .group_study import carry_to_next_year

    carry_to_next_year(session, group_map)
