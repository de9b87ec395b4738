"""Родительская плата: the rules of the norms and discounts, and a month's charges.

Every write of a norm or a discount is here, checked before anything is added:
a bad value raises ``RuleError`` with a Russian message and changes nothing; a
write flushes, the caller commits. Reads of the norms (the authority's rows, which
the core's read filter does not cut) go through ``visible_norms`` alone.

A child's charge for a month (``month_charges``) is, over the days payable to him
(``month.group_month``: the days attended and, when the organisation charges them,
the days missed without a valid reason),

    Σ rate(d) × (1 − discount(d) / 100)

where rate(d) is the authority's norm for the group's kind (its regime's
``group_type``; "full" without a regime) in force on d and discount(d) the child's
discount in force on d (none: 0). It is rounded to kopecks, half up, once, at the
end. A payable day without a norm leaves the charge uncomputed (``Charge.amount``
is None, ``Charge.unpriced`` says which days): never a silent zero.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.exceptions import RuleError
from app.models import Account, Learner, LearnerGroup, Organisation
from app.registry import SCOPE_AUTHORITY
from app.scoping import current_scope

from .fees import REASONS, FeeDiscount, FeeNorm
from .models import GROUP_TYPES
from .month import GroupMonth, group_month

RULE = "R6"
KOPECK = Decimal("0.01")
HUNDRED = Decimal(100)
MAX_RATE = Decimal("99999999.99")  # Numeric(10, 2)
# Dates that make sense for a norm or a discount.
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


# --- values ----------------------------------------------------------------------


def _decimal(value, what) -> Decimal:
    if isinstance(value, Decimal):
        number = value
    else:
        text = str(value if value is not None else "").strip().replace(" ", "").replace("\u00a0", "")
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise RuleError(RULE, _l("%(what)s: укажите число, например 150,00.", what=what)) from None
    if not number.is_finite():
        raise RuleError(RULE, _l("%(what)s: укажите число, например 150,00.", what=what))
    if number != number.quantize(KOPECK):
        raise RuleError(RULE, _l("%(what)s: не больше двух знаков после запятой.", what=what))
    return number.quantize(KOPECK)


def parse_rate(value) -> Decimal:
    rate = _decimal(value, _l("Плата за день"))
    if rate < 0:
        raise RuleError(RULE, _l("Плата за день не может быть отрицательной."))
    if rate > MAX_RATE:
        raise RuleError(RULE, _l("Плата за день слишком велика: проверьте сумму."))
    return rate


def parse_percent(value) -> Decimal:
    percent = _decimal(value, _l("Размер льготы"))
    if not 0 < percent <= HUNDRED:
        raise RuleError(RULE, _l("Размер льготы — больше 0 и не больше 100 % (100 % — освобождение от платы)."))
    return percent


def parse_date(value, what, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise RuleError(RULE, _l("Укажите дату: %(what)s.", what=what))
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise RuleError(RULE, _l("Дата (%(what)s) не распознана: укажите её в виде ДД.ММ.ГГГГ.", what=what)) from None
    if not EARLIEST <= value <= LATEST:
        raise RuleError(RULE, _l("Дата (%(what)s) %(date)s — вне разумных пределов: от %(start)s до %(end)s.",
                                 what=what, date=value.strftime("%d.%m.%Y"), start=EARLIEST.strftime("%d.%m.%Y"),
                                 end=LATEST.strftime("%d.%m.%Y")))
    return value


def _period(start: dt.date, end: dt.date | None) -> str:
    if end is None:
        return str(_l("с %(start)s, без даты окончания", start=start.strftime("%d.%m.%Y")))
    return f"{start:%d.%m.%Y} – {end:%d.%m.%Y}"


def _overlap(a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None) -> bool:
    return (b_end is None or a_start <= b_end) and (a_end is None or b_start <= a_end)


def money_text(value: Decimal) -> str:
    """«1 234,50»."""
    return f"{value:,.2f}".replace(",", "\u00a0").replace(".", ",")


def percent_text(value: Decimal) -> str:
    """«50», «33,33»."""
    return f"{value.normalize():f}".replace(".", ",")


# --- the norms: who sees them, who writes them --------------------------------------------


def norm_writer_authority(scope, bind=None) -> int | None:
    """The authority whose norms the user of ``scope`` writes: an officer's (whose role
    scope is the authority) own; None for anyone else. ``bind``: a session or a
    connection (the flush guard asks on the flush's connection)."""
    if scope is None or scope.kind != SCOPE_AUTHORITY or scope.user_id is None:
        return None
    statement = select(Account.__table__.c.authority_id).where(Account.__table__.c.id == scope.user_id)
    return bind.execute(statement).scalar() if bind is not None else None


def _norm_cut(scope):
    """Norms of the authorities of the user's organisations (an officer's own authority
    too, even before it has any); the system sees all of them."""
    if scope is None or scope.is_system:
        return None
    authorities = select(Organisation.authority_id).where(Organisation.id.in_(scope.org_ids))
    cut = FeeNorm.authority_id.in_(authorities)
    if scope.kind == SCOPE_AUTHORITY and scope.user_id is not None:
        own = select(Account.authority_id).where(Account.id == scope.user_id).scalar_subquery()
        cut = or_(cut, FeeNorm.authority_id == own)
    return cut


def norms_select(*where):
    """The only read of ``FeeNorm``: cut by hand to what the current user may see."""
    cut = _norm_cut(current_scope())
    statement = select(FeeNorm).where(*where)
    if cut is not None:
        statement = statement.where(cut)
    return statement.order_by(FeeNorm.authority_id, FeeNorm.group_type, FeeNorm.valid_from, FeeNorm.id)


def visible_norms(session, *where) -> list[FeeNorm]:
    return list(session.scalars(norms_select(*where)))


def writable_authorities(session) -> list[int]:
    """The authorities whose norms the user may write: every one for the system, his
    own for an officer of an authority, none for anyone else."""
    scope = current_scope()
    if scope is None or scope.is_system:
        from app.models import Authority

        return list(session.scalars(select(Authority.id).order_by(Authority.id)))
    own = norm_writer_authority(scope, session)
    return [own] if own is not None else []


def _check_writer(session, authority_id) -> None:
    if authority_id not in writable_authorities(session):
        raise RuleError(RULE, _l("Нормативы родительской платы устанавливает орган управления образованием: "
                                 "здесь их можно только просматривать."))


def _check_norm_overlap(session, authority_id, group_type, start, end, own_id=None) -> None:
    for other in visible_norms(session, FeeNorm.authority_id == authority_id, FeeNorm.group_type == group_type):
        if other.id != own_id and _overlap(start, end, other.valid_from, other.valid_to):
            hint = ""
            if other.valid_to is None and other.valid_from < start:
                hint = str(_l(" Сначала завершите его днём %(day)s.",
                              day=(start - dt.timedelta(days=1)).strftime("%d.%m.%Y")))
            raise RuleError(RULE, _l("Норматив для вида группы «%(type)s» на эти даты уже есть (%(period)s, "
                                     "%(rate)s руб. в день): нормативы одного вида не должны пересекаться.%(hint)s",
                                     type=GROUP_TYPES[group_type], period=_period(other.valid_from, other.valid_to),
                                     rate=money_text(other.daily_rate), hint=hint))


def add_norm(session, authority_id, group_type, daily_rate, valid_from, valid_to=None) -> FeeNorm:
    """A new daily norm of ``authority_id`` for ``group_type`` (a code of ``GROUP_TYPES``)."""
    if group_type not in GROUP_TYPES:
        raise RuleError(RULE, _l("Выберите вид группы из списка."))
    rate = parse_rate(daily_rate)
    start = parse_date(valid_from, _l("начало действия"))
    end = parse_date(valid_to, _l("окончание действия"), required=False)
    if end is not None and end < start:
        raise RuleError(RULE, _l("Норматив кончается раньше, чем начинает действовать."))
    try:
        authority_id = int(authority_id)
    except (TypeError, ValueError):
        raise RuleError(RULE, _l("Выберите орган управления образованием.")) from None
    _check_writer(session, authority_id)
    _check_norm_overlap(session, authority_id, group_type, start, end)
    norm = FeeNorm(authority_id=authority_id, group_type=group_type, daily_rate=rate, valid_from=start,
                   valid_to=end)
    session.add(norm)
    session.flush()
    return norm


def end_norm(session, norm_id, valid_to) -> FeeNorm:
    """The norm stops at ``valid_to`` (its last day)."""
    norm = session.scalar(norms_select(FeeNorm.id == int(norm_id))) if str(norm_id).isdigit() else None
    if norm is None:
        raise RuleError(RULE, _l("Норматив не найден."))
    _check_writer(session, norm.authority_id)
    end = parse_date(valid_to, _l("последний день действия"))
    if end < norm.valid_from:
        raise RuleError(RULE, _l("Норматив не может закончиться раньше, чем начал действовать (%(start)s).",
                                 start=norm.valid_from.strftime("%d.%m.%Y")))
    _check_norm_overlap(session, norm.authority_id, norm.group_type, norm.valid_from, end, own_id=norm.id)
    norm.valid_to = end
    session.flush()
    return norm


# --- the discounts ------------------------------------------------------------------------


def preschool_child(session, learner_id) -> Learner:
    """A child of a preschool group the user reaches (the core's read filter cuts the rest)."""
    from .attendance import preschool_kinds

    learner = session.get(Learner, int(learner_id)) if str(learner_id or "").isdigit() else None
    if learner is None:
        raise RuleError(RULE, _l("Воспитанник не найден."))
    group = session.get(LearnerGroup, learner.group_id) if learner.group_id else None
    if group is None or group.kind not in preschool_kinds():
        raise RuleError(RULE, _l("Льготы по родительской плате назначаются только воспитанникам дошкольных групп."))
    return learner


def _check_discount_overlap(session, learner, start, end, own_id=None) -> None:
    for other in session.scalars(select(FeeDiscount).where(FeeDiscount.learner_id == learner.id)):
        if other.id != own_id and _overlap(start, end, other.starts, other.ends):
            raise RuleError(RULE, _l("У ребёнка %(name)s на эти даты уже есть льгота (%(percent)s %%, %(period)s): "
                                     "льготы одного ребёнка не должны пересекаться.", name=learner.short_name,
                                     percent=percent_text(other.percent), period=_period(other.starts, other.ends)))


def add_discount(session, learner_id, percent, reason, note, starts, ends=None) -> FeeDiscount:
    """A discount of ``percent`` (100: освобождение) for a preschool child, on ``reason``
    (a code of ``REASONS``; «иное» needs a note)."""
    value = parse_percent(percent)
    if reason not in REASONS:
        raise RuleError(RULE, _l("Выберите основание льготы из списка."))
    note = (note or "").strip()
    if reason == "other" and not note:
        raise RuleError(RULE, _l("Для основания «Иное» укажите в примечании, какое именно."))
    if len(note) > 2000:
        raise RuleError(RULE, _l("Примечание слишком длинное: не больше 2000 знаков."))
    start = parse_date(starts, _l("начало льготы"))
    end = parse_date(ends, _l("окончание льготы"), required=False)
    if end is not None and end < start:
        raise RuleError(RULE, _l("Льгота кончается раньше, чем начинается."))
    learner = preschool_child(session, learner_id)
    _check_discount_overlap(session, learner, start, end)
    discount = FeeDiscount(org_id=learner.org_id, learner_id=learner.id, percent=value, reason=reason, note=note,
                           starts=start, ends=end)
    session.add(discount)
    session.flush()
    return discount


def end_discount(session, discount_id, ends) -> FeeDiscount:
    """The discount stops at ``ends`` (its last day)."""
    discount = session.get(FeeDiscount, int(discount_id)) if str(discount_id or "").isdigit() else None
    if discount is None:
        raise RuleError(RULE, _l("Льгота не найдена."))
    end = parse_date(ends, _l("последний день льготы"))
    if end < discount.starts:
        raise RuleError(RULE, _l("Льгота не может закончиться раньше, чем началась (%(start)s).",
                                 start=discount.starts.strftime("%d.%m.%Y")))
    learner = session.get(Learner, discount.learner_id)
    _check_discount_overlap(session, learner, discount.starts, end, own_id=discount.id)
    discount.ends = end
    session.flush()
    return discount


# --- a month's charges ------------------------------------------------------------------------


@dataclass
class Charge:
    """One child's parental fee for a month."""

    learner: Learner
    attended: list[dt.date] = field(default_factory=list)
    payable: list[dt.date] = field(default_factory=list)
    discounts: list[FeeDiscount] = field(default_factory=list)  # those in force on a payable day
    unpriced: list[dt.date] = field(default_factory=list)  # payable days without a norm
    amount: Decimal | None = None  # None: not computable (``unpriced``)

    @property
    def computed(self) -> bool:
        return self.amount is not None

    def discount_text(self) -> str:
        """«50», «50 с 16.11», «25 по 15.11; 50 с 16.11»; empty without a discount."""
        if not self.discounts or not self.payable:
            return ""
        first, last = self.payable[0], self.payable[-1]
        parts = []
        for d in sorted(self.discounts, key=lambda x: x.starts):
            text = percent_text(d.percent)
            if d.starts > first:
                text += " " + str(_l("с %(day)s", day=d.starts.strftime("%d.%m")))
            if d.ends is not None and d.ends < last:
                text += " " + str(_l("по %(day)s", day=d.ends.strftime("%d.%m")))
            parts.append(text)
        return "; ".join(parts)


@dataclass
class FeeMonth:
    month: GroupMonth
    group_type: str
    norms: list[FeeNorm]
    charges: list[Charge]
    authority_id: int | None = None

    @property
    def unpriced(self) -> list[dt.date]:
        return sorted({d for c in self.charges for d in c.unpriced})


def fee_month(session, group: LearnerGroup, month: dt.date) -> FeeMonth:
    """The charges of every child of ``group`` for the month holding ``month``, with
    the norms they used, in a fixed number of queries (the group's month, its norms,
    its children's discounts) whatever the size of the group."""
    gm = group_month(session, group, month)
    group_type = gm.calendar.group_type or "full"
    org = session.get(Organisation, group.org_id)  # in the identity map since group_month
    authority_id = org.authority_id if org is not None else None
    norms = visible_norms(session, FeeNorm.authority_id == authority_id, FeeNorm.group_type == group_type,
                          FeeNorm.valid_from <= gm.end,
                          or_(FeeNorm.valid_to.is_(None), FeeNorm.valid_to >= gm.start)) \
        if authority_id is not None else []
    ids = [c.learner.id for c in gm.children]
    own: dict[int, list[FeeDiscount]] = {}
    if ids:
        for d in session.scalars(select(FeeDiscount).where(
                FeeDiscount.learner_id.in_(ids), FeeDiscount.starts <= gm.end,
                or_(FeeDiscount.ends.is_(None), FeeDiscount.ends >= gm.start)).order_by(FeeDiscount.starts)):
            own.setdefault(d.learner_id, []).append(d)
    charges = []
    for child in gm.children:
        charge = Charge(child.learner, list(child.attended), list(child.payable))
        discounts = own.get(child.learner.id, [])
        total = Decimal(0)
        for day in child.payable:
            norm = next((n for n in norms if n.covers(day)), None)
            if norm is None:
                charge.unpriced.append(day)
                continue
            discount = next((d for d in discounts if d.covers(day)), None)
            if discount is None:
                total += norm.daily_rate
                continue
            if discount not in charge.discounts:
                charge.discounts.append(discount)
            total += norm.daily_rate * (HUNDRED - discount.percent) / HUNDRED
        if not charge.unpriced:
            charge.amount = total.quantize(KOPECK, rounding=ROUND_HALF_UP)
        charges.append(charge)
    return FeeMonth(gm, group_type, norms, charges, authority_id)


def month_charges(session, group: LearnerGroup, month: dt.date) -> list[Charge]:
    """Each child's charge for the month holding ``month`` (see the module's docstring)."""
    return fee_month(session, group, month).charges


def days_text(days: list[dt.date]) -> str:
    """«02.11–06.11, 09.11»: runs of consecutive dates."""
    runs: list[list[dt.date]] = []
    for day in sorted(days):
        if runs and (day - runs[-1][-1]).days <= 3 and all(
                (runs[-1][-1] + dt.timedelta(days=i)).weekday() >= 5 for i in range(1, (day - runs[-1][-1]).days)):
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(f"{r[0]:%d.%m}" if len(r) == 1 else f"{r[0]:%d.%m}–{r[-1]:%d.%m}" for r in runs)
