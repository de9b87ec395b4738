"""Медицинская карта and психолого-педагогическая карточка of a learner.

Kept apart from the learner's личная карточка (``app.models.Person``): they are
special categories of personal data (152-ФЗ, ст. 10), visible only to the
specialist who keeps them, or to a role the organisation's Администратор
granted the resource on «Права ролей». Values are structured (codes, dates,
flags) so that reports (дети с ОВЗ, группы здоровья) need no parsing of text.
"""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models import Model, OrgScoped
from app.models.base import Versioned

# Russian names of the columns, for the audit log (``__field_labels__``) and the pages.
LABELS = {
    "name": _l("Название"), "active": _l("Используется"), "learner_id": _l("Обучающийся"),
    "health_group": _l("Группа здоровья"), "pe_group": _l("Физкультурная группа"), "allergies": _l("Аллергии"),
    "recommendations": _l("Рекомендации"), "last_exam_on": _l("Дата последнего медосмотра"),
    "card_id": _l("Медицинская карта"), "condition_id": _l("Заболевание"), "note": _l("Примечание"),
    "noted_on": _l("Дата выявления"), "conditions": _l("Заболевания"),
    "characteristic": _l("Психолого-педагогическая характеристика"), "deviant_flags": _l("Девиантное поведение"),
    "deviant_note": _l("Девиантное поведение: примечание"), "social_status": _l("Социальное положение"),
    "social_note": _l("Социальное положение: примечание"), "school_watch_from": _l("Внутришкольный учёт: с"),
    "school_watch_to": _l("Внутришкольный учёт: по"), "pdn_from": _l("Учёт в ПДН: с"), "pdn_to": _l("Учёт в ПДН: по"),
    "kdn_from": _l("Учёт в КДН и ЗП: с"), "kdn_to": _l("Учёт в КДН и ЗП: по"), "watch_note": _l("Учёт: примечание"),
    "ovz": _l("ОВЗ"), "ovz_category": _l("Категория ОВЗ"), "pmpk_date": _l("Дата заключения ПМПК"),
    "pmpk_number": _l("Номер заключения ПМПК"), "pmpk_program": _l("Образовательная программа"),
    "pmpk_recommendation": _l("Рекомендации ПМПК"),
}


class HealthCondition(OrgScoped, Model):
    """Справочник заболеваний и состояний (миопия, сколиоз …), kept by the Медицинский работник."""

    __tablename__ = "school_health_condition"
    __scope__ = "organisation"
    __table_args__ = (UniqueConstraint("org_id", "name"),)
    __label__ = _l("Заболевание (справочник)")
    __field_labels__ = LABELS

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    def __str__(self):
        return self.name


class MedicalCard(Versioned, OrgScoped, Model):
    """Медицинская карта обучающегося: one per learner."""

    __tablename__ = "school_medical_card"
    __scope__ = "learner"
    __table_args__ = (UniqueConstraint("learner_id"),)
    __audited__ = True
    __label__ = _l("Медицинская карта")
    __field_labels__ = LABELS

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    health_group: Mapped[str | None] = mapped_column(String(3))  # I … V
    pe_group: Mapped[str | None] = mapped_column(String(20))  # services.PE_GROUPS
    allergies: Mapped[str] = mapped_column(Text, nullable=False, default="")
    recommendations: Mapped[str] = mapped_column(Text, nullable=False, default="")
    last_exam_on: Mapped[dt.date | None] = mapped_column(Date)

    learner = relationship("Learner", foreign_keys=[learner_id])
    conditions = relationship("MedicalCardCondition", back_populates="card", cascade="all, delete-orphan",
                              order_by="MedicalCardCondition.id")


class MedicalCardCondition(OrgScoped, Model):
    """A condition of the card: from the reference, with a note and the date it was noted."""

    __tablename__ = "school_medical_card_condition"
    __scope__ = "learner"
    __table_args__ = (UniqueConstraint("card_id", "condition_id"),)
    __audited__ = True
    __label__ = _l("Медицинская карта: заболевание")
    __field_labels__ = LABELS

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("school_medical_card.id"), index=True, nullable=False)
    # The learner again, so that reports and the audit log need no join through the card.
    learner_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    condition_id: Mapped[int] = mapped_column(ForeignKey("school_health_condition.id"), index=True, nullable=False)
    note: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    noted_on: Mapped[dt.date | None] = mapped_column(Date)

    card = relationship(MedicalCard, back_populates="conditions")
    condition = relationship(HealthCondition)


class PsychoCard(Versioned, OrgScoped, Model):
    """Психолого-педагогическая карточка обучающегося: one per learner."""

    __tablename__ = "school_psycho_card"
    __scope__ = "learner"
    __table_args__ = (UniqueConstraint("learner_id"),)
    __audited__ = True
    __label__ = _l("Психолого-педагогическая карточка")
    __field_labels__ = LABELS

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    characteristic: Mapped[str] = mapped_column(Text, nullable=False, default="")
    deviant_flags: Mapped[list] = mapped_column(JSON, nullable=False, default=list)  # services.DEVIANT_FLAGS
    deviant_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    social_status: Mapped[list] = mapped_column(JSON, nullable=False, default=list)  # services.SOCIAL_STATUS
    social_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # Учёт: внутришкольный (ВШУ), в ПДН, в КДН и ЗП — from / to (None: still on it).
    school_watch_from: Mapped[dt.date | None] = mapped_column(Date)
    school_watch_to: Mapped[dt.date | None] = mapped_column(Date)
    pdn_from: Mapped[dt.date | None] = mapped_column(Date)
    pdn_to: Mapped[dt.date | None] = mapped_column(Date)
    kdn_from: Mapped[dt.date | None] = mapped_column(Date)
    kdn_to: Mapped[dt.date | None] = mapped_column(Date)
    watch_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # ОВЗ and the ПМПК conclusion.
    ovz: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    ovz_category: Mapped[str | None] = mapped_column(String(20))  # services.OVZ_CATEGORIES
    pmpk_date: Mapped[dt.date | None] = mapped_column(Date)
    pmpk_number: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    pmpk_program: Mapped[str | None] = mapped_column(String(20))  # services.ADAPTED_PROGRAMS
    pmpk_recommendation: Mapped[str] = mapped_column(Text, nullable=False, default="")

    learner = relationship("Learner", foreign_keys=[learner_id])
