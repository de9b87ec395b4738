"""The school's mark scale."""
from __future__ import annotations

from app import hookimpl
from app.registry import MarkScale, MarkValue

from . import name

FIVE_POINT = [
    MarkValue("5", "5 (отлично)", 5),
    MarkValue("4", "4 (хорошо)", 4),
    MarkValue("3", "3 (удовлетворительно)", 3),
    MarkValue("2", "2 (неудовлетворительно)", 2, is_failing=True),
]


@hookimpl
def register_mark_scales(host) -> list[MarkScale]:
    # Current marks 2–5 (seed 002); a final mark is never «н/а» nor «освобождён» (seed 001 5.3).
    return [MarkScale("five_point", name, "Пятибалльная", FIVE_POINT)]
