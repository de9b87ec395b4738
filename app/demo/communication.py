"""Demo data of the communication part: announcements on the board, letters between
parents, teachers and the administration, a notice, and a month of activity for the
activity report. Called by ``app.demo.build_demo`` for each organisation."""
from __future__ import annotations

import datetime as dt
import random

from app.models import ActivityDay, Announcement, AnnouncementGroup, Learner, MailRecipient
from app.roles import ADMINISTRATOR, DEPUTY, DIRECTOR
from app.services import mail


def _first(entries, test):
    return next((e for e in entries if test(e)), None)


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

    week = today + dt.timedelta(days=7)
    board = [
        (director, "Родительское собрание", "Общешкольное родительское собрание состоится в четверг в 18:00 в "
                                             "актовом зале. Повестка: итоги четверти, питание, безопасность на дорогах.",
         "parents", ()),
        (deputy, "Педагогический совет", "Заседание педагогического совета в понедельник в 15:00, кабинет 21. "
                                          "Классным руководителям подготовить сведения об успеваемости.", "staff", ()),
        (admin, "Технические работы в журнале", "В субботу с 22:00 до 23:00 журнал будет недоступен: обновление.",
         "all", ()),
    ]
    if leader is not None and leader.led:
        group = sorted(leader.led)[0]
        board.append((leader, f"Экскурсия {book.group_names.get(group, '')}",
                      "В пятницу класс едет на экскурсию в краеведческий музей. Сбор у школы в 9:00, "
                      "с собой — сменная обувь и бутерброды.", "groups", (group,)))
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
                            "размещён в учительской. Прошу ознакомиться."))
    if learner is not None and teacher is not None and mail.may_reach(learner, teacher):
        letters.append((learner, [teacher], "Домашнее задание", "Здравствуйте! Подскажите, пожалуйста, какие "
                        "номера задачи заданы на четверг?"))
    elif learner is not None and leader is not None and mail.may_reach(learner, leader):
        letters.append((learner, [leader], "Классный час", "Здравствуйте! Можно я подготовлю сообщение к классному часу?"))
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
                          f"{child.full_name} отсутствовал(а) на уроках без установленной причины. "
                          "Прошу сообщить причину отсутствия.", subject=f"Уведомление об обучающемся: {child.full_name}",
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
