"""Restricted personal data of a learner: the medical card (Медицинский работник)
and the psycho-social card (Психолог / социальный педагог).

Both are declared through ``register_restricted_models``: the core cuts them for every user
without the card's resource (see ``app.scoping``), and the views also check
``Scope.restricted_read`` / ``restricted_write`` and log every view of a card in
the audit log («просмотр»).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from app.hookspecs import hookimpl
from app.registry import SCOPE_ORGANISATION, WRITE, Resource, RestrictedModel, RoleSpec
from app.roles import MEDIC, PSYCHOLOGIST

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

    from app.plugins import PluginHost


@hookimpl
def register_models(host: PluginHost) -> list[type]:
    from app.models.cards import HealthCondition, MedicalCard, MedicalCardCondition, PsychoCard

    return [HealthCondition, MedicalCard, MedicalCardCondition, PsychoCard]


@hookimpl
def register_resources(host: PluginHost) -> list[Resource]:
    return [Resource("MedicalCards", "Медицинские карты"),
            Resource("PsychoCards", "Психолого-педагогические карточки"),
            Resource("HealthConditions", "Справочник заболеваний")]


@hookimpl
def register_roles(host: PluginHost) -> list[RoleSpec]:
    return [RoleSpec(MEDIC, SCOPE_ORGANISATION, {"MedicalCards": WRITE, "HealthConditions": WRITE}),
            RoleSpec(PSYCHOLOGIST, SCOPE_ORGANISATION, {"PsychoCards": WRITE})]


@hookimpl
def register_restricted_models(host: PluginHost) -> list[RestrictedModel]:
    from app.models.cards import MedicalCard, MedicalCardCondition, PsychoCard

    return [RestrictedModel(MedicalCard, "MedicalCards"), RestrictedModel(MedicalCardCondition, "MedicalCards"),
            RestrictedModel(PsychoCard, "PsychoCards")]


@hookimpl
def extra_views(host: PluginHost, appbuilder: AppBuilder) -> None:
    from app.views.cards import HealthConditionView, MedicalCardView, PsychoCardView
    from app.views.catalog import CATEGORIES

    label, icon = CATEGORIES["People"]
    for view, resource in ((MedicalCardView, "MedicalCards"), (PsychoCardView, "PsychoCards")):
        appbuilder.add_view(view, resource, label=view.title, category="People", category_label=label,
                            category_icon=icon, href=f"{view.route_base}/")
    appbuilder.add_view(HealthConditionView, "HealthConditions", label=HealthConditionView.title, category="People")
