"""One-time tokens on the creating forms (issue 16, item 5): a form submitted twice
with the same ``idempotency_token`` creates one record; the second submission
sends the user where the first did, with «Эта форма уже отправлена»."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Account, Assignment, Homework, Learner
from app.models.announcement import Announcement
from app.models.message import MailMessage
from app.scoping import acting_as
from tests.world import TODAY

NOTE = "Эта форма уже отправлена"


def _count(app, model, *where) -> int:
    with app.app_context(), acting_as(None):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _token(client, path: str, form_marker: str) -> str:
    """The token of the form whose tag holds ``form_marker`` on the page at ``path``."""
    page = client.get(path).get_data(as_text=True)
    start = page.index(form_marker)
    form = page[page.rindex("<form", 0, start):page.index("</form>", start)]
    match = re.search(r'name="idempotency_token"[^>]*? value="([^"]+)"', form)
    assert match, f"no idempotency token in the form {form_marker} of {path}"
    return match.group(1)


def _twice(client, url: str, data: dict):
    first = client.post(url, data=data)
    second = client.post(url, data=data)
    return first, second


def _user_id(app, username: str) -> int:
    with app.app_context(), acting_as(None):
        return db.session.scalar(select(Account.id).where(Account.username == username))


def _assert_second_is_the_first(client, first, second):
    assert first.status_code == 302
    assert second.status_code == 302 and second.location == first.location
    assert NOTE in client.get(second.location).get_data(as_text=True)


def test_homework_sent_twice_is_recorded_once(app, client, login, world):
    login("teacher1")
    lesson = f"/lesson/{world.org1_lesson}"
    token = _token(client, lesson, f'action="{lesson}/homework"')
    before = _count(app, Homework)
    first, second = _twice(client, f"{lesson}/homework", {
        "text": "Упражнение 12", "due": (TODAY + dt.timedelta(days=2)).isoformat(), "idempotency_token": token})
    assert _count(app, Homework) == before + 1
    _assert_second_is_the_first(client, first, second)
    # A new render gives a new token: the form can be sent again on purpose.
    again = _token(client, lesson, f'action="{lesson}/homework"')
    assert again != token
    client.post(f"{lesson}/homework", data={"text": "Упражнение 13", "due": (TODAY + dt.timedelta(days=2)).isoformat(),
                                            "idempotency_token": again})
    assert _count(app, Homework) == before + 2


def test_assignment_sent_twice_is_added_once(app, client, login, world):
    login("teacher1")
    lesson = f"/lesson/{world.org1_lesson}"
    token = _token(client, lesson, f'action="{lesson}/assignment"')
    before = _count(app, Assignment)
    first, second = _twice(client, f"{lesson}/assignment", {
        "type": world.org1_type, "weight": "2", "title": "Самостоятельная", "idempotency_token": token})
    assert _count(app, Assignment) == before + 1
    _assert_second_is_the_first(client, first, second)


def test_a_refused_form_keeps_its_token_usable(app, client, login, world):
    login("teacher1")
    lesson = f"/lesson/{world.org1_lesson}"
    token = _token(client, lesson, f'action="{lesson}/assignment"')
    before = _count(app, Assignment)
    bad = client.post(f"{lesson}/assignment", data={"type": world.org1_type, "weight": "20",
                                                    "idempotency_token": token}, follow_redirects=True)
    assert "Вес задания должен быть" in bad.get_data(as_text=True) and NOTE not in bad.get_data(as_text=True)
    client.post(f"{lesson}/assignment", data={"type": world.org1_type, "weight": "2", "idempotency_token": token})
    assert _count(app, Assignment) == before + 1


def test_letter_sent_twice_is_one_letter(app, client, login, world):
    teacher = _user_id(app, "teacher1")
    login("parent1")
    token = _token(client, "/mail/new", 'id="mail-compose"')
    before = _count(app, MailMessage)
    first, second = _twice(client, "/mail/new", {"to": [str(teacher)], "subject": "Вопрос", "body": "Здравствуйте!",
                                                 "idempotency_token": token})
    assert _count(app, MailMessage) == before + 1
    _assert_second_is_the_first(client, first, second)


def test_announcement_sent_twice_is_published_once(app, client, login, world):
    login("deputy1")
    token = _token(client, "/announcements/new", 'id="announcement-form"')
    before = _count(app, Announcement)
    first, second = _twice(client, "/announcements/new", {
        "title": "Каникулы", "body": "Осенние каникулы", "audience": "parents", "shown_from": TODAY.isoformat(),
        "shown_to": (TODAY + dt.timedelta(days=5)).isoformat(), "idempotency_token": token})
    assert _count(app, Announcement) == before + 1
    _assert_second_is_the_first(client, first, second)


def test_fab_add_form_sent_twice_adds_one_row(app, client, login, world):
    login("admin1")
    token = _token(client, "/learnerview/add", 'id="model_form"')
    before = _count(app, Learner)
    first, second = _twice(client, "/learnerview/add", {"last_name": "Новикова", "first_name": "Алла",
                                                        "group": world.org1_group, "idempotency_token": token})
    assert _count(app, Learner) == before + 1
    _assert_second_is_the_first(client, first, second)


def test_the_token_is_the_users_own(app, client, login, world):
    """Another account sending the same token is not answered with the first one's result."""
    login("teacher1")
    lesson = f"/lesson/{world.org1_lesson}"
    token = _token(client, lesson, f'action="{lesson}/assignment"')
    client.post(f"{lesson}/assignment", data={"type": world.org1_type, "weight": "2", "idempotency_token": token})
    login("learner1")  # may not add assignments: refused by its rights, not told «уже отправлена»
    response = client.post(f"{lesson}/assignment", data={"type": world.org1_type, "weight": "2",
                                                         "idempotency_token": token}, follow_redirects=True)
    assert NOTE not in response.get_data(as_text=True)
    assert _count(app, Assignment, Assignment.lesson_id == world.org1_lesson) == 2


@pytest.mark.parametrize("path, marker", [
    ("/mail/new", 'id="mail-compose"'),
    ("/announcements/new", 'id="announcement-form"'),
])
def test_creating_forms_carry_a_token(client, login, path, marker):
    login("deputy1")
    assert _token(client, path, marker)


def _templates():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for folder in [root / "templates", *sorted((root / "plugins").glob("*/templates"))]:
        for path in folder.rglob("*.html"):
            yield path, path.read_text()


def test_every_form_of_a_once_view_carries_the_token(app):
    """Every form that posts to a view wrapped in ``@once`` renders ``idempotency_field()``
    (FAB's add forms get it from EjournalModelView's form); and the creating forms of the
    issue are among them."""
    once_views = {endpoint for endpoint, view in app.view_functions.items() if getattr(view, "idempotent", False)}
    assert {"LessonPageView.homework", "LessonPageView.assignment", "MailView.compose", "MailView.reply",
            "MailView.notice", "AnnouncementsView.create", "ClassEventView.add", "ConsentView.add",
            "TransferView.issue", "LearnerView.add"} <= once_views
    missing, seen = [], set()
    for path, text in _templates():
        for match in re.finditer(r"<form[^>]*>", text):
            action = re.search(r"action=\"\{\{ url_for\('([\w.]+)'", match.group(0))
            if 'method="post"' not in match.group(0) or not action or action.group(1) not in once_views:
                continue
            endpoint = action.group(1)
            seen.add(endpoint)
            form = text[match.start():text.index("</form>", match.start())]
            if "idempotency_field()" not in form:
                missing.append((path.name, endpoint))
    assert missing == []
    assert {"LessonPageView.homework", "MailView.compose", "AnnouncementsView.create", "FeeNormView.add",
            "SessionView.retake_add"} <= seen


def test_tokens_in_redis_are_shared(app, client, login, world):
    """With Redis (``REDIS_URL``) the tokens are kept there, shared by the worker processes."""
    import secrets

    from app.idempotency import RedisStore

    store = RedisStore("redis://127.0.0.1:6379/0", prefix=f"ejournal:test-once:{secrets.token_hex(4)}:")
    try:
        store.client.ping()
    except store.errors:
        pytest.skip("no Redis at 127.0.0.1:6379")
    saved = app.extensions.get("ejournal_idempotency")
    app.extensions["ejournal_idempotency"] = store
    try:
        login("teacher1")
        lesson = f"/lesson/{world.org1_lesson}"
        token = _token(client, lesson, f'action="{lesson}/assignment"')
        before = _count(app, Assignment)
        first, second = _twice(client, f"{lesson}/assignment", {"type": world.org1_type, "weight": "2",
                                                                "idempotency_token": token})
        assert _count(app, Assignment) == before + 1
        _assert_second_is_the_first(client, first, second)
        assert store.client.keys(store.prefix + "*")
    finally:
        for key in store.client.keys(store.prefix + "*"):
            store.client.delete(key)
        app.extensions.pop("ejournal_idempotency")
        if saved is not None:
            app.extensions["ejournal_idempotency"] = saved
