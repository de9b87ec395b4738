"""A class is named by its parallel and a letter: «5А», «10Б» (the name rule of seed 000)."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

_CLASS_NAME = re.compile(r"^\s*(\d{1,2})\s*-?\s*[А-ЯЁ](?:\s*\(.*\))?\s*$")


def class_name_problem(name: str, level: int):
    """Why ``name`` does not fit a class of grade ``level``, or None."""
    match = _CLASS_NAME.match(name or "")
    if match is None:
        return _l("Название класса «%(name)s»: укажите параллель и букву, например «%(level)sА».",
                  name=name, level=level)
    if int(match.group(1)) != level:
        return _l("Название класса «%(name)s» не соответствует параллели %(level)s: должно начинаться с %(level)s "
                  "(например, «%(level)sА»).", name=name, level=level)
    return None
