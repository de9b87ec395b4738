from app import hookimpl
from app.registry import SCOPE_GROUPS, RoleSpec


@hookimpl
def register_roles(host) -> list[RoleSpec]:
    # The leader of an объединение keeps its journal; the core gives him logins and consents.
    return [RoleSpec("Педагог дополнительного образования", SCOPE_GROUPS,
                     {"Groups": "read", "Learners": "read", "Guardians": "read", "Periods": "read", "Lessons": "write",
                      "Marks": "write", "Attendance": "write", "FinalMarks": "write", "AttendanceCodes": "read",
                      "AssignmentTypes": "read", "Reports": "read"},
                     "Ведёт журнал своих объединений")]
