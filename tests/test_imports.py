"""Загрузка из файлов (issue 15): learners with guardians from CSV (UTF-8 or cp1251) and
XLSX, a preview that writes nothing, all-or-nothing errors with row and column in
Russian, re-import without duplicates, rights, the command line and query counts."""
from __future__ import annotations

import datetime as dt
import io
import re
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.imports import learners as svc
from app.imports.learners import COLUMNS, snils_ok
from app.models import Account, AuditEntry, Guardian, GuardianLink, Learner, LearnerGroup
from app.models.movement import ENROL, MovementOrder
from tests.conftest import count_queries

HEADER = list(COLUMNS)
# A valid СНИЛС: 112-233-445 95 (control number 95).
SNILS = "112-233-445 95"


def row(last, first, middle="", birth="", gender="", group="5А", snils="", enrolled="", order="",
        g1=("", "", "", ""), g2=("", "", "", "")):
    return [last, first, middle, birth, gender, group, snils, enrolled, order, *g1, *g2]


MOTHER = ("Смирнова Елена Викторовна", "мать", "+7 912 345-67-89", "")
GOOD = [
    row("Смирнов", "Артём", "Олегович", "12.04.2015", "М", "5А", SNILS, "01.09.2026", "12-у",
        g1=MOTHER, g2=("Смирнов Олег Иванович", "отец", "", "oleg@example.ru")),
    row("Смирнова", "Алиса", "Олеговна", "03.07.2016", "Ж", "6Б", "", "01.09.2026", "",
        g1=("Смирнова  Елена Викторовна", "мать", "8 (912) 345-67-89", "elena@example.ru")),
    row("Кузнецов", "Денис", "", "20.01.2015", "м", "5а"),
]


def csv_bytes(rows, encoding="cp1251", sep=";", header=HEADER) -> bytes:
    lines = [sep.join(header)] + [sep.join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def counts(app, org_id):
    with app.app_context():
        s = db.session
        return (s.scalar(select(func.count()).select_from(Learner).where(Learner.org_id == org_id)),
                s.scalar(select(func.count()).select_from(Guardian).where(Guardian.org_id == org_id)),
                s.scalar(select(func.count()).select_from(GuardianLink).where(GuardianLink.org_id == org_id)))


def upload(client, data, name="learners.csv"):
    return client.post("/imports/learners/upload", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def token_of(html: str) -> str:
    marker = 'name="token" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def imports_dir(app) -> Path:
    return Path(app.instance_path) / "imports"


def test_snils_control_number():
    assert snils_ok("11223344595")
    assert not snils_ok("11223344596")
    assert snils_ok("00100199800")  # small numbers carry no control number


def test_preview_writes_nothing_then_confirm_imports_cp1251(app, client, login, world):
    login("secretary1")
    before = counts(app, world.org1)
    response = upload(client, csv_bytes(GOOD))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Ошибок нет" in html and "будет создан" in html
    assert "обучающихся новых 3" in html and "законных представителей новых 2" in html
    assert counts(app, world.org1) == before  # the preview wrote nothing
    token = token_of(html)
    assert (imports_dir(app) / f"{token}.csv").is_file()

    response = client.post("/imports/confirm", data={"token": token}, follow_redirects=True)
    assert response.status_code == 200
    assert "Загружено: обучающихся новых 3" in response.get_data(as_text=True)
    assert not (imports_dir(app) / f"{token}.csv").exists()  # the file goes after the import
    learners, guardians, links = counts(app, world.org1)
    assert (learners, guardians, links) == (before[0] + 3, before[1] + 2, before[2] + 3)
    with app.app_context():
        s = db.session
        artem = s.scalar(select(Learner).where(Learner.last_name == "Смирнов", Learner.org_id == world.org1))
        alisa = s.scalar(select(Learner).where(Learner.first_name == "Алиса", Learner.org_id == world.org1))
        assert artem.snils == SNILS and artem.gender == "М" and artem.birth_date == dt.date(2015, 4, 12)
        assert artem.group_id == world.org1_group and alisa.group_id == world.org1_other_group
        mothers = s.scalars(select(Guardian).where(Guardian.last_name == "Смирнова")).all()
        assert len(mothers) == 1  # two siblings, one mother with two links
        mother = mothers[0]
        assert {link.learner_id for link in mother.child_links} == {artem.id, alisa.id}
        assert mother.email == "elena@example.ru"  # the second row added her e-mail
        orders = s.scalars(select(MovementOrder).where(MovementOrder.kind == ENROL,
                                                       MovementOrder.learner_id.in_([artem.id, alisa.id]))).all()
        assert {o.number for o in orders} == {"12-у", "Д-2026-001"}
        assert all(o.event_date == dt.date(2026, 9, 1) for o in orders)
        denis = s.scalar(select(Learner).where(Learner.first_name == "Денис"))
        assert denis.enrolled_on is None and denis.group_id == world.org1_group
        entry = s.scalar(select(AuditEntry).where(AuditEntry.entity == "Learner", AuditEntry.entity_id == artem.id))
        assert entry.action == "insert" and entry.username == "secretary1"


def test_errors_name_row_and_column_and_nothing_is_written(tmp_path, app, client, login, world):
    login("admin1")
    rows = [
        GOOD[0],
        row("Орлов", "Павел", "", "31.02.2015", "М", "5А"),
        row("Орлова", "Вера", "", "01.02.2015", "Ж", "5В"),
        row("Смирнов", "Артём", "Олегович", "12.04.2015", "М", "5А"),
        row("Зайцев", "Ян", "", "1.1.2015", "X", "5А", "112-233-445 96"),
        row("", "Лев", "", "", "", "5А"),
    ]
    before = counts(app, world.org1)
    app.config["IMPORTS_DIR"] = str(tmp_path)  # its own folder: the workers share the instance folder
    html = upload(client, csv_bytes(rows)).get_data(as_text=True)
    expected = [
        "строка 3, «Дата рождения»: 31.02.2015 — такой даты нет",
        "строка 4, «Класс»: «5В» — такого класса (группы) нет в организации",
        "строка 5, «Фамилия»: этот обучающийся уже есть в строке 2",
        "строка 6, «Пол»: «X» — укажите «М» или «Ж»",
        "строка 6, «СНИЛС»: 112-233-445 96 — неверное контрольное число",
        "строка 7, «Фамилия»: не заполнено",
        "строка 7, «Дата рождения»: не заполнено",
    ]
    shown = re.findall(r"<li>(.*?)</li>", html.split('class="import-errors"')[1].split("</ul>")[0])
    assert [unescape(x) for x in shown] == expected
    assert "Найдены ошибки (7)" in html and 'name="token"' not in html
    assert counts(app, world.org1) == before
    assert list(tmp_path.iterdir()) == []  # a file with errors is not kept


def test_duplicate_by_name_and_birth_date(app, world):
    rows = [[1, HEADER], [2, row("Орлов", "Павел", "", "01.02.2015")], [3, row("орлов", "павел", "", "01.02.2015")]]
    with app.test_request_context():
        plan = svc.parse_rows(db.session, world.org1, rows)
    assert [str(e) for e in plan.errors] == ["строка 3, «Фамилия»: этот обучающийся уже есть в строке 2"]


def _import(app, world, data, name="learners.csv", org=None):
    with app.test_request_context():
        plan = svc.parse(db.session, org or world.org1, name, data)
        assert not plan.errors, [str(e) for e in plan.errors]
        result = svc.apply(db.session, org or world.org1, plan)
        db.session.commit()
        return result


def test_reimport_updates_without_duplicates(app, world):
    first = _import(app, world, csv_bytes(GOOD))
    assert first["create"] == 3
    after_first = counts(app, world.org1)
    again = _import(app, world, csv_bytes(GOOD, encoding="utf-8", sep=","))
    assert (again["create"], again["update"], again["same"], again["guardians_create"]) == (0, 0, 3, 0)
    assert counts(app, world.org1) == after_first
    changed = [row("Смирнов", "Артём", "Олегович", "12.04.2015", "М", "5А", SNILS, g1=MOTHER),
               row("Кузнецов", "Денис", "Игоревич", "20.01.2015", "М", "5А"),
               # The world's learner with his mother (no phone: found among his own guardians by name).
               row("Иванов", "Иван", "", "01.03.2015", "М", "5А", g1=("Иванова Ольга", "мать", "", ""))]
    third = _import(app, world, csv_bytes(changed))
    # Денис had no patronymic: found by surname, name and birth date, and gets one.
    assert (third["create"], third["update"], third["same"], third["guardians_create"]) == (0, 2, 1, 0)
    assert counts(app, world.org1) == after_first
    with app.app_context():
        assert db.session.get(Learner, world.org1_child).gender == "М"
        denis = db.session.scalar(select(Learner).where(Learner.first_name == "Денис"))
        assert denis.middle_name == "Игоревич"


def test_reimport_by_snils_renames(app, world):
    _import(app, world, csv_bytes(GOOD[:1]))
    renamed = [row("Смирнов-Петров", "Артём", "Олегович", "12.04.2015", "М", "5А", SNILS)]
    result = _import(app, world, csv_bytes(renamed))
    assert (result["create"], result["update"]) == (0, 1)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Learner).where(Learner.snils == SNILS)) == 1


def test_xlsx_upload_works(app, client, login, world):
    login("admin1")
    rows = [[*r] for r in GOOD]
    rows[0][3] = dt.datetime(2015, 4, 12)  # a real date cell
    html = upload(client, xlsx_bytes(rows), "learners.xlsx").get_data(as_text=True)
    assert "Ошибок нет" in html, html
    token = token_of(html)
    assert (imports_dir(app) / f"{token}.xlsx").is_file()
    client.post("/imports/confirm", data={"token": token})
    with app.app_context():
        artem = db.session.scalar(select(Learner).where(Learner.snils == SNILS))
        assert artem.birth_date == dt.date(2015, 4, 12)


def test_template_downloads(app, client, login):
    login("secretary1")
    page = client.get("/imports/").get_data(as_text=True)
    assert "Загрузка из файлов" in page and "Шаблон XLSX" in page
    response = client.get("/imports/template/learners.csv")
    assert response.status_code == 200
    assert response.data.decode("utf-8-sig").splitlines()[0] == ";".join(COLUMNS)
    response = client.get("/imports/template/learners.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]] == list(COLUMNS)


def test_header_synonyms_and_any_order(app, world):
    header = ["Группа", "имя", "ФАМИЛИЯ", "Дата рожд."]
    rows = [[1, header], [2, ["6Б", "Юлия", "Белова", "05.05.2014"]]]
    with app.test_request_context():
        plan = svc.parse_rows(db.session, world.org1, rows)
    assert not plan.errors and plan.learners[0].group.id == world.org1_other_group
    with app.test_request_context():
        plan = svc.parse_rows(db.session, world.org1, [[1, ["Имя", "Фамилия"]], [2, ["Юлия", "Белова"]]])
    assert [str(e) for e in plan.errors] == ["строка 1, «Дата рождения»: в заголовке нет такого столбца",
                                             "строка 1, «Класс»: в заголовке нет такого столбца"]


@pytest.mark.parametrize("username", ["teacher1", "director1", "parent1", "deputy1"])
def test_others_are_refused(client, login, username):
    login(username)
    assert client.get("/imports/").status_code == 403
    assert upload(client, csv_bytes(GOOD)).status_code == 403


def test_admin_of_org2_cannot_import_into_org1(app, client, login, world):
    with app.app_context():
        db.session.add(LearnerGroup(org_id=world.org1, year_id=world.org1_year, kind="class", name="7В", level=7))
        db.session.commit()
    rows = [row("Орлов", "Павел", "", "01.02.2015", "М", "7В"),
            row("Иванов", "Иван", "", "01.03.2015", "М", "5А")]
    login("admin2")
    html = upload(client, csv_bytes(rows)).get_data(as_text=True)
    assert "строка 2, «Класс»: «7В» — такого класса (группы) нет в организации" in unescape(html)
    # His own «5А» is another group: org1's Иванов is never touched.
    rows = rows[1:]
    html = upload(client, csv_bytes(rows)).get_data(as_text=True)
    client.post("/imports/confirm", data={"token": token_of(html)})
    with app.app_context():
        assert db.session.get(Learner, world.org1_child).gender in ("", None)
        assert db.session.get(Learner, world.org2_child).gender == "М"
    # Nor may he confirm another's upload.
    login("admin1")
    html = upload(client, csv_bytes(GOOD)).get_data(as_text=True)
    token = token_of(html)
    login("admin2")
    response = client.post("/imports/confirm", data={"token": token}, follow_redirects=True)
    assert "Файл для загрузки не найден" in response.get_data(as_text=True)


def test_cli_exit_codes_and_output(app, world, tmp_path):
    runner = app.test_cli_runner()
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(GOOD))
    before = counts(app, world.org1)
    result = runner.invoke(args=["import", "learners", str(good), "--org", "Школа № 1", "--user", "secretary1",
                                 "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Проверка без записи: ошибок нет" in result.output
    assert counts(app, world.org1) == before
    result = runner.invoke(args=["import", "learners", str(good), "--org", str(world.org1), "--user", "admin1"])
    assert result.exit_code == 0, result.output
    assert "обучающихся новых 3" in result.output
    assert counts(app, world.org1)[0] == before[0] + 3

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([row("Орлов", "Павел", "", "31.02.2015"), row("Орлова", "Вера", "", "01.02.2015",
                                                                            group="9Я")]))
    after = counts(app, world.org1)
    result = runner.invoke(args=["import", "learners", str(bad), "--org", "Школа № 1", "--user", "admin1"])
    assert result.exit_code == 1
    assert "строка 2, «Дата рождения»: 31.02.2015 — такой даты нет" in result.output
    assert "строка 3, «Класс»: «9Я» — такого класса (группы) нет в организации" in result.output
    assert "Ничего не загружено: ошибок 2." in result.output
    assert counts(app, world.org1) == after

    result = runner.invoke(args=["import", "learners", str(good), "--org", "Школа № 1", "--user", "teacher1"])
    assert result.exit_code == 1 and "не разрешена" in result.output
    result = runner.invoke(args=["import", "learners", str(good), "--org", "Школа № 1", "--user", "admin2"])
    assert result.exit_code == 1 and "не разрешена" in result.output


def _many(n: int, surname: str = "Фамилия") -> bytes:
    rows = []
    for i in range(n):
        family = f"{surname}{i // 2}"
        rows.append(row(family, f"Имя{i}", "", f"{1 + i % 28:02d}.{1 + i % 12:02d}.2015", "М" if i % 2 else "Ж",
                        "5А" if i % 2 else "6Б", "", "01.09.2026", "",
                        g1=(f"{family} Мать{i // 2}", "мать", f"+7 900 {i // 2:07d}", "")))
    return csv_bytes(rows, encoding="utf-8")


def _queries(app, world, data) -> tuple[int, int]:
    """(all statements, SELECTs) of checking and importing ``data`` as the Администратор."""
    from sqlalchemy import event

    from app.scoping import acting_as, resolve_scope

    selects = {"n": 0}

    def _select(_conn, _cursor, statement, *_a):
        selects["n"] += statement.lstrip().upper().startswith("SELECT")

    with app.test_request_context():
        session = db.session
        account = session.get(Account, world.user_admin1)
        host = app.extensions["ejournal"]
        event.listen(db.engine, "before_cursor_execute", _select)
        try:
            with acting_as(resolve_scope(session, account, host)), count_queries(app) as n:
                plan = svc.parse(session, world.org1, "many.csv", data)
                assert not plan.errors, plan.errors[:3]
                svc.apply(session, world.org1, plan, account.id)
                session.commit()
        finally:
            event.remove(db.engine, "before_cursor_execute", _select)
    return n["n"], selects["n"]


def test_query_count_does_not_grow_per_row(app, world):
    """Reads are constant (the organisation is loaded once); writes are the rows' own
    INSERTs (a learner, his link, his enrolment order, a guardian for two siblings) and
    the audit log's one INSERT a flush."""
    small, small_selects = _queries(app, world, _many(20))
    large, large_selects = _queries(app, world, _many(300, "Род"))
    assert large_selects == small_selects, (small_selects, large_selects)
    assert large - small <= 280 * 3.5 + 10, (small, large)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Learner).where(Learner.org_id == world.org1)) >= 320
