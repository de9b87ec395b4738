"""Reports of the school plugin."""
from __future__ import annotations

from sqlalchemy import func, select

from app.models import Learner, LearnerGroup
from app.registry import Table


def class_fill(session, params=None) -> list[Table]:
    """Наполняемость классов: learners present in each class today, boys and girls."""
    rows = session.execute(
        select(
            LearnerGroup.level,
            LearnerGroup.name,
            func.count(Learner.id),
            func.count(Learner.id).filter(Learner.gender == "м"),
            func.count(Learner.id).filter(Learner.gender == "ж"),
        )
        .join(Learner, (Learner.group_id == LearnerGroup.id) & Learner.left_on.is_(None), isouter=True)
        .where(LearnerGroup.kind == "class", LearnerGroup.org_id == params["organisation"])
        .group_by(LearnerGroup.level, LearnerGroup.name)
        .order_by(LearnerGroup.level, LearnerGroup.name)
    ).all()
    return [Table("Наполняемость классов", ["Параллель", "Класс", "Всего", "Мальчиков", "Девочек"],
                  [list(r) for r in rows])]
