"""`make bench`: median server time of key pages on the demo data.

Runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set. Prints a
table; targets live here, not in timed tests.
"""
from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("SECRET_KEY", "bench")

from app import create_app  # noqa: E402
from tests.conftest import base_config, dispose, drop_database, make_database  # noqa: E402

PAGES = [
    ("Главная", "admin", "/"),
    ("Классный журнал (сетка)", "teacher", "/journal/"),
    ("Дневник: неделя", "parent", "/diary/"),
    ("Дневник: период", "parent", "/diary/period"),
    ("Список обучающихся", "admin", "/learnerview/list/"),
    ("Список отметок", "admin", "/markview/list/"),
    ("REST: отметки", "teacher", "/api/v1/marks/"),
    ("Расписание класса (неделя)", "deputy", "/timetable/"),
    ("Нагрузка и учебный план", "deputy", "/load/"),
    ("КТП: список", "deputy", "/plans/"),
    ("Книга движения", "deputy", "/movement/"),
    ("Медицинские карты", "nurse", "/medcards/"),
    ("Отчёт: итоги класса", "deputy", "/reports/school.class_results/?run=1"),
    ("Отчёт: сводный по ОО", "uo", "/reports/core.authority_summary/?run=1&dates_from=2026-09-01&dates_to=2026-12-31"),
]
RUNS = 15


def _login_for(logins, role):
    wanted = {"admin": "Администратор", "teacher": "Учитель", "parent": "Родитель", "deputy": "Завуч",
              "nurse": "Медицинский работник", "uo": "Сотрудник УО"}[role]
    return next(l for l in logins if l["role"] == wanted)


def _big_class(app) -> str:
    """A class of 30 learners with 80 lessons and three marks per learner per lesson."""
    import datetime as dt

    from sqlalchemy import select

    from app.extensions import db
    from app.models import (
        Assignment, AssignmentType, Learner, LearnerGroup, Lesson, Mark, Period, Staff, Subject, TeachingAssignment,
    )

    with app.app_context():
        s = db.session
        group = s.scalar(select(LearnerGroup).where(LearnerGroup.kind == "class", LearnerGroup.level == 7))
        period = s.scalar(select(Period).where(Period.year_id == group.year_id, Period.type_code == "quarter",
                                               Period.name == "2 четверть"))
        subject = Subject(org_id=group.org_id, name="Стресс-тест журнала", plugin="school")
        teacher = s.scalar(select(Staff).where(Staff.org_id == group.org_id))
        atype = s.scalar(select(AssignmentType).where(AssignmentType.org_id == group.org_id))
        s.add(subject)
        s.flush()
        s.add(TeachingAssignment(org_id=group.org_id, year_id=group.year_id, teacher_id=teacher.id,
                                 subject_id=subject.id, group_id=group.id, hours_per_week=6))
        learners = s.scalars(select(Learner).where(Learner.group_id == group.id)).all()
        extra = [Learner(org_id=group.org_id, last_name=f"Нагрузкин{i}", first_name="Тест", group_id=group.id)
                 for i in range(max(0, 30 - len(learners)))]
        s.add_all(extra)
        s.flush()
        learners = (learners + extra)[:30]
        for n in range(80):
            lesson = Lesson(org_id=group.org_id, group_id=group.id, subject_id=subject.id, teacher_id=teacher.id,
                            date=period.start + dt.timedelta(days=n // 6), number=1 + n % 6, topic=f"Тема {n}")
            s.add(lesson)
            s.flush()
            assignments = [Assignment(org_id=group.org_id, lesson_id=lesson.id, type_id=atype.id, weight=1)
                           for _ in range(3)]
            s.add_all(assignments)
            s.flush()
            s.add_all([Mark(org_id=group.org_id, assignment_id=a.id, learner_id=l.id, value="4")
                       for a in assignments for l in learners])
        s.commit()
        return f"/journal/?group={group.id}&subject={subject.id}&period={period.id}"


def bench(label: str, pg: bool) -> None:
    if not pg:
        os.environ.pop("TEST_DATABASE_URL", None)
    import tests.conftest as c

    c.PG_URL = os.environ.get("TEST_DATABASE_URL")
    url = make_database("bench")
    app = create_app(base_config(url))
    try:
        runner = app.test_cli_runner()
        assert runner.invoke(args=["init"]).exit_code == 0
        assert runner.invoke(args=["demo"]).exit_code == 0
        from app.demo import demo_logins

        with app.app_context():
            logins = demo_logins()
        print(f"\n{label}")
        grid_url = _big_class(app)
        for title, role, path in PAGES:
            client = app.test_client()
            who = _login_for(logins, role)
            client.post("/login/", data={"username": who["username"], "password": who["password"]})
            client.get(path)  # warm up
            times = []
            for _ in range(RUNS):
                start = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            print(f"  {title:<28} {statistics.median(times):8.1f} мс (медиана из {RUNS})")
        client = app.test_client()
        who = _login_for(logins, "admin")
        client.post("/login/", data={"username": who["username"], "password": who["password"]})
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            assert client.get(grid_url).status_code == 200
            times.append((time.perf_counter() - start) * 1000)
        print(f"  {'Журнал: 30 уч. × 80 ур. × 3 отм.':<28} {statistics.median(times):8.1f} мс (медиана из {RUNS}; цель < 100 мс)")
        _bench_ledgers(app, logins)
        _bench_import(app, logins)
    finally:
        dispose(app)
        drop_database(url)


def _render_timed(session, host, spec, raw: dict, scope) -> tuple[int, float, float, int]:
    """Rows, milliseconds, peak MB and PDF bytes of one report rendered as PDF."""
    import tracemalloc

    from app.reports import parse_params, run_report
    from app.reports.formats import render

    def once():
        values, header = parse_params(session, spec, raw, scope)
        tables = run_report(session, spec, values)
        return tables, render(spec, values, header, tables, "pdf")[0]

    start = time.perf_counter()
    tables, data = once()
    elapsed = (time.perf_counter() - start) * 1000
    # Memory apart: tracing slows Python several times over.
    tracemalloc.start()
    once()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return sum(len(t.rows) for t in tables), elapsed, peak, len(data)


def _bench_ledgers(app, logins) -> None:
    """The attainment ledger of the 30-learner class for one period and the attendance
    ledgers of every class of the school: time a row and memory, by size — a time a row
    that stays level as the rows grow is linear."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Account, LearnerGroup, Period
    from app.reports.engine import choices
    from app.scoping import acting_as, resolve_scope

    host = app.extensions["ejournal"]
    who = _login_for(logins, "deputy")
    with app.test_request_context(), app.app_context():
        session = db.session
        account = session.scalar(select(Account).where(Account.username == who["username"]))
        with acting_as(resolve_scope(session, account, host)) as scope:
            big = session.scalar(select(LearnerGroup).where(
                LearnerGroup.org_id == account.org_id, LearnerGroup.kind == "class", LearnerGroup.level == 7))
            quarter = session.scalar(select(Period).where(Period.year_id == big.year_id, Period.name == "2 четверть"))
            # The classes in quarters (the senior ones study by halves).
            spec = host.reports["school.attendance_ledger"]
            offered = {c.value for c in choices(session, next(p for p in spec.params if p.kind == "group"),
                                                {"organisation": account.org_id})}
            classes = [g for g in session.scalars(select(LearnerGroup).where(
                LearnerGroup.org_id == account.org_id, LearnerGroup.kind == "class")
                .order_by(LearnerGroup.level, LearnerGroup.name)) if str(g.id) in offered and g.level < 10]
            print("  PDF-ведомости (строк · мс · мс на строку · пик памяти · размер):")
            rows, ms, mb, size = _render_timed(session, host, host.reports["school.ledger"],
                                               {"group": str(big.id), "period": str(quarter.id)}, scope)
            print(f"    Сводная ведомость успеваемости, {big.name}, 2 четверть: {rows} · {ms:.0f} · "
                  f"{ms / max(rows, 1):.1f} · {mb:.1f} МБ · {size // 1024} КБ")
            for count in sorted({1, len(classes) // 2, len(classes)}):
                total_rows = total_ms = peak = total_size = 0
                for group in classes[:count]:
                    rows, ms, mb, size = _render_timed(session, host, host.reports["school.attendance_ledger"],
                                                       {"group": str(group.id), "period": str(quarter.id)}, scope)
                    total_rows, total_ms, total_size = total_rows + rows, total_ms + ms, total_size + size
                    peak = max(peak, mb)
                print(f"    Ведомость посещаемости, классов {count}: {total_rows} · {total_ms:.0f} · "
                      f"{total_ms / max(total_rows, 1):.1f} · {peak:.1f} МБ · {total_size // 1024} КБ")


def _bench_import(app, logins, rows: int = 2000) -> None:
    """A school's September: 2,000 learners with a guardian each, checked and written by
    ``flask import learners`` as the Администратор runs it (aim: under a minute)."""
    import tempfile
    from pathlib import Path

    from sqlalchemy import event, select

    from app.extensions import db
    from app.models import LearnerGroup, Organisation
    from app.scoping import acting_as

    who = _login_for(logins, "admin")
    with app.app_context(), acting_as(None):
        org = db.session.scalar(select(Organisation).where(Organisation.short_name == who["organisation"]))
        groups = db.session.scalars(select(LearnerGroup.name).where(LearnerGroup.org_id == org.id,
                                                                   LearnerGroup.kind == "class")).all()
    lines = ["Фамилия;Имя;Дата рождения;Пол;Класс;Дата зачисления;Представитель 1: ФИО;Представитель 1: телефон"]
    for i in range(rows):
        lines.append(f"Загрузкин{i};Имя{i};{1 + i % 28:02d}.{1 + i % 12:02d}.2014;{'МЖ'[i % 2]};"
                     f"{groups[i % len(groups)]};01.09.2026;Загрузкина{i} Мать;+7 901 {i:07d}")
    selects = {"n": 0}

    def _count(_conn, _cursor, statement, *_a):
        selects["n"] += statement.lstrip().upper().startswith("SELECT")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "learners.csv"
        path.write_text("\r\n".join(lines), encoding="utf-8")
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", _count)
            try:
                start = time.perf_counter()
                result = app.test_cli_runner().invoke(args=["import", "learners", str(path), "--org", str(org.id),
                                                            "--user", who["username"]])
                seconds = time.perf_counter() - start
            finally:
                event.remove(db.engine, "before_cursor_execute", _count)
    assert result.exit_code == 0, result.output
    print(f"  Загрузка {rows} обучающихся с представителями: {seconds:.1f} с, SELECT всего {selects['n']} "
          f"(цель < 60 с, число SELECT не растёт со строками)")


if __name__ == "__main__":
    pg = os.environ.get("TEST_DATABASE_URL")
    bench("SQLite", pg=False)
    if pg:
        os.environ["TEST_DATABASE_URL"] = pg
        bench("PostgreSQL", pg=True)
