"""The REST resource of final marks (/api/v1/finals/): written only through the
journal's service (``save_finals``), so the grid's rules hold — the period's final
scale, never «н/а», a teacher only for the subjects he teaches in the learner's
group, foreign ids refused with 422 and a Russian message, nothing of a refused
write stored, the audit written for every saved one."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, FinalMark, Learner, Subject
from app.scoping import acting_as
from app.services.journal import load_grid
from tests.test_college_curriculum import college  # noqa: F401  (the fixture the next one needs)
from tests.test_college_finals import finals  # noqa: F401  (the fixture)
from tests.test_query_counts import assert_fixed_queries

URL = "/api/v1/finals/"


def _count(app, model, *where) -> int:
    with app.app_context(), acting_as(None):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _finals(app) -> set[tuple]:
    """Every final mark as (learner, subject, period, value, version)."""
    with app.app_context(), acting_as(None):
        return set(db.session.execute(select(FinalMark.learner_id, FinalMark.subject_id, FinalMark.period_id,
                                             FinalMark.value, FinalMark.version)).all())


def _entries(app, entity_id, action):
    with app.app_context(), acting_as(None):
        return db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "FinalMark",
                                                           AuditEntry.entity_id == entity_id,
                                                           AuditEntry.action == action)).all()


def _payload(world, value, learner="org1_sibling", **fields):
    return {"learner": getattr(world, learner), "subject": world.org1_subject, "period": world.org1_period,
            "value": value, **fields}


@pytest.fixture
def untouched(app):
    """Asserts after the test that no final mark and no audit entry was written."""
    before = _finals(app), _count(app, AuditEntry)
    yield
    assert (_finals(app), _count(app, AuditEntry)) == before


# --- a teacher writes his own group's final marks ----------------------------------------------------------------

def test_teacher_posts_a_final_mark_the_grid_shows_and_the_audit_keeps(app, client, login, world):
    login("teacher1")
    response = client.post(URL, json=_payload(world, "4"))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["result"]["value"] == "4" and body["result"]["version"] == 1
    with app.app_context(), acting_as(None):
        row = db.session.get(FinalMark, body["id"])
        assert (row.learner_id, row.subject_id, row.period_id, row.value) == \
            (world.org1_sibling, world.org1_subject, world.org1_period, "4")
        grid = load_grid(db.session, app.extensions["ejournal"], world.org1_group, world.org1_subject,
                         world.org1_period)
        assert grid.finals[world.org1_sibling] == ("4", 1)
    (entry,) = _entries(app, body["id"], "insert")
    assert entry.username == "teacher1" and entry.org_id == world.org1
    assert entry.new["value"] == "4" and entry.new["learner_id"] == world.org1_sibling


def test_the_new_final_mark_reads_back_by_the_api(client, login, world):
    login("teacher1")
    created = client.post(URL, json=_payload(world, "3")).get_json()
    shown = client.get(f"{URL}{created['id']}").get_json()["result"]
    assert shown == {"id": created["id"], "learner": {"id": world.org1_sibling},
                     "subject": {"id": world.org1_subject}, "period": {"id": world.org1_period},
                     "value": "3", "version": 1}


def test_teacher_changes_a_final_mark_with_its_version(app, client, login, world):
    login("teacher1")
    response = client.put(f"{URL}{world.org1_final}", json={"value": "4", "version": 1})
    assert response.status_code == 200, response.get_json()
    result = response.get_json()["result"]  # a late change (R4) also carries a warning
    assert (result["value"], result["version"]) == ("4", 2)
    (entry,) = _entries(app, world.org1_final, "update")
    assert entry.old == {"value": "5"} and entry.new == {"value": "4"} and entry.username == "teacher1"


def test_put_with_a_stale_version_is_a_conflict_and_changes_nothing(app, client, login, world):
    login("teacher1")
    assert client.put(f"{URL}{world.org1_final}", json={"value": "4", "version": 1}).status_code == 200
    stale = client.put(f"{URL}{world.org1_final}", json={"value": "3", "version": 1})
    assert stale.status_code == 409
    assert stale.get_json()["message"] == "Значение уже изменил другой пользователь."
    assert (stale.get_json()["value"], stale.get_json()["version"]) == ("4", 2)
    with app.app_context(), acting_as(None):
        assert (db.session.get(FinalMark, world.org1_final).value, db.session.get(FinalMark, world.org1_final).version) \
            == ("4", 2)


def test_teacher_deletes_a_final_mark(app, client, login, world):
    login("teacher1")
    response = client.delete(f"{URL}{world.org1_final}")
    assert response.status_code == 200, response.get_json()
    assert _count(app, FinalMark, FinalMark.id == world.org1_final) == 0
    (entry,) = _entries(app, world.org1_final, "delete")
    assert entry.old["value"] == "5" and entry.new is None and entry.username == "teacher1"


# --- the grid's rules, enforced by the service -----------------------------------------------------------------

def test_a_value_outside_the_scale_is_422_and_nothing_is_written(client, login, world, untouched):
    login("teacher1")
    response = client.post(URL, json=_payload(world, "7"))
    assert response.status_code == 422
    assert response.get_json()["message"] == "Отметка «7» не из шкалы «Пятибалльная» (5, 4, 3, 2)."


def test_na_is_never_a_final_mark(client, login, world, untouched):
    login("teacher1")
    response = client.post(URL, json=_payload(world, "н/а"))
    assert response.status_code == 422
    assert response.get_json()["message"] == "Итоговая отметка не может быть «н/а»."


def test_na_is_refused_on_put_too(client, login, world, untouched):
    login("teacher1")
    response = client.put(f"{URL}{world.org1_final}", json={"value": "н/а", "version": 1})
    assert response.status_code == 422
    assert response.get_json()["message"] == "Итоговая отметка не может быть «н/а»."


def test_an_empty_value_creates_nothing(client, login, world, untouched):
    login("teacher1")
    response = client.post(URL, json=_payload(world, ""))
    assert response.status_code == 422
    assert response.get_json()["message"] == {"value": ["Укажите итоговую отметку."]}


def test_a_teacher_of_another_group_cannot_post_for_this_one(client, login, world, untouched):
    login("otherteacher1")
    response = client.post(URL, json=_payload(world, "4"))
    assert response.status_code == 422
    assert response.get_json()["message"] == {"learner": ["Запись не найдена или недоступна."]}


def test_a_teacher_of_another_group_cannot_change_its_final_mark(client, login, world, untouched):
    login("otherteacher1")
    assert client.put(f"{URL}{world.org1_final}", json={"value": "2", "version": 1}).status_code == 404


def test_a_teacher_of_another_group_cannot_delete_its_final_mark(client, login, world, untouched):
    login("otherteacher1")
    assert client.delete(f"{URL}{world.org1_final}").status_code == 404


def test_a_teacher_cannot_post_for_a_subject_he_does_not_teach_in_the_group(app, client, login, world):
    with app.app_context(), acting_as(None):
        physics = Subject(org_id=world.org1, name="Физика", plugin="school")
        db.session.add(physics)
        db.session.commit()
        physics = physics.id
    before = _finals(app), _count(app, AuditEntry)
    login("teacher1")
    response = client.post(URL, json=_payload(world, "4", subject=physics))
    assert response.status_code == 422
    assert response.get_json()["message"] == "Итоговые отметки ставит учитель, ведущий предмет в классе."
    assert (_finals(app), _count(app, AuditEntry)) == before


def test_a_learner_of_another_organisation_is_422(client, login, world, untouched):
    login("admin1")
    response = client.post(URL, json=_payload(world, "4", learner="org3_child"))
    assert response.status_code == 422
    assert response.get_json()["message"] == {"learner": ["Запись не найдена или недоступна."]}


def test_a_period_of_another_organisation_is_422(client, login, world, untouched):
    login("admin1")
    response = client.post(URL, json=_payload(world, "4", period=world.org3_period))
    assert response.status_code == 422
    assert response.get_json()["message"] == {"period": ["Запись не найдена или недоступна."]}


def test_a_final_mark_of_another_organisation_is_404(client, login, world):
    login("admin1")
    assert client.get(f"{URL}{world.org3_final}").status_code == 404


@pytest.mark.parametrize("user", ["parent1", "learner1"])
def test_parent_and_learner_cannot_write(client, login, world, untouched, user):
    login(user)
    assert client.post(URL, json=_payload(world, "2", learner="org1_child")).status_code == 403


@pytest.mark.parametrize("user", ["parent1", "learner1"])
def test_parent_and_learner_cannot_change_or_delete(client, login, world, untouched, user):
    login(user)
    statuses = (client.put(f"{URL}{world.org1_final}", json={"value": "2", "version": 1}).status_code,
                client.delete(f"{URL}{world.org1_final}").status_code)
    assert statuses == (403, 403)


def test_the_deputy_reads_but_does_not_write(client, login, world, untouched):
    login("deputy1")
    assert world.org1_final in {r["id"] for r in client.get(URL).get_json()["result"]}
    assert client.post(URL, json=_payload(world, "4")).status_code == 403


# --- a college: the form of attestation decides the scale --------------------------------------------------------

def _college_payload(finals, subject, value):  # noqa: F811
    return {"learner": finals["student"], "subject": finals[subject], "period": finals["first"], "value": value}


def test_college_credit_discipline_takes_zch(app, client, login, finals):  # noqa: F811
    login("admin2")
    response = client.post(URL, json=_college_payload(finals, "sport", "зч"))
    assert response.status_code == 201, response.get_json()
    with app.app_context(), acting_as(None):
        assert db.session.get(FinalMark, response.get_json()["id"]).value == "зч"


def test_college_credit_discipline_refuses_five(app, client, login, finals):  # noqa: F811
    login("admin2")
    before = _finals(app)
    response = client.post(URL, json=_college_payload(finals, "sport", "5"))
    assert response.status_code == 422
    assert response.get_json()["message"] == "Отметка «5» не из шкалы «Зачёт / незачёт» (зч, нз)."
    assert _finals(app) == before


def test_college_exam_discipline_refuses_zch(app, client, login, finals):  # noqa: F811
    login("admin2")
    before = _finals(app)
    response = client.post(URL, json=_college_payload(finals, "maths", "зч"))
    assert response.status_code == 422
    assert response.get_json()["message"] == "Отметка «зч» не из шкалы «Пятибалльная» (5, 4, 3, 2)."
    assert _finals(app) == before


# --- reading ------------------------------------------------------------------------------------------------------

def test_teacher_lists_only_his_groups_final_marks(app, client, login, world):
    with app.app_context(), acting_as(None):
        stranger = FinalMark(org_id=world.org1, learner_id=world.org1_stranger, subject_id=world.org1_subject,
                             period_id=world.org1_period, value="3")
        db.session.add(stranger)
        db.session.commit()
    login("teacher1")
    response = client.get(URL)
    assert response.status_code == 200
    assert {r["id"] for r in response.get_json()["result"]} == {world.org1_final}


def test_the_list_runs_a_fixed_number_of_queries(app, client, login, world):
    def grow():
        with app.app_context(), acting_as(None):
            s = db.session
            learners = [Learner(org_id=world.org1, last_name=f"Ученик{i}", first_name="Тест",
                                group_id=world.org1_group) for i in range(8)]
            s.add_all(learners)
            s.flush()
            s.add_all([FinalMark(org_id=world.org1, learner_id=learner.id, subject_id=world.org1_subject,
                                 period_id=world.org1_period, value="4") for learner in learners])
            s.commit()

    login("admin1")
    page = assert_fixed_queries(app, client, URL, grow)
    assert page.get_json()["count"] == 9
