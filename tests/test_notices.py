"""Notices: from the journal a teacher notifies the class teacher, the class teacher
notifies the parents; delivered as internal mail and by e-mail to a local SMTP
server started here; a dead SMTP server loses nothing."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Account, MailMessage, MailRecipient, TeachingAssignment
from app.scoping import acting_as
from tests.conftest import base_config, free_port
from tests.world import PASSWORD, TODAY

pytestmark = pytest.mark.dates


@pytest.fixture
def smtp_server():
    """aiosmtpd on a thread, keeping every letter it receives."""
    from aiosmtpd.controller import Controller

    class Keep:
        def __init__(self):
            self.letters = []

        async def handle_DATA(self, server, session, envelope):
            self.letters.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
            return "250 OK"

    handler = Keep()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


def _messages(app):
    with app.app_context(), acting_as(None):
        return db.session.execute(select(MailMessage.kind, MailMessage.about_person_id, MailRecipient.account_id)
                                  .join(MailRecipient, MailRecipient.message_id == MailMessage.id)
                                  .order_by(MailMessage.id, MailRecipient.id)).all()


def _account(app, username):
    with app.app_context(), acting_as(None):
        return db.session.scalar(select(Account.id).where(Account.username == username))


def _subject_teacher_in_5a(app, world):
    """otherteacher1 also teaches a subject in 5А (teacher1 leads it)."""
    with app.app_context(), acting_as(None):
        db.session.add(TeachingAssignment(org_id=world.org1, year_id=world.org1_year, teacher_id=world.org1_other_teacher,
                                          subject_id=world.org1_subject, group_id=world.org1_group, hours_per_week=1))
        db.session.commit()


def test_grid_links_each_learner_to_the_notice_page(app, client, login, world):
    login("teacher1")
    html = client.get(f"/journal/?group={world.org1_group}&subject={world.org1_subject}").get_data(as_text=True)
    assert f"/mail/notice?learner={world.org1_child}" in html


def test_subject_teacher_notifies_the_class_teacher_with_a_prefilled_reason(app, client, login, world):
    _subject_teacher_in_5a(app, world)
    login("otherteacher1")
    page = client.get(f"/mail/notice?learner={world.org1_learner3}&subject={world.org1_subject}"
                      f"&period={world.org1_period}").get_data(as_text=True)
    assert "Уведомить классного руководителя" in page and "Уведомить родителей" not in page
    assert "Сидоров Пётр" in page and f"пропуски без установленной причины: {TODAY:%d.%m} (ОТ)" in page
    done = client.post(f"/mail/notice?learner={world.org1_learner3}", data={
        "learner": world.org1_learner3, "to": "leader", "body": "Сидоров пропустил урок без причины"},
        follow_redirects=True)
    assert "Уведомление отправлено" in done.get_data(as_text=True)
    assert _messages(app) == [("notice", world.org1_learner3, _account(app, "teacher1"))]
    login("teacher1")
    inbox = client.get("/mail/").get_data(as_text=True)
    assert "Уведомление" in inbox and "Сидоров Пётр" in inbox


def test_class_teacher_notifies_the_parents(app, client, login, world):
    login("teacher1")
    page = client.get(f"/mail/notice?learner={world.org1_child}").get_data(as_text=True)
    assert "Уведомить родителей" in page
    client.post("/mail/notice", data={"learner": world.org1_child, "to": "parents", "body": "Иван получил «2»"})
    assert _messages(app) == [("notice", world.org1_child, _account(app, "parent1"))]
    login("parent1")
    assert "Уведомление" in client.get("/mail/").get_data(as_text=True)


def test_refusals(app, client, login, world):
    login("otherteacher1")  # leads 6Б, teaches nothing in 5А
    assert client.get(f"/mail/notice?learner={world.org1_child}").status_code == 404
    assert client.post("/mail/notice", data={"learner": world.org1_child, "to": "parents", "body": "x"}).status_code == 404
    _subject_teacher_in_5a(app, world)
    login("otherteacher1")  # now teaches 5А, still not its class teacher: the parents are not his to notify
    page = client.post("/mail/notice", data={"learner": world.org1_child, "to": "parents", "body": "x"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Родителей уведомляет классный руководитель" in page
    login("parent1")
    # A parent reaches his own child, but may notify nobody: the page says so, the POST is refused.
    page = client.get(f"/mail/notice?learner={world.org1_child}")
    assert page.status_code == 200
    assert "Уведомить некого" in page.get_data(as_text=True)
    refused = client.post("/mail/notice", data={"learner": world.org1_child, "to": "leader", "body": "x"})
    assert "Классного руководителя уведомляет учитель, ведущий предмет" in refused.get_data(as_text=True)
    login("admin2")
    assert client.get(f"/mail/notice?learner={world.org1_child}").status_code == 404
    assert _messages(app) == []


@pytest.fixture
def smtp_app(template_db, smtp_server):
    from app import create_app
    from tests.conftest import dispose, drop_database, make_database

    controller, _handler = smtp_server
    url, _ids = template_db
    copy = make_database(template=url)
    app = create_app({**base_config(copy), "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": controller.port,
                      "MAIL_FROM": "journal@school1.example.ru"})
    yield app
    dispose(app)
    drop_database(copy)


def test_notice_is_also_emailed_when_smtp_is_configured(smtp_app, smtp_server, world):
    _controller, handler = smtp_server
    client = smtp_app.test_client()
    client.post("/login/", data={"username": "teacher1", "password": PASSWORD})
    done = client.post("/mail/notice", data={"learner": world.org1_child, "to": "parents",
                                             "body": "Иван получил две «2» по математике"}, follow_redirects=True)
    assert "Копий по электронной почте: 1" in done.get_data(as_text=True)
    for _ in range(50):
        if handler.letters:
            break
        time.sleep(0.05)
    ((rcpts, content),) = handler.letters
    assert rcpts == ["parent1@example.ru"]
    assert "journal@school1.example.ru" in content and "Subject:" in content
    with smtp_app.app_context(), acting_as(None):
        assert db.session.scalar(select(func.count(MailRecipient.id)).where(MailRecipient.emailed_at.is_not(None))) == 1
    sent = client.get("/mail/sent").get_data(as_text=True)
    assert "копия по эл. почте" in sent


def test_dead_smtp_server_keeps_the_internal_message(template_db, world):
    from app import create_app
    from tests.conftest import dispose, drop_database, make_database

    url, _ids = template_db
    copy = make_database(template=url)
    app = create_app({**base_config(copy), "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": free_port()})
    try:
        client = app.test_client()
        client.post("/login/", data={"username": "teacher1", "password": PASSWORD})
        done = client.post("/mail/notice", data={"learner": world.org1_child, "to": "parents", "body": "Пропуск"},
                           follow_redirects=True)
        text = done.get_data(as_text=True)
        assert "Уведомление отправлено во внутреннюю почту" in text and "не отправлена" in text
        with app.app_context(), acting_as(None):
            assert db.session.scalar(select(func.count(MailMessage.id))) == 1
    finally:
        dispose(app)
        drop_database(copy)
