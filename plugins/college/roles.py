"""The roles of a college: the куратор and the учебная часть."""
from __future__ import annotations

from app import hookimpl
from app.capabilities.timetable import RESOURCES as TIMETABLE_RESOURCES
from app.core_plugin import READ_ALL, R, W
from app.registry import SCOPE_GROUPS, SCOPE_ORGANISATION, RoleSpec
from app.roles import ADMINISTRATOR, AUTHORITY_OFFICER


# The shared capabilities the учебная часть runs (the timetable, the curriculum and the
# load, the КТП, subgroups, the movement book).
TIMETABLE = [name for name, _ in TIMETABLE_RESOURCES]
STUDY = [*TIMETABLE, "Curriculum", "CurriculumLoad", "LessonPlans", "SubgroupSplit", "Movement", "MovementOverdue"]


@hookimpl
def register_roles(host) -> list[RoleSpec]:
    # Seed 003: the curator leads a group; the учебная часть runs the schedule and
    # the journal; its head sees everything and edits nothing.
    seen = {"Timetable": R, "ClassEvents": W, "Rooms": R, "Bells": R, "Holidays": R, "TransferredDays": R}
    return [
        RoleSpec("Куратор", SCOPE_GROUPS, {"Learners": W, "Guardians": W, "GuardianLinks": W, "Attendance": W,
                 "Reports": R, **seen}, "Роль преподавателя, ведущего учебную группу"),
        RoleSpec("Менеджер учебной части", SCOPE_ORGANISATION, {**READ_ALL, "Groups": W, "Subjects": W,
                 "Lessons": W, "TeachingAssignments": W, "Periods": W, "Specialties": W,
                 **{name: W for name in TIMETABLE}, "Curriculum": W, "CurriculumLoad": R, "LessonPlans": R,
                 "SubgroupSplit": W, "Movement": R, "MovementOverdue": R},
                 "Ведёт расписание, нагрузку и журнал колледжа"),
        RoleSpec("Заведующий учебной частью", SCOPE_ORGANISATION, {**READ_ALL, "Specialties": R, "Audit": R,
                 **{name: R for name in STUDY}}, "Видит всё, ничего не изменяет"),
        RoleSpec(ADMINISTRATOR, SCOPE_ORGANISATION, {"Specialties": W}),
        RoleSpec(AUTHORITY_OFFICER, "authority", {"Specialties": R}),
    ]
