"""Rules of the two cards: vocabularies, form parsing, saving, the learner list.

No Flask request here: views pass plain mappings. A refused input raises
``RuleError`` with a Russian message and nothing is changed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from app.audit import log_views
from app.exceptions import RuleError
from app.models import Learner, LearnerGroup
from app.models.cards import HealthCondition, MedicalCard, MedicalCardCondition, PsychoCard

MEDICAL, PSYCHO = "MedicalCards", "PsychoCards"
RULE_MEDICAL = _l("Медицинская карта")
RULE_PSYCHO = _l("Психолого-педагогическая карточка")

HEALTH_GROUPS = ["I", "II", "III", "IV", "V"]
PE_GROUPS = {
    "main": _l("основная"),
    "preparatory": _l("подготовительная"),
    "special_a": _l("специальная «А»"),
    "special_b": _l("специальная «Б»"),
    "exempt": _l("освобождён"),
}
DEVIANT_FLAGS = {
    "aggression": _l("агрессивное поведение"),
    "truancy": _l("систематические пропуски без уважительной причины"),
    "discipline": _l("грубые нарушения дисциплины и устава школы"),
    "conflict": _l("конфликты со сверстниками, травля"),
    "substances": _l("курение, употребление алкоголя или ПАВ"),
    "runaway": _l("уходы из дома, бродяжничество"),
    "offence": _l("правонарушения"),
    "self_harm": _l("риск самоповреждающего поведения"),
}
SOCIAL_STATUS = {
    "large_family": _l("многодетная семья"),
    "low_income": _l("малоимущая семья"),
    "single_parent": _l("неполная семья"),
    "guardianship": _l("опекаемый (под опекой, в приёмной семье)"),
    "orphan": _l("сирота, оставшийся без попечения родителей"),
    "disabled_child": _l("ребёнок-инвалид"),
    "svo": _l("семья участника СВО"),
    "tzhs": _l("трудная жизненная ситуация (ТЖС)"),
    "sop": _l("социально опасное положение (СОП)"),
}
OVZ_CATEGORIES = {
    "deaf": _l("глухие"),
    "hard_of_hearing": _l("слабослышащие, позднооглохшие"),
    "blind": _l("слепые"),
    "low_vision": _l("слабовидящие"),
    "speech": _l("тяжёлые нарушения речи (ТНР)"),
    "musculoskeletal": _l("нарушения опорно-двигательного аппарата (НОДА)"),
    "zpr": _l("задержка психического развития (ЗПР)"),
    "autism": _l("расстройства аутистического спектра (РАС)"),
    "intellectual": _l("умственная отсталость (интеллектуальные нарушения)"),
    "complex": _l("тяжёлые множественные нарушения развития (ТМНР)"),
}
ADAPTED_PROGRAMS = {
    "aoop": _l("адаптированная основная общеобразовательная программа (АООП)"),
    "aop": _l("адаптированная образовательная программа (АОП)"),
    "general": _l("общая программа со специальными условиями"),
}
# The reference the demo and a new organisation start from; the nurse edits it.
DEFAULT_CONDITIONS = [
    "Миопия", "Гиперметропия", "Астигматизм", "Косоглазие", "Сколиоз", "Нарушение осанки", "Плоскостопие",
    "Бронхиальная астма", "Аллергический ринит", "Атопический дерматит", "Сахарный диабет 1 типа",
    "Хронический гастрит", "Хронический тонзиллит", "Ожирение", "Вегетососудистая дистония",
    "Тугоухость", "Эпилепсия", "Заикание", "Пролапс митрального клапана", "Хронический пиелонефрит",
]
MAX_TEXT = 4000


def _text(form: Mapping, key: str, rule, label, limit: int = MAX_TEXT) -> str:
    value = (form.get(key) or "").strip()
    if len(value) > limit:
        raise RuleError(str(rule), _l("Поле «%(label)s» длиннее %(n)s знаков.", label=label, n=limit))
    return value


def _date(form: Mapping, key: str, rule, label, today: dt.date) -> dt.date | None:
    raw = (form.get(key) or "").strip()
    if not raw:
        return None
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        try:
            value = dt.datetime.strptime(raw, "%d.%m.%Y").date()
        except ValueError:
            raise RuleError(str(rule), _l("«%(label)s»: неверная дата «%(value)s».", label=label, value=raw)) from None
    if value > today:
        raise RuleError(str(rule), _l("«%(label)s»: дата %(value)s ещё не наступила.", label=label,
                                      value=value.strftime("%d.%m.%Y")))
    if value.year < 1990:
        raise RuleError(str(rule), _l("«%(label)s»: неверная дата «%(value)s».", label=label, value=raw))
    return value


def _choice(form: Mapping, key: str, allowed, rule, message) -> str | None:
    value = (form.get(key) or "").strip()
    if not value:
        return None
    if value not in allowed:
        raise RuleError(str(rule), message)
    return value


def _flags(values, allowed: Mapping, rule, label) -> list[str]:
    chosen = sorted({v for v in values if v})
    unknown = [v for v in chosen if v not in allowed]
    if unknown:
        raise RuleError(str(rule), _l("«%(label)s»: неизвестное значение «%(value)s».", label=label, value=unknown[0]))
    return chosen


def _check_version(card, form: Mapping, rule) -> None:
    """A card changed by someone else since the form was opened is not overwritten."""
    if card is None or card.id is None:
        return
    sent = (form.get("version") or "").strip()
    if sent and sent != str(card.version):
        raise RuleError(str(rule), _l("Карту уже изменил другой пользователь. Откройте её заново и повторите правку."))


# --- the medical card -------------------------------------------------------------


@dataclass
class ConditionInput:
    condition_id: int
    note: str
    noted_on: dt.date | None


def parse_medical(form, conditions: list[HealthCondition], today: dt.date, current_ids=()) -> dict:
    """Clean the medical card form or raise RuleError. ``form`` is a MultiDict-like
    mapping (``getlist`` for the ticked conditions); ``current_ids`` are the
    conditions already on the card (they stay even if switched off in the reference)."""
    rule = RULE_MEDICAL
    health_group = _choice(form, "health_group", HEALTH_GROUPS, rule, _l(
        "Группа здоровья должна быть одной из: I, II, III, IV, V."))
    pe_group = _choice(form, "pe_group", PE_GROUPS, rule, _l(
        "Физкультурная группа должна быть одной из: основная, подготовительная, специальная «А», "
        "специальная «Б», освобождён."))
    known = {c.id: c for c in conditions}
    ticked = []
    for raw in form.getlist("condition"):
        try:
            cid = int(raw)
        except (TypeError, ValueError):
            cid = None
        if cid not in known:
            raise RuleError(str(rule), _l("Заболевание не найдено в справочнике."))
        label = known[cid].name
        if not known[cid].active and cid not in current_ids:
            raise RuleError(str(rule), _l("Заболевание «%(name)s» не используется в справочнике.", name=label))
        ticked.append(ConditionInput(
            cid, _text(form, f"note_{cid}", rule, label, 300), _date(form, f"noted_on_{cid}", rule, label, today)))
    return dict(
        health_group=health_group,
        pe_group=pe_group,
        allergies=_text(form, "allergies", rule, _l("Аллергии")),
        recommendations=_text(form, "recommendations", rule, _l("Рекомендации")),
        last_exam_on=_date(form, "last_exam_on", rule, _l("Дата последнего медосмотра"), today),
        conditions=ticked,
    )


def save_medical(session, learner: Learner, card: MedicalCard | None, data: dict, form=None) -> MedicalCard:
    """Apply cleaned ``data`` to the learner's card (created on first save). Only
    changed values are set, so the audit log records exactly what changed."""
    _check_version(card, form or {}, RULE_MEDICAL)
    if card is None:
        card = MedicalCard(org_id=learner.org_id, learner_id=learner.id)
        session.add(card)
    for key in ("health_group", "pe_group", "allergies", "recommendations", "last_exam_on"):
        if getattr(card, key) != data[key]:
            setattr(card, key, data[key])
    wanted = {c.condition_id: c for c in data["conditions"]}
    for row in list(card.conditions):
        if row.condition_id not in wanted:
            card.conditions.remove(row)
            continue
        item = wanted.pop(row.condition_id)
        if row.note != item.note:
            row.note = item.note
        if row.noted_on != item.noted_on:
            row.noted_on = item.noted_on
    for item in wanted.values():
        card.conditions.append(MedicalCardCondition(org_id=learner.org_id, learner_id=learner.id,
                                                    condition_id=item.condition_id, note=item.note,
                                                    noted_on=item.noted_on))
    return card


def active_conditions(session, org_id: int) -> list[HealthCondition]:
    return list(session.scalars(select(HealthCondition).where(HealthCondition.org_id == org_id)
                                .order_by(HealthCondition.name)))


def ensure_reference(session, org_id: int) -> None:
    """Fill an organisation's empty reference with the usual conditions."""
    if session.scalar(select(func.count(HealthCondition.id)).where(HealthCondition.org_id == org_id)):
        return
    session.add_all([HealthCondition(org_id=org_id, name=n) for n in DEFAULT_CONDITIONS])


# --- the psycho-social card -------------------------------------------------------------

WATCHES = [("school_watch", _l("Внутришкольный учёт")), ("pdn", _l("Учёт в ПДН")), ("kdn", _l("Учёт в КДН и ЗП"))]


def parse_psycho(form, today: dt.date) -> dict:
    rule = RULE_PSYCHO
    data = dict(
        characteristic=_text(form, "characteristic", rule, _l("Психолого-педагогическая характеристика")),
        deviant_flags=_flags(form.getlist("deviant_flags"), DEVIANT_FLAGS, rule, _l("Девиантное поведение")),
        deviant_note=_text(form, "deviant_note", rule, _l("Девиантное поведение: примечание")),
        social_status=_flags(form.getlist("social_status"), SOCIAL_STATUS, rule, _l("Социальное положение")),
        social_note=_text(form, "social_note", rule, _l("Социальное положение: примечание")),
        watch_note=_text(form, "watch_note", rule, _l("Учёт: примечание")),
        ovz=form.get("ovz") in ("1", "on", "y", "true"),
        ovz_category=_choice(form, "ovz_category", OVZ_CATEGORIES, rule, _l("Неизвестная категория ОВЗ.")),
        pmpk_date=_date(form, "pmpk_date", rule, _l("Дата заключения ПМПК"), today),
        pmpk_number=_text(form, "pmpk_number", rule, _l("Номер заключения ПМПК"), 40),
        pmpk_program=_choice(form, "pmpk_program", ADAPTED_PROGRAMS, rule, _l("Неизвестная образовательная программа.")),
        pmpk_recommendation=_text(form, "pmpk_recommendation", rule, _l("Рекомендации ПМПК")),
    )
    for key, label in WATCHES:
        start = _date(form, f"{key}_from", rule, label, today)
        end = _date(form, f"{key}_to", rule, label, today)
        if end is not None and start is None:
            raise RuleError(str(rule), _l("«%(label)s»: укажите дату постановки на учёт.", label=label))
        if start and end and end < start:
            raise RuleError(str(rule), _l("«%(label)s»: дата снятия с учёта раньше даты постановки.", label=label))
        data[f"{key}_from"], data[f"{key}_to"] = start, end
    if data["ovz"] and not data["ovz_category"]:
        raise RuleError(str(rule), _l("Для обучающегося с ОВЗ укажите категорию по заключению ПМПК."))
    if data["ovz"] and not data["pmpk_date"]:
        raise RuleError(str(rule), _l("Статус ОВЗ подтверждается заключением ПМПК: укажите его дату."))
    if not data["ovz"] and data["ovz_category"]:
        raise RuleError(str(rule), _l("Категория ОВЗ указана, а статус ОВЗ не отмечен."))
    return data


def save_psycho(session, learner: Learner, card: PsychoCard | None, data: dict, form=None) -> PsychoCard:
    _check_version(card, form or {}, RULE_PSYCHO)
    if card is None:
        card = PsychoCard(org_id=learner.org_id, learner_id=learner.id)
        session.add(card)
    for key, value in data.items():
        if getattr(card, key) != value:
            setattr(card, key, value)
    return card


def on_watch(card: PsychoCard | None, today: dt.date) -> list[str]:
    """The registrations in force today, as Russian labels."""
    if card is None:
        return []
    out = []
    for key, label in WATCHES:
        start, end = getattr(card, f"{key}_from"), getattr(card, f"{key}_to")
        if start is not None and start <= today and (end is None or end >= today):
            out.append(str(label))
    return out


# --- the list of learners ------------------------------------------------------------------


def learner_page(session, org_id: int, card_model, q: str = "", group_id: int | None = None, page: int = 0,
                 per_page: int = 25, only_cards: bool = False):
    """One page of the organisation's current learners with their cards:
    (total, [(learner, group name, card or None)]). Three queries whatever the size.
    ``only_cards`` keeps the learners who have a card."""
    where = [Learner.org_id == org_id, Learner.left_on.is_(None)]
    if only_cards:
        where.append(Learner.id.in_(select(card_model.learner_id)))
    if group_id:
        where.append(Learner.group_id == group_id)
    for word in (q or "").split()[:3]:
        # lower() of SQLite folds ASCII only: also match the capitalised word, as names are written.
        lower, title = f"%{word.lower()}%", f"%{word.capitalize()}%"
        where.append(or_(*(cond for col in (Learner.last_name, Learner.first_name, Learner.middle_name)
                           for cond in (func.lower(col).like(lower), col.like(title)))))
    total = session.scalar(select(func.count(Learner.id)).where(*where))
    rows = session.execute(
        select(Learner, LearnerGroup.name).outerjoin(LearnerGroup, LearnerGroup.id == Learner.group_id)
        .where(*where)
        .order_by(LearnerGroup.level, LearnerGroup.name, Learner.last_name, Learner.first_name, Learner.id)
        .limit(per_page).offset(page * per_page)).all()
    ids = [learner.id for learner, _ in rows]
    cards = {}
    if ids:
        cards = {c.learner_id: c for c in session.scalars(select(card_model).where(card_model.learner_id.in_(ids)))}
    return total, [(learner, group, cards.get(learner.id)) for learner, group in rows]


def condition_names(session, cards: list[MedicalCard]) -> dict[int, list[str]]:
    """card id → names of its conditions, in one query."""
    ids = [c.id for c in cards]
    out: dict[int, list[str]] = {i: [] for i in ids}
    if not ids:
        return out
    for card_id, name in session.execute(
            select(MedicalCardCondition.card_id, HealthCondition.name)
            .join(HealthCondition, HealthCondition.id == MedicalCardCondition.condition_id)
            .where(MedicalCardCondition.card_id.in_(ids)).order_by(HealthCondition.name)):
        out[card_id].append(name)
    return out


def log_card_views(session, card_model, cards) -> int:
    """One «просмотр» audit entry per card shown."""
    return log_views(session, card_model, [(c.id, c.org_id, {"learner_id": c.learner_id})
                                           for c in cards if c is not None])
