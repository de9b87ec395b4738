"""The college's kind of group: the учебная группа by course."""
from __future__ import annotations

from app import hookimpl
from app.registry import GroupKind, MovementRules

from . import name


@hookimpl
def register_group_kinds(host) -> list[GroupKind]:
    return [GroupKind("college_group", name, "Учебная группа", "Учебные группы", "Куратор", "Студент",
                      "Студенты", levels=(1, 2, 3, 4), level_name="Курс", lesson="Пара", lessons="Пары",
                      curriculum_hours="period",
                      # A group keeps its name («ТМ-25», by the year of admission) from course to course.
                      movement=MovementRules(graduating_levels=(4,), graduation_note="Окончил обучение по специальности"))]
