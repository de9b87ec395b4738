"""The words of the shared pages for the user's organisation: a school's «Класс» and
«Параллель», a college's «Учебная группа» and «Курс», a «урок» or a «пара»."""
from __future__ import annotations

from functools import cached_property

from flask_babel import gettext as _

from ..extensions import current_host, db
from ..models import Organisation
from ..scoping import current_scope
from ..services.kinds import taught_kinds_of


class Vocabulary:
    """Computed on first use only: most pages never ask."""

    @cached_property
    def _plugins(self) -> list[str]:
        scope = current_scope()
        org = db.session.get(Organisation, scope.default_org_id) if scope and scope.default_org_id else None
        return org.plugins if org is not None else current_host().plugin_names

    @cached_property
    def _kinds(self):
        return taught_kinds_of(self._plugins)

    def _one(self, attribute: str, fallback: str, kinds=None) -> str:
        kinds = self._kinds if kinds is None else kinds
        words = list(dict.fromkeys(getattr(kind, attribute) for kind in kinds if getattr(kind, attribute)))
        return words[0] if len(words) == 1 else fallback

    @property
    def group(self) -> str:
        """A group taught by subject: «Класс», «Учебная группа»."""
        return self._one("name", _("Класс / группа"))

    @property
    def any_group(self) -> str:
        """Any group of the organisation, a kindergarten's too (the movement book, attendance, cards)."""
        plugins = set(self._plugins)
        kinds = [kind for kind in current_host().group_kinds.values() if kind.plugin in plugins]
        return self._one("name", _("Класс / группа"), kinds)

    @property
    def level(self) -> str:
        return self._one("level_name", _("Уровень"))

    @property
    def lesson(self) -> str:
        return self._one("lesson", _("Урок"))


def init_vocabulary(app) -> None:
    app.context_processor(lambda: {"vocab": Vocabulary()})
