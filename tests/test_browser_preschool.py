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


def test_the_parent_sees_the_day_the_educator_marked(app, server, page, kindergarten):  # noqa: F811
    """The воспитатель marks a child ill on a phone; the child's mother opens her diary
    on her phone and finds the day marked «Б» in the month's calendar."""
    from flask import current_app

    from app.extensions import db
    from app.models import Account, Guardian, GuardianLink, Learner
    from tests.world import PASSWORD

    k = kindergarten
    child = k["sun_kids"][2]
    with app.app_context():
        s = db.session
        learner = s.get(Learner, child)
        mother = Guardian(org_id=learner.org_id, last_name="Васильева", first_name="Анна")
        s.add(mother)
        s.flush()
        s.add(GuardianLink(org_id=learner.org_id, guardian_id=mother.id, learner_id=child, relation="мать"))
        sm = current_app.appbuilder.sm
        user = sm.add_user("mother_sun", "Анна", "Васильева", "mother@example.ru", [sm.find_role("Родитель")], PASSWORD)
        account = s.get(Account, user.id)
        account.org_id, account.person_id = learner.org_id, mother.id
        s.commit()
    page.set_viewport_size(PHONE)
    sign_in(page, server, "educator_sun")
    page.goto(f"{server}/preschool/day/?group={k['sun_group']}&date={WORK_DAY.isoformat()}")
    page.click(f"label[for=absent-{child}]")
    page.select_option(f"select[name=code-{child}]", str(k["Б"]))
    page.click("button.pd-save")
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    sign_in(page, server, "mother_sun")
    page.goto(f"{server}/diary/month?learner={child}&month={WORK_DAY:%Y-%m}")
    page.wait_for_load_state("networkidle")
    assert f"{WORK_DAY:%d.%m} — По болезни" in page.inner_text("body")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path="/tmp/preschool_parent.png", full_page=True)
