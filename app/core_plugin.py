"""What the core itself contributes through the plugin hooks: its resources,
the roles common to every kind of organisation, attendance codes.

Registered by the host under the name "core" before any plugin, like pytest's
built-in plugins: plugins extend or widen these declarations.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .hookspecs import hookimpl
from .registry import (
    NONE, READ, SCOPE_AUTHORITY, SCOPE_CHILDREN, SCOPE_GROUPS, SCOPE_ORGANISATION, SCOPE_SELF, WRITE, PluginInfo,
    ReportSpec, Resource, RoleSpec, RuleSetting,
)
from .roles import (
    ADMINISTRATOR, AUTHORITY_OFFICER, CLASS_TEACHER, DEPUTY, DIRECTOR, HR, LEARNER, MEDIC, PARENT, PSYCHOLOGIST,
    SECRETARY, TEACHER, TECHNICIAN,
)

if TYPE_CHECKING:
    from .plugins import PluginHost

R, W = READ, WRITE

RESOURCES = [
    ("Organisations", "Организации"),
    ("AcademicYears", "Учебные годы"),
    ("Periods", "Учебные периоды"),
    ("Groups", "Классы и группы"),
    ("Subgroups", "Подгруппы"),
    ("Subjects", "Предметы"),
    ("TeachingAssignments", "Педагогическая нагрузка"),
    ("Staff", "Сотрудники"),
    ("Learners", "Обучающиеся"),
    ("Guardians", "Законные представители"),
    ("GuardianLinks", "Связи с представителями"),
    ("Lessons", "Уроки"),
    ("AssignmentTypes", "Виды работ"),
    ("Marks", "Отметки"),
    ("AttendanceCodes", "Коды посещаемости"),
    ("Attendance", "Посещаемость"),
    ("FinalMarks", "Итоговые отметки"),
    ("Users", "Учётные записи"),
    ("Rights", "Права ролей"),
    ("RuleSettings", "Правила организации"),
    ("Audit", "Журнал изменений"),
    ("Diary", "Дневник"),
    ("Reports", "Отчёты"),
    ("Unlocks", "Разблокировка журнала и замещения"),
    ("Announcements", "Доска объявлений"),
    ("Mail", "Внутренняя почта и уведомления"),
    ("IssueLogins", "Выдача логинов"),
    ("Consents", "Согласия на обработку ПД"),
]

ALL = [name for name, _ in RESOURCES]
READ_ALL = {name: R for name in ALL if name not in {"Audit", "Rights", "Users", "Diary", "Unlocks", "IssueLogins",
                                                     "Consents"}}

# Who does what is taken from seeds 001–004 (duties of each role); the
# Администратор of an organisation changes it on «Права ролей».
CORE_ROLES = [
    RoleSpec(ADMINISTRATOR, SCOPE_ORGANISATION, {**{n: W for n in ALL if n not in {"Audit", "Diary", "Organisations"}},
             "Audit": R, "Organisations": R}, "Ведёт систему в организации, выдаёт учётные записи, настраивает права"),
    RoleSpec(DIRECTOR, SCOPE_ORGANISATION, {**READ_ALL}, "Контролирует работу организации"),
    RoleSpec(DEPUTY, SCOPE_ORGANISATION, {**READ_ALL, "AcademicYears": W, "Periods": W, "Groups": W, "Subgroups": W,
             "Subjects": W, "TeachingAssignments": W, "Lessons": W, "AssignmentTypes": W, "Audit": R, "Unlocks": W},
             "Заместитель директора: контроль журнала, расписание, нагрузка"),
    RoleSpec(TEACHER, SCOPE_GROUPS, {"Groups": R, "Subgroups": R, "Subjects": R, "Learners": R, "Periods": R,
             "AcademicYears": R, "TeachingAssignments": R, "Lessons": W, "Marks": W, "Attendance": W,
             "FinalMarks": W, "AssignmentTypes": R, "AttendanceCodes": R, "Staff": R, "Reports": R},
             "Ведёт журнал своих классов и групп"),
    RoleSpec(CLASS_TEACHER, SCOPE_GROUPS, {"Learners": W, "Guardians": W, "GuardianLinks": W,
             "Attendance": W, "Subgroups": W, "Reports": R},
             "Роль учителя, ведущего класс: назначается через класс, а не отдельной учётной записью"),
    RoleSpec(SECRETARY, SCOPE_ORGANISATION, {**READ_ALL, "Learners": W, "Guardians": W, "GuardianLinks": W,
             "Staff": W, "Users": W}, "Ведёт личные дела и книгу движения, выдаёт логины"),
    RoleSpec(HR, SCOPE_ORGANISATION, {"Staff": W, "Users": W, "Organisations": R},
             "Ведёт карточки сотрудников"),
    RoleSpec(PSYCHOLOGIST, SCOPE_ORGANISATION, {"Learners": R, "Groups": R, "Guardians": R},
             "Ведёт психолого-педагогические карточки"),
    RoleSpec(MEDIC, SCOPE_ORGANISATION, {"Learners": R, "Groups": R},
             "Ведёт медицинские карточки"),
    RoleSpec(TECHNICIAN, SCOPE_ORGANISATION, {"Organisations": R}, "Доступ к объявлениям и почте"),
    RoleSpec(LEARNER, SCOPE_SELF, {"Diary": R}, "Видит только свой дневник", staff=False),
    RoleSpec(PARENT, SCOPE_CHILDREN, {"Diary": R}, "Видит дневник только своих детей", staff=False),
    RoleSpec(AUTHORITY_OFFICER, SCOPE_AUTHORITY, {**READ_ALL, "Diary": R},
             "Орган управления образованием: видит свои организации только для чтения"),
]
# Announcements and internal mail (seeds 002, 004): the administration, the secretary and
# the psychologist post for anyone; a teacher posts only for the groups he leads
# (app/services/announcements.py); everyone of an organisation uses the mail.
CORE_ROLES += [RoleSpec(name, scope, perms, staff=staff) for name, scope, perms, staff in [
    (DIRECTOR, SCOPE_ORGANISATION, {"Announcements": W, "Mail": W}, True),
    (DEPUTY, SCOPE_ORGANISATION, {"Announcements": W, "Mail": W}, True),
    (SECRETARY, SCOPE_ORGANISATION, {"Announcements": W, "Mail": W}, True),
    (PSYCHOLOGIST, SCOPE_ORGANISATION, {"Announcements": W, "Mail": W}, True),
    (TEACHER, SCOPE_GROUPS, {"Announcements": W, "Mail": W}, True),
    (CLASS_TEACHER, SCOPE_GROUPS, {"Announcements": W, "Mail": W}, True),
    (HR, SCOPE_ORGANISATION, {"Announcements": R, "Mail": W}, True),
    (MEDIC, SCOPE_ORGANISATION, {"Announcements": R, "Mail": W}, True),
    (TECHNICIAN, SCOPE_ORGANISATION, {"Announcements": R, "Mail": W}, True),
    (LEARNER, SCOPE_SELF, {"Announcements": R, "Mail": W}, False),
    (PARENT, SCOPE_CHILDREN, {"Announcements": R, "Mail": W}, False),
    (AUTHORITY_OFFICER, SCOPE_AUTHORITY, {"Mail": NONE}, True),
]]


@hookimpl
def describe_plugin(host: PluginHost) -> PluginInfo:
    return PluginInfo("core", "Общее")


# The year-end archive (R16): the Завуч hands the year's journals and ledgers over,
# the administration reads them (app/services/archive.py). Not in READ_ALL: no one else.
ARCHIVE_RESOURCE = ("Archive", "Архив журналов и ведомостей")
ARCHIVE_ROLES = [
    RoleSpec(DEPUTY, SCOPE_ORGANISATION, {"Archive": W}),
    RoleSpec(DIRECTOR, SCOPE_ORGANISATION, {"Archive": R}),
    RoleSpec(ADMINISTRATOR, SCOPE_ORGANISATION, {"Archive": R}),
]
# Issue 15: the lists of an organisation loaded from XLSX or CSV (app/imports/): only those
# who keep the personal files. Not in READ_ALL: no one else.
IMPORTS_RESOURCE = ("Imports", "Загрузка из файлов")
IMPORTS_ROLES = [
    RoleSpec(ADMINISTRATOR, SCOPE_ORGANISATION, {"Imports": W}),
    RoleSpec(SECRETARY, SCOPE_ORGANISATION, {"Imports": W}),
]


@hookimpl
def register_resources(host: PluginHost) -> list[Resource]:
    return [Resource(name, label) for name, label in [*RESOURCES, ARCHIVE_RESOURCE, IMPORTS_RESOURCE]]


# Issue 5: who issues logins and keeps consents (seeds 002, 004): these two
# roles, and the leader of every kind of group the loaded plugins declare
# (Классный руководитель, Куратор, Воспитатель), which those plugins widen.
ACCOUNT_ROLES = [
    RoleSpec(ADMINISTRATOR, SCOPE_ORGANISATION, {"IssueLogins": W, "Consents": W}),
    RoleSpec(SECRETARY, SCOPE_ORGANISATION, {"IssueLogins": W, "Consents": W}),
    RoleSpec(HR, SCOPE_ORGANISATION, {"IssueLogins": W}),
]


def _leader_account_roles(host: PluginHost) -> list[RoleSpec]:
    leaders = {CLASS_TEACHER} | {kind.leader for kind in host.group_kinds.values()}
    # The leader also writes to the group's parents and posts for the group (a teacher
    # only for the groups he leads: app/services/announcements.py).
    return [RoleSpec(name, SCOPE_GROUPS, {"IssueLogins": W, "Consents": W, "Announcements": W, "Mail": W})
            for name in sorted(leaders)]


@hookimpl
def register_roles(host: PluginHost) -> list[RoleSpec]:
    return CORE_ROLES + ACCOUNT_ROLES + _leader_account_roles(host) + ARCHIVE_ROLES + IMPORTS_ROLES


@hookimpl
def register_rule_settings(host: PluginHost) -> list[RuleSetting]:
    return [
        RuleSetting("password_max_age_days", "core", "Срок действия пароля сотрудника, дней", "R12", 365),
        RuleSetting("account_issue_working_days", "core", "Срок выдачи учётной записи, рабочих дней", "R11", 3),
        RuleSetting("journal_keep_years", "core", "Срок хранения журналов, лет", "R16", 5),
        # Issue «Ledgers a deputy signs» (3): a larger PDF or XLSX is made in the background.
        RuleSetting("report_job_rows", "core", "Отчёт (PDF, XLSX) больше стольких строк готовится в фоне",
                    "R16", 300),
        # Seed 001, 6.5: журналы — 5 лет, изъятые из них сводные ведомости успеваемости — 25 лет
        # (seed 002, III.2, keeps them 75 years by its номенклатура дел: the organisation sets it).
        RuleSetting("ledger_keep_years", "core", "Срок хранения сводных ведомостей успеваемости, лет", "R16", 25),
    ]


# Letters and categories of the attendance reference table (seeds 002, 004).
ATTENDANCE_CODES = [
    ("ОТ", "Отсутствует, причина не известна", "unknown"),
    ("ОП", "Опоздал", "late"),
    ("УП", "Отсутствует по уважительной причине", "excused"),
    ("Б", "Болеет", "illness"),
    ("ОСВ", "Освобождён", "exempt"),
    ("НП", "Отсутствует без уважительной причины", "unexcused"),
]


MONITORING = (ADMINISTRATOR, DIRECTOR, DEPUTY, AUTHORITY_OFFICER)


@hookimpl
def register_reports(host: PluginHost) -> list[ReportSpec]:
    from .registry import ReportParam
    from .reports.accounts import accounts_overdue
    from .reports.activity import activity_reports
    from .reports.authority import authority_summary
    from .reports.monitoring import final_marks_deadline, homework_record, marks_fill, open_absences

    dates = ReportParam("dates", "Даты", "date_range")
    # The final marks of the current year's periods of the kinds with marks (not a kindergarten's months).
    final_period = ReportParam("period", "Период", "period", periods=("study", "whole_year"),
                               kinds=tuple(k.code for k in host.group_kinds.values() if k.takes_marks))
    # The leaders of the groups taught by subject (a class teacher, a curator) follow their group's absences.
    leaders = sorted({kind.leader for kind in host.group_kinds.values() if kind.teaches_subjects})
    return [
        ReportSpec("core.marks_fill", "core", "Наполняемость текущих оценок", MONITORING, marks_fill, (dates,),
                   landscape=True),
        ReportSpec("core.homework_record", "core", "Запись домашнего задания", MONITORING, homework_record, (dates,),
                   landscape=True),
        ReportSpec("core.open_absences", "core", "Оставшиеся «ОТ» на конец дня", (*MONITORING, *leaders),
                   open_absences, (dates,)),
        ReportSpec("core.final_marks_deadline", "core", "Итоговые отметки: не выставленные и выставленные позже срока",
                   MONITORING, final_marks_deadline, (final_period,), landscape=True),
        ReportSpec("core.accounts_overdue", "core", "Не выданы учётные записи в срок",
                   (ADMINISTRATOR, DIRECTOR, DEPUTY, SECRETARY), accounts_overdue, ()),
        ReportSpec("core.authority_summary", "core", "Сводный отчёт по подведомственным организациям",
                   (AUTHORITY_OFFICER, DIRECTOR, DEPUTY), authority_summary, (dates,), landscape=True,
                   across_organisations=True),
        *activity_reports(),
    ]


@hookimpl
def extra_views(host: PluginHost, appbuilder) -> None:
    from .views.archive import register_archive

    register_archive(appbuilder)  # Журнал → «Архив журналов и ведомостей» (R16)
    from .views.imports import register_imports

    register_imports(appbuilder)  # Люди → «Загрузка из файлов» (issue 15)
    from .views.exports import register_exports

    register_exports(appbuilder)  # «Выгрузить XLSX / CSV» on the lists (the import's columns)
