"""The college's mark scales: five points, and зачёт / незачёт for final marks."""
from __future__ import annotations

from app import hookimpl
from app.registry import MarkScale, MarkValue

from . import name


@hookimpl
def register_mark_scales(host) -> list[MarkScale]:
    return [
        MarkScale("college_five_point", name, "Пятибалльная", [
            MarkValue("5", "5 (отлично)", 5), MarkValue("4", "4 (хорошо)", 4),
            MarkValue("3", "3 (удовлетворительно)", 3), MarkValue("2", "2 (неудовлетворительно)", 2, is_failing=True),
        ]),
        MarkScale("pass_fail", name, "Зачёт / незачёт", [
            MarkValue("зч", "зачёт", None), MarkValue("нз", "незачёт", None, is_failing=True),
        ], final_only=True),
    ]
