"""The roles of a college: the куратор and the учебная часть."""
from __future__ import annotations

from app import hookimpl
from app.capabilities.timetable import RESOURCES as TIMETABLE_RESOURCES
from app.core_plugin import READ_ALL, R, W
from app.registry import SCOPE_GROUPS, SCOPE_ORGANISATION, RoleSpec
from app.roles import ADMINISTRATOR, AUTHORITY_OFFICER, DEPUTY

from . import name

# The shared capabilities the учебная часть runs (the timetable, the curriculum and the
# load, the КТП, subgroups, the movement book).
TIMETABLE = [resource for resource, _ in TIMETABLE_RESOURCES]
STUDY = [*TIMETABLE, "Curriculum", "CurriculumLoad", "LessonPlans", "SubgroupSplit", "Movement", "MovementOverdue",
         "YearClosing"]
# What the head of the учебная часть does not read although he sees everything: the rights
# and accounts are the Администратор's, a diary is a family's, issuing logins is a write,
# and medical and psycho-social cards stay with their specialists unless the Администратор
# grants them (seed 002: restricted personal data).
HEAD_UNSEEN = {"Rights", "Users", "Diary", "IssueLogins", "MedicalCards", "PsychoCards"}


@hookimpl
def register_roles(host) -> list[RoleSpec]:
    # Seed 003: the curator leads a group; the учебная часть runs the schedule and
    # the journal, keeps the students' cards and enters the orders of the movement book;
    # its head sees everything and edits nothing.
    seen = {"Timetable": R, "ClassEvents": W, "Rooms": R, "Bells": R, "Holidays": R, "TransferredDays": R}
    # Every section of a college, whoever declares it (the core, this plugin's parts), so
    # that a section added later is read by the head without naming it here.
    sections = [r.name for r in host.resources.values() if r.plugin in ("core", name)]
    return [
        RoleSpec("Куратор", SCOPE_GROUPS, {"Learners": W, "Guardians": W, "GuardianLinks": W, "Attendance": W,
                 "Reports": R, **seen}, "Роль преподавателя, ведущего учебную группу"),
        RoleSpec("Менеджер учебной части", SCOPE_ORGANISATION, {**READ_ALL, "Groups": W, "Subjects": W,
                 "Lessons": W, "TeachingAssignments": W, "Periods": W, "Specialties": W,
                 **{resource: W for resource in TIMETABLE}, "Curriculum": W, "CurriculumLoad": R, "LessonPlans": R,
                 "SubgroupSplit": W, "Learners": W, "Guardians": W, "GuardianLinks": W, "Movement": W,
                 "MovementOverdue": R, "YearClosing": R},
                 "Ведёт расписание, нагрузку и журнал колледжа, карточки студентов и книгу движения"),
        RoleSpec("Заведующий учебной частью", SCOPE_ORGANISATION, {
            **READ_ALL, **{resource: R for resource in sections if resource not in HEAD_UNSEEN},
            "Specialties": R, "Audit": R, **{resource: R for resource in STUDY}}, "Видит всё, ничего не изменяет",
            runs_reports_of=(DEPUTY,)),
        RoleSpec(ADMINISTRATOR, SCOPE_ORGANISATION, {"Specialties": W}),
        RoleSpec(AUTHORITY_OFFICER, "authority", {"Specialties": R}),
    ]
