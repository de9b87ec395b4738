"""Специальности: their tables, their permission resource and their page."""
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

    from .views import SpecialtyView

    label, icon = CATEGORIES["Organisation"]
    appbuilder.add_view(SpecialtyView, "Specialties", label=SpecialtyView.title, category="Organisation",
                        category_label=label, category_icon=icon)
