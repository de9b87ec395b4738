"""The words of the shared pages for the user's organisation: a school's «Класс» and
«Параллель», a college's «Учебная группа» and «Курс», a kindergarten's «Дошкольная
группа», «Воспитанник» and «Возрастная группа», a «урок», a «пара» or an «занятие».

An organisation whose kinds of group agree on a word gets that word; one with several
kinds (a school with a preschool group) the general one («Класс / группа»). A page about
one group (its record, a learner's record) speaks that group's kind's words: the view
names the kind with :func:`speak_of_kind` before it renders."""
from __future__ import annotations

from functools import cached_property

from flask import g, has_app_context, has_request_context
from flask_babel import LazyString
from flask_babel import gettext as _

from .. import reference
from ..extensions import current_host, db
from ..scoping import current_scope
from ..services.kinds import agreed, kind_of, kinds_of, level_label_in, level_label_of, taught_kinds_of


class Vocabulary:
    """Computed on first use only: most pages never ask."""

    @cached_property
    def _plugins(self) -> list[str]:
        scope = current_scope()
        org = reference.organisation(db.session, scope.default_org_id) if scope else None
        return org.plugins if org is not None else current_host().plugin_names

    @cached_property
    def _kinds(self):
        return taught_kinds_of(self._plugins)

    @cached_property
    def _org_kinds(self):
        return kinds_of(self._plugins)

    @property
    def _any_kinds(self):
        """Every kind of group of the organisation; on a page about one group, its kind."""
        code = g.get("ejournal_page_kind") if has_app_context() else None
        kind = current_host().group_kinds.get(code) if code else None
        return [kind] if kind is not None else self._org_kinds

    @property
    def _taught(self):
        """The kinds taught by subject; on a page about one such group, its kind."""
        code = g.get("ejournal_page_kind") if has_app_context() else None
        kind = current_host().group_kinds.get(code) if code else None
        return [kind] if kind is not None and kind.teaches_subjects else self._kinds

    def _one(self, attribute: str, fallback: str, kinds=None) -> str:
        return agreed(self._taught if kinds is None else kinds, attribute, fallback)

    @property
    def group(self) -> str:
        """A group taught by subject: «Класс», «Учебная группа»."""
        return self._one("name", _("Класс / группа"))

    @property
    def any_group(self) -> str:
        """Any group of the organisation, a kindergarten's too (the movement book, attendance, cards)."""
        return self._one("name", _("Класс / группа"), self._any_kinds)

    @property
    def groups(self) -> str:
        """The groups of the organisation: «Классы», «Дошкольные группы»; «Классы и группы»."""
        return self._one("name_plural", _("Классы и группы"), self._any_kinds)

    @property
    def learner(self) -> str:
        """«Обучающийся», «Студент», «Воспитанник»."""
        return self._one("learner", _("Обучающийся"), self._any_kinds)

    @property
    def learners(self) -> str:
        return self._one("learner_plural", _("Обучающиеся"), self._any_kinds)

    @property
    def learners_of(self) -> str:
        """Genitive plural: «учащихся», «студентов», «воспитанников»; «обучающихся» where several."""
        return self._one("learners_of", _("обучающихся"), self._any_kinds)

    @property
    def level(self) -> str:
        return self._one("level_name", _("Уровень"))

    @property
    def any_level(self) -> str:
        """What the levels of the organisation's groups are: «Параллель», «Возрастная группа»;
        «Параллель / возрастная группа» where both."""
        names = list(dict.fromkeys(kind.level_name for kind in self._any_kinds if kind.level_name))
        if not names:
            return _("Уровень")
        return " / ".join([names[0], *(name[:1].lower() + name[1:] for name in names[1:])])

    @property
    def lesson(self) -> str:
        return self._one("lesson", _("Урок"))

    @property
    def lesson_hours(self) -> int:
        """Academic hours of one lesson: 1 (a урок), 2 (a пара)."""
        return self._one("lesson_hours", 1)

    @property
    def lessons(self) -> str:
        """«Уроки», «Пары»."""
        return self._one("lessons", _("Уроки"))

    @property
    def lesson_of(self) -> str:
        """Genitive, lower case: «номер урока», «номер пары»."""
        return self._one("lesson_of", _("урока"))

    @property
    def lesson_acc(self) -> str:
        """Accusative, lower case: «добавить урок», «добавить пару»."""
        return self._one("lesson_acc", _("урок"))

    @property
    def lessons_of(self) -> str:
        """Genitive plural, lower case: «расписание уроков», «расписание пар»."""
        return self._one("lessons_of", _("уроков"))

    @property
    def groups_of(self) -> str:
        """Genitive plural, lower case: «мероприятия классов», «… учебных групп»."""
        return self._one("groups_of", _("классов и групп"))

    @property
    def group_of(self) -> str:
        """Genitive, lower case: «уроки класса», «пары учебной группы»."""
        return self._one("group_of", _("класса / группы"))

    @property
    def teacher(self) -> str:
        """Who teaches a lesson: «Учитель», «Преподаватель»."""
        return self._one("teacher", _("Учитель"))

    @property
    def teachers(self) -> str:
        return self._one("teachers", _("Учителя"))

    @property
    def teacher_of(self) -> str:
        """Genitive, lower case: «расписание учителя», «расписание преподавателя»."""
        return self._one("teacher_of", _("учителя"))

    @property
    def leader(self) -> str:
        """Who leads a group taught by subject: «Классный руководитель», «Куратор»; on a page
        about a kindergarten's group, «Воспитатель»."""
        return self._one("leader", _("Руководитель группы"))

    @property
    def leader_of(self) -> str:
        """Genitive (and accusative), lower case: «уведомить классного руководителя», «… куратора»."""
        return self._one("leader_of", _("руководителя группы"))

    @property
    def journal(self) -> str:
        """The grid of a group's marks: «Классный журнал», «Журнал учебной группы»."""
        return self._one("journal", _("Журнал"))

    @property
    def any_lessons(self) -> str:
        """The unit of teaching of any group of the organisation, plural: «Уроки», «Занятия»."""
        return self._one("lessons", _("Уроки"), self._any_kinds)

    @staticmethod
    def of(group):
        """The kind of ``group``: its own words («Воспитанник», «Занятия»); None: no group."""
        return kind_of(group)

    @staticmethod
    def level_of(group) -> str:
        """How ``group``'s level reads: «Средняя», «5»."""
        return level_label_of(group)

    @staticmethod
    def level_in(group, level: int) -> str:
        """How ``level`` of ``group``'s kind reads in its organisation (the level it moves up to)."""
        return level_label_in(group.org_id, group.kind, level)


def current_vocabulary() -> Vocabulary:
    """The request's vocabulary (one a request: it reads the organisation once)."""
    if not has_request_context():
        return Vocabulary()
    vocabulary = g.get("ejournal_vocabulary")
    if vocabulary is None:
        vocabulary = g.ejournal_vocabulary = Vocabulary()
    return vocabulary


def organisation_has_kind(kind_code: str) -> bool:
    """Whether the user's organisation keeps groups of ``kind_code`` (one of its plugins
    declares the kind); a user of no one organisation (the system administrator, an
    authority) sees every kind. A plugin's menu entry shown only there passes it as FAB's
    ``menu_cond``: ``add_view(..., menu_cond=lambda: organisation_has_kind("preschool_group"))``."""
    return any(kind.code == kind_code for kind in current_vocabulary()._org_kinds)


def organisation_answers(hook: str) -> bool:
    """Whether a plugin of the user's organisation implements ``hook`` — a page that only
    such a plugin gives sense to (the year's mode, answered by ``year_mode_saved``) is shown
    there only; a user of no one organisation sees it."""
    return bool(current_host().answering(hook) & set(current_vocabulary()._plugins))


def organisation_teaches_without(hook: str) -> bool:
    """Whether the user's organisation keeps a kind of group taught by subject whose plugin
    does not implement ``hook`` — a core page that such a plugin replaces by its own (the
    curriculum by level, replaced by a college's plan of a specialty: ``get_curriculum_hours``)
    is shown only where some kind still needs it."""
    answering = current_host().answering(hook)
    return any(kind.teaches_subjects and kind.plugin not in answering for kind in current_vocabulary()._org_kinds)


def speak_of_kind(kind_code: str | None) -> None:
    """The page being rendered is about a group of ``kind_code``: its words are the kind's."""
    g.ejournal_page_kind = kind_code


def word(name: str) -> LazyString:
    """A word of the request's vocabulary (``word("learners")``), for the labels and titles
    a view declares once: it reads as the organisation of whoever sees the page says."""
    return LazyString(lambda: getattr(current_vocabulary(), name))


def phrase(message: str, **words: str) -> LazyString:
    """A label with words of the request's vocabulary in it, for a menu entry or a title a
    view declares once: ``phrase("%(lessons)s вне учебных дней", lessons="lessons")``; a
    word named with ``|lower`` is put in lower case."""

    def render() -> str:
        vocabulary = current_vocabulary()
        values = {}
        for key, name in words.items():
            attribute, _sep, lower = name.partition("|")
            value = getattr(vocabulary, attribute)
            values[key] = value[:1].lower() + value[1:] if lower else value
        return _(message, **values)

    return LazyString(render)


def init_vocabulary(app) -> None:
    app.context_processor(lambda: {"vocab": current_vocabulary()})
