"""Demo cards of the school: every learner's medical card (группа здоровья and
физкультурная группа; about 30 % with a condition), and psycho-social cards for
the learners who need one (social status, a few with ОВЗ by a ПМПК conclusion,
one on внутришкольный учёт). Written as the demo nurse (s1-nurse) and
psychologist (s1-psychologist), so the audit log shows who entered them."""
from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from app import demo
from app.models import Account, Learner, LearnerGroup
from app.models.cards import HealthCondition, MedicalCard, MedicalCardCondition, PsychoCard
from app.registry import SCOPE_ORGANISATION
from app.scoping import Scope, acting_as
from app.services.cards import MEDICAL, PSYCHO, ensure_reference

# Condition → (weight by grade band 1–4 / 5–9 / 10–11, typical note, recommendation).
CONDITIONS = {
    "Миопия": ((4, 12, 18), ["слабой степени, очки для дали", "средней степени, очки постоянно"],
               "Сидеть за первой-второй партой среднего ряда; гимнастика для глаз на уроках."),
    "Астигматизм": ((2, 3, 3), ["очковая коррекция"], "Сидеть за первой партой; хорошее освещение рабочего места."),
    "Нарушение осанки": ((5, 7, 4), ["сутулость"], "Следить за посадкой за партой; физкультминутки."),
    "Сколиоз": ((1, 4, 5), ["I степени", "II степени, наблюдается у ортопеда"],
                "Исключить подъём тяжестей и прыжки с высоты; ЛФК; правильная посадка."),
    "Плоскостопие": ((5, 4, 2), ["продольное, ортопедические стельки"], "Ортопедическая обувь; ЛФК для стоп."),
    "Бронхиальная астма": ((1, 1, 1), ["лёгкое течение, ингалятор при себе"],
                           "Ингалятор всегда при себе; не заниматься на улице в мороз ниже −15 °C."),
    "Аллергический ринит": ((2, 3, 3), ["сезонный, весной"], ""),
    "Хронический гастрит": ((0, 2, 3), ["вне обострения"], "Питание по щадящей диете в школьной столовой."),
    "Ожирение": ((1, 2, 1), ["I степени"], "Дозированная физическая нагрузка; контроль питания."),
    "Хронический тонзиллит": ((2, 2, 1), ["компенсированная форма"], ""),
    "Вегетососудистая дистония": ((0, 1, 3), ["по смешанному типу"], "Избегать переутомления; режим дня."),
    "Сахарный диабет 1 типа": ((0, 1, 0), ["инсулинотерапия, помпа"],
                               "Разрешать перекус и измерение сахара во время урока; знать признаки гипогликемии."),
}
ALLERGIES = ["пыльца берёзы", "цитрусовые", "орехи", "пенициллин", "шерсть кошки", "мёд", "лактоза",
             "пыльца берёзы, цитрусовые"]
HEALTH = [("I", 22), ("II", 58), ("III", 17), ("IV", 1.5), ("V", 0.5)]
CHARACTERISTICS = [
    "Учебная мотивация снижена, на уроках отвлекается. Нуждается в постоянном контроле со стороны учителя и "
    "родителей. С одноклассниками отношения ровные.",
    "Ответственный, добросовестный. Испытывает тревожность в ситуации проверки знаний, поддержка учителя "
    "помогает. Рекомендованы занятия с педагогом-психологом.",
    "Темп работы замедлен, быстро утомляется. Лучше усваивает материал по наглядным опорам. Эмоционально "
    "отзывчив, в классе принят.",
    "Общителен, активен во внеурочной деятельности. Воспитанием занимается бабушка; мать работает вахтовым методом.",
]


def _band(level: int) -> int:
    return 0 if level <= 4 else 1 if level <= 9 else 2


def _pick(rng, weighted):
    total = sum(w for _, w in weighted)
    roll = rng.uniform(0, total)
    for value, weight in weighted:
        roll -= weight
        if roll <= 0:
            return value
    return weighted[-1][0]


def _as(session, organisation, slug: str, resource: str) -> Scope:
    account = session.scalar(select(Account).where(Account.username == demo.username(organisation, slug)))
    return Scope(SCOPE_ORGANISATION, user_id=account.id if account else None,
                 username=account.username if account else "system", org_ids=(organisation.id,),
                 write_org_ids=(organisation.id,), restricted_read=None, restricted_write=frozenset({resource}))


def populate_cards(host, session, organisation, year, rng) -> None:
    if "school" not in (organisation.plugins or []):
        return
    # Own stream: the cards do not shift the random draws of the rest of the demo.
    rng = random.Random(f"cards-{organisation.id}-{year.start.year}")
    today = demo.today()
    session.flush()
    ensure_reference(session, organisation.id)
    session.flush()
    conditions = {c.name: c for c in session.scalars(select(HealthCondition).where(
        HealthCondition.org_id == organisation.id))}
    pupils = session.execute(
        select(Learner, LearnerGroup.level).join(LearnerGroup, LearnerGroup.id == Learner.group_id)
        .where(Learner.org_id == organisation.id, LearnerGroup.kind == "class").order_by(Learner.id)).all()
    exam_day = min(today, dt.date(year.start.year, 10, 15))

    with acting_as(_as(session, organisation, "nurse", MEDICAL)):
        for learner, level in pupils:
            band = _band(level)
            names = []
            if rng.random() < 0.30:  # about 30 % have a condition on record
                pool = [(n, spec[0][band]) for n, spec in CONDITIONS.items() if spec[0][band]]
                names = {_pick(rng, pool) for _ in range(1 if rng.random() < 0.8 else 2)}
            health = _pick(rng, HEALTH) if names else _pick(rng, HEALTH[:2])
            if health == "I" and names:
                health = "II"
            pe = {"I": "main", "II": "main", "III": rng.choice(["preparatory", "preparatory", "special_a"]),
                  "IV": "special_b", "V": "exempt"}[health]
            if "Сколиоз" in names and pe == "main":
                pe = "preparatory"
            card = MedicalCard(
                org_id=organisation.id, learner_id=learner.id, health_group=health, pe_group=pe,
                allergies=rng.choice(ALLERGIES) if rng.random() < 0.1 else "",
                recommendations="\n".join(r for r in (CONDITIONS[n][2] for n in sorted(names)) if r),
                last_exam_on=exam_day - dt.timedelta(days=rng.randint(0, 40)))
            for name in sorted(names):
                noted = dt.date(year.start.year - rng.randint(0, max(0, level - 1)), rng.randint(1, 12), rng.randint(1, 28))
                card.conditions.append(MedicalCardCondition(
                    org_id=organisation.id, learner_id=learner.id, condition_id=conditions[name].id,
                    note=rng.choice(CONDITIONS[name][1]), noted_on=min(noted, today)))
            session.add(card)
        session.flush()

    with acting_as(_as(session, organisation, "psychologist", PSYCHO)):
        cards = []
        for learner, level in pupils:
            status = []
            if rng.random() < 0.10:
                status.append("large_family")
            if rng.random() < 0.05:
                status.append("low_income")
            if rng.random() < 0.02:
                status.append("guardianship")
            if rng.random() < 0.03:
                status.append("svo")
            if not status:
                continue
            cards.append(PsychoCard(org_id=organisation.id, learner_id=learner.id, social_status=sorted(status),
                                    social_note="Удостоверение многодетной семьи предъявлено" if "large_family" in status
                                    else ""))
        by_learner = {c.learner_id: c for c in cards}

        def card_of(learner):
            card = by_learner.get(learner.id)
            if card is None:
                card = by_learner[learner.id] = PsychoCard(org_id=organisation.id, learner_id=learner.id,
                                                           social_status=[])
                cards.append(card)
            return card

        # A few learners with ОВЗ by a ПМПК conclusion (ЗПР in primary school, ТНР, НОДА).
        primary = [(l, lv) for l, lv in pupils if lv <= 4]
        older = [(l, lv) for l, lv in pupils if 5 <= lv <= 9]
        ovz = [(rng.choice(primary), "zpr", "aoop", "АООП НОО для обучающихся с ЗПР (вариант 7.1); занятия с "
                "учителем-дефектологом 2 раза в неделю, с педагогом-психологом 1 раз в неделю."),
               (rng.choice(primary), "speech", "aoop", "АООП НОО для обучающихся с ТНР (вариант 5.1); занятия с "
                "учителем-логопедом 2 раза в неделю."),
               (rng.choice(older), "zpr", "aop", "АОП ООО для обучающихся с ЗПР; дополнительное время на "
                "выполнение контрольных работ; сопровождение тьютора не требуется."),
               (rng.choice(older), "musculoskeletal", "general", "Обучение по основной программе со специальными "
                "условиями: доступная среда, освобождение от нагрузок на уроках физической культуры.")]
        for (learner, level), category, program, recommendation in ovz:
            card = card_of(learner)
            card.ovz, card.ovz_category, card.pmpk_program = True, category, program
            card.pmpk_date = min(today, dt.date(year.start.year, 5, rng.randint(10, 28)))
            card.pmpk_number = str(rng.randint(100, 480))
            card.pmpk_recommendation = recommendation
            card.characteristic = CHARACTERISTICS[2]
        # One learner on внутришкольный учёт for truancy and discipline.
        learner, level = rng.choice([(l, lv) for l, lv in pupils if 7 <= lv <= 9])
        card = card_of(learner)
        card.characteristic = CHARACTERISTICS[0]
        card.deviant_flags = ["discipline", "truancy"]
        card.deviant_note = "Пропуски уроков без уважительной причины в октябре (12 уроков); беседы с родителями."
        card.school_watch_from = min(today, dt.date(year.start.year, 10, 20))
        card.watch_note = "Решение совета профилактики; индивидуальный план профилактической работы."
        for learner, level in rng.sample(pupils, 3):
            card = card_of(learner)
            card.characteristic = card.characteristic or CHARACTERISTICS[1 if rng.random() < 0.5 else 3]
        session.add_all(cards)
        session.flush()
