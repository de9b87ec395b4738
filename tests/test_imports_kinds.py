"""Загрузка из файлов of groups, staff and the teaching load: templates with the exact
columns, CSV (cp1251, «;») and XLSX, a preview that writes nothing, all-or-nothing errors
with row and column in Russian, re-import without duplicates, staff accounts through
«Выдача логинов»'s service, rights, the command line and query counts."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.imports import KINDS
from app.imports import groups as groups_svc
from app.imports import load as load_svc
from app.imports import staff as staff_svc
from app.models import Account, Consent, LearnerGroup, Staff, Subgroup, TeachingAssignment
from app.models.consent import SIGNED_BY_SELF
from tests.conftest import count_queries
from tests.world import TODAY


def csv_bytes(columns, rows, encoding="cp1251", sep=";") -> bytes:
    """As a spreadsheet saves it: a cell holding the separator is quoted."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(columns, rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(columns))
    for r in rows:
        sheet.append(list(r))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, kind, data, name=None):
    return client.post(f"/imports/{kind}/upload", data={"file": (io.BytesIO(data), name or f"{kind}.csv")},
                       content_type="multipart/form-data")


def token_of(html: str) -> str:
    marker = 'name="token" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def errors_of(html: str) -> list[str]:
    if 'class="import-errors"' not in html:
        return []
    block = html.split('class="import-errors"')[1].split("</ul>")[0]
    return [unescape(x) for x in re.findall(r"<li>(.*?)</li>", block)]


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def parse(app, module, org_id, data, name="f.csv"):
    with app.test_request_context():
        plan = module.parse(db.session, org_id, name, data)
        errors = [str(e) for e in plan.errors]
        counts = plan.counts()
        db.session.rollback()
        return errors, counts


def do_import(app, module, org_id, data, name="f.csv"):
    with app.test_request_context():
        plan = module.parse(db.session, org_id, name, data)
        assert not plan.errors, [str(e) for e in plan.errors]
        result = module.apply(db.session, org_id, plan)
        db.session.commit()
        return result


# --------------------------------------------------------------------------
# The framework
# --------------------------------------------------------------------------
def test_kinds_in_order_with_exact_columns():
    assert list(KINDS) == ["groups", "staff", "learners", "load"]
    assert groups_svc.COLUMNS == ("Название", "Вид", "Параллель", "Руководитель")
    assert staff_svc.COLUMNS == ("Фамилия", "Имя", "Отчество", "Дата рождения", "Пол", "Должность", "Роли", "СНИЛС",
                                 "Телефон", "E-mail", "Дата приёма")
    assert load_svc.COLUMNS == ("Учитель", "Предмет", "Класс", "Подгруппа", "Часов в неделю")


@pytest.mark.parametrize("kind", ["groups", "staff", "load"])
def test_template_downloads_have_the_columns(client, login, kind):
    from openpyxl import load_workbook

    login("admin1")
    page = client.get("/imports/").get_data(as_text=True)
    assert str(KINDS[kind].TITLE) in page
    response = client.get(f"/imports/template/{kind}.csv")
    assert response.status_code == 200
    assert response.data.decode("utf-8-sig").splitlines()[0] == ";".join(KINDS[kind].COLUMNS)
    response = client.get(f"/imports/template/{kind}.xlsx")
    assert [c.value for c in load_workbook(io.BytesIO(response.data)).active[1]] == list(KINDS[kind].COLUMNS)


# --------------------------------------------------------------------------
# Groups
# --------------------------------------------------------------------------
GROUPS = [("7В", "Класс", "7", "Учителева А. П."),
          ("Ромашка", "дошкольная группа", "Средняя", "Другова Вера"),
          ("5А", "class", "5", "Другова Вера")]


def test_groups_preview_writes_nothing_then_confirm(app, client, login, world):
    login("admin1")
    before = count(app, LearnerGroup, LearnerGroup.org_id == world.org1)
    html = upload(client, "groups", csv_bytes(groups_svc.COLUMNS, GROUPS)).get_data(as_text=True)
    assert "Ошибок нет. Будет: классов и групп новых 2, обновлённых 1, без изменений 0." in html, errors_of(html)
    assert "Учебный год: 2026/2027." in html
    assert count(app, LearnerGroup, LearnerGroup.org_id == world.org1) == before
    response = client.post("/imports/confirm", data={"token": token_of(html)}, follow_redirects=True)
    assert "Загружено: классов и групп новых 2, обновлённых 1, без изменений 0." in response.get_data(as_text=True)
    with app.app_context():
        s = db.session
        made = {g.name: g for g in s.scalars(select(LearnerGroup).where(LearnerGroup.org_id == world.org1))}
        assert len(made) == before + 2
        assert (made["7В"].kind, made["7В"].level, made["7В"].leader_id) == ("class", 7, world.org1_teacher)
        assert made["7В"].year_id == world.org1_year
        assert (made["Ромашка"].kind, made["Ромашка"].level) == ("preschool_group", 4)
        assert made["5А"].leader_id == world.org1_other_teacher  # updated, not doubled


def test_groups_errors_name_row_and_column_and_nothing_is_written(app, client, login, world):
    login("admin1")
    rows = [GROUPS[0], ("8Б", "Класс", "12", ""), ("9А", "", "9", ""), ("9Б", "Класс", "9", "Петров П. П."),
            ("7В", "Класс", "7", ""), ("Лицей", "Кружок", "2", "")]
    before = count(app, LearnerGroup, LearnerGroup.org_id == world.org1)
    html = upload(client, "groups", csv_bytes(groups_svc.COLUMNS, rows)).get_data(as_text=True)
    assert errors_of(html) == [
        "строка 3, «Параллель»: 12 — у вида «Класс» параллели от 1 до 11",
        "строка 4, «Вид»: не заполнено: в организации несколько видов групп («Класс», «Дошкольная группа»)",
        "строка 5, «Руководитель»: «Петров П. П.» — такого сотрудника нет в организации",
        "строка 6, «Название»: этот класс (группа) уже есть в строке 2",
        "строка 7, «Вид»: «Кружок» — такого вида групп в организации нет (есть: «Класс», «Дошкольная группа»)",
    ]
    assert 'name="token"' not in html
    assert count(app, LearnerGroup, LearnerGroup.org_id == world.org1) == before


def test_groups_xlsx_one_kind_and_reimport_without_duplicates(app, client, login, world):
    login("admin3")  # «Школа № 3» has one kind of group: «Вид» may be empty
    rows = [("10А", "", 10, "Учителева Анна Петровна"), ("11А", None, 11, None)]
    html = upload(client, "groups", xlsx_bytes(groups_svc.COLUMNS, rows), "groups.xlsx").get_data(as_text=True)
    assert "классов и групп новых 2" in html, errors_of(html)
    client.post("/imports/confirm", data={"token": token_of(html)})
    after = count(app, LearnerGroup, LearnerGroup.org_id == world.org3)
    again = do_import(app, groups_svc, world.org3, xlsx_bytes(groups_svc.COLUMNS, rows), "groups.xlsx")
    assert again == {"create": 0, "update": 0, "same": 2}
    changed = do_import(app, groups_svc, world.org3, csv_bytes(groups_svc.COLUMNS, [("11 А", "", "11", "Другова В.")]))
    assert changed == {"create": 0, "update": 1, "same": 0}
    assert count(app, LearnerGroup, LearnerGroup.org_id == world.org3) == after
    with app.app_context():
        group = db.session.scalar(select(LearnerGroup).where(LearnerGroup.org_id == world.org3,
                                                             LearnerGroup.name == "11А"))
        assert group.leader_id == world.org3_other_teacher


# --------------------------------------------------------------------------
# Staff
# --------------------------------------------------------------------------
def staff_row(last, first, middle="", birth="", gender="", position="", roles="", snils="", phone="", email="",
              hired=""):
    return (last, first, middle, birth, gender, position, roles, snils, phone, email, hired)


STAFF = [staff_row("Кадрова", "Ирина", "Сергеевна", "14.05.1985", "Ж", "Учитель", "", "112-233-445 95",
                   "+7 912 000-11-22", "kadrova@example.ru", "01.09.2026"),
         staff_row("Ключникова", "Оксана", "", "02.02.1990", "ж", "Секретарь")]


def new_staff_with_consent(app, org_id) -> int:
    """«Новикова Елена Андреевна»: a new employee without an account, her consent signed."""
    with app.app_context():
        person = Staff(org_id=org_id, last_name="Новикова", first_name="Елена", middle_name="Андреевна",
                       position="Учитель")
        db.session.add(person)
        db.session.commit()
        person_id = person.id
    consent_for(app, org_id, person_id)
    return person_id


def consent_for(app, org_id, person_id):
    with app.app_context():
        db.session.add(Consent(org_id=org_id, person_id=person_id, signed_by=SIGNED_BY_SELF,
                               signed_on=TODAY - dt.timedelta(days=1), scope="ПДн", signer_name="сам"))
        db.session.commit()


def test_staff_preview_writes_nothing_then_confirm_cp1251(app, client, login, world):
    login("secretary1")  # no roles in the file: the Секретарь may load staff
    before = count(app, Staff, Staff.org_id == world.org1)
    html = upload(client, "staff", csv_bytes(staff_svc.COLUMNS, STAFF)).get_data(as_text=True)
    assert ("Ошибок нет. Будет: сотрудников новых 2, обновлённых 0, без изменений 0; будет выдано логинов: 0; "
            "роли учётных записей изменятся у 0; не получат логин (нет согласия на обработку персональных "
            "данных): 0.") in html, errors_of(html)
    assert count(app, Staff, Staff.org_id == world.org1) == before
    response = client.post("/imports/confirm", data={"token": token_of(html)}, follow_redirects=True)
    assert "Загружено: сотрудников новых 2" in response.get_data(as_text=True)
    with app.app_context():
        ira = db.session.scalar(select(Staff).where(Staff.last_name == "Кадрова"))
        assert (ira.snils, ira.birth_date, ira.hired_on, ira.gender) == (
            "112-233-445 95", dt.date(1985, 5, 14), dt.date(2026, 9, 1), "Ж")
    assert count(app, Staff, Staff.org_id == world.org1) == before + 2


def test_staff_reimport_updates_without_duplicates_xlsx(app, world):
    do_import(app, staff_svc, world.org1, csv_bytes(staff_svc.COLUMNS, STAFF))
    after = count(app, Staff, Staff.org_id == world.org1)
    rows = [list(r) for r in STAFF]
    rows[0][0] = "Кадрова-Орлова"  # found by СНИЛС: renamed
    rows[1][8] = "8 900 123-45-67"
    result = do_import(app, staff_svc, world.org1, xlsx_bytes(staff_svc.COLUMNS, rows), "staff.xlsx")
    assert (result["create"], result["update"], result["same"]) == (0, 2, 0)
    assert count(app, Staff, Staff.org_id == world.org1) == after
    with app.app_context():
        assert db.session.scalar(select(Staff.last_name).where(Staff.snils == "112-233-445 95")) == "Кадрова-Орлова"


def test_staff_with_roles_gets_an_account_with_a_one_time_password(app, client, login, world):
    elena = new_staff_with_consent(app, world.org1)
    login("admin1")
    rows = [staff_row("Новикова", "Елена", "Андреевна", roles="Учитель; Классный руководитель"),
            staff_row("Кадрова", "Ирина", "Сергеевна", "14.05.1985", roles="Учитель"),  # new: no consent yet
            staff_row("Учителева", "Анна", "Петровна", roles="Учитель, Завуч")]  # teacher1's account
    html = upload(client, "staff", csv_bytes(staff_svc.COLUMNS, rows)).get_data(as_text=True)
    assert ("будет выдано логинов: 1; роли учётных записей изменятся у 1; не получат логин (нет согласия на "
            "обработку персональных данных): 1.") in html, errors_of(html)
    assert "логин teacher1: роли «Учитель» заменятся на «Учитель, Завуч»" in unescape(html)
    assert count(app, Account, Account.person_id == elena) == 0
    response = client.post("/imports/confirm", data={"token": token_of(html)})
    assert response.mimetype == "application/pdf"  # the slips, as «Выдача логинов» prints them
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        s = db.session
        account = s.scalar(select(Account).where(Account.person_id == elena))
        assert {r.name for r in account.roles} == {"Учитель", "Классный руководитель"}
        assert account.must_change_password and account.password and account.org_id == world.org1
        assert account.username == "novikova.ea"
        teacher = s.get(Account, world.user_teacher1)
        assert {r.name for r in teacher.roles} == {"Учитель", "Завуч"}
        ira = s.scalar(select(Staff).where(Staff.last_name == "Кадрова"))
        assert s.scalar(select(func.count()).select_from(Account).where(Account.person_id == ira.id)) == 0
    page = client.get("/imports/").get_data(as_text=True)
    assert "выдано логинов 1" in page and "Выдача логинов" in page


def test_staff_roles_column_empty_keeps_the_account(app, world):
    errors, counts = parse(app, staff_svc, world.org1,
                           csv_bytes(staff_svc.COLUMNS, [staff_row("Учителева", "Анна", "Петровна", position="Учитель")]))
    assert errors == [] and (counts["roles"], counts["logins"]) == (0, 0)


def test_staff_system_administrator_role_refused(app, client, login, world):
    login("admin1")
    rows = [STAFF[0], staff_row("Другова", "Вера", roles="Учитель, Системный администратор"),
            staff_row("Петров", "Пётр", roles="Admin"), staff_row("Сидоров", "Ян", roles="Родитель; Волшебник")]
    before = (count(app, Staff, Staff.org_id == world.org1), count(app, Account))
    html = upload(client, "staff", csv_bytes(staff_svc.COLUMNS, rows)).get_data(as_text=True)
    errors = errors_of(html)
    assert errors[:3] == [
        "строка 3, «Роли»: «Системный администратор» — роль системного администратора загрузкой из файла не "
        "назначается",
        "строка 4, «Роли»: «Admin» — роль системного администратора загрузкой из файла не назначается",
        "строка 5, «Роли»: «Родитель» — эта роль сотруднику не назначается",
    ]
    assert errors[3].startswith("строка 5, «Роли»: «Волшебник» — такой роли нет (есть: ")
    assert len(errors) == 4
    assert (count(app, Staff, Staff.org_id == world.org1), count(app, Account)) == before


def test_staff_secretary_may_not_give_roles(app, client, login, world):
    login("secretary1")
    html = upload(client, "staff", csv_bytes(staff_svc.COLUMNS, [staff_row("Другова", "Вера", roles="Учитель")]))
    assert errors_of(html.get_data(as_text=True)) == [
        "строка 2, «Роли»: роли сотрудникам назначают (и выдают им логины) Администратор и Специалист по кадрам"]


def test_staff_bad_cells(app, world):
    rows = [staff_row("Орлов", "Павел", birth="31.02.1980"), staff_row("Орлова", "Вера", snils="112-233-445 96",
                                                                       email="нет", gender="X"),
            staff_row("", "Лев")]
    errors, _counts = parse(app, staff_svc, world.org1, csv_bytes(staff_svc.COLUMNS, rows))
    assert errors == [
        "строка 2, «Дата рождения»: 31.02.1980 — такой даты нет",
        "строка 3, «Пол»: «X» — укажите «М» или «Ж»",
        "строка 3, «СНИЛС»: 112-233-445 96 — неверное контрольное число",
        "строка 3, «E-mail»: «нет» — не адрес электронной почты",
        "строка 4, «Фамилия»: не заполнено",
    ]


# --------------------------------------------------------------------------
# Load
# --------------------------------------------------------------------------
LOAD = [("Учителева А. П.", "Математика", "6Б", "", "2,5"),
        ("Учителева Анна Петровна", "математика", "5А", "", "4")]


def ta_count(app, org_id):
    return count(app, TeachingAssignment, TeachingAssignment.org_id == org_id)


def test_load_preview_writes_nothing_then_confirm_cp1251(app, client, login, world):
    login("admin1")
    before = ta_count(app, world.org1)
    html = upload(client, "load", csv_bytes(load_svc.COLUMNS, LOAD)).get_data(as_text=True)
    assert "Ошибок нет. Будет: строк нагрузки новых 1, обновлённых 1, без изменений 0." in html, errors_of(html)
    assert "было 5" in html
    assert ta_count(app, world.org1) == before
    response = client.post("/imports/confirm", data={"token": token_of(html)}, follow_redirects=True)
    assert "Загружено: строк нагрузки новых 1, обновлённых 1" in response.get_data(as_text=True)
    assert ta_count(app, world.org1) == before + 1
    with app.app_context():
        rows = db.session.scalars(select(TeachingAssignment).where(
            TeachingAssignment.teacher_id == world.org1_teacher)).all()
        assert {r.group_id: Decimal(r.hours_per_week) for r in rows} == {
            world.org1_group: Decimal("4"), world.org1_other_group: Decimal("2.5")}
        assert all(r.year_id == world.org1_year for r in rows)


def test_load_errors_and_nothing_is_written(app, client, login, world):
    login("admin1")
    with app.app_context():
        db.session.add(LearnerGroup(org_id=world.org1, year_id=world.org1_year, kind="preschool_group",
                                    name="Ромашка", level=3))
        db.session.commit()
    rows = [LOAD[0], ("Учителева А. П.", "Физика", "5А", "", "2"), ("Другова Вера", "Математика", "5А", "", "-1"),
            ("Другова Вера", "Математика", "9Я", "", "1"), ("Другова Вера", "Математика", "5А", "3 группа", "1"),
            ("Другова Вера", "Математика", "Ромашка", "", "1"), ("Учителева А. П.", "Математика", "6Б", "", "три"),
            ("Учителева Анна Петровна", "Математика", "6 Б", "", "1")]
    before = ta_count(app, world.org1)
    html = upload(client, "load", csv_bytes(load_svc.COLUMNS, rows)).get_data(as_text=True)
    assert errors_of(html) == [
        "строка 3, «Предмет»: «Физика» — такого предмета нет в журнале организации (загрузка предметы не создаёт)",
        "строка 4, «Часов в неделю»: -1 — часов не может быть меньше нуля",
        "строка 5, «Класс»: «9Я» — такого класса (группы) нет в учебном году 2026/2027",
        "строка 6, «Подгруппа»: «3 группа» — такой подгруппы в «5А» нет",
        "строка 7, «Класс»: «Ромашка» — дошкольная группа: учебной нагрузки по предметам у неё нет",
        "строка 8, «Часов в неделю»: «три» — не число",
        "строка 9, «Учитель»: эта строка нагрузки уже есть в строке 2",
    ]
    assert ta_count(app, world.org1) == before


def test_load_subgroup_xlsx_and_reimport_without_duplicates(app, world):
    with app.app_context():
        sub = Subgroup(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject, name="1 группа")
        db.session.add(sub)
        db.session.commit()
        sub_id = sub.id
    rows = [("Другова В.", "Математика", "5А", "1 группа", 3.5)]
    first = do_import(app, load_svc, world.org1, xlsx_bytes(load_svc.COLUMNS, rows), "load.xlsx")
    assert first == {"create": 1, "update": 0, "same": 0}
    after = ta_count(app, world.org1)
    again = do_import(app, load_svc, world.org1, xlsx_bytes(load_svc.COLUMNS, rows), "load.xlsx")
    assert again == {"create": 0, "update": 0, "same": 1}
    rows[0] = ("Другова В.", "Математика", "5А", "1 группа", "2")
    third = do_import(app, load_svc, world.org1, csv_bytes(load_svc.COLUMNS, rows))
    assert third == {"create": 0, "update": 1, "same": 0}
    assert ta_count(app, world.org1) == after
    with app.app_context():
        ta = db.session.scalar(select(TeachingAssignment).where(TeachingAssignment.subgroup_id == sub_id))
        assert (ta.teacher_id, Decimal(ta.hours_per_week)) == (world.org1_other_teacher, Decimal("2"))


# --------------------------------------------------------------------------
# Rights
# --------------------------------------------------------------------------
SAMPLES = {"groups": (groups_svc.COLUMNS, GROUPS[:1]), "staff": (staff_svc.COLUMNS, STAFF),
           "load": (load_svc.COLUMNS, LOAD)}


@pytest.mark.parametrize("kind", ["groups", "staff", "load"])
@pytest.mark.parametrize("username", ["teacher1", "director1", "parent1"])
def test_others_are_refused(client, login, kind, username):
    login(username)
    assert client.get(f"/imports/template/{kind}.csv").status_code == 403
    assert upload(client, kind, csv_bytes(*SAMPLES[kind])).status_code == 403


@pytest.mark.parametrize("kind", ["groups", "staff", "load"])
def test_another_organisation_may_not_confirm(app, client, login, world, kind):
    login("admin1")
    html = upload(client, kind, csv_bytes(*SAMPLES[kind])).get_data(as_text=True)
    token = token_of(html)
    login("admin2")
    response = client.post("/imports/confirm", data={"token": token}, follow_redirects=True)
    assert "Файл для загрузки не найден" in response.get_data(as_text=True)


def test_admin_of_org2_writes_only_into_org2(app, client, login, world):
    login("admin2")
    html = upload(client, "load", csv_bytes(load_svc.COLUMNS, LOAD[:1])).get_data(as_text=True)
    client.post("/imports/confirm", data={"token": token_of(html)})
    with app.app_context():
        ta = db.session.scalar(select(TeachingAssignment).where(TeachingAssignment.group_id == world.org2_other_group,
                                                               TeachingAssignment.teacher_id == world.org2_teacher))
        assert ta is not None and ta.org_id == world.org2
    assert ta_count(app, world.org1) == 2


# --------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------
@pytest.mark.parametrize("kind,good,bad,done,error", [
    ("groups", [("7В", "Класс", "7", "")], [("8Б", "Класс", "12", "")], "классов и групп новых 1",
     "строка 2, «Параллель»: 12 — у вида «Класс» параллели от 1 до 11"),
    ("staff", STAFF, [staff_row("Орлов", "Павел", birth="31.02.1980")], "сотрудников новых 2",
     "строка 2, «Дата рождения»: 31.02.1980 — такой даты нет"),
    ("load", LOAD, [("Учителева А. П.", "Физика", "5А", "", "2")], "строк нагрузки новых 1",
     "строка 2, «Предмет»: «Физика» — такого предмета нет в журнале организации (загрузка предметы не создаёт)"),
])
def test_cli(app, world, tmp_path, kind, good, bad, done, error):
    module = KINDS[kind]
    runner = app.test_cli_runner()
    good_file, bad_file = tmp_path / "good.csv", tmp_path / "bad.csv"
    good_file.write_bytes(csv_bytes(module.COLUMNS, good))
    bad_file.write_bytes(csv_bytes(module.COLUMNS, bad))

    def snapshot():
        return (count(app, LearnerGroup), count(app, Staff), count(app, TeachingAssignment))

    before = snapshot()
    result = runner.invoke(args=["import", kind, str(good_file), "--org", "Школа № 1", "--user", "admin1",
                                 "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Проверка без записи: ошибок нет. Будет: " + done in result.output
    assert snapshot() == before
    result = runner.invoke(args=["import", kind, str(bad_file), "--org", "Школа № 1", "--user", "admin1"])
    assert result.exit_code == 1
    assert error in result.output and "Ничего не загружено: ошибок 1." in result.output
    assert snapshot() == before
    for user in ("teacher1", "admin2"):
        result = runner.invoke(args=["import", kind, str(good_file), "--org", "Школа № 1", "--user", user])
        assert result.exit_code == 1 and "не разрешена" in result.output
    assert snapshot() == before
    result = runner.invoke(args=["import", kind, str(good_file), "--org", str(world.org1), "--user", "admin1"])
    assert result.exit_code == 0, result.output
    assert "Загружено в «Школа № 1»: " + done in result.output
    assert snapshot() != before


def test_cli_staff_slips(app, world, tmp_path):
    elena = new_staff_with_consent(app, world.org1)
    data = tmp_path / "staff.csv"
    data.write_bytes(csv_bytes(staff_svc.COLUMNS, [staff_row("Новикова", "Елена", "Андреевна", roles="Учитель")]))
    slips = tmp_path / "slips.pdf"
    result = app.test_cli_runner().invoke(args=["import", "staff", str(data), "--org", "Школа № 1", "--user",
                                                "admin1", "--slips", str(slips)])
    assert result.exit_code == 0, result.output
    assert "логинов выдаётся 1" in result.output
    assert slips.read_bytes()[:4] == b"%PDF"
    assert count(app, Account, Account.person_id == elena) == 1


# --------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------
def _many(kind: str, n: int) -> bytes:
    if kind == "groups":
        rows = [(f"{1 + i % 11}{chr(ord('А') + i // 11 % 30)}{i // 330 or ''}", "Класс", str(1 + i % 11),
                 "Учителева А. П.") for i in range(n)]
        return csv_bytes(groups_svc.COLUMNS, rows, encoding="utf-8")
    if kind == "staff":
        rows = [staff_row(f"Фамилия{i}", "Имя", "", f"{1 + i % 28:02d}.01.1980", roles="Учитель") for i in range(n)]
        return csv_bytes(staff_svc.COLUMNS, rows, encoding="utf-8")
    rows = [("Учителева А. П." if i % 2 else "Другова В.", "Математика", GROUP_NAMES[i // 2], "", f"{i % 7},5")
            for i in range(n)]
    return csv_bytes(load_svc.COLUMNS, rows, encoding="utf-8")


GROUP_NAMES = [f"{level}{letter}" for letter in "ВГДЕЖИКЛМН" for level in range(1, 12)]


@pytest.mark.parametrize("kind", ["groups", "staff", "load"])
def test_parse_queries_do_not_grow_with_rows(app, world, kind):
    from app.scoping import acting_as, resolve_scope

    module = KINDS[kind]
    if kind == "load":
        with app.app_context():
            db.session.add_all([LearnerGroup(org_id=world.org1, year_id=world.org1_year, kind="class", name=name,
                                             level=int(name[:-1])) for name in GROUP_NAMES[:100]])
            db.session.commit()
    results = []
    for n in (20, 200):
        with app.test_request_context():
            session = db.session
            account = session.get(Account, world.user_admin1)
            with acting_as(resolve_scope(session, account, app.extensions["ejournal"])), count_queries(app) as q:
                plan = module.parse(session, world.org1, "many.csv", _many(kind, n))
            session.rollback()
        results.append(q["n"])
        assert not plan.errors, [str(e) for e in plan.errors[:3]]
    assert results[1] <= results[0] + 2, results


def test_groups_header_in_the_organisations_words(app, world):
    """A college's table says «Группа», «Курс», «Куратор»: its kind's own words."""
    with app.test_request_context():
        plan = groups_svc.parse_rows(db.session, world.org2, [
            (1, ["Группа", "Курс", "Куратор"]), (2, ["ЭК-21", "2", "Учителева А. П."])])
        assert [str(e) for e in plan.errors] == []
        op = plan.groups[0]
        assert (op.name, op.values["level"], op.leader.id) == ("ЭК-21", 2, world.org2_teacher)
