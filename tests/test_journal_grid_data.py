"""The light journal grid (issue 17): the page sends its mark cells as one JSON document
(<script type="application/json" id="grid-data">) and app/static/journal_grid.js builds
the inputs; the rows, headers and final marks stay HTML. The browser side is in
tests/test_browser_journal.py."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from app.extensions import db
from app.models import Assignment, Learner, Lesson, Mark
from tests.world import TODAY, current_quarter

pytestmark = pytest.mark.dates
QUARTER_START = current_quarter()[2]


def grid_data(page: str) -> dict:
    """The cells a grid page sends: {"cols", "rows", "cells", "write"} (app/views/journal.py, grid_data)."""
    found = re.search(r'<script type="application/json" id="grid-data" nonce="[^"]+">(.*?)</script>', page, re.S)
    assert found, "the page has no grid data"
    return json.loads(found.group(1))


def _grid(client, world) -> str:
    return client.get(f"/journal/?group={world.org1_group}&subject={world.org1_subject}").get_data(as_text=True)


def test_the_grid_sends_exactly_its_cells_as_data(client, login, world):
    login("teacher1")
    page = _grid(client, world)
    day = TODAY.strftime("%d.%m.%Y")
    assert grid_data(page) == {
        # [lesson, work, starts its lesson, screen reader's label, header's day, lesson number, topic, work]
        "cols": [[world.org1_lesson, world.org1_assignment, 1, f"{day}, Ответ на уроке", day[:5], 1, "Дроби",
                  "Ответ на уроке"]],
        "rows": [[world.org1_child, "Иванов Иван", -1], [world.org1_sibling, "Петрова Мария", -1],
                 [world.org1_learner3, "Сидоров Пётр", -1]],
        # [mark, its version, attendance code, its version]: Иванов «5», Петрова «4», Сидоров absent
        "cells": [[["5", 1]], [["4", 1]], [["", 0, "ОТ", 1]]],
        "write": 1,
    }
    # the inputs are the browser's to build: the page has only the final marks' three
    assert len(re.findall(r"<input[^>]+data-r=", page)) == 3
    assert "/static/journal_grid.js" in page and "<noscript>" in page


def test_a_departed_learner_is_closed_from_the_first_lesson_after_leaving(app, client, login, world):
    """A learner who left on day D: the columns of lessons after D are read-only (-1: none).
    Two lessons of the quarter, D being the first one's day: today and tomorrow, or, on the
    quarter's last day, yesterday and today."""
    if TODAY < current_quarter()[3]:
        extra_day, left_on = TODAY + dt.timedelta(days=1), TODAY
    else:
        extra_day = left_on = TODAY - dt.timedelta(days=1)
    with app.app_context():
        s = db.session
        s.add(Lesson(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject,
                     teacher_id=world.org1_teacher, date=extra_day, number=1, topic="Ещё урок"))
        s.get(Learner, world.org1_learner3).left_on = left_on
        s.commit()
    login("teacher1")
    data = grid_data(_grid(client, world))
    assert [r[2] for r in data["rows"]] == [-1, -1, 1]  # Сидоров: the second column on


def test_a_teacher_who_may_only_read_gets_read_only_cells(app, client, login, world):
    login("admin1")
    assert client.post("/rights/", data={"p:Учитель:Marks": "read"}).status_code == 302
    login("teacher1")
    page = _grid(client, world)
    assert grid_data(page)["write"] == 0
    assert 'id="journal-save"' not in page


def test_names_and_labels_are_escaped_in_the_data(app, client, login, world):
    """A name with «</script>» in it cannot end the data block early."""
    with app.app_context():
        db.session.get(Learner, world.org1_child).last_name = "</script><b>Иванов"
        db.session.commit()
    login("teacher1")
    page = _grid(client, world)
    assert "</script><b>" not in page
    assert grid_data(page)["rows"][0][1] == "</script><b>Иванов Иван"


def _big_grid(app, world) -> str:
    """5А with 30 learners, 80 lessons of the world's quarter, three works a lesson and a mark
    in every cell (tests/bench.py's «30 × 80 × 3»): the grid's URL."""
    with app.app_context():
        s = db.session
        extra = [Learner(org_id=world.org1, last_name=f"Нагрузкин{i}", first_name="Тест", group_id=world.org1_group)
                 for i in range(27)]
        s.add_all(extra)
        s.flush()
        learners = [world.org1_child, world.org1_sibling, world.org1_learner3] + [l.id for l in extra]
        for n in range(80):
            lesson = Lesson(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject,
                            teacher_id=world.org1_teacher, date=QUARTER_START + dt.timedelta(days=n // 6),
                            number=1 + n % 6, topic=f"Тема {n}")
            s.add(lesson)
            s.flush()
            works = [Assignment(org_id=world.org1, lesson_id=lesson.id, type_id=world.org1_type, weight=1)
                     for _ in range(3)]
            s.add_all(works)
            s.flush()
            s.add_all([Mark(org_id=world.org1, assignment_id=a.id, learner_id=l, value="4")
                       for a in works for l in learners])
        s.commit()
    return f"/journal/?group={world.org1_group}&subject={world.org1_subject}&period={world.org1_period}"


# The same page of this world when the grid sent an <input> per cell (7,263 inputs), measured
# before the change; the light grid measured 152,225 bytes (7.8 %).
OLD_BYTES = 1_956_432


def test_the_big_grid_is_a_tenth_of_its_old_size(app, client, login, world):
    url = _big_grid(app, world)
    login("teacher1")
    page = client.get(url).get_data(as_text=True)
    data = grid_data(page)
    assert (len(data["rows"]), len(data["cols"])) == (30, 241)  # and the world's own lesson
    assert sum(1 for line in data["cells"] for cell in line if cell) == 30 * 240 + 3
    assert len(page.encode()) < OLD_BYTES // 10, len(page.encode())
