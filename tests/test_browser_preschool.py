"""The воспитатель's day on a phone (390×844) in Debian's chromium: the page fits the
width, its touch targets are at least 44px, and a child marked absent with a reason
stays so after saving and reloading. The screenshot goes to artifacts/."""
from __future__ import annotations

import os

import pytest

from tests.test_browser import ARTIFACTS, CHROMIUM, page, server, sign_in  # noqa: F401 (fixtures)
from tests.test_preschool_day import WORK_DAY, kindergarten  # noqa: F401 (fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
]

PHONE = {"width": 390, "height": 844}


def _fits_and_touchable(tab) -> None:
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    small = tab.evaluate("""() => [...document.querySelectorAll('.pd-name, .pd-save, .pd-reason select, .pd-days .btn')]
        .filter(e => e.offsetParent !== null)
        .map(e => [e.className, e.getBoundingClientRect().height, e.getBoundingClientRect().width])
        .filter(([, h, w]) => h < 44 || w < 44)""")
    assert small == []


def test_educator_marks_a_child_absent_on_a_phone(server, page, kindergarten):  # noqa: F811
    k = kindergarten
    page.set_viewport_size(PHONE)
    sign_in(page, server, "educator_sun")
    url = f"{server}/preschool/day/?group={k['sun_group']}&date={WORK_DAY.isoformat()}"
    page.goto(url)
    page.wait_for_load_state("networkidle")
    _fits_and_touchable(page)
    child = k["sun_kids"][1]
    assert not page.is_visible(f"select[name=code-{child}]")  # present by default: no reason asked
    page.click(f"label[for=absent-{child}]")
    assert page.is_checked(f"#absent-{child}")
    page.select_option(f"select[name=code-{child}]", str(k["Б"]))
    _fits_and_touchable(page)
    page.click("button.pd-save")
    page.wait_for_load_state("networkidle")
    assert "сохранена" in page.inner_text("body")
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert page.is_checked(f"#absent-{child}") and not page.is_checked(f"#absent-{k['sun_kids'][0]}")
    assert page.input_value(f"select[name=code-{child}]") == str(k["Б"])
    _fits_and_touchable(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "preschool_day.png"), full_page=True)
    page.screenshot(path="/tmp/preschool_day.png", full_page=True)
