"""The учебная часть of a college keeps its movement book (R14): enrolment, отчисление with
a reason, academic leave and the return from it, reinstatement after expulsion, transfers
between groups and specialties, graduation, and the closing of the year moving groups to
the next course; all through the one movement service, audited, in the college's words."""
from __future__ import annotations

import datetime as dt

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.exceptions import RuleError
from app.extensions import db
from app.models import AcademicYear, AuditEntry, Guardian, GuardianLink, Learner, LearnerGroup, Organisation
from app.models.movement import MovementOrder
from app.scoping import acting_as
from app.services.journal import load_grid
from app.services.movement import apply_order, plan_closing
from plugins.college.models import GroupSpecialty, Specialty

from .test_russian_ui import visible_text
from .world import TODAY, _user

pytestmark = pytest.mark.dates

DAY = dt.timedelta(days=1)
MANAGER, HEAD = "Менеджер учебной части", "Заведующий учебной частью"


@pytest.fixture
def college(app, world) -> dict:
    """Groups of org2 (a техникум) by course and specialty, a student in each, the учебная часть's users."""
    ids = {}
    with app.app_context(), acting_as(None):
        s = db.session
        sm = current_app.appbuilder.sm
        org = db.session.get(Organisation, world.org2)
        ids["manager"] = _user(sm, "manager2", [MANAGER], org).id
        ids["head"] = _user(sm, "head2", [HEAD], org).id
        it = Specialty(org_id=world.org2, code="09.02.07", name="Информационные системы и программирование",
                       qualification="Программист")
        acc = Specialty(org_id=world.org2, code="38.02.01", name="Экономика и бухгалтерский учёт (по отраслям)",
                        qualification="Бухгалтер")
        s.add_all([it, acc])
        s.flush()
        for key, name, level, specialty in [("g1", "ИСП-26", 1, it), ("g2", "ИСП-25", 2, it),
                                            ("e2", "ЭБУ-25", 2, acc), ("g4", "ИСП-23", 4, it)]:
            group = LearnerGroup(org_id=world.org2, year_id=world.org2_year, kind="college_group", name=name,
                                 level=level, leader_id=world.org2_teacher)
            s.add(group)
            s.flush()
            s.add(GroupSpecialty(org_id=world.org2, group_id=group.id, specialty_id=specialty.id))
            ids[key] = group.id
            student = Learner(org_id=world.org2, last_name=f"Студентов{key}", first_name="Семён", group_id=group.id,
                              enrolled_on=dt.date(2027 - level, 9, 1) if level > 1 else dt.date(2026, 9, 1))
            s.add(student)
            s.flush()
            ids[f"s_{key}"] = student.id
        # The world's groups of org2 are named as a school's; a college's courses are 1 to 4.
        for group_id, level in ((world.org2_group, 2), (world.org2_other_group, 3)):
            s.get(LearnerGroup, group_id).level = level
        newcomer = Learner(org_id=world.org2, last_name="Новенькая", first_name="Нина")
        s.add(newcomer)
        s.commit()
        ids["newcomer"] = newcomer.id
    return ids


def _order(client, learner_id, **form):
    data = {"date": TODAY.isoformat(), **form}
    return client.post(f"/movement/learner/{learner_id}/order", data=data, follow_redirects=True).get_data(as_text=True)


def _orders(app, learner_id=None) -> list[tuple[str, str | None]]:
    with app.app_context(), acting_as(None):
        q = select(MovementOrder.kind, MovementOrder.destination).order_by(MovementOrder.id)
        if learner_id:
            q = q.where(MovementOrder.learner_id == learner_id)
        return [tuple(r) for r in db.session.execute(q)]


def _audited(app) -> int:
    with app.app_context(), acting_as(None):
        return db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.entity == "MovementOrder"))


def _learner(app, learner_id) -> Learner:
    with app.app_context(), acting_as(None):
        learner = db.session.get(Learner, learner_id)
        db.session.expunge(learner)
        return learner


def test_the_manager_opens_the_book_and_keeps_student_and_parent_cards(app, client, login, world, college):
    login("manager2")
    book = client.get("/movement/")
    assert book.status_code == 200
    assert "Отчисление" in book.get_data(as_text=True)  # the college's word in the filter of kinds
    assert client.get("/learnerview/add").status_code == 200
    assert client.post("/learnerview/add", data={"last_name": "Абитуриентова", "first_name": "Ася",
                                                 "group": college["g1"]}).status_code == 302
    assert client.post("/guardianview/add", data={"last_name": "Абитуриентов", "first_name": "Андрей"}).status_code == 302
    with app.app_context(), acting_as(None):
        student = db.session.scalar(select(Learner).where(Learner.last_name == "Абитуриентова"))
        parent = db.session.scalar(select(Guardian).where(Guardian.last_name == "Абитуриентов"))
        assert student.org_id == world.org2 and student.group_id == college["g1"] and parent.org_id == world.org2
        student_id, parent_id = student.id, parent.id
    assert client.post("/guardianlinkview/add", data={"guardian": parent_id, "learner": student_id,
                                                      "relation": "отец"}).status_code == 302
    with app.app_context(), acting_as(None):
        assert db.session.scalar(select(GuardianLink.id).where(GuardianLink.learner_id == student_id)) is not None
    # …and enrols the new student by an order.
    page = _order(client, college["newcomer"], kind="enrol", to_group=college["g1"], event_date=TODAY.isoformat())
    assert "Приказ внесён в книгу движения." in page
    assert _learner(app, college["newcomer"]).group_id == college["g1"]


def test_the_form_offers_the_colleges_orders_in_its_words(client, login, world, college):
    login("manager2")
    page = client.get(f"/movement/learner/{college['s_g2']}").get_data(as_text=True)
    for code in ("enrol", "depart", "transfer", "leave", "leave_return", "reinstate", "graduate"):
        assert f'value="{code}"' in page, code
    assert 'value="repeat"' not in page
    for label in ("Отчисление", "Академический отпуск", "Выход из академического отпуска",
                  "Восстановление после отчисления", "Перевод в другую группу"):
        assert label in page, label
    assert "Выбытие" not in page
    # A school keeps its own words and has no academic leave.
    login("secretary1")
    school = client.get(f"/movement/learner/{world.org1_child}").get_data(as_text=True)
    assert "Выбытие" in school and 'value="leave"' not in school and "Отчисление" not in school


def test_every_order_of_a_college_student_is_applied_and_audited(app, client, login, world, college):
    login("manager2")
    student = college["s_g2"]
    before = _audited(app)
    # Transfer to a group of another specialty: the order says so.
    assert "Приказ внесён" in _order(client, student, kind="transfer", to_group=college["e2"],
                                     event_date=(TODAY - 20 * DAY).isoformat())
    assert _learner(app, student).group_id == college["e2"]
    # Academic leave: on the roll, off the group's current list from its first day.
    assert "Приказ внесён" in _order(client, student, kind="leave", event_date=(TODAY - 10 * DAY).isoformat(),
                                     destination="по медицинским показаниям")
    on_leave = _learner(app, student)
    assert on_leave.group_id == college["e2"] and on_leave.left_on == TODAY - 11 * DAY
    history = client.get(f"/movement/learner/{student}").get_data(as_text=True)
    assert "в академическом отпуске с" in history
    # Return from the leave.
    assert "Приказ внесён" in _order(client, student, kind="leave_return", event_date=(TODAY - 5 * DAY).isoformat())
    back = _learner(app, student)
    assert back.group_id == college["e2"] and back.left_on is None
    # Отчисление needs its reason.
    refused = _order(client, student, kind="depart", event_date=(TODAY - 3 * DAY).isoformat(), destination="")
    assert "Укажите причину отчисления." in refused
    assert "Приказ внесён" in _order(client, student, kind="depart", event_date=(TODAY - 3 * DAY).isoformat(),
                                     destination="по собственному желанию")
    assert _learner(app, student).left_on == TODAY - 3 * DAY
    # Reinstatement after expulsion, into a group of the open year.
    assert "Приказ внесён" in _order(client, student, kind="reinstate", to_group=college["g2"],
                                     event_date=TODAY.isoformat())
    reinstated = _learner(app, student)
    assert reinstated.group_id == college["g2"] and reinstated.left_on is None
    # Graduation from the last course.
    assert "Приказ внесён" in _order(client, college["s_g4"], kind="graduate")
    assert _learner(app, college["s_g4"]).left_on == TODAY
    kinds = [k for k, _ in _orders(app, student)]
    assert kinds == ["transfer", "leave", "leave_return", "depart", "reinstate"]
    transfer_note = _orders(app, student)[0][1]
    assert "09.02.07" in transfer_note and "38.02.01" in transfer_note
    assert _audited(app) - before == 6  # each order is in the audit log
    history = client.get(f"/movement/learner/{student}").get_data(as_text=True)
    for label in ("Перевод в другую группу", "Академический отпуск", "Выход из академического отпуска",
                  "Отчисление", "Восстановление после отчисления", "по собственному желанию"):
        assert label in history, label


def test_a_student_on_leave_is_off_the_journal_until_he_returns(app, client, login, world, college):
    login("manager2")
    _order(client, world.org2_child, kind="leave", event_date=TODAY.isoformat(), destination="по уходу за ребёнком")
    with app.app_context(), acting_as(None):
        host = app.extensions["ejournal"]
        grid = load_grid(db.session(), host, world.org2_group, world.org2_subject, world.org2_period)
        row = next((r for r in grid.rows if r.learner_id == world.org2_child), None)
        # His cells close from the first day of the leave (a leave from the period's first day: he is not there).
        assert (row.left_on == TODAY - DAY) if row is not None else TODAY == grid.period.start
        plan = plan_closing(db.session, db.session.get(AcademicYear, world.org2_year))
        group_plan = next(p for p in plan.groups if p.group.id == world.org2_group)
        assert [learner.id for learner in group_plan.on_leave] == [world.org2_child]
        assert world.org2_child not in {learner.id for learner in group_plan.promoted}
    _order(client, world.org2_child, kind="leave_return", event_date=(TODAY + DAY).isoformat())
    with app.app_context(), acting_as(None):
        grid = load_grid(db.session(), app.extensions["ejournal"], world.org2_group, world.org2_subject,
                         world.org2_period)
        assert next(r for r in grid.rows if r.learner_id == world.org2_child).left_on is None


@pytest.mark.parametrize("case", ["before enrolment", "another organisation", "leave twice", "return without leave",
                                  "reinstate an active student", "transfer on leave"])
def test_a_bad_order_is_refused_in_russian_and_changes_nothing(app, client, login, world, college, case):
    login("manager2")
    student = college["s_g2"]
    if case in ("leave twice", "transfer on leave"):
        _order(client, student, kind="leave", event_date=(TODAY - DAY).isoformat())
    before, state = _orders(app), _learner(app, student)
    form = {
        "before enrolment": dict(kind="depart", event_date="2020-01-10", destination="по собственному желанию"),
        "another organisation": dict(kind="transfer", to_group=world.org1_other_group),
        "leave twice": dict(kind="leave", event_date=TODAY.isoformat()),
        "return without leave": dict(kind="leave_return", student=college["s_g1"]),
        "reinstate an active student": dict(kind="reinstate", to_group=college["g1"]),
        "transfer on leave": dict(kind="transfer", to_group=college["e2"]),
    }[case]
    who = form.pop("student", student)
    page = _order(client, who, **form)
    expected = {
        "before enrolment": "раньше даты зачисления",
        "another organisation": "Выберите другую учебную группу, куда переводится студент.",
        "leave twice": "Студент уже в академическом отпуске с",
        "return without leave": "Студент не в академическом отпуске.",
        "reinstate an active student": "Студент уже числится в учебной группе ИСП-25.",
        "transfer on leave": "Студент в академическом отпуске: сначала оформите выход из него.",
    }[case]
    assert expected in page, page[page.find("alert"):][:400]
    assert "R14" not in visible_text(page)  # the page's text: a random nonce may hold the letters
    assert _orders(app) == before
    after = _learner(app, who)
    assert (after.group_id, after.left_on) == ((state.group_id, state.left_on) if who == student
                                               else (after.group_id, None))


def test_the_service_refuses_a_group_of_another_organisation(app, world, college):
    with app.app_context(), acting_as(None):
        learner = db.session.get(Learner, college["s_g2"])
        foreign = db.session.get(LearnerGroup, world.org1_other_group)
        with pytest.raises(RuleError) as refused:
            apply_order(db.session, learner, "transfer", number=None, date=TODAY, to_group=foreign)
        assert "другой организации" in refused.value.shown()
        assert learner.group_id == college["g2"]
        db.session.rollback()
    assert _orders(app) == []


@pytest.mark.parametrize("user", ["secretary1", "admin3"])
def test_a_user_of_another_organisation_is_refused(app, client, login, world, college, user):
    login(user)
    assert client.get(f"/movement/learner/{college['s_g2']}").status_code == 404
    assert client.post(f"/movement/learner/{college['s_g2']}/order",
                       data={"kind": "depart", "date": TODAY.isoformat(), "destination": "x"}).status_code == 404
    assert _orders(app) == [] and _learner(app, college["s_g2"]).left_on is None


def test_the_head_reads_the_book_but_enters_no_order(app, client, login, world, college):
    login("head2")
    assert client.get("/movement/").status_code == 200
    page = client.get(f"/movement/learner/{college['s_g2']}").get_data(as_text=True)
    assert "Внести приказ" not in page
    assert client.post(f"/movement/learner/{college['s_g2']}/order",
                       data={"kind": "depart", "date": TODAY.isoformat(), "destination": "x"}).status_code in (302, 403)
    assert _orders(app) == []


def test_closing_the_year_moves_groups_to_the_next_course_and_graduates_the_last(app, client, login, world, college):
    login("manager2")
    _order(client, college["s_g2"], kind="leave", event_date=TODAY.isoformat())
    login("admin2")
    preview = client.get("/year-closing/").get_data(as_text=True)
    assert "В академическом отпуске: 1" in preview
    page = client.post(f"/year-closing/{world.org2_year}/close", data={"confirm": "yes"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Учебный год 2026/2027 закрыт, открыт 2027/2028" in page
    with app.app_context(), acting_as(None):
        s = db.session
        new_year = s.scalar(select(AcademicYear).where(AcademicYear.org_id == world.org2,
                                                       AcademicYear.name == "2027/2028"))
        first = s.get(Learner, college["s_g1"])
        assert (first.group.name, first.group.level, first.group.year_id) == ("ИСП-26", 2, new_year.id)
        last = s.get(Learner, college["s_g4"])
        assert last.group_id == college["g4"] and last.left_on is not None
        graduation = s.scalar(select(MovementOrder).where(MovementOrder.learner_id == college["s_g4"]))
        assert graduation.kind == "graduate" and graduation.destination == "Окончил обучение по специальности"
        # On leave: stays in his group until the return order.
        away = s.get(Learner, college["s_g2"])
        assert away.group_id == college["g2"] and away.left_on is not None
        promoted = s.scalar(select(MovementOrder).where(MovementOrder.learner_id == college["s_g1"]))
        assert promoted.kind == "promote" and promoted.to_group_id == first.group_id
        new_second = s.scalar(select(LearnerGroup.id).where(LearnerGroup.year_id == new_year.id,
                                                            LearnerGroup.name == "ИСП-25"))
    book = client.get("/movement/").get_data(as_text=True)
    assert "Перевод на следующий курс" in book
    # He comes back into his group's next course.
    login("manager2")
    assert "Приказ внесён" in _order(client, college["s_g2"], kind="leave_return", to_group=new_second,
                                     date="2027-09-01", event_date="2027-09-01")
    returned = _learner(app, college["s_g2"])
    assert returned.group_id == new_second and returned.left_on is None
