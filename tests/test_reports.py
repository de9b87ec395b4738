"""The report engine as its users meet it: the menu lists only what the user
may run; the parameters offer only what the user may reach and a tampered one
is refused in Russian; the same report comes as a page, a PDF with an embedded
Cyrillic font, an XLSX with real numbers, and from ``flask report run``."""
from __future__ import annotations

import io
import json
import re

import pytest

CLASS_FILL = "/reports/school.class_fill/"


def _cells(html: str) -> list[list[str]]:
    body = html.split('class="table table-condensed table-bordered report-table"', 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body.split("</table>", 1)[0], re.S)
    return [cells for r in rows if (cells := re.findall(r"<td>(.*?)</td>", r, re.S))]


def test_menu_lists_only_reports_the_user_may_run(client, login):
    login("deputy1")
    page = client.get("/reports/").get_data(as_text=True)
    assert "Наполняемость классов" in page and "Табель учёта посещаемости детей" in page
    login("teacher1")  # a subject teacher runs neither of these
    page = client.get("/reports/").get_data(as_text=True)
    assert "Наполняемость классов" not in page
    assert client.get(CLASS_FILL + "?run=1").status_code == 404


@pytest.mark.parametrize("user", ["parent1", "learner1"])
def test_parents_and_learners_have_no_reports(client, login, user):
    login(user)
    assert client.get("/reports/").status_code == 403
    assert client.get(CLASS_FILL + "?run=1").status_code == 403


def test_report_page_shows_the_own_organisation(client, login, world):
    login("deputy1")
    page = client.get(CLASS_FILL + "?run=1").get_data(as_text=True)
    assert [r[:3] for r in _cells(page)] == [["5", "5А", "3"], ["6", "6Б", "1"]]
    assert "Школа № 1" in page  # the only organisation offered


def test_another_organisation_cannot_be_asked_for(client, login, world):
    login("admin3")  # another authority's school: org1 is not among its choices
    page = client.get(CLASS_FILL + f"?run=1&organisation={world.org1}").get_data(as_text=True)
    assert "значение не найдено или вам недоступно" in page
    assert "report-table" not in page


def test_authority_staff_pick_among_their_organisations(client, login, world):
    login("uo_a")
    page = client.get(CLASS_FILL + f"?run=1&organisation={world.org1}").get_data(as_text=True)
    assert [r[:3] for r in _cells(page)] == [["5", "5А", "3"], ["6", "6Б", "1"]]
    page = client.get(CLASS_FILL + f"?run=1&organisation={world.org3}").get_data(as_text=True)
    assert "вам недоступно" in page and "report-table" not in page


def test_pdf_embeds_a_cyrillic_font(client, login):
    login("deputy1")
    response = client.get(CLASS_FILL + "?run=1&format=pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    data = response.data
    assert data.startswith(b"%PDF") and re.search(rb"/BaseFont /\w+\+DejaVuSans", data)


def test_xlsx_keeps_numbers_as_numbers(client, login):
    from openpyxl import load_workbook

    login("deputy1")
    response = client.get(CLASS_FILL + "?run=1&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[c.value for c in row if c.value is not None] for row in sheet.iter_rows()]
    assert rows[1] == ["Наполняемость классов"]
    header = rows.index(["Параллель", "Класс", "Всего", "Мальчиков", "Девочек"])
    assert rows[header + 1][:3] == [5, "5А", 3]


def test_month_parameter_is_checked(client, login, world):
    login("deputy1")
    page = client.get("/reports/core.user_activity/?run=1&month=1999-01")
    assert "«Месяц»: значение не найдено" in page.get_data(as_text=True)


def test_cli_runs_a_report_as_a_named_user(app, world, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["report", "list"])
    assert "school.class_fill" in result.output and "Наполняемость классов" in result.output
    result = runner.invoke(args=["report", "run", "school.class_fill", "--user", "deputy1"])
    assert result.exit_code == 0, result.output
    (table,) = json.loads(result.stdout)
    assert table["columns"][:3] == ["Параллель", "Класс", "Всего"] and table["rows"][0][:3] == [5, "5А", 3]
    out = tmp_path / "fill.xlsx"
    result = runner.invoke(args=["report", "run", "school.class_fill", "--user", "uo_a", "--org", str(world.org1),
                                 "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0 and out.read_bytes().startswith(b"PK")


@pytest.mark.parametrize("args, message", [
    (["--user", "parent1"], "этот отчёт недоступен"),
    (["--user", "deputy1", "--org", "999"], "не найдена или недоступна"),
    (["--user", "nobody"], "Нет активной учётной записи"),
])
def test_cli_refuses_what_the_page_refuses(app, world, args, message):
    result = app.test_cli_runner().invoke(args=["report", "run", "school.class_fill", *args])
    assert result.exit_code != 0 and message in result.output


def test_cli_keeps_the_users_scope(app, world):
    """admin3 sits in another authority: org1's data never reaches it, even by --org."""
    result = app.test_cli_runner().invoke(
        args=["report", "run", "school.class_fill", "--user", "admin3", "--org", str(world.org1)])
    assert result.exit_code != 0 and "не найдена или недоступна" in result.output


def test_reports_of_plugins_the_organisation_does_not_run_are_not_offered(client, login, world):
    """org3 is a school without a preschool group: no табель of preschool attendance."""
    login("admin3")
    assert "Табель учёта посещаемости детей" not in client.get("/reports/").get_data(as_text=True)
    assert client.get("/reports/preschool.attendance_sheet/").status_code == 404
