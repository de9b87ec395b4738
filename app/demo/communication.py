"""Demo data of the communication part: announcements on the board, letters between
parents, teachers and the administration, a notice, and a month of activity for the
activity report. Called by ``app.demo.build_demo`` for each organisation."""
from __future__ import annotations

import datetime as dt
import random

from flask import current_app

from app.models import ActivityDay, Announcement, AnnouncementGroup, Learner, LearnerGroup, MailRecipient, Period
from app.roles import ADMINISTRATOR, DEPUTY, DIRECTOR
from app.services import mail
from app.services.kinds import kind_of, taught_kinds_of


def _first(entries, test):
    return next((e for e in entries if test(e)), None)


def _words(session, organisation, today: dt.date) -> dict[str, str]:
    """The organisation's own words for the texts below (the core names no plugin): its
    kind of group taught by subject («класс», «учебная группа»), and the study period
    now under way («2 четверть», «1 семестр»)."""
    from sqlalchemy import select

    host = current_app.extensions["ejournal"]
    kind = next(iter(taught_kinds_of(organisation.plugins, host)), None)
    # The kind's own study periods: a school's quarters, not its preschool group's months.
    types = [code for code, spec in host.period_types.items()
             if not spec.is_final and (kind is None or spec.plugin == kind.plugin)]
    # The period under way, else the one just ended (a college's session, a school's summer).
    period = session.scalar(select(Period).where(Period.org_id == organisation.id, Period.type_code.in_(types),
                                                 Period.start <= today)
                            .order_by(Period.start.desc(), Period.id))
    return {"group": kind.name.lower() if kind else "группа", "groups_of": kind.groups_of if kind else "групп",
            "lessons": kind.lessons.lower() if kind else "занятия",
            "period": period.name if period is not None else "учебный период"}


def populate_communication(session, organisation, today: dt.date) -> None:
    from sqlalchemy import select

    rng = random.Random(organisation.id)  # its own: the other demo data stay as they were
    book = mail.directory(session, organisation.id)
    entries = sorted(book.entries.values(), key=lambda e: e.id)
    if not entries:
        return
    director = _first(entries, lambda e: DIRECTOR in e.roles)
    deputy = _first(entries, lambda e: DEPUTY in e.roles)
    admin = _first(entries, lambda e: ADMINISTRATOR in e.roles)
    parent = _first(entries, lambda e: e.parent and e.groups)
    leader = _first(entries, lambda e: e.led and parent and e.led & parent.groups) or _first(entries, lambda e: e.led)
    teacher = _first(entries, lambda e: e.teacher and not e.led)
    learner = _first(entries, lambda e: e.learner and e.groups)

    words = _words(session, organisation, today)
    week = today + dt.timedelta(days=7)
    board = [
        (director, "Родительское собрание", "Общее родительское собрание состоится в четверг в 18:00 в актовом "
                                             f"зале. Повестка: итоги периода «{words['period']}», питание, "
                                             "безопасность на дорогах.", "parents", ()),
        (deputy, "Педагогический совет", "Заседание педагогического совета в понедельник в 15:00, кабинет 21. "
                                          f"Сведения об успеваемости {words['groups_of']} подготовить к заседанию.",
         "staff", ()),
        (admin, "Технические работы в журнале", "В субботу с 22:00 до 23:00 журнал будет недоступен: обновление.",
         "all", ()),
    ]
    if leader is not None and leader.led:
        group = sorted(leader.led)[0]
        kind = kind_of(session.get(LearnerGroup, group))  # the group's own kind: a preschool group is no class
        board.append((leader, f"Экскурсия {book.group_names.get(group, '')}",
                      f"В пятницу {kind.name.lower() if kind else words['group']} едет на экскурсию в краеведческий музей. Сбор у главного входа "
                      "в 9:00, с собой — сменная обувь и бутерброды.", "groups", (group,)))
    for author, title, body, audience, groups in board:
        if author is None:
            continue
        item = Announcement(org_id=organisation.id, author_id=author.id, author_name=author.name, title=title,
                            body=body, audience=audience, shown_from=today - dt.timedelta(days=1), shown_to=week)
        item.groups = [AnnouncementGroup(org_id=organisation.id, group_id=g) for g in groups]
        session.add(item)

    class _Acc:  # what mail.send needs of an account
        def __init__(self, entry):
            self.id, self.org_id = entry.id, organisation.id

    letters = []
    if parent is not None and leader is not None:
        letters.append((parent, [leader], "Пропуск занятий", "Здравствуйте! Мой ребёнок пропустит занятия в среду: "
                        "запись к врачу. Справку принесём в четверг."))
    if director is not None:
        staff = [e for e in entries if e.teacher][:30]
        if staff:
            letters.append((director, staff, "График дежурств", "Коллеги, график дежурств на следующую неделю "
                            "размещён на информационном стенде. Прошу ознакомиться."))
    if learner is not None and teacher is not None and mail.may_reach(learner, teacher):
        letters.append((learner, [teacher], "Домашнее задание", "Здравствуйте! Подскажите, пожалуйста, какие "
                        "номера задачи заданы на четверг?"))
    elif learner is not None and leader is not None and mail.may_reach(learner, leader):
        letters.append((learner, [leader], "Экскурсия", "Здравствуйте! Можно я подготовлю сообщение об экскурсии?"))
    for sender, to, subject, body in letters:
        try:
            mail.send(session, _Acc(sender), [e.id for e in to], body, subject=subject)
        except mail.RuleError:
            continue
    if leader is not None and parent is not None:
        child = session.scalar(select(Learner).where(Learner.group_id.in_(sorted(leader.led & parent.groups)))
                               .order_by(Learner.id)) if leader.led & parent.groups else None
        if child is not None:
            try:
                mail.send(session, _Acc(leader), [parent.id],
                          f"{child.full_name} пропустил(а) {words['lessons']} без установленной причины. "
                          "Прошу сообщить причину отсутствия.", subject=f"Уведомление о пропусках: {child.full_name}",
                          kind="notice", about_person_id=child.id)
            except mail.RuleError:
                pass
    session.flush()
    # Some letters already read, so that «Отправленные» shows both kinds of receipts.
    for r in session.scalars(select(MailRecipient).where(MailRecipient.org_id == organisation.id)
                             .order_by(MailRecipient.id)):
        if rng.random() < 0.5:
            r.read_at = dt.datetime.combine(today, dt.time(8 + rng.randint(0, 9), rng.randint(0, 59)))

    # A month of activity: teachers most school days, parents and learners now and then.
    rows, start = [], today - dt.timedelta(days=30)
    days = [start + dt.timedelta(days=i) for i in range(31) if (start + dt.timedelta(days=i)).weekday() < 6]
    for e in entries:
        if e.teacher:
            chance, actions = 0.85, {"marks": (5, 40), "attendance": (1, 6), "homework": (1, 4)}
        elif e.parent:
            chance, actions = 0.35, {"diary": (1, 4)}
        elif e.learner:
            chance, actions = 0.45, {"diary": (1, 3)}
        else:
            chance, actions = 0.6, {}
        for day in days:
            if rng.random() >= chance:
                continue
            rows.append(dict(org_id=organisation.id, account_id=e.id, day=day, kind="login", count=rng.randint(1, 3)))
            for kind, (low, high) in actions.items():
                rows.append(dict(org_id=organisation.id, account_id=e.id, day=day, kind=kind,
                                 count=rng.randint(low, high)))
    # The letters above counted today's messages already: leave today's rows to them.
    rows = [r for r in rows if r["day"] != today]
    if rows:
        session.execute(ActivityDay.__table__.insert(), rows)
    session.flush()
