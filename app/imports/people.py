"""What the imports of people share: СНИЛС, names compared, phones, genders, e-mails,
finding a staff member by his ФИО (full or «Фамилия И. О.»), and the organisation's
current academic year."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import clock
from ..models import AcademicYear, Staff
from .reading import norm

GENDERS = {"м": "М", "муж": "М", "мужской": "М", "m": "М", "ж": "Ж", "жен": "Ж", "женский": "Ж", "f": "Ж"}
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def snils_ok(digits: str) -> bool:
    """The control number of a СНИЛС (checked for numbers above 001-001-998)."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    if int(digits[:9]) <= 1001998:
        return True
    total = sum(int(d) * (9 - i) for i, d in enumerate(digits[:9]))
    if total < 100:
        control = total
    elif total in (100, 101):
        control = 0
    else:
        control = total % 101
        control = 0 if control == 100 else control
    return control == int(digits[9:])


def snils_format(digits: str) -> str:
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:]}"


def digits_of(text: str | None) -> str:
    return "".join(ch for ch in (text or "") if ch.isdigit())


def phone_key(phone: str | None) -> str:
    return digits_of(phone)[-10:]


def name_key(*parts) -> str:
    return " ".join(norm(p) for p in parts if p)


def check_snils(raw: str) -> tuple[str, str | None]:
    """A СНИЛС cell → (its 11 digits, None) or ("", why not); "" for an empty cell."""
    if not raw:
        return "", None
    digits = digits_of(raw)
    if len(digits) != 11 or re.search(r"[^\d\s-]", raw):
        return "", str(_l("%(value)s — СНИЛС состоит из 11 цифр", value=raw))
    if not snils_ok(digits):
        return "", str(_l("%(value)s — неверное контрольное число", value=raw))
    return digits, None


def _initials_key(last: str, first: str, middle: str) -> str:
    return " ".join([norm(last)] + [norm(p)[:1] for p in (first, middle) if p])


class StaffNames:
    """The organisation's staff found by ФИО as a file writes it: «Иванова Анна Петровна»,
    or «Иванова А. П.» / «Иванова А.П.» where that names one person (one query)."""

    def __init__(self, session, org_id: int, staff=None):
        if staff is None:
            staff = session.scalars(select(Staff).where(Staff.org_id == org_id).order_by(Staff.id)).all()
        self.staff = list(staff)
        self.full: dict[str, list[Staff]] = {}
        self.short: dict[str, list[Staff]] = {}
        for person in self.staff:
            self.full.setdefault(name_key(person.last_name, person.first_name, person.middle_name), []).append(person)
            self.short.setdefault(_initials_key(person.last_name, person.first_name, person.middle_name),
                                  []).append(person)

    def find(self, text: str) -> tuple[Staff | None, str | None]:
        """(the staff member, None) or (None, why not)."""
        raw = " ".join((text or "").split())
        found = self.full.get(norm(raw), [])
        if not found:
            # «Иванова А. П.», «Иванова А.П.», «Иванова А П»: the surname and initials.
            parts = raw.replace(".", ". ").split()
            if len(parts) >= 2 and all(len(p.rstrip(".")) == 1 for p in parts[1:]):
                found = self.short.get(" ".join([norm(parts[0])] + [norm(p)[:1] for p in parts[1:]]), [])
        if len(found) > 1:
            return None, str(_l("«%(value)s» — так названы несколько сотрудников: укажите ФИО полностью", value=raw))
        if not found:
            return None, str(_l("«%(value)s» — такого сотрудника нет в организации", value=raw))
        return found[0], None


def current_year(session, org_id: int) -> AcademicYear | None:
    """The organisation's current academic year: the open year holding today, else the
    next open one to come."""
    today = clock.today()
    years = session.scalars(select(AcademicYear).where(AcademicYear.org_id == org_id,
                                                       AcademicYear.closed.is_(False))
                            .order_by(AcademicYear.start)).all()
    return next((y for y in years if y.start <= today <= y.end), None) or next(
        (y for y in years if y.start > today), None)


def no_year_message():
    return _l("в организации нет открытого учебного года, текущего или следующего: сначала заведите его")
