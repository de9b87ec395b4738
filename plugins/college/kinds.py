"""The college's kind of group: the учебная группа by course, and how its students move."""
from __future__ import annotations

from app import hookimpl
from app.models.movement import DEPART, ENROL, GRADUATE, LEAVE, PROMOTE, REINSTATE, RETURN, TRANSFER
from app.registry import GroupKind, MovementRules

from . import name


def transfer_note(session, from_group, to_group) -> str | None:
    """The order of a transfer between groups of different specialties says so: the
    group alone does not tell what the student now studies."""
    from sqlalchemy import select

    from .models import GroupSpecialty

    specialties = {gs.group_id: gs.specialty for gs in session.scalars(
        select(GroupSpecialty).where(GroupSpecialty.group_id.in_([from_group.id, to_group.id])))}
    old, new = specialties.get(from_group.id), specialties.get(to_group.id)
    if new is None or (old is not None and old.id == new.id):
        return None
    return f"Перевод со специальности {old} на специальность {new}" if old is not None \
        else f"Перевод на специальность {new}"


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
                      # A group keeps its name («ТМ-25», by the year of admission) from course to course.
                      movement=MOVEMENT)]
