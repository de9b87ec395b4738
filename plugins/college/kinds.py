"""The college's kind of group: the учебная группа by course, and how its students move."""
from __future__ import annotations

from app import hookimpl
from app.models.movement import DEPART, ENROL, GRADUATE, LEAVE, PROMOTE, REINSTATE, RETURN, TRANSFER
from app.registry import GroupKind, MovementRules

from . import name


def transfer_note(session, from_group, to_group) -> str | None:
    """The order of a transfer between groups of different specialties says so: the
    group alone does not tell what the student now studies; a transfer to a group of
    another form of study (очная, очно-заочная, заочная) says that as well."""
    from sqlalchemy import select

    from .group_study import form_change_note
    from .models import GroupSpecialty

    links = {gs.group_id: gs for gs in session.scalars(
        select(GroupSpecialty).where(GroupSpecialty.group_id.in_([from_group.id, to_group.id])))}
    old_link, new_link = links.get(from_group.id), links.get(to_group.id)
    old, new = (old_link.specialty if old_link else None), (new_link.specialty if new_link else None)
    notes = []
    if new is not None and (old is None or old.id != new.id):
        notes.append(f"Перевод со специальности {old} на специальность {new}" if old is not None
                     else f"Перевод на специальность {new}")
    form = form_change_note(old_link, new_link, to_group)
    if form:
        notes.append(form if not notes else form[:1].lower() + form[1:])
    return "; ".join(notes) or None


# Seed 003: a student is expelled (отчислен) with a reason, takes academic leave and comes
# back from it, or is reinstated after expulsion; a course is not repeated in the same group.
MOVEMENT = MovementRules(
    graduating_levels=(4,), graduation_note="Окончил обучение по специальности",
    orders=(ENROL, DEPART, TRANSFER, GRADUATE, LEAVE, RETURN, REINSTATE),
    labels={DEPART: "Отчисление", TRANSFER: "Перевод в другую группу", PROMOTE: "Перевод на следующий курс",
            LEAVE: "Академический отпуск", RETURN: "Выход из академического отпуска",
            REINSTATE: "Восстановление после отчисления"},
    in_group="в учебной группе", into_group="в учебную группу", other_group="другую учебную группу",
    in_no_group="ни в одной учебной группе", departure_note_missing="Укажите причину отчисления.",
    transfer_note=transfer_note)


@hookimpl
def register_group_kinds(host) -> list[GroupKind]:
    return [GroupKind("college_group", name, "Учебная группа", "Учебные группы", "Куратор", "Студент",
                      "Студенты", levels=(1, 2, 3, 4), level_name="Курс", lesson="Пара", lessons="Пары",
                      lesson_of="пары", lesson_acc="пару", lessons_of="пар", group_of="учебной группы",
                      groups_of="учебных групп", teacher="Преподаватель", teachers="Преподаватели",
                      teacher_of="преподавателя", leader_of="куратора", journal="Журнал учебной группы",
                      curriculum_hours="period", lesson_hours=2,
                      gender="f", name_acc="учебную группу", leaders="Кураторы", learner_of="студента", learners_of="студентов",
                      about_learner="о студенте", teacher_with="преподавателем", next_level="на следующий курс",
                      movement_deadlines="Сроки внесения приказов о движении студентов: зачисление и отчисление — "
                                         "в течение 2 рабочих дней; переводы срока не имеют.",
                      # A group keeps its name («ТМ-25», by the year of admission) from course to course.
                      movement=MOVEMENT)]
