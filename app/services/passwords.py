"""Passwords and logins: the complexity policy, one-time passwords and the R12
expiry of staff passwords.

Rules only, no Flask request: the views call these. The throttling of failed
logins is app/throttle.py's.
"""
from __future__ import annotations

import datetime as dt
import secrets

from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from app.exceptions import RuleError

MIN_LENGTH_PERSONAL = 8  # learners and parents
MIN_LENGTH_STAFF = 10
# The most used passwords of Russian users that still pass the other rules.
COMMON_PASSWORDS = frozenset({
    "qwerty123", "qwerty1234", "qwerty12345", "password1", "password12", "password123", "1q2w3e4r",
    "1q2w3e4r5t", "1qaz2wsx", "zaq12wsx", "abc12345", "abcd1234", "qwe12345", "asdf1234", "a1234567",
    "q1w2e3r4", "q1w2e3r4t5", "1234qwer", "12345qwe", "12345qwerty", "qwertyuiop1", "iloveyou1",
    "admin123", "admin12345", "parol123", "parol1234", "пароль123", "пароль1234", "йцукен123",
    "qwerty2026", "school123", "shkola123", "dnevnik123", "zhurnal123", "student123", "uchitel123",
})
# One-time passwords: no look-alikes (0/O, 1/l/I).
READABLE_LETTERS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
READABLE_DIGITS = "23456789"


def min_length(staff: bool) -> int:
    return MIN_LENGTH_STAFF if staff else MIN_LENGTH_PERSONAL


def check_password(password: str, username: str | None = None, *, staff: bool = True) -> None:
    """RuleError («R12: …») when ``password`` breaks the policy: at least 8
    characters (10 for staff), letters and digits, not the login, not a common one."""
    password = password or ""
    need = min_length(staff)
    if len(password) < need:
        raise RuleError("R12", _l("Пароль должен быть не короче %(n)s символов.", n=need))
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        raise RuleError("R12", _l("Пароль должен содержать и буквы, и цифры."))
    lowered = password.lower()
    if username and username.lower() in lowered:
        raise RuleError("R12", _l("Пароль не должен совпадать с логином или содержать его."))
    if lowered in COMMON_PASSWORDS:
        raise RuleError("R12", _l("Этот пароль слишком распространён, придумайте другой."))


def is_staff(account, roles) -> bool:
    """Staff (the stricter policy) unless every role of the account is a learner's or a
    parent's; ``roles``: the host's role declarations by name."""
    names = [r.name for r in account.roles]
    return not names or any(roles[n].staff if n in roles else True for n in names)


def change_own_password(account, old: str, new: str, confirm: str, *, staff: bool, hash_method: str) -> None:
    """Set the account's new password, or RuleError with the reason and nothing changed:
    the current password must be right, the new one typed twice the same, differ from
    the old one and meet the policy."""
    old, new = old or "", new or ""
    if not check_password_hash(account.password or "", old):
        raise RuleError("R12", _l("Текущий пароль введён неверно."))
    if new != (confirm or ""):
        raise RuleError("R12", _l("Новый пароль и повтор не совпадают."))
    if new == old:
        raise RuleError("R12", _l("Новый пароль должен отличаться от прежнего."))
    check_password(new, account.username, staff=staff)
    account.password = generate_password_hash(new, method=hash_method)


def one_time_password(length: int = 10) -> str:
    """A random password of readable characters with letters and digits."""
    alphabet = READABLE_LETTERS + READABLE_DIGITS
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        if (any(c.isdigit() for c in password) and any(c.isalpha() for c in password)
                and password.lower() not in COMMON_PASSWORDS):
            return password


def password_expired(changed_at: dt.datetime | None, max_age_days: int, now: dt.datetime) -> bool:
    """R12: a staff password older than ``max_age_days`` must be changed.
    An unknown date (never recorded) does not expire: the migration sets it."""
    if changed_at is None or not max_age_days:
        return False
    return now - changed_at > dt.timedelta(days=int(max_age_days))
