"""The roles of a college: the куратор and the учебная часть."""
from __future__ import annotations

from app import hookimpl
from app.core_plugin import READ_ALL, R, W
from app.registry import SCOPE_GROUPS, SCOPE_ORGANISATION, RoleSpec
from app.roles import ADMINISTRATOR, AUTHORITY_OFFICER


@hookimpl
def register_roles(host) -> list[RoleSpec]:
    # Seed 003: the curator leads a group; the учебная часть runs the schedule and
    # the journal; its head sees everything and edits nothing.
    return [
        RoleSpec("Куратор", SCOPE_GROUPS, {"Learners": W, "Guardians": W, "GuardianLinks": W, "Attendance": W,
                 "Reports": R}, "Роль преподавателя, ведущего учебную группу"),
        RoleSpec("Менеджер учебной части", SCOPE_ORGANISATION, {**READ_ALL, "Groups": W, "Subjects": W,
                 "Lessons": W, "TeachingAssignments": W, "Periods": W, "Specialties": W},
                 "Ведёт расписание, нагрузку и журнал колледжа"),
        RoleSpec("Заведующий учебной частью", SCOPE_ORGANISATION, {**READ_ALL, "Specialties": R, "Audit": R},
                 "Видит всё, ничего не изменяет"),
        RoleSpec(ADMINISTRATOR, SCOPE_ORGANISATION, {"Specialties": W}),
        RoleSpec(AUTHORITY_OFFICER, "authority", {"Specialties": R}),
    ]
