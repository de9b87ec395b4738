"""Учебный план специальности: per semester, its disciplines, МДК, professional modules
and practices, their hours and the form of attestation (seed 003).

Written only through ``curriculum_service``; read by the page, by the check of the
teaching load and by the journal, which asks the form for the scale of a final mark."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models import Model, OrgScoped

# What a row of the plan is. A professional module (ПМ) gathers its МДК and practices.
KINDS = {
    "discipline": _l("Дисциплина"),
    "mdk": _l("МДК"),
    "module": _l("Профессиональный модуль (ПМ)"),
    "training_practice": _l("Учебная практика"),
    "work_practice": _l("Производственная практика"),
}
MODULE = "module"
IN_MODULE = ("mdk", "training_practice", "work_practice")

# The forms of промежуточная аттестация in a semester.
FORMS = {
    "none": _l("Нет"),
    "exam": _l("Экзамен"),
    "credit": _l("Зачёт"),
    "graded_credit": _l("Дифференцированный зачёт"),
    "course_work": _l("Курсовая работа (проект)"),
    "qualifying_exam": _l("Экзамен квалификационный"),
}
PASS_FAIL_FORMS = ("credit",)  # marked «зч» / «нз», not on the five-point scale

# A college trains 2 to 4 years (courses 1–4): two semesters a course.
MAX_SEMESTER = 8
MAX_HOURS = 2000


class CurriculumRow(OrgScoped, Model):
    """One discipline (МДК, module, practice) of a specialty's plan in one semester."""

    __tablename__ = "college_curriculum_row"
    __scope__ = "organisation"
    __audited__ = True
    __table_args__ = (UniqueConstraint("specialty_id", "semester", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    specialty_id: Mapped[int] = mapped_column(ForeignKey("college_specialty.id"), index=True, nullable=False)
    semester: Mapped[int] = mapped_column(Integer, nullable=False)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="discipline")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("college_curriculum_row.id"), index=True)
    classroom_hours: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    self_study_hours: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    attestation: Mapped[str] = mapped_column(String(20), nullable=False, default="none")

    specialty = relationship("Specialty")
    subject = relationship("Subject")
    parent = relationship("CurriculumRow", remote_side=[id])

    def __str__(self):
        return f"{self.semester} — {self.subject.name if self.subject else self.subject_id}"
