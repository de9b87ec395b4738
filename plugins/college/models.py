"""Entities of the college: специальности and the groups trained in them."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, event, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models import Model, OrgScoped


class Specialty(OrgScoped, Model):
    """Специальность СПО (code by ФГОС, name, qualification)."""

    __tablename__ = "college_specialty"
    __scope__ = "organisation"
    __table_args__ = (UniqueConstraint("org_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), nullable=False)  # «38.02.01»
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    qualification: Mapped[str] = mapped_column(String(120), nullable=False, default="")

    def __str__(self):
        return f"{self.code} {self.name}"


# Формы обучения: code → (label, «с … формы обучения», «на …»), as an order of transfer says them.
FULL_TIME, PART_TIME, EXTRAMURAL = "full_time", "part_time", "extramural"
STUDY_FORMS = {FULL_TIME: "очная", PART_TIME: "очно-заочная", EXTRAMURAL: "заочная"}
STUDY_FORMS_FROM = {FULL_TIME: "очной", PART_TIME: "очно-заочной", EXTRAMURAL: "заочной"}
STUDY_FORMS_TO = {FULL_TIME: "очную", PART_TIME: "очно-заочную", EXTRAMURAL: "заочную"}


def expected_admission_year(year_start: int, course: int | None) -> int:
    """The year a group of ``course`` in the academic year starting ``year_start`` was admitted."""
    return year_start - max(1, int(course or 1)) + 1


class GroupSpecialty(OrgScoped, Model):
    """Which specialty a study group is trained in, since which year (год набора) and
    in which form of study (очная, очно-заочная, заочная)."""

    __tablename__ = "college_group_specialty"
    __scope__ = "group"
    __audited__ = True
    __table_args__ = (UniqueConstraint("group_id"),)
    # How the audit log («Журнал изменений») names the record and its fields.
    __label__ = "Специальность учебной группы"
    __field_labels__ = {"specialty_id": "Специальность", "admission_year": "Год набора",
                        "study_form": "Форма обучения"}

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("learner_group.id"), index=True, nullable=False)
    specialty_id: Mapped[int] = mapped_column(ForeignKey("college_specialty.id"), index=True, nullable=False)
    # Год набора: the group's course N in the academic year starting Y means Y − N + 1.
    admission_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    study_form: Mapped[str] = mapped_column(String(20), nullable=False, default=FULL_TIME, server_default=FULL_TIME)

    group = relationship("LearnerGroup")
    specialty = relationship(Specialty)

    @property
    def study_form_label(self) -> str:
        return STUDY_FORMS.get(self.study_form, self.study_form or "")


@event.listens_for(GroupSpecialty, "before_insert")
def _admission_year_by_course(mapper, connection, target) -> None:
    """A link written without its year of admission (an older import, a test's fixture)
    gets it from the group's course and academic year."""
    if target.admission_year is not None or target.group_id is None:
        return
    from app.models import AcademicYear, LearnerGroup

    found = connection.execute(
        select(AcademicYear.start, LearnerGroup.level).join(LearnerGroup, LearnerGroup.year_id == AcademicYear.id)
        .where(LearnerGroup.id == target.group_id)).first()
    if found is not None and found[0] is not None:
        target.admission_year = expected_admission_year(found[0].year, found[1])
