"""What the load test opens, read from the demo database (DATABASE_URL): written as
JSON to stdout for tests/load/locustfile.py. Teachers (``s<N>-teacher``,
``s<N>-classteacher``) with a cell of one of their recent lessons, parents with their
child, the first school's deputy with a ledger as PDF. The first school's
«report_job_rows» is set to 1 so that the ledger is a job, as a large one is."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from app import clock, create_app
from app.extensions import db
from app.models import (
    Account, Assignment, GuardianLink, Learner, LearnerGroup, Lesson, Mark, Organisation, Period,
)
from app.scoping import acting_as


def main() -> None:
    app = create_app()
    with app.app_context(), acting_as(None):
        s = db.session
        today = clock.today()
        accounts = s.scalars(select(Account).where(Account.email.like("%@demo.example.org"))
                             .order_by(Account.id)).all()
        teachers, parents = [], []
        for account in accounts:
            name = account.username
            if name.startswith("s") and name.endswith(("-teacher", "-classteacher")):
                lesson = s.scalar(select(Lesson).join(Assignment, Assignment.lesson_id == Lesson.id)
                                  .where(Lesson.teacher_id == account.person_id, Lesson.date <= today,
                                         Lesson.date >= today - dt.timedelta(days=6))
                                  .order_by(Lesson.date.desc(), Lesson.number.desc()).limit(1))
                cell = None
                if lesson is not None:
                    work = s.scalar(select(Assignment.id).where(Assignment.lesson_id == lesson.id).limit(1))
                    learner = s.scalar(select(Learner.id).where(Learner.group_id == lesson.group_id,
                                                               Learner.left_on.is_(None)).order_by(Learner.id).limit(1))
                    cell = {"lesson_id": lesson.id, "assignment_id": work, "learner_id": learner}
                    mark = s.scalar(select(Mark).where(Mark.assignment_id == work, Mark.learner_id == learner))
                    if mark is not None:
                        s.delete(mark)  # the first save creates it: the test then follows its version
                grid = "/journal/" if lesson is None else \
                    f"/journal/?group={lesson.group_id}&subject={lesson.subject_id}"
                teachers.append({"username": name, "grid": grid, "cell": cell})
            elif name.endswith("-parent") and account.person_id:
                child = s.scalar(select(GuardianLink.learner_id).where(GuardianLink.guardian_id == account.person_id)
                                 .limit(1))
                if child:
                    parents.append({"username": name, "learner": child})
        school = s.scalar(select(Organisation).where(Organisation.short_name.like("%СОШ № 1")).order_by(Organisation.id)) \
            or s.scalar(select(Account).where(Account.username == "s1-deputy")).organisation
        settings = dict(school.settings or {})
        settings["core"] = {**settings.get("core", {}), "report_job_rows": 1}
        school.settings = settings
        flag_modified(school, "settings")
        group = s.scalar(select(LearnerGroup).where(LearnerGroup.org_id == school.id, LearnerGroup.name == "5А"))
        period = s.scalar(select(Period).where(Period.year_id == group.year_id, Period.type_code == "quarter",
                                               Period.start <= today).order_by(Period.start.desc()).limit(1))
        s.commit()
        print(json.dumps({"teachers": teachers, "parents": parents, "deputy": {
            "username": "s1-deputy", "ledger": f"/reports/school.ledger/?group={group.id}&period={period.id}&format=pdf"}},
            ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
