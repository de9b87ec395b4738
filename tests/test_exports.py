"""Выгрузка списков (learners with guardians, staff, groups, load) to XLSX and CSV with the
import's columns: exact headers and cells, formulas kept inert, only the user's own
organisation, refusals, bounded queries, and the round trip export → import changing nothing."""
from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import io

import pytest
from sqlalchemy import func, inspect, select

from app.extensions import db
from app.imports import export as ex
from app.imports import learners as svc
from app.imports.reading import cell, read_table
from app.models import (
    Account, AuditEntry, Guardian, GuardianLink, Learner, LearnerGroup, Staff, Subgroup, TeachingAssignment,
)
from app.models.movement import ENROL, MovementOrder
from tests.conftest import count_queries

KINDS = ("learners", "guardians", "staff", "groups", "load")
HEADERS = {
    "learners": ["Фамилия", "Имя", "Отчество", "Дата рождения", "Пол", "Класс", "СНИЛС", "Дата зачисления",
                 "Номер приказа", "Представитель 1: ФИО", "Представитель 1: кем приходится",
                 "Представитель 1: телефон", "Представитель 1: e-mail", "Представитель 2: ФИО",
                 "Представитель 2: кем приходится", "Представитель 2: телефон", "Представитель 2: e-mail"],
    "staff": ["Фамилия", "Имя", "Отчество", "Дата рождения", "Пол", "Должность", "Роли", "СНИЛС", "Телефон",
              "E-mail", "Дата приёма"],
    "groups": ["Название", "Вид", "Параллель", "Руководитель"],
    "load": ["Учитель", "Предмет", "Класс", "Подгруппа", "Часов в неделю"],
}
HEADERS["guardians"] = HEADERS["learners"]
SNILS = "112-233-445 95"
EVIL = '=HYPERLINK("http://evil.example","Жми")'


def table(data: bytes, fmt: str) -> list[list[str]]:
    """The file as the import reads it: every cell through ``reading.cell``."""
    return [[cell(c) for c in cells] for _n, cells in read_table(f"x.{fmt}", data)]


def download(client, kind, fmt):
    return client.get(f"/exports/{kind}.{fmt}")


def _prepare_learners(app, world):
    """org1's learners as a school keeps them: a СНИЛС, an enrolment order, two and three
    guardians, a guardian known by name only, a phone with «+», a name that looks like a formula."""
    with app.app_context():
        s = db.session
        ivanov = s.get(Learner, world.org1_child)
        ivanov.middle_name, ivanov.gender, ivanov.snils = "Петрович", "М", SNILS
        mother = s.get(Guardian, world.org1_parent)
        mother.middle_name, mother.phone, mother.email = "Сергеевна", "+7 912 345-67-89", "olga@example.ru"
        father = Guardian(org_id=world.org1, last_name="Иванов", first_name="Пётр", middle_name="Ильич",
                          email="petr@example.ru")
        s.add(father)
        s.flush()
        s.add(GuardianLink(org_id=world.org1, guardian_id=father.id, learner_id=world.org1_child, relation="отец"))
        s.add(MovementOrder(org_id=world.org1, kind=ENROL, learner_id=world.org1_child, number="12-у",
                            date=dt.date(2022, 8, 30), event_date=dt.date(2022, 9, 1), to_group_id=world.org1_group))
        # The sister shares the mother; the third learner has three guardians, one without contacts.
        s.add(GuardianLink(org_id=world.org1, guardian_id=mother.id, learner_id=world.org1_sibling, relation="мать"))
        for last, first, relation, phone in (("Сидорова", "Анна", "мать", "8 (900) 111-22-33"),
                                             ("Сидоров", "Олег", "отец", ""), ("Сидорова", "Вера", "бабушка",
                                                                                "+7 900 999-88-77")):
            g = Guardian(org_id=world.org1, last_name=last, first_name=first, phone=phone)
            s.add(g)
            s.flush()
            s.add(GuardianLink(org_id=world.org1, guardian_id=g.id, learner_id=world.org1_learner3,
                               relation=relation))
        stranger = s.get(Learner, world.org1_stranger)
        stranger.birth_date, stranger.gender = dt.date(2014, 5, 6), "М"
        s.add(Learner(org_id=world.org1, last_name=EVIL, first_name="Злой", birth_date=dt.date(2015, 1, 2),
                      group_id=world.org1_group, enrolled_on=dt.date(2023, 9, 1)))
        s.add(Learner(org_id=world.org1, last_name="Выбывший", first_name="Олег", birth_date=dt.date(2015, 1, 3),
                      group_id=world.org1_group, left_on=dt.date(2026, 10, 1)))
        # Another organisation's learner with a name of its own: never in org1's file.
        s.add(Learner(org_id=world.org2, last_name="Чужаков", first_name="Иван", birth_date=dt.date(2005, 1, 1),
                      group_id=world.org2_group))
        s.commit()


def _snapshot(app, org_id) -> dict:
    """What the round trip must leave as it was: counts and a checksum of every field of
    the organisation's learners, guardians, links and orders, and the audit log's length."""
    with app.app_context():
        s = db.session
        s.expire_all()
        out = {}
        for model in (Learner, Guardian, GuardianLink, MovementOrder, Staff, LearnerGroup, Subgroup,
                      TeachingAssignment):
            keys = [a.key for a in inspect(model).column_attrs]
            rows = sorted(repr(tuple(getattr(r, k) for k in keys))
                          for r in s.scalars(select(model).where(model.org_id == org_id)))
            out[model.__name__] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        roles = sorted(repr((a.person_id, sorted(r.name for r in a.roles))) for a in s.scalars(
            select(Account).where(Account.org_id == org_id)))
        out["roles"] = hashlib.sha256("\n".join(roles).encode()).hexdigest()
        out["audit"] = s.scalar(select(func.count()).select_from(AuditEntry))
        return out


# --------------------------------------------------------------------------
# Columns and cells
# --------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_header_of_each_kind_is_the_imports(app, client, login, kind, fmt):
    login("admin1")
    response = download(client, kind, fmt)
    assert response.status_code == 200
    assert table(response.data, fmt)[0] == HEADERS[kind]


def test_learner_columns_are_the_import_modules():
    assert HEADERS["learners"] == list(svc.COLUMNS) == list(ex.LEARNER_COLUMNS)


@pytest.mark.parametrize("kind", ["groups", "staff", "load"])
def test_columns_are_those_of_the_kinds_import(kind):
    module = importlib.import_module(f"app.imports.{kind}")
    assert list(module.COLUMNS) == HEADERS[kind]


def test_csv_is_utf8_with_bom_semicolons_and_crlf(app, client, login, world):
    login("secretary1")
    response = download(client, "learners", "csv")
    assert response.mimetype == "text/csv"
    assert response.data.startswith("\ufeffФамилия;Имя;Отчество;".encode())
    assert response.data.count(b"\r\n") == 1 + 4  # the header and org1's four learners
    assert "attachment" in response.headers["Content-Disposition"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_learners_row_exactly(app, client, login, world, fmt):
    _prepare_learners(app, world)
    login("secretary1")
    rows = table(download(client, "learners", fmt).data, fmt)
    ivanov = next(r for r in rows if r[:2] == ["Иванов", "Иван"])
    assert ivanov == ["Иванов", "Иван", "Петрович", "01.03.2015", "М", "5А", SNILS, "01.09.2022", "12-у",
                      "Иванова Ольга Сергеевна", "мать", "+7 912 345-67-89", "olga@example.ru",
                      "Иванов Пётр Ильич", "отец", "", "petr@example.ru"]
    # By class, then ФИО; the one who left is not there; the third guardian is not either.
    assert [r[0] for r in rows[1:]] == [EVIL, "Иванов", "Петрова", "Сидоров", "Чужой"]
    assert rows[4][9:] == ["Сидорова Анна", "мать", "8 (900) 111-22-33", "", "Сидоров Олег", "отец", "", ""]


def test_staff_groups_and_load_rows(app, client, login, world):
    with app.app_context():
        s = db.session
        teacher = s.get(Staff, world.org1_teacher)
        teacher.snils, teacher.gender, teacher.hired_on = "11223344595", "Ж", dt.date(2010, 8, 25)
        teacher.birth_date, teacher.phone, teacher.email = dt.date(1980, 2, 3), "+7 900 000-00-01", "anna@example.ru"
        sub = Subgroup(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject, name="1 группа")
        s.add(sub)
        s.flush()
        s.add(TeachingAssignment(org_id=world.org1, year_id=world.org1_year, teacher_id=world.org1_teacher,
                                 subject_id=world.org1_subject, group_id=world.org1_group, subgroup_id=sub.id,
                                 hours_per_week=1.5))
        s.commit()
    login("admin1")
    staff = table(download(client, "staff", "csv").data, "csv")
    assert staff[1:] == [
        ["Другова", "Вера", "", "", "", "Учитель", "Учитель", "", "", "", ""],
        ["Учителева", "Анна", "Петровна", "03.02.1980", "Ж", "Учитель", "Учитель", SNILS, "+7 900 000-00-01",
         "anna@example.ru", "25.08.2010"]]
    assert table(download(client, "groups", "xlsx").data, "xlsx")[1:] == [
        ["5А", "Класс", "5", "Учителева Анна Петровна"], ["6Б", "Класс", "6", "Другова Вера"]]
    assert table(download(client, "load", "csv").data, "csv")[1:] == [
        ["Другова Вера", "Математика", "6Б", "", "5"],
        ["Учителева Анна Петровна", "Математика", "5А", "", "5"],
        ["Учителева Анна Петровна", "Математика", "5А", "1 группа", "1,5"]]


def test_a_formula_looking_text_is_inert_in_both_files(app, client, login, world):
    _prepare_learners(app, world)
    login("admin1")
    raw_csv = download(client, "learners", "csv").data.decode("utf-8-sig")
    assert '\r\n"\'=HYPERLINK(""http://evil.example"",""Жми"")";Злой;' in raw_csv
    assert ";'+7 912 345-67-89;" in raw_csv
    assert "\r\n=" not in raw_csv and ";=" not in raw_csv and ";+" not in raw_csv

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(download(client, "learners", "xlsx").data))
    sheet = book.worksheets[0]
    cell_ = sheet["A2"]
    assert (cell_.value, cell_.data_type, cell_.quotePrefix) == (EVIL, "s", True)
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    # The import reads both back as the text they were.
    assert table(download(client, "learners", "csv").data, "csv")[1][0] == EVIL
    assert cell("'+7 912 345-67-89") == "+7 912 345-67-89" and cell("O'Brien") == "O'Brien"


# --------------------------------------------------------------------------
# Whose data, who may
# --------------------------------------------------------------------------
def test_only_the_users_own_organisation(app, client, login, world):
    _prepare_learners(app, world)
    login("admin2")
    rows = table(download(client, "learners", "xlsx").data, "xlsx")
    assert [r[0] for r in rows[1:]] == ["Иванов", "Петрова", "Сидоров", "Чужаков", "Чужой"]
    assert "Иванова Ольга Сергеевна" not in {c for r in rows for c in r}
    login("admin1")
    for kind in KINDS:
        text = download(client, kind, "csv").data.decode("utf-8-sig")
        assert "Чужаков" not in text and "Учебная группа" not in text, kind


@pytest.mark.parametrize("username", ["parent1", "learner1", "teacher1"])
def test_others_are_refused(app, client, login, username):
    login(username)
    for kind in KINDS:
        for fmt in ("xlsx", "csv"):
            assert download(client, kind, fmt).status_code == 403, (kind, fmt)
    # Nor are the links offered on a list the user reads.
    if username == "teacher1":
        page = client.get("/learnerview/list/").get_data(as_text=True)
        assert "/exports/learners.xlsx" not in page


@pytest.mark.parametrize("username", ["sysadmin", "uo_a"])
def test_an_account_of_no_organisation_is_told_so(app, client, login, username):
    login(username)
    response = download(client, "learners", "xlsx")
    assert response.status_code == 302
    page = client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "Выгрузка списков доступна учётной записи организации." in page


def test_unknown_format_is_not_found(app, client, login):
    login("admin1")
    assert download(client, "learners", "pdf").status_code == 404


@pytest.mark.parametrize("path, kind", [("/learnerview/list/", "learners"), ("/guardianview/list/", "guardians"),
                                        ("/staffview/list/", "staff"), ("/learnergroupview/list/", "groups"),
                                        ("/teachingassignmentview/list/", "load")])
def test_the_lists_offer_the_downloads(app, client, login, path, kind):
    login("admin1")
    page = client.get(path).get_data(as_text=True)
    assert f'href="/exports/{kind}.xlsx"' in page and f'href="/exports/{kind}.csv"' in page
    assert "Выгрузить XLSX" in page and "Выгрузить CSV" in page


def test_the_secretary_exports_learners_and_staff(app, client, login):
    login("secretary1")
    assert download(client, "guardians", "csv").status_code == 200
    assert download(client, "staff", "xlsx").status_code == 200


# --------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------
def _add_learners(app, world, n, prefix):
    with app.app_context():
        s = db.session
        for i in range(n):
            learner = Learner(org_id=world.org1, last_name=f"{prefix}{i:03d}", first_name="Ученик",
                              birth_date=dt.date(2015, 1, 1 + i % 28), group_id=world.org1_group, snils="")
            guardian = Guardian(org_id=world.org1, last_name=f"{prefix}{i:03d}", first_name="Родитель",
                                phone=f"+7 900 000-{i:04d}")
            s.add_all([learner, guardian])
            s.flush()
            s.add(GuardianLink(org_id=world.org1, guardian_id=guardian.id, learner_id=learner.id, relation="мать"))
            s.add(MovementOrder(org_id=world.org1, kind=ENROL, learner_id=learner.id, number=f"{i}-у",
                                date=dt.date(2026, 9, 1), event_date=dt.date(2026, 9, 1), to_group_id=world.org1_group))
        s.commit()


@pytest.mark.parametrize("kind", ["learners", "staff", "groups", "load"])
def test_queries_do_not_grow_with_the_list(app, client, login, world, kind):
    login("admin1")
    download(client, kind, "xlsx")  # the first request warms FAB's caches
    _add_learners(app, world, 10, "Первый")
    with count_queries(app) as small:
        assert download(client, kind, "xlsx").status_code == 200
    _add_learners(app, world, 30, "Второй")
    with count_queries(app) as large:
        response = download(client, kind, "csv")
    assert response.status_code == 200
    if kind == "learners":
        assert response.data.count(b"\r\n") == 1 + 4 + 40
    assert large["n"] == small["n"], (small["n"], large["n"])


# --------------------------------------------------------------------------
# Round trips: export → import changes nothing
# --------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", ["learners", "guardians"])
def test_learners_round_trip_changes_nothing(app, client, login, world, fmt, kind):
    _prepare_learners(app, world)
    login("secretary1")
    data = download(client, kind, fmt).data
    before = _snapshot(app, world.org1)
    with app.test_request_context():
        session = db.session
        plan = svc.parse(session, world.org1, f"export.{fmt}", data)
        assert not plan.errors, [str(e) for e in plan.errors]
        counts = plan.counts()
        assert counts == {"create": 0, "update": 0, "same": 5, "guardians_create": 0, "guardians_update": 0,
                          "links_create": 0, "orders": 0}
        assert {op.action for op in plan.learners} == {"same"}
        svc.apply(session, world.org1, plan, world.user_secretary1)
        session.commit()
    assert _snapshot(app, world.org1) == before


def _round_trip(app, client, login, world, kind, fmt, prepare=None):
    module = importlib.import_module(f"app.imports.{kind}")
    if prepare is not None:
        prepare()
    login("admin1")
    data = download(client, kind, fmt).data
    rows = len(table(data, fmt)) - 1
    before = _snapshot(app, world.org1)
    with app.test_request_context():
        session = db.session
        plan = module.parse(session, world.org1, f"export.{fmt}", data)
        assert not plan.errors, [str(e) for e in plan.errors]
        counts = plan.counts()
        assert (counts.get("create"), counts.get("update"), counts.get("same")) == (0, 0, rows), counts
        module.apply(session, world.org1, plan, world.user_admin1)
        session.commit()
    assert _snapshot(app, world.org1) == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_groups_round_trip_changes_nothing(app, client, login, world, fmt):
    def prepare():  # a kindergarten's group beside the classes, and a group without a leader
        with app.app_context():
            s = db.session
            s.add_all([LearnerGroup(org_id=world.org1, year_id=world.org1_year, kind="preschool_group",
                                    name="Ромашка", level=3),
                       LearnerGroup(org_id=world.org1, year_id=world.org1_year, kind="class", name="10А", level=10)])
            s.commit()

    _round_trip(app, client, login, world, "groups", fmt, prepare)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_staff_round_trip_changes_nothing(app, client, login, world, fmt):
    def prepare():
        with app.app_context():
            s = db.session
            teacher = s.get(Staff, world.org1_teacher)
            teacher.snils, teacher.gender, teacher.hired_on = SNILS, "Ж", dt.date(2010, 8, 25)
            teacher.birth_date, teacher.phone = dt.date(1980, 2, 3), "+7 900 000-00-01"
            other = s.get(Staff, world.org1_other_teacher)
            other.birth_date = dt.date(1985, 4, 5)
            s.commit()

    _round_trip(app, client, login, world, "staff", fmt, prepare)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_load_round_trip_changes_nothing(app, client, login, world, fmt):
    def prepare():
        with app.app_context():
            s = db.session
            sub = Subgroup(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject,
                           name="1 группа")
            s.add(sub)
            s.flush()
            s.add(TeachingAssignment(org_id=world.org1, year_id=world.org1_year, teacher_id=world.org1_other_teacher,
                                     subject_id=world.org1_subject, group_id=world.org1_group, subgroup_id=sub.id,
                                     hours_per_week=1.5))
            s.commit()

    _round_trip(app, client, login, world, "load", fmt, prepare)

