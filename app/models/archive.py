"""Архив журналов и ведомостей: a year's class journals and ledgers frozen into PDF
files (R16), signed off by the Завуч, with the SHA-256 of each file and of their list.

Neither a batch nor its files change once written: the rows refuse an update or a
delete (``_refuse_change``), the files are written read-only, and
``app.services.archive.verify`` finds a file changed or removed on disk.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, OrgScoped, now

# Kinds of archived document → their Russian names (the keep period of each: app/services/archive.py).
ARCHIVE_KINDS = {
    "journal": "Классный журнал",
    "attainment_ledger": "Сводная ведомость успеваемости",
    "attendance_ledger": "Сводная ведомость посещаемости",
}


class ArchiveBatch(OrgScoped, Model):
    """One year of one organisation handed over to the archive: who signed it off, when,
    where its files lie and the SHA-256 of its manifest (file name, SHA-256, size)."""

    __tablename__ = "archive_batch"
    __table_args__ = (UniqueConstraint("org_id", "year_id", name="uq_archive_batch_year"),)
    __scope__ = "organisation"
    __audited__ = True
    __label__ = "Сдача журналов в архив"

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("academic_year.id"), index=True, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, nullable=False)
    signed_by: Mapped[str] = mapped_column(String(200), nullable=False)
    account_id: Mapped[int | None] = mapped_column(Integer, index=True)
    signed_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    # The batch's folder, relative to the archive folder (ARCHIVE_DIR).
    directory: Mapped[str] = mapped_column(String(300), nullable=False)
    manifest_sha256: Mapped[str] = mapped_column(String(64), nullable=False)

    year = relationship("AcademicYear")
    files = relationship("ArchiveFile", back_populates="batch", order_by="ArchiveFile.id")


class ArchiveFile(OrgScoped, Model):
    """One archived PDF: the group and kind of document, its size, SHA-256 and keep-until date."""

    __tablename__ = "archive_file"
    __scope__ = "organisation"
    __audited__ = True
    __label__ = "Файл архива"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("archive_batch.id"), index=True, nullable=False)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("learner_group.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    file_name: Mapped[str] = mapped_column(String(200), nullable=False)
    # Relative to the archive folder (ARCHIVE_DIR), so that a restored backup finds it.
    path: Mapped[str] = mapped_column(String(500), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    keep_until: Mapped[dt.date] = mapped_column(Date, nullable=False)

    batch = relationship("ArchiveBatch", back_populates="files")
    group = relationship("LearnerGroup")


def _refuse_change(mapper, connection, target) -> None:
    from ..exceptions import RuleError

    raise RuleError("R16", "Документы, сданные в архив, не изменяются и не удаляются.")


for _model in (ArchiveBatch, ArchiveFile):
    event.listen(_model, "before_update", _refuse_change)
    event.listen(_model, "before_delete", _refuse_change)
