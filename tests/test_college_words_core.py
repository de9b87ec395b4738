"""The core's texts that named a school's class, class teacher and learner now speak the
words of the group's kind (a college's учебная группа, куратор, студент; a school keeps
its own): the announcements' audience and refusals, a consent's scope and refusal, the
notices' subject and refusals, the subgroups' messages, the movement book's deadlines
and the year's closing, and the roles on the account pages."""
from __future__ import annotations

import re

import pytest
from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import Consent, MailThread, Organisation, Staff, TeachingAssignment
from app.scoping import acting_as
from app.services.accounts import DEFAULT_SCOPE
from tests.world import TODAY, _user

pytestmark = pytest.mark.dates


def _text(page: str) -> str:
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def _get(client, path: str) -> str:
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 200, path
    return _text(response.get_data(as_text=True).split("navbar-right", 1)[-1])


def _post(client, path: str, data: dict) -> str:
    return _text(client.post(path, data=data, follow_redirects=True).get_data(as_text=True))


def _account(app, world, username: str, roles: list[str], org: str, person: str | None = None) -> None:
    with app.app_context(), acting_as(None):
        _user(current_app.appbuilder.sm, username, roles, db.session.get(Organisation, world.ids[org]),
              person=db.session.get(Staff, world.ids[person]) if person else None)


def _teaches_5a(app, world, org: str) -> None:
    """The other teacher of ``org`` also teaches a subject in 5А (its leader is the teacher)."""
    with app.app_context(), acting_as(None):
        db.session.add(TeachingAssignment(org_id=world.ids[org], year_id=world.ids[f"{org}_year"],
                                          teacher_id=world.ids[f"{org}_other_teacher"],
                                          subject_id=world.ids[f"{org}_subject"], group_id=world.ids[f"{org}_group"],
                                          hours_per_week=1))
        db.session.commit()


ANNOUNCEMENT = {"title": "Собрание", "body": "В среду", "shown_from": TODAY.isoformat(), "shown_to": TODAY.isoformat()}


def test_the_announcements_audience_names_the_organisations_groups_and_learners(app, client, login, world):
    login("admin2")
    form = _get(client, "/announcements/new")
    assert "Выбранные учебные группы (студенты и их родители)" in form and "Студенты" in form
    assert "классы" not in form and "Обучающиеся" not in form
    login("admin3")  # a school alone
    assert "Выбранные классы (обучающиеся и их родители)" in _get(client, "/announcements/new")
    login("admin1")  # a school with a preschool group
    assert "Выбранные классы и группы (обучающиеся и их родители)" in _get(client, "/announcements/new")


def test_a_curator_is_refused_announcements_beyond_his_study_groups(app, client, login, world):
    _account(app, world, "curator2", ["Учитель"], "org2", "org2_teacher")  # leads 5А
    login("curator2")
    page = _post(client, "/announcements/new", {**ANNOUNCEMENT, "audience": "groups",
                                                "groups": [world.org2_other_group]})
    assert "Куратор публикует объявления только для своих учебных групп." in page
    login("admin2")
    assert "Выберите учебные группы." in _post(client, "/announcements/new", {**ANNOUNCEMENT, "audience": "groups"})
    login("admin3")
    assert "Выберите классы." in _post(client, "/announcements/new", {**ANNOUNCEMENT, "audience": "groups"})


def _scope_of(app, person_id) -> str:
    with app.app_context(), acting_as(None):
        return db.session.scalar(select(Consent.scope).where(Consent.person_id == person_id))


def test_a_students_consent_covers_his_study_group(app, client, login, world):
    consent = {"signed_by": "guardian", "signer_name": "Иванова Ольга", "signed_on": TODAY.isoformat(),
               "document_ref": "С-1", "scope": DEFAULT_SCOPE}
    login("admin2")
    _post(client, "/consents/add", {**consent, "person": world.org2_child})
    assert _scope_of(app, world.org2_child) == ("Фамилия, имя, отчество, дата рождения, учебная группа, отметки, "
                                                "посещаемость, контактные данные — для ведения электронного журнала "
                                                "и дневника")
    login("admin1")
    _post(client, "/consents/add", {**consent, "person": world.org1_child})
    assert "дата рождения, класс, отметки" in _scope_of(app, world.org1_child)


def test_a_curator_of_another_group_is_refused_a_students_consent(app, client, login, world):
    _account(app, world, "curator_6b", ["Куратор"], "org2", "org2_other_teacher")  # leads 6Б
    login("curator_6b")
    page = _post(client, "/consents/add", {"person": world.org2_child, "signed_by": "guardian",
                                           "signer_name": "Иванова Ольга", "signed_on": TODAY.isoformat()})
    assert "Согласия ведёт Секретарь, Администратор или куратор этого студента." in page


def test_a_notice_about_a_student_goes_to_his_curator(app, client, login, world):
    _teaches_5a(app, world, "org2")
    _account(app, world, "curator2", ["Учитель"], "org2", "org2_teacher")
    _account(app, world, "lecturer2", ["Учитель"], "org2", "org2_other_teacher")
    login("lecturer2")
    page = _post(client, "/mail/notice", {"learner": world.org2_child, "to": "parents", "body": "x"})
    assert ("Родителей уведомляет куратор студента; у родителей этого студента может не быть учётной записи."
            in page)
    _post(client, "/mail/notice", {"learner": world.org2_child, "to": "leader", "body": "Две двойки"})
    with app.app_context(), acting_as(None):
        subjects = list(db.session.scalars(select(MailThread.subject).where(MailThread.org_id == world.org2)))
    assert subjects == ["Уведомление о студенте: Иванов Иван (5А)"]


def test_a_notice_refusal_names_the_curator_and_the_lecturer(app, client, login, world):
    _account(app, world, "curator_6b", ["Учитель"], "org2", "org2_other_teacher")  # leads 6Б, teaches no 5А
    _account(app, world, "parent2", ["Родитель"], "org2")
    with app.app_context(), acting_as(None):
        db.session.add(TeachingAssignment(org_id=world.org2, year_id=world.org2_year, teacher_id=world.org2_other_teacher,
                                          subject_id=world.org2_subject, group_id=world.org2_group, hours_per_week=1))
        db.session.commit()
    login("curator_6b")
    # He teaches 5А and its curator (the world's teacher) has no account: nobody to notify.
    page = _post(client, "/mail/notice", {"learner": world.org2_child, "to": "leader", "body": "x"})
    assert ("Куратора уведомляет преподаватель, ведущий предмет в учебной группе студента; у учебной группы "
            "может не быть куратора с учётной записью.") in page


def _split(client, world, org: str, group: str = "group") -> str:
    return _post(client, f"/subgroups/{world.ids[f'{org}_{group}']}/{world.ids[f'{org}_subject']}/split",
                 {"name": ["1 подгруппа", "2 подгруппа"], f"learner-{world.ids[f'{org}_child']}": "0",
                  f"learner-{world.ids[f'{org}_sibling']}": "1"})


def test_a_study_group_is_split_into_subgroups(app, client, login, world):
    _account(app, world, "curator2", ["Учитель"], "org2", "org2_teacher")
    login("curator2")
    assert "Учебная группа разделена на подгруппы." in _split(client, world, "org2")
    login("teacher1")
    assert "Класс разделён на подгруппы." in _split(client, world, "org1")


def test_splitting_a_study_group_is_its_curators_with_the_lecturer(app, client, login, world):
    _account(app, world, "lecturer_6b", ["Учитель"], "org2", "org2_other_teacher")
    login("lecturer_6b")  # teaches nothing in 5А: out of his reach
    page = _split(client, world, "org2")
    assert "Делить учебную группу на подгруппы может только её куратор вместе с преподавателем предмета." in page
    from app.exceptions import RuleError
    from app.models import LearnerGroup
    from app.services.subgroups import Actor, split

    with app.test_request_context(), acting_as(None):  # a teacher of another group of the college
        group = db.session.get(LearnerGroup, world.org2_group)
        with pytest.raises(RuleError) as refused:
            split(db.session, group, world.org2_subject, ["1", "2"], {}, Actor(world.org2_other_teacher, False, False))
        assert str(refused.value) == ("Делить учебную группу 5А на подгруппы может только её куратор вместе с "
                                      "преподавателем предмета.")
    login("admin3")  # a group of another organisation: out of reach
    assert "Делить класс на подгруппы может только его классный руководитель вместе с учителем предмета." \
        in _split(client, world, "org1")


def test_the_overdue_page_states_the_colleges_deadlines(app, client, login, world):
    login("admin2")
    page = _get(client, "/movement-overdue/")
    assert ("Сроки внесения приказов о движении студентов: зачисление и отчисление — в течение 2 рабочих дней; "
            "переводы срока не имеют.") in page
    assert "обучающихся" not in page and "классов" not in page
    login("admin3")
    assert "Сроки внесения приказов о движении обучающихся (регламент 3.3.3.2)" in _get(client, "/movement-overdue/")
    login("admin1")  # a school with a preschool group states both
    page = _get(client, "/movement-overdue/")
    assert "о движении обучающихся (регламент 3.3.3.2)" in page and "о движении воспитанников" in page


def test_the_year_closing_moves_students_to_the_next_course_and_copies_curators(app, client, login, world):
    login("admin2")
    page = _get(client, "/year-closing/")
    assert "Переводятся на следующий курс:" in page and "Копируются кураторы и педагогическая нагрузка" in page
    assert "класс" not in page.lower()
    login("admin1")
    page = _get(client, "/year-closing/")
    assert "Переводятся в следующий класс:" in page and "Копируются классные руководители и педагогическая" in page


def test_the_info_page_names_a_colleges_roles_as_the_college_does(app, client, login, world):
    _account(app, world, "curator2", ["Учитель", "Классный руководитель"], "org2", "org2_teacher")
    login("curator2")
    page = _get(client, "/users/userinfo/")
    assert "Преподаватель" in page and "Куратор" in page
    assert "Классный руководитель" not in page and "Учитель" not in page
    login("teacher1")
    assert "Учитель" in _get(client, "/users/userinfo/")
