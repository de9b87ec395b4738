"""CRUD pages of the core model: organisation, study frame, people, journal rows."""
from __future__ import annotations

from flask import current_app, g, has_app_context
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import DataRequired

from ..extensions import db
from ..models import (
    AcademicYear, AssignmentType, Attendance, AttendanceCode, FinalMark, Guardian, GuardianLink, Learner, LearnerGroup,
    Lesson, Mark, Organisation, Period, Staff, Subgroup, Subject, TeachingAssignment,
)
from ..scoping import current_scope
from ..services.kinds import kinds_of, level_choices, level_label_of
from ..services.lessons import check_lesson_record
from .base import EjournalModelView, KindPagesMixin, ReadOnlyModelView, interface
from .exports import LIST_TEMPLATE as EXPORT_LIST, list_args
from .vocabulary import phrase, word


def _host():
    return current_app.extensions["ejournal"]


def plugin_name(code):
    """A plugin's code stored in a row, shown by the plugin's own label."""
    return _host().plugin_labels.get(code, code)


def _organisation_plugins() -> list[tuple[str, str]]:
    """(code, label) of the plugins serving the user's organisation; every plugin for
    the system administrator."""
    host = _host()
    scope = current_scope()
    org = db.session.get(Organisation, scope.default_org_id) if scope and scope.default_org_id else None
    codes = org.plugins if org is not None else host.plugin_names
    return [(code, host.plugin_labels.get(code, code)) for code in codes or []]


def plugin_field():
    """A choice of the organisation's plugins, where a row says whose it is."""
    return SelectField(_l("Модуль"), choices=_organisation_plugins, widget=Select2Widget(),
                       validators=[DataRequired()])


def _user_organisation() -> Organisation | None:
    scope = current_scope()
    return db.session.get(Organisation, scope.default_org_id) if scope and scope.default_org_id else None


def level_hint() -> str:
    """Under a group's level on its form: what each number means where the levels have
    names («Дошкольная группа: 1 — Ясельная, …»); nothing for a class or a course."""
    if not has_app_context():
        return ""
    host = _host()
    org = _user_organisation()
    page_kind = host.group_kinds.get(g.get("ejournal_page_kind") or "")
    kinds = [page_kind] if page_kind else kinds_of(org.plugins if org else host.plugin_names, host)
    parts = []
    for kind in kinds:
        choices = [(level, label) for level, label in level_choices(host, org, kind) if label != str(level)]
        if choices:
            named = ", ".join(f"{level} — {label}" for level, label in choices)
            parts.append(named if len(kinds) == 1 else f"{kind.name}: {named}")
    return "; ".join(parts)


def group_kind_name(code):
    kind = _host().group_kinds.get(code)
    return kind.name if kind else code


def period_type_name(code):
    kind = _host().period_types.get(code)
    return kind.name if kind else code


def attendance_category_name(code):
    from ..models.journal import ATTENDANCE_CATEGORIES

    return ATTENDANCE_CATEGORIES.get(code, code)


PERSON_COLUMNS = ["last_name", "first_name", "middle_name", "birth_date", "gender", "phone", "email"]


class OrganisationView(EjournalModelView):
    datamodel = interface(Organisation)
    class_permission_name = "Organisations"
    title = _l("Организации")
    list_columns = ["name", "short_name", "authority", "inn"]
    show_columns = ["name", "short_name", "authority", "inn", "ogrn", "address", "director", "timezone"]
    add_columns = edit_columns = ["name", "short_name", "authority", "inn", "ogrn", "address", "director", "timezone"]
    search_columns = ["name", "short_name", "inn"]
    label_columns = {**EjournalModelView.label_columns, "ogrn": _l("ОГРН"), "director": _l("Руководитель (ФИО)")}
    description_columns = {"timezone": _l("Часовой пояс организации, например Europe/Samara; пусто — общий для всех"),
                           "inn": _l("10 цифр"), "ogrn": _l("13 цифр")}


class AcademicYearView(EjournalModelView):
    datamodel = interface(AcademicYear)
    class_permission_name = "AcademicYears"
    title = _l("Учебные годы")
    list_columns = ["name", "start", "end", "closed"]
    add_columns = edit_columns = show_columns = ["name", "start", "end", "closed"]
    search_columns = ["name", "closed"]
    base_order = ("start", "desc")

    def post_add(self, item):
        from app.views.timetable import flash_production_calendar

        flash_production_calendar(item)  # a new organisation's first year, or one added ahead


class PeriodView(EjournalModelView):
    datamodel = interface(Period)
    class_permission_name = "Periods"
    title = _l("Учебные периоды")
    list_columns = ["year", "name", "plugin", "start", "end", "is_final"]
    add_columns = edit_columns = show_columns = ["year", "plugin", "type_code", "name", "start", "end", "order", "is_final"]
    search_columns = ["year", "name", "plugin", "is_final"]
    formatters_columns = {"plugin": plugin_name, "type_code": period_type_name}
    base_order = ("start", "asc")
    add_form_extra_fields = edit_form_extra_fields = {"plugin": plugin_field()}


class SubjectView(EjournalModelView):
    datamodel = interface(Subject)
    class_permission_name = "Subjects"
    title = _l("Предметы")
    list_columns = ["name", "plugin"]
    add_columns = edit_columns = show_columns = ["name", "plugin"]
    search_columns = ["name", "plugin"]
    formatters_columns = {"plugin": plugin_name}
    base_order = ("name", "asc")
    add_form_extra_fields = edit_form_extra_fields = {"plugin": plugin_field()}


class LearnerGroupView(KindPagesMixin, EjournalModelView):
    datamodel = interface(LearnerGroup)
    class_permission_name = "Groups"
    title = word("groups")  # «Классы и группы»; a kindergarten's «Дошкольные группы»
    list_columns = ["name", "kind", "level", "leader", "year"]
    add_columns = edit_columns = show_columns = ["year", "kind", "name", "level", "leader"]
    search_columns = ["name", "kind", "level", "year"]
    formatters_columns = {"kind": group_kind_name}
    row_formatters = {"level": level_label_of}  # «Средняя» for a preschool group
    description_columns = {"level": LazyString(level_hint)}
    base_order = ("level", "asc")
    list_template, extra_args = EXPORT_LIST, list_args("groups")  # «Выгрузить XLSX / CSV»

    @staticmethod
    def kind_of_row(item):
        return item.kind


class SubgroupView(EjournalModelView):
    datamodel = interface(Subgroup)
    class_permission_name = "Subgroups"
    title = _l("Подгруппы")
    list_columns = ["group", "subject", "name"]
    add_columns = edit_columns = show_columns = ["group", "subject", "name"]
    search_columns = ["group", "subject", "name"]


class TeachingAssignmentView(EjournalModelView):
    datamodel = interface(TeachingAssignment)
    class_permission_name = "TeachingAssignments"
    title = _l("Педагогическая нагрузка")
    label_columns = {**EjournalModelView.label_columns, "teacher": word("teacher")}
    list_columns = ["teacher", "subject", "group", "subgroup", "hours_per_week"]
    add_columns = edit_columns = show_columns = ["year", "teacher", "subject", "group", "subgroup", "hours_per_week"]
    search_columns = ["teacher", "subject", "group", "year"]
    list_template, extra_args = EXPORT_LIST, list_args("load")


class StaffView(EjournalModelView):
    datamodel = interface(Staff)
    class_permission_name = "Staff"
    title = _l("Сотрудники")
    list_columns = ["full_name", "position", "phone", "email"]
    add_columns = edit_columns = show_columns = PERSON_COLUMNS + ["position", "hired_on"]
    search_columns = ["last_name", "first_name", "position"]
    base_order = ("last_name", "asc")
    list_template, extra_args = EXPORT_LIST, list_args("staff")


class LearnerView(KindPagesMixin, EjournalModelView):
    datamodel = interface(Learner)
    class_permission_name = "Learners"
    title = word("learners")  # «Обучающиеся»; a kindergarten's «Воспитанники»
    list_columns = ["full_name", "group", "birth_date", "enrolled_on", "left_on"]
    add_columns = edit_columns = show_columns = PERSON_COLUMNS + ["group", "enrolled_on", "left_on"]
    search_columns = ["last_name", "first_name", "group", "left_on"]
    base_order = ("last_name", "asc")
    list_template, extra_args = EXPORT_LIST, list_args("learners")

    @staticmethod
    def kind_of_row(item):
        return item.group.kind if item.group is not None else None


class GuardianView(EjournalModelView):
    datamodel = interface(Guardian)
    class_permission_name = "Guardians"
    title = _l("Законные представители")
    list_columns = ["full_name", "phone", "email"]
    add_columns = edit_columns = show_columns = PERSON_COLUMNS
    search_columns = ["last_name", "first_name", "phone"]
    base_order = ("last_name", "asc")
    list_template, extra_args = EXPORT_LIST, list_args("guardians")  # the learners' file, with their guardians


class GuardianLinkView(EjournalModelView):
    datamodel = interface(GuardianLink)
    class_permission_name = "GuardianLinks"
    title = _l("Связи с представителями")
    list_columns = ["guardian", "relation", "learner"]
    add_columns = edit_columns = show_columns = ["guardian", "relation", "learner"]
    search_columns = ["relation"]


class LessonRecordRules:
    """The «Уроки» list and the lessons REST resource write through the lessons'
    rules (``services.lessons.check_lesson_record``)."""

    def pre_add(self, item):
        check_lesson_record(db.session, item, current_scope())

    def pre_update(self, item):
        check_lesson_record(db.session, item, current_scope())

    def pre_delete(self, item):
        check_lesson_record(db.session, item, current_scope(), deleting=True)


class LessonView(LessonRecordRules, EjournalModelView):
    datamodel = interface(Lesson)
    class_permission_name = "Lessons"
    title = word("lessons")
    # «Номер пары», «Преподаватель» in a college: the labels follow the organisation's words.
    label_columns = {**EjournalModelView.label_columns, "teacher": word("teacher"),
                     "number": phrase("Номер %(lesson)s", lesson="lesson_of")}
    list_columns = ["date", "number", "group", "subject", "teacher", "topic"]
    add_columns = edit_columns = ["date", "number", "group", "subgroup", "subject", "teacher", "substitute", "topic", "distance"]
    show_columns = add_columns
    search_columns = ["date", "group", "subject", "teacher", "topic"]
    base_order = ("date", "desc")


class AssignmentTypeView(EjournalModelView):
    datamodel = interface(AssignmentType)
    class_permission_name = "AssignmentTypes"
    title = _l("Виды работ")
    list_columns = add_columns = edit_columns = show_columns = ["name", "weight"]
    search_columns = ["name"]


class MarkView(ReadOnlyModelView):
    datamodel = interface(Mark)
    class_permission_name = "Marks"
    title = _l("Отметки")
    list_columns = ["learner", "assignment", "value", "is_debt", "created_at"]
    add_columns = edit_columns = ["assignment", "learner", "value", "is_debt", "comment"]
    show_columns = add_columns + ["created_at"]
    # Not by learner: a filter widget would load every learner of the school (FAB #796).
    search_columns = ["value", "is_debt", "created_at"]
    base_order = ("created_at", "desc")


class AttendanceCodeView(EjournalModelView):
    datamodel = interface(AttendanceCode)
    class_permission_name = "AttendanceCodes"
    title = _l("Коды посещаемости")
    list_columns = add_columns = edit_columns = show_columns = ["code", "name", "category"]
    search_columns = ["code", "name", "category"]
    formatters_columns = {"category": attendance_category_name}


class AttendanceView(ReadOnlyModelView):
    datamodel = interface(Attendance)
    class_permission_name = "Attendance"
    title = _l("Посещаемость")
    list_columns = ["date", "learner", "lesson", "code", "comment"]
    add_columns = edit_columns = show_columns = ["date", "learner", "lesson", "code", "comment"]
    search_columns = ["date", "code"]
    base_order = ("date", "desc")


class FinalMarkView(ReadOnlyModelView):
    datamodel = interface(FinalMark)
    class_permission_name = "FinalMarks"
    title = _l("Итоговые отметки")
    list_columns = ["learner", "subject", "period", "value"]
    add_columns = edit_columns = show_columns = ["learner", "subject", "period", "value"]
    search_columns = ["subject", "period", "value"]


# (view, resource, label, category) in menu order; the resource doubles as menu name.
MENU = [
    (OrganisationView, "Organisations", _l("Организации"), "Organisation"),
    (AcademicYearView, "AcademicYears", _l("Учебные годы"), "Organisation"),
    (PeriodView, "Periods", _l("Учебные периоды"), "Organisation"),
    (SubjectView, "Subjects", _l("Предметы"), "Organisation"),
    (LearnerGroupView, "Groups", word("groups"), "Organisation"),
    (SubgroupView, "Subgroups", _l("Подгруппы"), "Organisation"),
    (TeachingAssignmentView, "TeachingAssignments", _l("Педагогическая нагрузка"), "Organisation"),
    (StaffView, "Staff", _l("Сотрудники"), "People"),
    (LearnerView, "Learners", word("learners"), "People"),
    (GuardianView, "Guardians", _l("Законные представители"), "People"),
    (GuardianLinkView, "GuardianLinks", _l("Связи с представителями"), "People"),
    (LessonView, "Lessons", word("lessons"), "Journal"),
    (FinalMarkView, "FinalMarks", _l("Итоговые отметки"), "Journal"),
    (AssignmentTypeView, "AssignmentTypes", _l("Виды работ"), "Journal"),
    (AttendanceCodeView, "AttendanceCodes", _l("Коды посещаемости"), "Journal"),
]

# Reachable by address, not from the menu: «Классный журнал» is the way to marks,
# «Посещаемость за день» to attendance.
NO_MENU = [MarkView, AttendanceView]

CATEGORIES = {
    "Organisation": (_l("Организация"), "fa-university"),
    "People": (_l("Люди"), "fa-users"),
    "Journal": (_l("Журнал"), "fa-book"),
    "Administration": (_l("Администрирование"), "fa-cogs"),
}
