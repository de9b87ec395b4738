"""The movement book: one row per learner and order (a collective order, such as
the promotion of a whole school at the closing of a year, shares one number)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models import Model, OrgScoped
from app.models.base import Timestamped

ENROL, DEPART, TRANSFER, PROMOTE, GRADUATE, REPEAT = "enrol", "depart", "transfer", "promote", "graduate", "repeat"
# Academic leave keeps the learner on the roll but off his group's list until a return
# order; reinstatement brings back one who departed (a college's «восстановление»).
LEAVE, RETURN, REINSTATE = "leave", "leave_return", "reinstate"
# Code → Russian name (shown through gettext where displayed); a kind of group renames
# them (``MovementRules.labels``).
KINDS = {
    ENROL: "Зачисление",
    DEPART: "Выбытие",
    TRANSFER: "Перевод в другой класс",
    PROMOTE: "Перевод в следующий класс",
    GRADUATE: "Выпуск",
    REPEAT: "Оставление на повторное обучение",
    LEAVE: "Академический отпуск",
    RETURN: "Выход из академического отпуска",
    REINSTATE: "Восстановление",
}


class MovementOrder(OrgScoped, Timestamped, Model):
    """Запись книги движения: приказ (number, date) about one learner.

    ``event_date`` is the day the movement takes effect (the learner comes,
    leaves or changes class); ``created_at`` is when it was entered into the
    system, which the deadlines of seed 004 3.3.3.2 (R14) are checked against.
    """

    __tablename__ = "school_movement_order"
    __scope__ = "learner"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), nullable=False)
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)  # date of the order
    event_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    year_id: Mapped[int | None] = mapped_column(ForeignKey("academic_year.id"), index=True)
    from_group_id: Mapped[int | None] = mapped_column(ForeignKey("learner_group.id"), index=True)
    to_group_id: Mapped[int | None] = mapped_column(ForeignKey("learner_group.id"), index=True)
    destination: Mapped[str | None] = mapped_column(Text)  # «куда выбыл» / «откуда прибыл» / основание
    entered_by: Mapped[int | None] = mapped_column(Integer)  # account id

    learner = relationship("Learner")
    year = relationship("AcademicYear")
    from_group = relationship("LearnerGroup", foreign_keys=[from_group_id])
    to_group = relationship("LearnerGroup", foreign_keys=[to_group_id])

    def __str__(self):
        return f"№ {self.number} от {self.date:%d.%m.%Y}"
