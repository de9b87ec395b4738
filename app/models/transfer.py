"""A learner's transfer from one organisation to another (перевод в другую ОО).

The row belongs to two organisations: the sending one issues it (its learner
leaves by an order of its movement book), the receiving one accepts it into a
class (a learner of its own, enrolled by an order of its book). Each side sees
only the transfers it is a party to (``app.scoping.reads``).

What the receiving organisation gets of the sending one's records is the
``snapshot`` taken when the transfer is issued: the personal card, the
guardians, and the current year's marks, attendance and final marks. It is a
copy owned by the transfer: the receiving side never reads the sending side's
rows, and nothing of it can be changed (no page or service writes it after the
issue).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, Timestamped

ISSUED, ACCEPTED, CANCELLED = "issued", "accepted", "cancelled"
STATUSES = {ISSUED: "Ожидает приёма", ACCEPTED: "Принят", CANCELLED: "Отменён"}


class Transfer(Timestamped, Model):
    """Перевод обучающегося в другую образовательную организацию."""

    __tablename__ = "learner_transfer"
    __scope__ = "custom"
    __audited__ = True
    # The write guard does not ask the sender to see the receiving organisation's row.
    __cross_org_keys__ = ("to_org_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    from_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True, nullable=False)
    to_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True, nullable=False)
    # The names as they were on the day of the issue: each side shows the other's name
    # without reading the other's organisation.
    from_org_name: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    to_org_name: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    learner_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)  # the sending side's
    learner_name: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    number: Mapped[str] = mapped_column(String(40), nullable=False)  # the sending side's order
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    event_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=ISSUED, index=True)
    issued_by: Mapped[int | None] = mapped_column(Integer)  # account id
    # Once accepted: the receiving side's learner, its class and order.
    to_learner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    to_group_id: Mapped[int | None] = mapped_column(ForeignKey("learner_group.id"), index=True)
    accepted_number: Mapped[str | None] = mapped_column(String(40))
    accepted_on: Mapped[dt.date | None] = mapped_column(Date)
    accepted_by: Mapped[int | None] = mapped_column(Integer)  # account id
    # {"card": {...}, "guardians": [...], "year": "2026/2027", "marks": [...], "attendance": {...},
    #  "finals": [...]} — see app.services.transfers.snapshot_of.
    snapshot: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)

    @property
    def org_id(self) -> int:
        """The organisation whose act the row's latest change is, for the audit log:
        the sending one's issue and cancellation, the receiving one's acceptance."""
        return self.to_org_id if self.status == ACCEPTED else self.from_org_id

    def __str__(self):
        return f"{self.learner_name}: {self.from_org_name} → {self.to_org_name}"
