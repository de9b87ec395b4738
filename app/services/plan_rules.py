"""R8 (subject names in full) and group names by level, checked on every write.

R8 as decided from seeds 000–002 («название учебных предметов должно
соответствовать учебному плану школы и должно быть прописано полностью без
сокращений»; «все записи … на русском языке»). A subject's name is refused
when it holds:

* a dot-abbreviation: a word cut short and closed by a dot — «Рус. яз.», «Матем.»,
  «Лит. чтение», «Физ. культура»;
* a contraction with a hyphen — «лит-ра», «физ-ра», «матем-ка»;
* only capital-letter short forms and no word written out — «ИЗО», «ОБЖ», «ОРКСЭ»,
  «ИЗО и МХК». None of these is the official name of a subject (the federal
  curriculum says «Изобразительное искусство», «Основы безопасности и защиты
  Родины», «Основы религиозных культур и светской этики»); an abbreviation next
  to full words, as in the once official «Информатика и ИКТ», is allowed.
* no Cyrillic letter at all — «Math», «English» (records are in Russian, R8).

Initials in a name («А. С. Пушкин») do not occur in subject names, so a one-letter
word with a dot counts as an abbreviation too. The seed's «со строчной буквы» is
about abbreviations; names keep their ordinary capital letter, as in the rest of
the product.

Group names: a plugin may say how a group of its kind is named for its level
(``GroupKind.name_problem``): a school class by its grade and a letter — «5А».

Both checks run below the views (a ``before_flush`` listener) for writes made by
a user — pages, forms and the REST API — so FAB's own CRUD pages of the core
refuse too. Headless runs (the demo builder, the CLI) have no user and are
trusted, like the scoping guard.
"""
from __future__ import annotations

import re

from flask import has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.exceptions import RuleError, ScopeError
from app.extensions import current_host
from app.models import LearnerGroup, Subject
from app.scoping import current_scope

_DOT_ABBREVIATION = re.compile(r"(?<![\w])[А-Яа-яЁёA-Za-z]{1,12}\.")
_HYPHEN_CONTRACTION = re.compile(r"(?<![\w])[А-Яа-яЁё]{2,6}-(ра|ка|ия)(?![\w])", re.IGNORECASE)
_WORD = re.compile(r"[А-Яа-яЁёA-Za-z]+")


class RuleRefusal(ScopeError):
    """A rule refused a write at flush time, below FAB's forms and the REST API.

    The core shows a ScopeError's message as is, rolls the session back and
    answers 422 on the REST API, so a rule refused there rides on it; the
    message starts with the rule's number."""


def subject_name_problem(name: str):
    """Why ``name`` breaks R8, or None when it is a full name."""
    name = (name or "").strip()
    if not name:
        return None  # «Обязательное поле» is the form's business
    if not re.search(r"[А-Яа-яЁё]", name):
        return _l("название предмета пишется по-русски")
    found = _DOT_ABBREVIATION.search(name)
    if found:
        return _l("сокращение «%(part)s» — впишите слово полностью", part=found.group(0))
    found = _HYPHEN_CONTRACTION.search(name)
    if found:
        return _l("сокращение «%(part)s» — впишите слово полностью", part=found.group(0))
    words = _WORD.findall(name)
    if words and all(w.isupper() or len(w) <= 2 for w in words):
        return _l("«%(name)s» — сокращение, а не полное название предмета", name=name)
    return None


def check_subject_name(name: str) -> str:
    """The name cleaned, or RuleError R8 with the Russian reason."""
    problem = subject_name_problem(name)
    if problem:
        raise RuleError("R8", _l("Название предмета «%(name)s» не принято: %(why)s (например, «Русский язык», "
                                 "«Изобразительное искусство», «Основы безопасности и защиты Родины»).",
                                 name=(name or "").strip(), why=problem))
    return (name or "").strip()


def _check_writes(session: Session, flush_context, instances) -> None:
    scope = current_scope()
    if scope is None or not has_app_context():
        return
    kinds = current_host().group_kinds
    for obj in list(session.new) + [o for o in session.dirty if session.is_modified(o)]:
        if isinstance(obj, Subject):
            problem = subject_name_problem(obj.name)
            if problem:
                raise RuleRefusal(f"{_l('Название предмета «%(name)s» не принято', name=obj.name)}: {problem}.")
        elif isinstance(obj, LearnerGroup):
            kind = kinds.get(obj.kind)
            problem = kind.name_problem(obj.name, obj.level) if kind is not None and kind.name_problem else None
            if problem:
                raise RuleRefusal(str(problem))


# (event, listener) of the session, attached by ``app.listeners`` right after the scoping guard.
SESSION_LISTENERS = (("before_flush", _check_writes),)
