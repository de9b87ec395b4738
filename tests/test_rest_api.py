"""The REST API (/api/v1/...) under the same scoping as the pages: foreign ids
are 404 on the URL and 422 with a Russian message in the payload; nothing of
a refused write is stored."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, Learner, Lesson, Mark


def _count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _ids(client, resource):
    response = client.get(f"/api/v1/{resource}/?q=(page_size:200)")
    assert response.status_code == 200, response.get_json()
    return {r["id"] for r in response.get_json()["result"]}


def _choices(client, resource, field, keys="add_columns"):
    info = client.get(f"/api/v1/{resource}/_info?q=(keys:!({keys}))").get_json()
    (column,) = [c for c in info[keys] if c["name"] == field]
    return {v["id"] for v in column["values"]}


def _cyrillic(message) -> bool:
    return any("а" <= ch.lower() <= "я" for ch in str(message))


def test_list_and_get_are_own_organisation(client, login, world):
    login("admin1")
    assert _ids(client, "learners") == {world.org1_child, world.org1_sibling, world.org1_learner3, world.org1_stranger}
    assert _ids(client, "groups") == {world.org1_group, world.org1_other_group}
    assert client.get(f"/api/v1/learners/{world.org3_child}").status_code == 404
    assert client.get(f"/api/v1/marks/{world.org3_mark}").status_code == 404
    assert client.get(f"/api/v1/learners/{world.org1_child}").get_json()["result"]["last_name"] == "Иванов"


def test_put_and_delete_of_a_foreign_record_are_404(app, client, login, world):
    login("admin1")
    assert client.put(f"/api/v1/learners/{world.org3_child}", json={"last_name": "Взломан"}).status_code == 404
    assert client.delete(f"/api/v1/learners/{world.org3_child}").status_code == 404
    assert client.put(f"/api/v1/marks/{world.org3_mark}", json={"value": "2"}).status_code == 404
    with app.app_context():
        assert db.session.get(Learner, world.org3_child).last_name == "Иванов"
        assert db.session.get(Mark, world.org3_mark).value == "5"


def test_post_and_put_with_a_foreign_related_id_are_422(app, client, login, world):
    login("admin1")
    learners, entries = _count(app, Learner), _count(app, AuditEntry)
    response = client.post("/api/v1/learners/", json={"last_name": "Новый", "first_name": "Ученик",
                                                      "group": world.org3_group})
    assert response.status_code == 422 and _cyrillic(response.get_json()["message"])
    response = client.put(f"/api/v1/learners/{world.org1_child}", json={"group": world.org3_group})
    assert response.status_code == 422 and _cyrillic(response.get_json()["message"])
    # an id that exists nowhere: marshmallow must not create the row (NOTES.md)
    response = client.post("/api/v1/learners/", json={"last_name": "Новый", "first_name": "Ученик", "group": 999999})
    assert response.status_code == 422
    lesson = client.post("/api/v1/lessons/", json={"date": "2026-11-20", "number": 7, "group": world.org1_group,
                                                   "subject": world.org1_subject, "teacher": world.org3_teacher})
    assert lesson.status_code == 422 and _cyrillic(lesson.get_json()["message"])
    assert _count(app, Learner) == learners and _count(app, AuditEntry) == entries
    assert _count(app, Lesson, Lesson.teacher_id == world.org3_teacher, Lesson.org_id == world.org1) == 0
    with app.app_context():
        assert db.session.get(Learner, world.org1_child).group_id == world.org1_group


def test_info_choices_are_within_scope(client, login, world):
    login("admin1")
    assert _choices(client, "learners", "group") == {world.org1_group, world.org1_other_group}
    assert _choices(client, "learners", "group", "edit_columns") == {world.org1_group, world.org1_other_group}
    assert world.org3_teacher not in _choices(client, "lessons", "teacher")
    login("teacher1")
    assert _choices(client, "marks", "learner") == {world.org1_child, world.org1_sibling, world.org1_learner3}
    assert _choices(client, "marks", "assignment") == {world.org1_assignment}


def test_teacher_cannot_mark_a_learner_of_another_class(app, client, login, world):
    login("teacher1")
    assert _ids(client, "learners") == {world.org1_child, world.org1_sibling, world.org1_learner3}
    assert world.org1_stranger_mark not in _ids(client, "marks")
    before = _count(app, Mark)
    for payload in ({"assignment": world.org1_other_assignment, "learner": world.org1_stranger, "value": "2"},
                    {"assignment": world.org1_assignment, "learner": world.org1_stranger, "value": "2"},
                    {"assignment": world.org1_other_assignment, "learner": world.org1_child, "value": "2"}):
        response = client.post("/api/v1/marks/", json=payload)
        assert response.status_code == 422, payload
        assert _cyrillic(response.get_json()["message"])
    assert client.put(f"/api/v1/marks/{world.org1_stranger_mark}", json={"value": "2"}).status_code == 404
    # The related ids are checked before marshmallow sees them, field by field.
    response = client.post("/api/v1/marks/", json={"assignment": world.org1_assignment,
                                                   "learner": world.org1_stranger, "value": "2"})
    assert set(response.get_json()["message"]) == {"learner"}
    response = client.post("/api/v1/marks/", json={"assignment": "1 OR 1=1", "learner": world.org1_child, "value": "2"})
    assert response.status_code == 422 and set(response.get_json()["message"]) == {"assignment"}
    assert _count(app, Mark) == before
    ok = client.post("/api/v1/marks/", json={"assignment": world.org1_assignment, "learner": world.org1_learner3,
                                             "value": "4"})
    assert ok.status_code == 201, ok.get_json()


def test_authority_staff_read_only_over_their_organisations(app, client, login, world):
    login("uo_a")
    ids = _ids(client, "learners")
    assert {world.org1_child, world.org2_child} <= ids and world.org3_child not in ids
    assert client.get(f"/api/v1/learners/{world.org2_child}").status_code == 200
    assert client.get(f"/api/v1/learners/{world.org3_child}").status_code == 404
    before = _count(app, Learner)
    assert client.post("/api/v1/learners/", json={"last_name": "Х", "first_name": "У",
                                                  "group": world.org1_group}).status_code == 403
    assert client.put(f"/api/v1/learners/{world.org1_child}", json={"last_name": "Взломан"}).status_code == 403
    assert client.delete(f"/api/v1/learners/{world.org2_child}").status_code == 403
    assert _count(app, Learner) == before


def test_parent_and_anonymous_have_no_journal_api(client, login, world):
    assert client.get("/api/v1/marks/").status_code == 401
    login("parent1")
    assert client.get("/api/v1/marks/").status_code == 403
    assert client.get(f"/api/v1/marks/{world.org1_sibling_mark}").status_code == 403
