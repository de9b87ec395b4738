"""Files people open: a report's XLSX with sheet names that mean something in
Excel's 31 characters, marks as numbers, print setup and an autofilter; a CSV
Russian Excel reads (decimal comma, dd.mm.yyyy); downloads named in Russian
words with the class, the period and the date; and every format on the page."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from urllib.parse import quote

import pytest

from app.registry import Table
from tests.world import TODAY, current_quarter

CLASS_RESULTS = "/reports/school.class_results/"


def _book(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))


def _head_row(sheet, first: str) -> int:
    return next(row[0].row for row in sheet.iter_rows() if row[0].value == first)


# --- sheet names ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("title, name", [
    # The journal's page: «:» is refused by Excel; cut between words, not on «и».
    ("Математика, 5А: отметки и посещаемость", "Математика, 5А отметки"),
    # A table's page number survives the cut, without the refused «/».
    ("Математика, 5А: отметки и посещаемость (1/2)", "Математика, 5А отметки (1 из 2)"),
    ("Темы уроков и домашние задания", "Темы уроков и домашние задания"),  # 30 characters: whole
    ("Сводная ведомость учёта успеваемости обучающихся класса", "Сводная ведомость учёта"),
    ("Отчёт классного руководителя за период", "Отчёт классного руководителя"),
    ("Сведения о количестве пропущенных уроков", "Сведения о количестве"),
    ("Итоги [2026/2027]: класс?*", "Итоги (2026-2027) класс"),
    ("Итоги  по   классу", "Итоги по классу"),
    ("", "Лист"),
])
def test_a_sheet_name_is_meaningful_within_31_characters(title, name):
    from app.reports.formats import sheet_name

    assert sheet_name(title) == name
    assert len(name) <= 31 and "  " not in name and not set(name) & set("[]:*?/\\")


def test_sheet_names_are_unique_within_the_book_by_a_number_that_fits():
    from app.reports.formats import sheet_name, to_xlsx

    taken: list[str] = []
    for _ in range(3):
        taken.append(sheet_name("Темы уроков и домашние задания", taken))
    assert taken == ["Темы уроков и домашние задания", "Темы уроков и домашние 2", "Темы уроков и домашние 3"]
    # Excel compares sheet names ignoring case.
    assert sheet_name("итоги", ["ИТОГИ"]) == "итоги 2"
    tables = [Table("Математика, 5А: отметки и посещаемость за первую неделю", ["ФИО"], []),
              Table("Математика, 5А: отметки и посещаемость за вторую неделю", ["ФИО"], [])]
    assert _book(to_xlsx("Журнал", [], tables, "Школа № 1")).sheetnames == ["Математика, 5А отметки",
                                                                            "Математика, 5А отметки 2"]


# --- marks as numbers -------------------------------------------------------------------------------------


def test_marks_are_numbers_in_the_journal_xlsx(client, login, world):
    login("deputy1")
    response = client.get(f"/reports/school.journal_print/?run=1&group={world.org1_group}"
                          f"&subject={world.org1_subject}&period={world.org1_period}&format=xlsx")
    assert response.status_code == 200
    book = _book(response.data)
    marks = book[book.sheetnames[0]]
    head = _head_row(marks, "ФИО")
    rows = {r[0]: r[1:] for r in marks.iter_rows(min_row=head + 1, values_only=True)}
    # the lesson's mark and the final mark are numbers; «ОТ» (a code) stays text
    assert rows == {"Иванов Иван": (5, 5), "Петрова Мария": (4, None), "Сидоров Пётр": ("ОТ", None)}
    assert marks.cell(head + 1, 2).data_type == "n"


def test_codes_ids_and_long_digit_strings_stay_text():
    from app.reports.formats import to_xlsx

    table = Table("Отметки", ["ФИО", "СНИЛС", "Телефон", "1", "2", "3", "4", "5", "6", "7"],
                  [["Иванов Иван", "12345678901", "89161234567", "5", "н", "зч", "ОТ", "05", "4,5", "5 4"],
                   ["Петрова Мария", "123-456-789 01", "", "100", "101", "0", "3", Decimal("4.50"), 4.25, None]])
    sheet = _book(to_xlsx("Журнал", [], [table], "Школа № 1")).active
    head = _head_row(sheet, "ФИО")
    rows = [list(r) for r in sheet.iter_rows(min_row=head, values_only=True)]
    assert rows[0] == ["ФИО", "СНИЛС", "Телефон", "1", "2", "3", "4", "5", "6", "7"]  # the header stays text
    assert rows[1] == ["Иванов Иван", "12345678901", "89161234567", 5, "н", "зч", "ОТ", "05", 4.5, "5 4"]
    assert rows[2] == ["Петрова Мария", "123-456-789 01", None, 100, "101", "0", 3, 4.5, 4.25, None]


# --- print setup and autofilter ---------------------------------------------------------------------------


def test_every_sheet_is_set_up_for_printing(client, login, world):
    """Итоги успеваемости is a landscape report: its sheet prints landscape on A4,
    as wide as the page, the columns' header on every page, with an autofilter."""
    login("deputy1")
    response = client.get(f"{CLASS_RESULTS}?run=1&group={world.org1_group}&period={world.org1_period}&format=xlsx")
    sheet = _book(response.data).active
    head = _head_row(sheet, "Предмет")
    assert head == 7  # organisation, title, three parameters, an empty line
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$7:$7"
    last = sheet.max_row
    assert sheet.auto_filter.ref == f"A7:K{last}" and sheet.cell(last, 1).value == "Итого по классу"


def test_orientation_follows_the_spec_or_the_width_and_a_table_without_rows_gets_no_filter():
    from app.reports.formats import to_xlsx

    narrow = Table("Узкая", ["ФИО", "Отметка"], [["Иванов Иван", 5], ["Петрова Мария", 4]])
    wide = Table("Широкая", ["ФИО", *(str(d) for d in range(1, 11))], [["Иванов Иван", *range(1, 11)]])
    empty = Table("Пустая", ["ФИО", "Отметка"], [])
    book = _book(to_xlsx("Отчёт", [("Класс", "5А (2026/2027)")], [narrow, wide, empty], "Школа № 1"))
    setups = [(s.page_setup.orientation, s.page_setup.paperSize, s.page_setup.fitToWidth, s.page_setup.fitToHeight,
               s.sheet_properties.pageSetUpPr.fitToPage, s.print_title_rows, s.auto_filter.ref) for s in book]
    assert setups == [("portrait", 9, 1, 0, True, "$5:$5", "A5:B7"),
                      ("landscape", 9, 1, 0, True, "$5:$5", "A5:K6"),
                      ("portrait", 9, 1, 0, True, "$5:$5", None)]
    book = _book(to_xlsx("Отчёт", [], [narrow], "Школа № 1", landscape=True))
    assert book.active.page_setup.orientation == "landscape"


# --- CSV for Russian Excel --------------------------------------------------------------------------------


def test_csv_has_a_decimal_comma_and_russian_dates():
    from app.reports.formats import to_csv

    table = Table("Оплата", ["ФИО", "Дата", "Внесено", "Средний балл", "Качество", "Отметок", "Оплачено", "Время"],
                  [["Иванов Иван", dt.date(2026, 11, 5), Decimal("3000.50"), 4.36, 66.7, 7, True,
                    dt.datetime(2026, 11, 5, 9, 7)],
                   ["Петрова Мария", None, Decimal("0.00"), 4.0, None, 0, False, None]])
    data = to_csv([table])
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").splitlines() == [
        "ФИО;Дата;Внесено;Средний балл;Качество;Отметок;Оплачено;Время",
        "Иванов Иван;05.11.2026;3000,50;4,36;66,7;7;да;05.11.2026 09:07",
        "Петрова Мария;;0,00;4;;0;нет;",
    ]


def test_the_class_results_csv_from_the_page(client, login, world):
    """Percentages and the mean mark, floats in the report, come with a decimal comma."""
    login("deputy1")
    response = client.get(f"{CLASS_RESULTS}?run=1&group={world.org1_group}&period={world.org1_period}&format=csv")
    assert response.data.startswith("\ufeff".encode())
    lines = [line.split(";") for line in response.data.decode("utf-8-sig").splitlines()]
    assert lines[0][0] == "Предмет" and len(lines) > 1
    decimals = [cell for line in lines[1:] for cell in line[-3:] if cell]
    assert decimals and all("." not in cell for cell in decimals) and any("," in cell for cell in decimals)


# --- file names -------------------------------------------------------------------------------------------


def test_a_download_is_named_in_russian_words_with_the_class_period_and_date(client, login, world):
    _n, quarter, _start, _end = current_quarter()
    name = f"Итоги успеваемости класса за период 5А {quarter} {TODAY.isoformat()}.csv"
    login("deputy1")
    response = client.get(f"{CLASS_RESULTS}?run=1&group={world.org1_group}&period={world.org1_period}&format=csv")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    # An ASCII name for clients that read no UTF-8 one.
    latin = {"1 четверть": "1 chetvert", "2 четверть": "2 chetvert", "3 четверть": "3 chetvert",
             "4 четверть": "4 chetvert"}[quarter]
    assert f'filename="Itogi uspevaemosti klassa za period 5A {latin} {TODAY.isoformat()}.csv"' in disposition
    disposition.encode("latin-1")  # a header value HTTP can carry


def test_download_name_takes_the_header_values_and_strips_what_file_names_refuse(app):
    from app.reports.formats import download_name

    spec = app.extensions["ejournal"].reports["school.journal_print"]
    header = [("Организация", "Школа № 1"), ("Класс", "5А (2026/2027)"), ("Предмет", "Математика"),
              ("Период", "2 четверть (2026/2027)")]
    with app.app_context():
        assert download_name(spec, header, "xlsx") == (
            f"Печатная форма классного журнала 5А Математика 2 четверть {TODAY.isoformat()}.xlsx")
    spec = app.extensions["ejournal"].reports["school.movement_ledger"]
    with app.app_context():
        assert download_name(spec, [("Организация", "Школа № 1"), ("Даты", "01.09.2026 — 20.11.2026")], "pdf") == (
            f"Сводная ведомость учёта движения учащихся {TODAY.isoformat()}.pdf")

    from app.reports.formats import file_safe

    assert file_safe('Отчёт: "5/А" <класс>?* | итоги.') == "Отчёт 5-А класс итоги"


# --- the page ---------------------------------------------------------------------------------------------


def test_the_page_offers_pdf_xlsx_and_csv(client, login, world):
    login("deputy1")
    page = client.get(f"{CLASS_RESULTS}?run=1&group={world.org1_group}&period={world.org1_period}")
    html = page.get_data(as_text=True)
    for fmt, label in (("pdf", "PDF"), ("xlsx", "XLSX"), ("csv", "CSV")):
        assert f"&format={fmt}\"" in html.replace("&amp;", "&") and f"</i> {label}</a>" in html


def test_the_command_line_names_a_binary_report_it_would_print_on_a_terminal(app, world, tmp_path, monkeypatch):
    """``flask report run`` without --out: a PDF or XLSX is not printed on a terminal but
    written to a file named as the page names its download; piped, it still goes to stdout."""
    import click.testing

    _n, quarter, _start, _end = current_quarter()
    args = ["report", "run", "school.class_results", "--user", "deputy1", "--param", f"group={world.org1_group}",
            "--param", f"period={world.org1_period}", "--format", "xlsx"]
    monkeypatch.chdir(tmp_path)
    result = app.test_cli_runner().invoke(args=args)  # stdout is not a terminal
    assert result.exit_code == 0 and result.stdout_bytes.startswith(b"PK") and not list(tmp_path.iterdir())
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True, raising=False)
    result = app.test_cli_runner().invoke(args=args)
    name = f"Итоги успеваемости класса за период 5А {quarter} {TODAY.isoformat()}.xlsx"
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == [name] and (tmp_path / name).read_bytes().startswith(b"PK")


def test_exports_never_run_a_formula_typed_as_text():
    from openpyxl import load_workbook

    from app.reports.formats import to_csv, to_xlsx
    from app.registry import Table

    table = Table("Темы", ["Тема", "Часы"], [["=HYPERLINK(\"http://x\",\"жми\")", 2], ["@SUM(A1)", -3],
                                             ["Дроби", 1]])
    book = load_workbook(io.BytesIO(to_xlsx("Отчёт", [], [table], "Школа")))
    cells = [(c.value, c.data_type) for row in book.active.iter_rows() for c in row if c.value is not None]
    assert ("=HYPERLINK(\"http://x\",\"жми\")", "s") in cells and not [c for c in cells if c[1] == "f"]
    lines = to_csv([table]).decode("utf-8-sig").splitlines()
    # The csv module quotes a cell with quotes in it; the cell itself starts with «'».
    assert lines[1:] == ['"\'=HYPERLINK(""http://x"",""жми"")";2', "'@SUM(A1);-3", "Дроби;1"]
