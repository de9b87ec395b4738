"""The воспитатель's role."""
from __future__ import annotations

from app import hookimpl
from app.core_plugin import R, W
from app.registry import SCOPE_GROUPS, RoleSpec


@hookimpl
def register_roles(host) -> list[RoleSpec]:
    return [RoleSpec("Воспитатель", SCOPE_GROUPS, {"Groups": R, "Learners": R, "Guardians": R, "Attendance": W,
                     "AttendanceCodes": R, "Periods": R, "Reports": R},
                     "Ведёт посещаемость своей дошкольной группы")]
