"""Internal mail: whom each role may reach (form and tampered POSTs), private threads,
the inbox in seed 002's order, the unread counter and read receipts, bounded queries."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Account, MailMessage
from app.scoping import acting_as
from tests.test_query_counts import count_queries
from tests.world import TODAY

pytestmark = pytest.mark.dates  # the read receipt carries the day


def _ids(app, *usernames):
    with app.app_context(), acting_as(None):
        rows = dict(db.session.execute(select(Account.username, Account.id).where(Account.username.in_(usernames))).all())
    return [rows[u] for u in usernames]


def _messages(app) -> int:
    with app.app_context(), acting_as(None):
        return db.session.scalar(select(func.count(MailMessage.id)))


def _send(client, to, subject="Вопрос", body="Здравствуйте!"):
    return client.post("/mail/new", data={"to": [str(t) for t in to], "subject": subject, "body": body},
                       follow_redirects=True)


def _offered(html: str) -> set[int]:
    return {int(x) for x in re.findall(r'name="to" value="(\d+)"', html)}


def test_parent_is_offered_teachers_of_own_child_and_the_administration(app, client, login):
    teacher, other, admin, director, deputy, secretary, learner = _ids(
        app, "teacher1", "otherteacher1", "admin1", "director1", "deputy1", "secretary1", "learner1")
    login("parent1")
    page = client.get("/mail/new")
    assert page.status_code == 200
    offered = _offered(page.get_data(as_text=True))
    assert offered == {teacher, admin, director, deputy}
    assert other not in offered and secretary not in offered and learner not in offered


def test_parent_cannot_message_an_unrelated_teacher_by_a_tampered_post(app, client, login):
    (other,) = _ids(app, "otherteacher1")
    login("parent1")
    page = _send(client, [other])
    text = page.get_data(as_text=True)
    assert f"Получатель № {other} вам недоступен" in text
    assert _messages(app) == 0


def test_teacher_reaches_colleagues_and_own_class_not_another_organisation(app, client, login):
    other, admin, parent, learner, admin2, teacher3 = _ids(
        app, "otherteacher1", "admin1", "parent1", "learner1", "admin2", "teacher3")
    login("teacher1")
    offered = _offered(client.get("/mail/new").get_data(as_text=True))
    assert {other, admin, parent, learner} <= offered
    assert admin2 not in offered and teacher3 not in offered
    assert f"Получатель № {teacher3} вам недоступен" in _send(client, [teacher3]).get_data(as_text=True)
    assert _messages(app) == 0


def test_other_teacher_does_not_reach_parents_of_a_class_he_does_not_teach(app, client, login):
    parent, learner, teacher = _ids(app, "parent1", "learner1", "teacher1")
    login("otherteacher1")
    offered = _offered(client.get("/mail/new").get_data(as_text=True))
    assert teacher in offered and parent not in offered and learner not in offered


def test_learner_reaches_own_teachers_and_the_administration(app, client, login):
    teacher, other, director, parent = _ids(app, "teacher1", "otherteacher1", "director1", "parent1")
    login("learner1")
    offered = _offered(client.get("/mail/new").get_data(as_text=True))
    assert teacher in offered and director in offered
    assert other not in offered and parent not in offered


def test_thread_is_private_to_its_participants(app, client, login):
    teacher, parent = _ids(app, "teacher1", "parent1")
    login("admin1")
    _send(client, [teacher], subject="Педсовет", body="Педсовет в пятницу")
    with app.app_context(), acting_as(None):
        thread_id = db.session.scalar(select(MailMessage.thread_id))
    login("parent1")
    assert client.get(f"/mail/thread/{thread_id}").status_code == 404
    reply = client.post(f"/mail/thread/{thread_id}/reply", data={"to": [str(teacher)], "body": "Я тоже приду"})
    assert reply.status_code == 404
    assert _messages(app) == 1
    login("teacher1")
    page = client.get(f"/mail/thread/{thread_id}")
    assert page.status_code == 200 and "Педсовет в пятницу" in page.get_data(as_text=True)


def test_reply_keeps_the_thread_and_answers_the_sender(app, client, login):
    (parent,) = _ids(app, "parent1")
    login("teacher1")
    _send(client, [parent], subject="Контрольная", body="Завтра контрольная по математике")
    with app.app_context(), acting_as(None):
        thread_id = db.session.scalar(select(MailMessage.thread_id))
    login("parent1")
    page = client.get(f"/mail/thread/{thread_id}").get_data(as_text=True)
    to = re.findall(r'name="to" value="(\d+)"', page)
    client.post(f"/mail/thread/{thread_id}/reply", data={"to": to, "body": "Спасибо, подготовимся"})
    with app.app_context(), acting_as(None):
        threads = db.session.scalars(select(MailMessage.thread_id).order_by(MailMessage.id)).all()
    assert threads == [thread_id, thread_id]
    login("teacher1")
    assert "Спасибо, подготовимся" in client.get(f"/mail/thread/{thread_id}").get_data(as_text=True)


def test_inbox_is_ordered_by_the_senders_role_then_date(app, client, login):
    (teacher,) = _ids(app, "teacher1")
    # A learner, the parent, another teacher, then the director write to teacher1.
    for user, subject in [("learner1", "От ученика"), ("parent1", "От родителя"), ("otherteacher1", "От коллеги"),
                          ("director1", "От директора")]:
        login(user)
        assert "Сообщение отправлено" in _send(client, [teacher], subject=subject).get_data(as_text=True)
    login("teacher1")
    html = client.get("/mail/").get_data(as_text=True)
    order = [html.index(s) for s in ("От директора", "От коллеги", "От родителя", "От ученика")]
    assert order == sorted(order)


def test_class_teacher_comes_before_subject_teacher_in_a_parents_inbox(app, client, login):
    (parent,) = _ids(app, "parent1")
    login("teacher1")  # leads 5А, the child's class
    _send(client, [parent], subject="От классного руководителя")
    login("director1")
    _send(client, [parent], subject="От директора")
    login("parent1")
    html = client.get("/mail/").get_data(as_text=True)
    assert html.index("От директора") < html.index("От классного руководителя")
    assert "Классный руководитель" in html


def test_unread_counter_and_read_receipt(app, client, login):
    (parent,) = _ids(app, "parent1")
    login("teacher1")
    _send(client, [parent], subject="Собрание", body="Родительское собрание в четверг")
    login("parent1")
    home = client.get("/").get_data(as_text=True)
    assert "Почта (1)" in home and "Общение (1)" in home
    with app.app_context(), acting_as(None):
        thread_id = db.session.scalar(select(MailMessage.thread_id))
    client.get(f"/mail/thread/{thread_id}")
    home = client.get("/").get_data(as_text=True)
    assert "Почта (1)" not in home and "Почта" in home
    login("teacher1")
    sent = " ".join(client.get("/mail/sent").get_data(as_text=True).split())
    # the receipt names the parent's account and the local time he read it (the pinned clock: TODAY, 10:00)
    assert f'Тестов Parent1 — <span class="text-success">прочитано {TODAY:%d.%m.%Y} 10:00</span>' in sent


def _statements(app, fn) -> list[str]:
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine
    seen = []

    def _keep(_conn, _cursor, statement, *_a):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", _keep)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", _keep)
    return seen


def test_unread_counter_is_kept_between_pages_until_mail_arrives_or_is_read(app, client, login):
    (parent,) = _ids(app, "parent1")
    login("teacher1")
    _send(client, [parent], subject="Первое")
    login("parent1")
    client.get("/")
    pages = []
    seen = _statements(app, lambda: pages.append(client.get("/").get_data(as_text=True)))
    assert "Почта (1)" in pages[0]
    assert not [s for s in seen if "mail_recipient" in s]  # the counter came from memory
    login("teacher1")
    _send(client, [parent], subject="Второе")
    login("parent1")
    assert "Почта (2)" in client.get("/").get_data(as_text=True)
    with app.app_context(), acting_as(None):
        thread_id = db.session.scalar(select(MailMessage.thread_id).order_by(MailMessage.id.desc()).limit(1))
    client.get(f"/mail/thread/{thread_id}")
    assert "Почта (1)" in client.get("/").get_data(as_text=True)


def test_unread_receipt_shows_not_read(app, client, login):
    (parent,) = _ids(app, "parent1")
    login("teacher1")
    _send(client, [parent], subject="Собрание")
    assert "не прочитано" in client.get("/mail/sent").get_data(as_text=True)


def test_mail_of_another_organisation_is_not_found(app, client, login):
    (teacher,) = _ids(app, "teacher1")
    login("admin1")
    _send(client, [teacher], subject="Внутреннее")
    with app.app_context(), acting_as(None):
        thread_id = db.session.scalar(select(MailMessage.thread_id))
    login("admin2")
    assert client.get(f"/mail/thread/{thread_id}").status_code == 404
    assert "Внутреннее" not in client.get("/mail/").get_data(as_text=True)


def test_authority_staff_has_no_mail(app, client, login):
    login("uo_a")
    assert client.get("/mail/").status_code == 403


def test_inbox_runs_a_fixed_number_of_queries(app, client, login):
    teacher, parent = _ids(app, "teacher1", "parent1")
    login("director1")
    _send(client, [teacher, parent], subject="Первое")
    login("teacher1")
    _send(client, [parent], subject="Ответ")
    client.get("/mail/")
    with count_queries(app) as small:
        assert client.get("/mail/").status_code == 200
    with count_queries(app) as small_sent:
        assert client.get("/mail/sent").status_code == 200
    login("director1")
    for i in range(12):
        _send(client, [teacher, parent], subject=f"Сообщение {i}")
    login("teacher1")
    for i in range(5):
        _send(client, [parent], subject=f"Ответ {i}")
    with count_queries(app) as large:
        assert client.get("/mail/").status_code == 200
    with count_queries(app) as large_sent:
        assert client.get("/mail/sent").status_code == 200
    assert large["n"] == small["n"]
    assert large_sent["n"] == small_sent["n"]


def test_reply_all_leaves_out_participants_the_parent_may_not_reach(app, client, login):
    parent, other, teacher = _ids(app, "parent1", "otherteacher1", "teacher1")
    login("director1")
    _send(client, [parent, other], subject="Собрание", body="Собрание в пятницу")
    with app.app_context(), acting_as(None):
        thread_id = db.session.scalar(select(MailMessage.thread_id))
    login("parent1")
    page = client.get(f"/mail/thread/{thread_id}").get_data(as_text=True)
    director = _ids(app, "director1")[0]
    assert set(re.findall(r'name="to" value="(\d+)"', page)) == {str(director)}
    client.post(f"/mail/thread/{thread_id}/reply", data={"to": [str(director)], "body": "Приду"})
    assert _messages(app) == 2
    client.post(f"/mail/thread/{thread_id}/reply", data={"to": [str(other)], "body": "Вам тоже"})
    assert _messages(app) == 2
