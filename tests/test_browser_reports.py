"""In Debian's chromium: the Завуч opens «Отчёты» from the menu, forms the
class results for a period, sees the table and the chart, downloads the PDF
and the XLSX. Screenshots go to artifacts/."""
from __future__ import annotations

from tests.test_browser import ARTIFACTS, page, pytestmark, server, sign_in  # noqa: F401  (fixtures and markers)
from tests.test_russian_ui import ENGLISH_RE
from tests.world import TODAY, current_quarter


def test_deputy_forms_a_report_and_downloads_it(world, server, page):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    sign_in(page, server, "deputy1")
    page.click("text=Отчёты")
    page.wait_for_selector("text=Итоги успеваемости класса за период")
    page.screenshot(path=str(ARTIFACTS / "reports_menu.png"), full_page=True)
    page.click("text=Итоги успеваемости класса за период")
    page.select_option("#p-group", str(world.org1_group))
    page.select_option("#p-period", str(world.org1_period))
    page.click("text=Сформировать")
    page.wait_for_selector("table.report-table")
    text = page.inner_text("body")
    assert "Математика" in text and "Итого по классу" in text
    assert not ENGLISH_RE.findall(text), ENGLISH_RE.findall(text)
    chart = page.locator("img.report-chart")
    assert chart.evaluate("img => img.complete && img.naturalWidth > 300")
    page.screenshot(path=str(ARTIFACTS / "report_class_results.png"), full_page=True)
    with page.expect_download() as pdf:
        page.click("text=PDF")
    _number, quarter, _start, _end = current_quarter()
    assert pdf.value.suggested_filename == f"Итоги успеваемости класса за период 5А {quarter} {TODAY.isoformat()}.pdf"
    with open(pdf.value.path(), "rb") as f:
        assert f.read(4) == b"%PDF"
    with page.expect_download() as xlsx:
        page.click("text=XLSX")
    assert xlsx.value.suggested_filename.endswith(".xlsx")
