"""Issue 15, organisations: the system administrator creates an authority, an
organisation and its first Администратор, by CLI and on «Новая организация»."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AcademicYear,
    Account,
    AssignmentType,
    AttendanceCode,
    AuditEntry,
    Authority,
    Organisation,
    Period,
    Staff,
)
from app.services.organisations import inn_error, ogrn_error, with_inn_control

INN, OGRN = "7707083893", "1027700132195"  # valid control digits
NEW_PASSWORD = "Лето2026мореСолнце"


def _counts(app) -> dict[str, int]:
    with app.app_context():
        return {m.__name__: db.session.scalar(select(func.count()).select_from(m))
                for m in (Authority, Organisation, Account, Staff, AcademicYear, AuditEntry)}


def _authority(runner, name="Управление образования Заречного района", short="УО Заречного района"):
    result = runner.invoke(args=["authority", "create", "--name", name, "--short", short])
    assert result.exit_code == 0, result.output
    assert "создан" in result.output
    return result


def _org_args(**over):
    values = {"--authority": "УО Заречного района", "--name": "Муниципальное бюджетное общеобразовательное "
              "учреждение «Средняя школа № 7»", "--short": "МБОУ СШ № 7", "--plugins": "school,preschool",
              "--tz": "Asia/Yekaterinburg", "--inn": INN, "--ogrn": OGRN, "--address": "г. Заречный, ул. Лесная, 1",
              "--director": "Петрова Анна Сергеевна", "--admin": "Кузнецов Олег Игоревич",
              "--admin-email": "kuznetsov@school7.example.ru"}
    values.update(over)
    args = ["org", "create"]
    for key, value in values.items():
        if value is not None:
            args += [key, value]
    return args


def _credentials(output: str) -> tuple[str, str]:
    login = re.search(r"Логин: (\S+)", output).group(1)
    password = re.search(r"Одноразовый пароль: (\S+)", output).group(1)
    return login, password


def test_checksums():
    assert inn_error(INN) is None and ogrn_error(OGRN) is None
    assert inn_error("7707083894") == "ИНН: контрольная цифра не сходится."
    assert ogrn_error("1027700132196") == "ОГРН: контрольная цифра не сходится."
    assert "10 цифр" in inn_error("77070838") and "13 цифр" in ogrn_error("10277")
    assert inn_error(with_inn_control("661234567")) is None


def test_cli_creates_authority_school_and_first_admin(app, client, world):
    runner = app.test_cli_runner()
    _authority(runner)
    result = runner.invoke(args=_org_args())
    assert result.exit_code == 0, result.output
    login, password = _credentials(result.output)
    assert login == "kuznetsov.oi" and re.fullmatch(r"[A-Za-z2-9]{12}", password)
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.short_name == "МБОУ СШ № 7"))
        assert org.authority.short_name == "УО Заречного района"
        assert (org.plugins, org.timezone, org.inn, org.ogrn, org.director) == (
            ["school", "preschool"], "Asia/Yekaterinburg", INN, OGRN, "Петрова Анна Сергеевна")
        year = db.session.scalar(select(AcademicYear).where(AcademicYear.org_id == org.id))
        assert year.name == "2026/2027"  # the test world's day is in November 2026
        plugins = set(db.session.scalars(select(Period.plugin).where(Period.org_id == org.id)))
        assert plugins == {"school", "preschool"}
        assert db.session.scalar(select(func.count()).select_from(AttendanceCode)
                                 .where(AttendanceCode.org_id == org.id)) > 0
        assert db.session.scalar(select(func.count()).select_from(AssignmentType)
                                 .where(AssignmentType.org_id == org.id)) > 0
        account = db.session.scalar(select(Account).where(Account.username == login))
        assert account.org_id == org.id and account.must_change_password
        assert [r.name for r in account.roles] == ["Администратор"]
        assert account.email == "kuznetsov@school7.example.ru"
        assert account.person.last_name == "Кузнецов" and account.person.middle_name == "Игоревич"
        audited = {(e.entity, e.action) for e in db.session.scalars(select(AuditEntry))}
        assert {("Authority", "insert"), ("Organisation", "insert"), ("Account", "insert")} <= audited
    # The one-time password logs in and must be changed first.
    client.post("/login/", data={"username": login, "password": password})
    home = client.get("/")
    assert home.status_code == 302 and "/password/change" in home.headers["Location"]
    done = client.post("/password/change", data={"old_password": password, "password": NEW_PASSWORD,
                                                 "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert client.get("/").status_code == 200
    # He sees his organisation only, none of the world's.
    page = client.get("/organisationview/list/").get_data(as_text=True)
    assert "МБОУ СШ № 7" in page
    assert "Школа № 1" not in page and "Техникум № 2" not in page and "Школа № 3" not in page
    # He is the Администратор there: he issues logins of his organisation.
    assert client.get("/issue-logins/").status_code == 200
    # And he creates no organisation.
    assert client.get("/organisations/new").status_code == 403


@pytest.mark.parametrize("over, message", [
    ({"--inn": "7707083894"}, "ИНН: контрольная цифра не сходится"),
    ({"--inn": "12345"}, "ИНН организации — 10 цифр"),
    ({"--ogrn": "1027700132196"}, "ОГРН: контрольная цифра не сходится"),
    ({"--short": "Школа № 1"}, "Организация с кратким названием «Школа № 1» уже есть"),
    ({"--plugins": "school,university"}, "Модуль «university» не установлен"),
    ({"--tz": "Europe/Zarechny"}, "Часовой пояс «Europe/Zarechny» не найден"),
    ({"--tz": "Moscow"}, "Часовой пояс «Moscow» не найден"),
    ({"--authority": "УО Неизвестного района"}, "не найден"),
    ({"--admin": "Кузнецов"}, "Укажите фамилию и имя администратора"),
    ({"--admin-email": "sysadmin@example.ru"}, "уже принадлежит другой учётной записи"),
])
def test_cli_refusals_are_russian_and_write_nothing(app, world, over, message):
    runner = app.test_cli_runner()
    _authority(runner)
    before = _counts(app)
    result = runner.invoke(args=_org_args(**over))
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert _counts(app) == before


def test_cli_refuses_a_second_authority_of_the_same_name(app, world):
    runner = app.test_cli_runner()
    before = _counts(app)
    result = runner.invoke(args=["authority", "create", "--name", "Управление образования города А"])
    assert result.exit_code == 1 and "уже есть" in result.output
    assert _counts(app) == before


def _form(**over):
    data = {"authority": "new", "authority_name": "Департамент образования города В", "authority_short": "ДО В",
            "name": "Муниципальное автономное дошкольное образовательное учреждение «Детский сад № 5»",
            "short_name": "МАДОУ № 5", "plugins": ["preschool"], "time_zone": "Europe/Samara", "inn": INN,
            "ogrn": OGRN, "address": "г. В, ул. Садовая, 5", "director": "Смирнова Ольга Викторовна",
            "admin_last": "Орлова", "admin_first": "Елена", "admin_middle": "Павловна", "admin_email": ""}
    data.update(over)
    return data


def test_page_creates_organisation_for_the_system_administrator(app, client, login, world):
    login("sysadmin")
    page = client.get("/organisations/new")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Новая организация" in text and "Управление образования города А" in text
    assert "Дошкольная" in text or "Детский сад" in text or "preschool" in text
    response = client.post("/organisations/new", data=_form())
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "Организация создана" in html and "data:application/pdf;base64," in html
    login_name = re.search(r'id="slip-login">([^<]+)<', html).group(1)
    password = re.search(r'id="slip-password"[^>]*>([^<]+)<', html).group(1)
    assert login_name == "orlova.ep"
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.short_name == "МАДОУ № 5"))
        assert org.authority.name == "Департамент образования города В" and org.timezone == "Europe/Samara"
        account = db.session.scalar(select(Account).where(Account.username == login_name))
        assert account.org_id == org.id and account.must_change_password
    client.post("/logout/")
    client.post("/login/", data={"username": login_name, "password": password})
    assert "/password/change" in client.get("/").headers["Location"]


def test_page_refusals_show_russian_messages_and_write_nothing(app, client, login, world):
    login("sysadmin")
    before = _counts(app)
    html = client.post("/organisations/new", data=_form(authority=str(world.auth_a), inn="7707083894",
                                                        ogrn="1027700132196", short_name="Школа № 3",
                                                        plugins=["gymnasium"], time_zone="Mars/Olympus")
                       ).get_data(as_text=True)
    for message in ("ИНН: контрольная цифра не сходится", "ОГРН: контрольная цифра не сходится",
                    "Организация с кратким названием «Школа № 3» уже есть", "Модуль «gymnasium» не установлен",
                    "Часовой пояс «Mars/Olympus» не найден"):
        assert message in html
    assert _counts(app) == before


@pytest.mark.parametrize("username", ["admin1", "uo_a", "teacher1", "director1"])
def test_page_is_forbidden_to_everyone_else(app, client, login, world, username):
    login(username)
    before = _counts(app)
    assert client.get("/organisations/new").status_code == 403
    assert client.post("/organisations/new", data=_form()).status_code == 403
    assert _counts(app) == before


def test_menu_entry_is_the_system_administrators(client, login):
    login("sysadmin")
    assert "Новая организация" in client.get("/organisationview/list/").get_data(as_text=True)
    login("admin1")
    assert "Новая организация" not in client.get("/organisationview/list/").get_data(as_text=True)


def test_organisation_form_checks_the_inn_too(app, client, login, world):
    """The organisations' own edit form (FAB's) holds ИНН and ОГРН to their control digits."""
    login("sysadmin")
    page = client.post(f"/organisationview/edit/{world.org3}", data={
        "name": "Школа № 3", "short_name": "Школа № 3", "authority": str(world.auth_b), "inn": "7707083894",
        "ogrn": "", "address": "", "director": "", "timezone": ""}, follow_redirects=True).get_data(as_text=True)
    assert "ИНН: контрольная цифра не сходится" in page
    with app.app_context():
        assert db.session.get(Organisation, world.org3).inn in ("", None)
    client.post(f"/organisationview/edit/{world.org3}", data={
        "name": "Школа № 3", "short_name": "Школа № 3", "authority": str(world.auth_b), "inn": INN, "ogrn": OGRN,
        "address": "", "director": "Иванова Мария Петровна", "timezone": ""})
    with app.app_context():
        org = db.session.get(Organisation, world.org3)
        assert (org.inn, org.ogrn, org.director) == (INN, OGRN, "Иванова Мария Петровна")


def test_cli_creates_a_system_administrator_with_a_one_time_password(app, client, world):
    runner = app.test_cli_runner()
    args = ["sysadmin", "create", "--username", "root2", "--name", "Белов Игорь Петрович",
            "--email", "belov@example.ru"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    password = re.search(r"Одноразовый пароль: (\S+)", result.output).group(1)
    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.username == "root2"))
        assert ([r.name for r in account.roles], account.org_id, account.must_change_password) == (
            ["Admin"], None, True)
    client.post("/login/", data={"username": "root2", "password": password})
    home = client.get("/")
    assert home.status_code == 302 and "/password/change" in home.headers["Location"]
    again = runner.invoke(args=args)
    assert (again.exit_code, "уже заняты" in again.output) == (1, True)
