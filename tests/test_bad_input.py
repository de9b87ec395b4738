"""Bad input answers with a Russian message and leaves the data as it was (issue 16):
the cases the fuzzing of every route (tests/test_fuzz.py) cannot judge by itself."""
from __future__ import annotations

import datetime as dt
import io

from sqlalchemy import func, select

from app.extensions import db
from app.models import Homework, HomeworkAttachment, Mark
from app.models.audit import AuditEntry
from tests.world import TODAY

HUGE_ID = 2**31 + 7
DUE = (TODAY + dt.timedelta(days=3)).isoformat()


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_the_same_mark_posted_twice_is_one_mark_and_a_clear_answer(app, client, login, world):
    login("teacher1")
    payload = {"assignment": world.org1_assignment, "learner": world.org1_learner3, "value": "4"}
    first = client.post("/api/v1/marks/", json=payload)
    assert first.status_code == 201, first.get_json()
    marks, audit = _count(app, Mark), _count(app, AuditEntry)
    second = client.post("/api/v1/marks/", json=payload)
    assert second.status_code == 409
    assert second.get_json() == {"message": "Значение уже записано: измените его запросом PUT с версией из этого ответа.",
                                 "id": first.get_json()["id"], "value": "4", "version": 1}
    assert (_count(app, Mark), _count(app, AuditEntry)) == (marks, audit)


def test_a_60_mb_upload_is_refused_with_a_russian_page_before_anything_is_written(app, client, login, world,
                                                                                      tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path)
    login("teacher1")
    big = io.BytesIO(b"0" * (60 * 1024 * 1024))
    response = client.post(f"/lesson/{world.org1_lesson}/homework", data={
        "text": "Большой файл", "due": DUE, "files": [(big, "big.pdf")]}, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "не больше 51 МБ" in response.get_data(as_text=True)
    assert _count(app, Homework) == 0 and list(tmp_path.iterdir()) == []
    api = client.post("/api/v1/marks/", data=b"{" + b" " * (60 * 1024 * 1024) + b"}",
                      content_type="application/json")
    assert api.status_code == 413 and "не больше 51 МБ" in api.get_json()["message"]


def test_homework_refused_at_its_second_file_leaves_no_file_on_disk(app, client, login, world, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path)
    login("teacher1")
    response = client.post(f"/lesson/{world.org1_lesson}/homework", data={
        "text": "Карточка", "due": DUE,
        "files": [(io.BytesIO(b"%PDF-1.4 first"), "first.pdf"), (io.BytesIO(b"MZ"), "second.exe")]},
        content_type="multipart/form-data", follow_redirects=True)
    assert "Файлы такого типа не принимаются: second.exe" in response.get_data(as_text=True)
    assert (_count(app, Homework), _count(app, HomeworkAttachment)) == (0, 0)
    assert list(tmp_path.iterdir()) == []


def test_a_nul_byte_is_refused_in_russian_and_nothing_is_saved(app, client, login, world):
    login("teacher1")
    audit = _count(app, AuditEntry)
    response = client.post(f"/lesson/{world.org1_lesson}", data={"topic": "Дроби\x00"})
    assert response.status_code == 400
    assert "Недопустимый символ в запросе" in response.get_data(as_text=True)
    api = client.post("/api/v1/marks/", json={"assignment": world.org1_assignment, "learner": world.org1_learner3,
                                              "value": "4\x00"})
    assert api.status_code == 400 and "Недопустимый символ" in api.get_json()["message"]
    assert _count(app, AuditEntry) == audit


def test_an_id_past_a_32_bit_integer_is_a_missing_record(client, login, world):
    login("admin1")
    assert client.get(f"/lesson/{HUGE_ID}").status_code == 404
    assert client.get(f"/learnerview/show/{HUGE_ID}").status_code == 404
    response = client.get(f"/api/v1/marks/{HUGE_ID}")
    assert response.status_code == 404
    assert response.get_json() == {"message": "Такой страницы нет или она вам недоступна."}


def test_broken_list_arguments_show_the_list_as_without_them(client, login, world):
    login("admin1")
    response = client.get("/learnerview/list/", query_string={
        "page_LearnerView": "-1", "psize_LearnerView": "abc", "_oc_LearnerView": "junk", "_od_LearnerView": "up",
        "_flt_9_last_name": "x"})
    assert response.status_code == 200


def test_the_rest_api_refuses_in_russian(client, login, world):
    login("admin1")
    response = client.get("/api/v1/attendance/1", query_string={"q": "((("})
    assert response.status_code == 400
    assert response.get_json() == {"message": "Параметр q не разобран: проверьте его запись (rison или JSON)."}
    deep = client.post("/api/v1/groups/", data="[" * 5000 + "]" * 5000, content_type="application/json")
    assert deep.status_code == 400 and deep.get_json() == {"message": "Слишком глубокая вложенность данных в запросе."}


def test_no_redirect_carries_a_huge_value(client, login, world):
    login("admin1")
    client.get("/learnergroupview/list/", query_string={"q": "x" * 100_000})
    response = client.get(f"/learnergroupview/delete/{HUGE_ID - 8}")  # no such group: back to the list
    assert response.status_code in (302, 404)
    assert len(response.headers.get("Location", "")) < 2048
