"""A study group's specialty, year of admission (год набора) and form of study (очная,
очно-заочная, заочная): every write checked here, with Russian refusals (the audit log
records the link, ``GroupSpecialty.__audited__``); the link carried over to the next
course when the year is closed; the note of a transfer between forms of study.

A group of course N in the academic year starting Y was admitted in Y − N + 1: the year
of admission is computed when not given and refused when it disagrees with the course."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import clock
from app.exceptions import RuleError
from app.models import AcademicYear, LearnerGroup

from .models import (
    FULL_TIME,
    STUDY_FORMS,
    STUDY_FORMS_FROM,
    STUDY_FORMS_TO,
    GroupSpecialty,
    Specialty,
    expected_admission_year,
)

RULE = "R13"
GROUP_KINDS = ("college_group",)
# The earliest year of admission taken at all (older ones are typing errors).
FIRST_YEAR = 1950


def _id(value) -> int | None:
    try:
        return int(value) if value not in (None, "") and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def college_group(session, group_id) -> LearnerGroup:
    """The study group the user may reach, or a refusal (another organisation's group is not found)."""
    group = session.get(LearnerGroup, _id(group_id)) if _id(group_id) else None
    if group is None or group.kind not in GROUP_KINDS:
        raise RuleError(RULE, _l("Учебная группа не найдена или недоступна."))
    return group


def link_of(session, group_id: int) -> GroupSpecialty | None:
    return session.scalar(select(GroupSpecialty).where(GroupSpecialty.group_id == group_id))


def default_admission_year(session, group: LearnerGroup) -> int:
    year = session.get(AcademicYear, group.year_id)
    return expected_admission_year(year.start.year, group.level)


def save_link(session, *, group_id, specialty_id, admission_year=None, study_form=FULL_TIME,
              today=None) -> GroupSpecialty:
    """Set the specialty, year of admission and form of study of a college group (the
    link is created or changed); RuleError with a Russian message, nothing written then.
    An empty year of admission is computed from the group's course and academic year."""
    group = college_group(session, group_id)
    year = session.get(AcademicYear, group.year_id)
    if year is None or year.closed:
        raise RuleError(RULE, _l("Учебный год %(year)s закрыт: специальность и форма обучения его групп "
                                 "не изменяются.", year=year.name if year else ""))
    specialty = session.get(Specialty, _id(specialty_id)) if _id(specialty_id) else None
    if specialty is None or specialty.org_id != group.org_id:
        raise RuleError(RULE, _l("Выберите специальность из справочника организации."))
    form = (study_form or "").strip() if isinstance(study_form, str) else study_form
    if form not in STUDY_FORMS:
        raise RuleError(RULE, _l("Выберите форму обучения: очная, очно-заочная или заочная."))
    course = max(1, int(group.level or 1))
    expected = expected_admission_year(year.start.year, course)
    text = str(admission_year if admission_year is not None else "").strip()
    if not text:
        admitted = expected
    else:
        admitted = _id(text)
        if admitted is None or not FIRST_YEAR <= admitted <= 9999:
            raise RuleError(RULE, _l("Год набора — год четырьмя цифрами, например %(year)s.", year=expected))
    today = today or clock.today()
    if admitted > today.year:
        raise RuleError(RULE, _l("Год набора %(year)s ещё не наступил.", year=admitted))
    if admitted != expected:
        raise RuleError(RULE, _l(
            "Год набора %(admitted)s не согласуется с курсом: группа %(group)s в %(academic)s учебном году "
            "учится на %(course)s курсе, значит набрана в %(expected)s году. Исправьте год набора или курс группы.",
            admitted=admitted, group=group.name, academic=year.name, course=course, expected=expected))
    link = link_of(session, group.id)
    if link is None:
        link = GroupSpecialty(org_id=group.org_id, group_id=group.id)
        session.add(link)
    link.specialty_id, link.admission_year, link.study_form = specialty.id, admitted, form
    session.flush()
    return link


def carry_to_next_year(session, group_map: dict[int, int]) -> int:
    """When the year is closed: the link of each promoted group (specialty, year of
    admission, form of study) goes to its group of the next year, unless that group
    has one already (a group created ahead by hand). Returns how many were copied."""
    if not group_map:
        return 0
    old = session.scalars(select(GroupSpecialty).where(GroupSpecialty.group_id.in_(list(group_map)))
                          .order_by(GroupSpecialty.id)).all()
    linked = set(session.scalars(select(GroupSpecialty.group_id).where(
        GroupSpecialty.group_id.in_(list(group_map.values())))))
    copied = 0
    for link in old:
        target = group_map[link.group_id]
        if target in linked:
            continue
        session.add(GroupSpecialty(org_id=link.org_id, group_id=target, specialty_id=link.specialty_id,
                                   admission_year=link.admission_year, study_form=link.study_form))
        linked.add(target)
        copied += 1
    return copied


def form_change_note(old: GroupSpecialty | None, new: GroupSpecialty | None, to_group) -> str | None:
    """«Переведён с очной формы обучения на заочную, группа ЗЭБУ-25», when the forms differ."""
    if old is None or new is None or old.study_form == new.study_form \
            or old.study_form not in STUDY_FORMS or new.study_form not in STUDY_FORMS:
        return None
    return str(_l("Переведён с %(old)s формы обучения на %(new)s, группа %(group)s",
                  old=STUDY_FORMS_FROM[old.study_form], new=STUDY_FORMS_TO[new.study_form], group=to_group.name))
