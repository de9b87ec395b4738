"""The preschool's kind of group: the дошкольная группа by age."""
from __future__ import annotations

from app import hookimpl
from app.models.movement import DEPART, ENROL, GRADUATE, TRANSFER
from app.registry import GroupKind, MovementRules

from . import name

# The age groups, levels 1..6 in order; an organisation renames them on «Правила
# организации» (rule setting ``level_names``, plugins/preschool/rules.py).
LEVEL_NAMES = ("Ясельная", "Первая младшая", "Вторая младшая", "Средняя", "Старшая", "Подготовительная")


@hookimpl
def register_group_kinds(host) -> list[GroupKind]:
    # Levels are age groups: 1 ясельная … 6 подготовительная.
    return [GroupKind("preschool_group", name, "Дошкольная группа", "Дошкольные группы", "Воспитатель",
                      "Воспитанник", "Воспитанники", levels=tuple(range(1, 7)), level_name="Возрастная группа",
                      level_names=LEVEL_NAMES,
                      takes_marks=False, teaches_subjects=False, lesson="Занятие", lessons="Занятия",
                      lesson_of="занятия", lesson_acc="занятие", lessons_of="занятий",
                      group_of="дошкольной группы", groups_of="дошкольных групп", teacher="Воспитатель",
                      teachers="Воспитатели", teacher_of="воспитателя", leader_of="воспитателя",
                      gender="f", name_acc="дошкольную группу", leaders="Воспитатели", learner_of="воспитанника", learners_of="воспитанников",
                      about_learner="о воспитаннике", teacher_with="воспитателем",
                      next_level="в следующую возрастную группу",
                      movement_deadlines="Сроки внесения приказов о движении воспитанников: зачисление и выбытие — "
                                         "в течение 2 рабочих дней; переводы срока не имеют.",
                      # The preparatory group leaves for school when the year is closed.
                      movement=MovementRules(graduating_levels=(6,), graduation_note="Выбыл в школу",
                                             orders=(ENROL, DEPART, TRANSFER, GRADUATE)))]
