"""A study group's specialty, year of admission (год набора) and form of study (очная,
очно-заочная, заочная) in a college (plugins/college): set by the учебная часть on the
group's page through one checked service, shown where the group's specialty is shown,
carried to the next course when the year is closed, and said by the order of a transfer
to a group of another form of study."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.exceptions import RuleError
from app.extensions import db
from app.models import (
    AcademicYear,
    Account,
    AuditEntry,
    Learner,
    LearnerGroup,
    Organisation,
    TeachingAssignment,
)
from app.models.movement import MovementOrder
from app.scoping import acting_as, resolve_scope
from plugins.college.group_study import save_link
from plugins.college.models import GroupSpecialty, Specialty

from .test_russian_ui import visible_text
from .world import TODAY, _user

pytestmark = pytest.mark.dates

PAGE = "/college/groups/"
MANAGER, HEAD = "Менеджер учебной части", "Заведующий учебной частью"


@pytest.fixture
def college(app, world) -> dict:
    """Groups of «Техникум № 2» (its year 2026/2027): ИСП-26 (1st course) and ИСП-25 (2nd) in
    программирование, ЭБУ-25 (очная) and ЗЭБУ-25 (заочная) in бухучёт, ТМ-25 without a specialty;
    a student in ЭБУ-25 and ИСП-25; the учебная часть's users."""
    ids = {}
    with app.app_context(), acting_as(None):
        s = db.session
        org = s.get(Organisation, world.org2)
        ids["manager"] = _user(app.appbuilder.sm, "manager2", [MANAGER], org).id
        ids["head"] = _user(app.appbuilder.sm, "head2", [HEAD], org).id
        it = Specialty(org_id=world.org2, code="09.02.07", name="Информационные системы и программирование",
                       qualification="Программист")
        acc = Specialty(org_id=world.org2, code="38.02.01", name="Экономика и бухгалтерский учёт (по отраслям)",
                        qualification="Бухгалтер")
        s.add_all([it, acc])
        s.flush()
        ids["it"], ids["acc"] = it.id, acc.id
        for key, name, level, specialty, form in [("g1", "ИСП-26", 1, it, None), ("g2", "ИСП-25", 2, it, None),
                                                  ("e2", "ЭБУ-25", 2, acc, "full_time"),
                                                  ("z2", "ЗЭБУ-25", 2, acc, "extramural"),
                                                  ("t2", "ТМ-25", 2, None, None)]:
            group = LearnerGroup(org_id=world.org2, year_id=world.org2_year, kind="college_group", name=name,
                                 level=level, leader_id=world.org2_teacher)
            s.add(group)
            s.flush()
            ids[key] = group.id
            if specialty is not None and form is None:
                # Written as before the year of admission existed: it is computed from the course.
                s.add(GroupSpecialty(org_id=world.org2, group_id=group.id, specialty_id=specialty.id))
            elif specialty is not None:
                save_link(s, group_id=group.id, specialty_id=specialty.id, study_form=form)
        # The world's groups of org2 are named as a school's; a college's courses are 1 to 4.
        for group_id, level in ((world.org2_group, 2), (world.org2_other_group, 3)):
            s.get(LearnerGroup, group_id).level = level
        for key in ("e2", "g2"):
            student = Learner(org_id=world.org2, last_name=f"Студентов{key}", first_name="Семён",
                              group_id=ids[key], enrolled_on=dt.date(2025, 9, 1))
            s.add(student)
            s.flush()
            ids[f"s_{key}"] = student.id
        s.commit()
    return ids


def _link(app, group_id) -> tuple | None:
    with app.app_context(), acting_as(None):
        link = db.session.scalar(select(GroupSpecialty).where(GroupSpecialty.group_id == group_id))
        return (link.specialty_id, link.admission_year, link.study_form) if link else None


def _audited(app) -> int:
    with app.app_context(), acting_as(None):
        return db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.entity == "GroupSpecialty"))


def _order(client, learner_id, **form):
    data = {"date": TODAY.isoformat(), "event_date": TODAY.isoformat(), **form}
    return client.post(f"/movement/learner/{learner_id}/order", data=data, follow_redirects=True).get_data(as_text=True)


def _note(app, learner_id) -> str | None:
    with app.app_context(), acting_as(None):
        return db.session.scalar(select(MovementOrder.destination).where(
            MovementOrder.learner_id == learner_id, MovementOrder.kind == "transfer"))


def test_a_link_without_its_year_gets_it_from_the_course(app, college):
    assert _link(app, college["g1"]) == (college["it"], 2026, "full_time")
    assert _link(app, college["g2"]) == (college["it"], 2025, "full_time")
    assert _link(app, college["z2"]) == (college["acc"], 2025, "extramural")


def test_the_group_page_shows_the_admission_year_and_the_form_of_study(app, client, login, world, college):
    login("manager2")
    listing = client.get(PAGE).get_data(as_text=True)
    table = listing[listing.index('id="group-specialties"'):]
    row = table[table.index("ЗЭБУ-25"):]
    row = row[:row.index("</tr>")]
    assert "38.02.01" in row and "2025" in row and "заочная" in row
    tm = table[table.index("ТМ-25"):]
    assert "специальность не указана" in tm[:tm.index("</tr>")]
    page = client.get(f"{PAGE}{college['g2']}").get_data(as_text=True)
    card = page[page.index('id="group-study"'):page.index("</table>")]
    assert "Год набора" in card and "2025" in card and "очная" in card and "09.02.07" in card
    assert 'id="group-study-form"' in page and 'name="admission_year"' in page
    # The head of the учебная часть reads it, without the form.
    login("head2")
    page = client.get(f"{PAGE}{college['z2']}").get_data(as_text=True)
    assert "заочная" in page and "2025" in page and 'id="group-study-form"' not in page
    # The curriculum page's check of the load names each group's year of admission and form.
    with app.app_context(), acting_as(None):
        db.session.add_all([TeachingAssignment(org_id=world.org2, year_id=world.org2_year,
                                               teacher_id=world.org2_teacher, subject_id=world.org2_subject,
                                               group_id=college[key], hours_per_week=2) for key in ("e2", "z2")])
        db.session.commit()
    login("manager2")
    plan = client.get(f"/college/curriculum/?specialty={college['acc']}&semester=3").get_data(as_text=True)
    check = plan[plan.index('id="curriculum-load"'):]
    assert "ЭБУ-25 <span class=\"text-muted\">(набор 2025, очная)</span>" in check
    assert "ЗЭБУ-25 <span class=\"text-muted\">(набор 2025, заочная)</span>" in check


def test_the_manager_sets_the_specialty_year_and_form_and_the_audit_records_it(app, client, login, college):
    login("manager2")
    before = _audited(app)
    page = client.post(f"{PAGE}{college['t2']}/save", data={"specialty": college["it"], "admission_year": "",
                                                            "study_form": "part_time"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Специальность, год набора и форма обучения группы сохранены." in page
    assert _link(app, college["t2"]) == (college["it"], 2025, "part_time")
    assert "очно-заочная" in page
    page = client.post(f"{PAGE}{college['t2']}/save", data={"specialty": college["acc"], "admission_year": "2025",
                                                            "study_form": "extramural"},
                       follow_redirects=True).get_data(as_text=True)
    assert _link(app, college["t2"]) == (college["acc"], 2025, "extramural")
    assert _audited(app) - before == 2
    with app.app_context(), acting_as(None):
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "GroupSpecialty")
                                  .order_by(AuditEntry.id.desc()))
        assert entry.action == "update" and entry.new["study_form"] == "extramural"
        assert entry.username == "manager2"


@pytest.mark.parametrize("case", ["course disagrees", "future", "not a year", "unknown form", "foreign specialty",
                                  "no specialty"])
def test_a_wrong_value_is_refused_in_russian_and_nothing_changes(app, client, login, world, college, case):
    if case == "foreign specialty":
        with app.app_context(), acting_as(None):
            other = Specialty(org_id=world.org1, code="09.02.07", name="Чужая специальность", qualification="")
            db.session.add(other)
            db.session.commit()
            foreign = other.id
    form = {"specialty": college["it"], "admission_year": "2025", "study_form": "full_time"}
    form.update({
        "course disagrees": {"admission_year": "2024"},
        "future": {"admission_year": str(TODAY.year + 1)},
        "not a year": {"admission_year": "двадцать пятый"},
        "unknown form": {"study_form": "evening"},
        "foreign specialty": {"specialty": foreign if case == "foreign specialty" else None},
        "no specialty": {"specialty": ""},
    }[case])
    expected = {
        "course disagrees": "Год набора 2024 не согласуется с курсом: группа ИСП-25 в 2026/2027 учебном году "
                            "учится на 2 курсе, значит набрана в 2025 году.",
        "future": f"Год набора {TODAY.year + 1} ещё не наступил.",
        "not a year": "Год набора — год четырьмя цифрами, например 2025.",
        "unknown form": "Выберите форму обучения: очная, очно-заочная или заочная.",
        "foreign specialty": "Выберите специальность из справочника организации.",
        "no specialty": "Выберите специальность из справочника организации.",
    }[case]
    login("manager2")
    before, audited = _link(app, college["g2"]), _audited(app)
    page = client.post(f"{PAGE}{college['g2']}/save", data=form, follow_redirects=True).get_data(as_text=True)
    assert expected in page, page[page.find("alert"):][:400]
    assert "R13" not in visible_text(page)  # the page's text: a random nonce may hold the letters
    assert _link(app, college["g2"]) == before == (college["it"], 2025, "full_time")
    assert _audited(app) == audited
    # The service refuses the same, raising.
    with app.app_context(), acting_as(None):
        with pytest.raises(RuleError) as refused:
            save_link(db.session, group_id=college["g2"], specialty_id=form["specialty"],
                      admission_year=form["admission_year"], study_form=form["study_form"])
        assert expected in refused.value.shown()
        db.session.rollback()
    assert _link(app, college["g2"]) == before


def test_closing_the_year_carries_the_year_of_admission_and_the_form_to_the_next_course(
        app, client, login, world, college):
    with app.app_context(), acting_as(None):
        # ИСП-25 is made заочная before the year is closed.
        save_link(db.session, group_id=college["g2"], specialty_id=college["it"], study_form="extramural")
        db.session.commit()
    login("admin2")
    page = client.post(f"/year-closing/{world.org2_year}/close", data={"confirm": "yes"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Учебный год 2026/2027 закрыт, открыт 2027/2028" in page
    with app.app_context(), acting_as(None):
        s = db.session
        new_year = s.scalar(select(AcademicYear).where(AcademicYear.org_id == world.org2,
                                                       AcademicYear.name == "2027/2028"))
        found = {g.name: (g.level, link.specialty_id, link.admission_year, link.study_form)
                 for g, link in s.execute(select(LearnerGroup, GroupSpecialty)
                                          .join(GroupSpecialty, GroupSpecialty.group_id == LearnerGroup.id)
                                          .where(LearnerGroup.year_id == new_year.id))}
        new_g2 = s.scalar(select(LearnerGroup.id).where(LearnerGroup.year_id == new_year.id,
                                                        LearnerGroup.name == "ИСП-25"))
    assert found["ИСП-26"] == (2, college["it"], 2026, "full_time")
    assert found["ИСП-25"] == (3, college["it"], 2025, "extramural")
    assert found["ЭБУ-25"] == (3, college["acc"], 2025, "full_time")
    assert found["ЗЭБУ-25"] == (3, college["acc"], 2025, "extramural")
    assert "ТМ-25" not in found  # it had no specialty to carry
    # The old year's links stay as they were.
    assert _link(app, college["g2"]) == (college["it"], 2025, "extramural")
    # The next year's group page shows them, and the year of admission still agrees with the course.
    login("manager2")
    page = client.get(f"{PAGE}{new_g2}").get_data(as_text=True)
    card = page[page.index('id="group-study"'):page.index("</table>")]
    assert "2025" in card and "заочная" in card and "2027/2028" in card


def test_a_transfer_to_a_group_of_another_form_of_study_says_so(app, client, login, college):
    login("manager2")
    assert "Приказ внесён" in _order(client, college["s_e2"], kind="transfer", to_group=college["z2"])
    assert _note(app, college["s_e2"]) == "Переведён с очной формы обучения на заочную, группа ЗЭБУ-25"
    # Another specialty and another form: the order says both.
    assert "Приказ внесён" in _order(client, college["s_g2"], kind="transfer", to_group=college["z2"])
    note = _note(app, college["s_g2"])
    assert note.startswith("Перевод со специальности 09.02.07") and "38.02.01" in note
    assert "переведён с очной формы обучения на заочную, группа ЗЭБУ-25" in note


def test_a_transfer_within_the_form_and_specialty_has_no_note(app, client, login, college):
    login("manager2")
    with app.app_context(), acting_as(None):
        save_link(db.session, group_id=college["t2"], specialty_id=college["acc"], study_form="full_time")
        db.session.commit()
    assert "Приказ внесён" in _order(client, college["s_e2"], kind="transfer", to_group=college["t2"])
    assert _note(app, college["s_e2"]) is None


@pytest.mark.parametrize("user", ["admin1", "admin3"])
def test_a_user_of_another_organisation_is_refused(app, client, login, world, college, user):
    login(user)
    assert client.get(f"{PAGE}{college['g2']}").status_code in (403, 404)
    response = client.post(f"{PAGE}{college['g2']}/save", data={"specialty": college["acc"], "admission_year": "2025",
                                                               "study_form": "extramural"})
    assert response.status_code in (403, 404)
    listing = client.get(PAGE)
    assert listing.status_code != 200 or "ИСП-25" not in listing.get_data(as_text=True)
    assert _link(app, college["g2"]) == (college["it"], 2025, "full_time")
    # Below the page: the service does not find the group of another organisation.
    with app.test_request_context():
        with acting_as(None):
            account = db.session.scalar(select(Account).where(Account.username == user))
            scope = resolve_scope(db.session, account, app.extensions["ejournal"])
        with acting_as(scope):
            with pytest.raises(RuleError) as refused:
                save_link(db.session, group_id=college["g2"], specialty_id=college["acc"], study_form="extramural")
            assert "Учебная группа не найдена или недоступна." in refused.value.shown()
        db.session.rollback()
    assert _link(app, college["g2"]) == (college["it"], 2025, "full_time")


def test_the_head_cannot_change_the_link(app, client, login, college):
    login("head2")
    response = client.post(f"{PAGE}{college['g2']}/save", data={"specialty": college["acc"],
                                                               "admission_year": "2025", "study_form": "extramural"})
    assert response.status_code in (302, 403)
    assert _link(app, college["g2"]) == (college["it"], 2025, "full_time")
