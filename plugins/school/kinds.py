"""The school's kind of group: the class, with its name rule and its movement book."""
from __future__ import annotations

from app import hookimpl
from app.registry import GroupKind

from . import name


@hookimpl
def register_group_kinds(host) -> list[GroupKind]:
    from .movement import RULES
    from .names import class_name_problem

    return [GroupKind("class", name, "Класс", "Классы", "Классный руководитель", "Обучающийся",
                      "Обучающиеся", levels=tuple(range(1, 12)), level_name="Параллель",
                      name_problem=class_name_problem, movement=RULES)]
