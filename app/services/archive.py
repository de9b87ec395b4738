"""Архив журналов и ведомостей (R16): at the end of a year, or when asked, the Завуч
hands each class's journal and ledgers over to the archive.

``freeze_year`` renders, for every group of the year whose kind takes marks, the
documents that exist as reports (``DOCUMENTS``) into PDF files under the archive
folder (``ARCHIVE_DIR``, in the instance folder: a backup of that folder and of the
database holds them), written read-only, each with its SHA-256; a manifest (file
name, SHA-256, size) is written beside them and its SHA-256 kept on the batch,
which records who signed the year off and when (its insert is in the audit log).
A year is handed over once: a second time is refused. ``verify`` tells the files
changed or missing since. Nothing here updates or deletes a batch or a file
(the models refuse it too).

Keep periods (seed 001, 6.5): журналы успеваемости — 5 лет (``journal_keep_years``),
изъятые из них сводные ведомости успеваемости — 25 лет (``ledger_keep_years``; seed
002, III.2 keeps them 75 years by its номенклатура дел, which the organisation sets
on «Правила организации»). The attendance ledger is a part of the journal: 5 years.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import re
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select

from .. import clock
from ..exceptions import EjournalError, ReportError
from ..models import (
    AcademicYear,
    ArchiveBatch,
    ArchiveFile,
    LearnerGroup,
    Lesson,
    Organisation,
    Period,
    Subject,
    TeachingAssignment,
)
from .periods import study_periods

MANIFEST = "MANIFEST.txt"

# Which rule setting («Правила организации», plugin core) keeps each kind, in years.
KEEP_SETTINGS = {
    "journal": "journal_keep_years",
    "attainment_ledger": "ledger_keep_years",
    "attendance_ledger": "journal_keep_years",
}


class ArchiveError(EjournalError):
    """A year that cannot be handed over (already handed over, nothing to hand over …)."""


@dataclass(frozen=True)
class Run:
    """One run of a report for a group: its parameters and a prefix of its tables' titles."""

    params: dict
    prefix: str = ""


@dataclass(frozen=True)
class Document:
    """A kind of archived document made by the report ``report_id`` from its ``runs``."""

    kind: str
    report_id: str
    runs: Callable  # (session, host, group) -> list[Run]


def _whole_year(session, host, group) -> list[Run]:
    return [Run({"group": group.id})]


def _subjects(session, group) -> list[Subject]:
    """The group's subjects of the year: its teaching load and whatever it had lessons in."""
    taught = select(TeachingAssignment.subject_id).where(TeachingAssignment.group_id == group.id)
    lessons = select(Lesson.subject_id).where(Lesson.group_id == group.id)
    return session.scalars(select(Subject).where(or_(Subject.id.in_(taught), Subject.id.in_(lessons)))
                           .order_by(Subject.name, Subject.id)).all()


def _per_subject_and_period(session, host, group) -> list[Run]:
    periods = study_periods(session, host, group)
    return [Run({"group": group.id, "subject": s.id, "period": p.id}, p.name)
            for s in _subjects(session, group) for p in periods]


def _per_semester_and_year(session, host, group) -> list[Run]:
    """A college's ledger: each semester, then the year (the periods its report takes)."""
    plugin = host.group_kinds[group.kind].plugin
    periods = session.scalars(select(Period).where(Period.year_id == group.year_id, Period.plugin == plugin)
                              .order_by(Period.is_final, Period.order, Period.start, Period.id)).all()
    taken = [p for p in periods if p.type_code == "semester"
             or getattr(host.period_types.get(p.type_code), "whole_year", False)]
    return [Run({"group": group.id, "period": p.id}, p.name) for p in taken]


# The documents of a year, as the loaded plugins' reports make them: a document is made
# for a group when its report exists, the organisation has the report's plugin and the
# group's kind is that plugin's.
DOCUMENTS = [
    Document("journal", "school.journal_print", _per_subject_and_period),
    Document("attainment_ledger", "school.ledger", _whole_year),
    Document("attendance_ledger", "school.attendance_ledger", _whole_year),
    Document("attainment_ledger", "college.group_ledger", _per_semester_and_year),
]


@dataclass(frozen=True)
class Damage:
    """A file of a batch no longer as archived: ``reason`` "changed" or "missing";
    ``file`` None for the manifest."""

    file: ArchiveFile | None
    name: str
    reason: str

    @property
    def label(self) -> str:
        return _("изменён") if self.reason == "changed" else _("отсутствует")


def archive_dir() -> Path:
    return Path(current_app.config.get("ARCHIVE_DIR") or Path(current_app.instance_path) / "archive")


def keep_years(host, org: Organisation, kind: str) -> int:
    return int(host.setting(org, "core", KEEP_SETTINGS[kind]))


def keep_until(year: AcademicYear, years: int) -> dt.date:
    end = year.end
    try:
        return end.replace(year=end.year + years)
    except ValueError:  # 29 February
        return end.replace(year=end.year + years, day=28)


def signer_name(account) -> str:
    """The signer's full name: his staff card's, else his account's."""
    person = getattr(account, "person", None)
    name = person.full_name if person is not None else " ".join(
        p for p in (account.last_name, account.first_name) if p)
    return (name or account.username).strip()


def _safe(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", str(text)).strip("_") or "_"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def manifest_text(org: Organisation, year: AcademicYear, signed_by: str, signed_on: dt.date,
                  rows: list[tuple[str, str, int]]) -> str:
    """The list of a batch's files: «SHA-256  size  name» a line, under a header of who signed it off."""
    lines = [
        "# " + _("Архив журналов и ведомостей: %(org)s, учебный год %(year)s", org=org.name, year=year.name),
        "# " + _("Сдал(а): %(name)s, %(date)s", name=signed_by, date=f"{signed_on:%d.%m.%Y}"),
        "# " + _("SHA-256, размер в байтах, файл"),
    ]
    lines += [f"{sha}  {size}  {name}" for name, sha, size in rows]
    return "\n".join(lines) + "\n"


def groups_to_archive(session, host, org: Organisation, year: AcademicYear) -> list[LearnerGroup]:
    kinds = [code for code, kind in host.group_kinds.items() if kind.takes_marks and kind.plugin in (org.plugins or [])]
    return session.scalars(select(LearnerGroup).where(
        LearnerGroup.org_id == org.id, LearnerGroup.year_id == year.id, LearnerGroup.kind.in_(kinds))
        .order_by(LearnerGroup.level, LearnerGroup.name, LearnerGroup.id)).all()


def documents_for(host, org: Organisation, group: LearnerGroup) -> list[tuple[Document, object]]:
    plugin = host.group_kinds[group.kind].plugin
    out = []
    for doc in DOCUMENTS:
        spec = host.reports.get(doc.report_id)
        if spec is not None and spec.plugin == plugin and spec.plugin in (org.plugins or []):
            out.append((doc, spec))
    return out


def existing_batch(session, org: Organisation, year: AcademicYear) -> ArchiveBatch | None:
    return session.scalar(select(ArchiveBatch).where(ArchiveBatch.org_id == org.id,
                                                     ArchiveBatch.year_id == year.id))


def already_archived_message(batch: ArchiveBatch) -> str:
    return _("Журналы этого учебного года уже сданы в архив %(date)s (%(name)s); повторная сдача не допускается.",
             date=f"{batch.signed_on:%d.%m.%Y}", name=batch.signed_by)


def _render(session, host, org, year, group, runs: list[Run], spec, signed_by: str, on: dt.date) -> bytes:
    from ..reports import run_report
    from ..reports.formats import render

    tables = []
    for run in runs:
        values = {"organisation": org.id, **run.params}
        try:
            found = run_report(session, spec, values)
        except ReportError as exc:
            raise ArchiveError(_("«%(title)s», %(group)s: %(error)s", title=spec.title, group=group.name,
                                 error=str(exc))) from None
        tables += [dataclasses.replace(t, title=f"{run.prefix}. {t.title}") if run.prefix else t for t in found]
    kind = host.group_kinds[group.kind]
    header = [(str(kind.name), group.name), (_("Учебный год"), year.name),
              (_("Сдано в архив"), f"{signed_by}, {on:%d.%m.%Y}")]
    data, _mime, _ext = render(spec, {"organisation": org.id, "group": group.id}, header, tables, "pdf",
                               session=session)
    return data


def _write_read_only(path: Path, data: bytes) -> None:
    with open(path, "xb") as f:  # never over an existing file
        f.write(data)
    os.chmod(path, 0o444)


def _remove_tree(folder: Path) -> None:
    """Take back a batch that was not recorded (its files are read-only)."""
    if not folder.exists():
        return
    for path in folder.iterdir():
        os.chmod(path, 0o644)
    shutil.rmtree(folder, ignore_errors=True)


def freeze_year(session, host, org: Organisation, year: AcademicYear, account, on: dt.date | None = None,
                progress: Callable[[int], None] | None = None) -> ArchiveBatch:
    """Hand the year's journals and ledgers of ``org`` over to the archive, signed off by
    ``account`` on ``on`` (today); flushed, not committed. Runs under the caller's scope
    (the reports see what the signer sees) and inside a request context (the PDF templates)."""
    on = on or clock.today()
    if year.org_id != org.id:
        raise ArchiveError(_("Учебный год не из этой организации."))
    found = existing_batch(session, org, year)
    if found is not None:
        raise ArchiveError(already_archived_message(found))
    groups = groups_to_archive(session, host, org, year)
    # A document of no runs (a journal of no subject, a ledger of no semester) is not made.
    work = [(group, doc, spec, runs) for group in groups for doc, spec in documents_for(host, org, group)
            if (runs := doc.runs(session, host, group))]
    if not work:
        raise ArchiveError(_("В учебном году %(year)s нет классов и групп с журналами для архива.", year=year.name))
    signed_by = signer_name(account)
    relative = Path(str(org.id)) / f"{_safe(year.name)}_{clock.now():%Y%m%d-%H%M%S}_{secrets.token_hex(3)}"
    folder = archive_dir() / relative
    folder.mkdir(parents=True, exist_ok=False)
    try:
        files, used = [], set()
        for n, (group, doc, spec, runs) in enumerate(work, 1):
            data = _render(session, host, org, year, group, runs, spec, signed_by, on)
            name = f"{_safe(group.name)}_{doc.kind}.pdf"
            while name in used:
                name = f"{_safe(group.name)}_{group.id}_{doc.kind}.pdf"
                if name in used:
                    name = f"{_safe(group.name)}_{group.id}_{doc.kind}_{len(used)}.pdf"
            used.add(name)
            _write_read_only(folder / name, data)
            files.append(ArchiveFile(
                org_id=org.id, group_id=group.id, kind=doc.kind,
                title=f"{spec.title} — {group.name}", file_name=name,
                path=str(relative / name), size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                keep_until=keep_until(year, keep_years(host, org, doc.kind))))
            if progress:
                progress(10 + 80 * n // len(work))
        manifest = manifest_text(org, year, signed_by, on, [(f.file_name, f.sha256, f.size) for f in files])
        data = manifest.encode()
        _write_read_only(folder / MANIFEST, data)
        batch = ArchiveBatch(org_id=org.id, year_id=year.id, signed_by=signed_by, account_id=account.id,
                             signed_on=on, directory=str(relative), manifest_sha256=hashlib.sha256(data).hexdigest())
        session.add(batch)
        session.flush()
        for f in files:
            f.batch_id = batch.id
        session.add_all(files)
        session.flush()
    except BaseException:
        _remove_tree(folder)
        raise
    return batch


def verify(session, batch: ArchiveBatch, files: list[ArchiveFile] | None = None) -> list[Damage]:
    """The files of ``batch`` (and its manifest) changed or missing on disk since they were archived."""
    root = archive_dir()
    if files is None:
        files = session.scalars(select(ArchiveFile).where(ArchiveFile.batch_id == batch.id)
                                .order_by(ArchiveFile.id)).all()
    damaged = []
    for f in files:
        path = root / f.path
        if not path.is_file():
            damaged.append(Damage(f, f.file_name, "missing"))
        elif sha256_of(path) != f.sha256:
            damaged.append(Damage(f, f.file_name, "changed"))
    manifest = root / batch.directory / MANIFEST
    if not manifest.is_file():
        damaged.append(Damage(None, MANIFEST, "missing"))
    elif sha256_of(manifest) != batch.manifest_sha256:
        damaged.append(Damage(None, MANIFEST, "changed"))
    else:
        # The manifest is as signed: the records of the files must still say what it says.
        listed = {}
        for line in manifest.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                sha, size, name = line.split("  ", 2)
                listed[name] = (sha, int(size))
        seen = {d.file.id for d in damaged if d.file is not None}
        damaged += [Damage(f, f.file_name, "changed") for f in files
                    if f.id not in seen and listed.get(f.file_name) != (f.sha256, f.size)]
    return damaged


def file_path(f: ArchiveFile) -> Path:
    return archive_dir() / f.path


def level_of(session, account, org_id: int | None) -> int:
    """The account's level on «Архив журналов и ведомостей» in ``org_id`` (0, 1 read, 2 write)."""
    from ..roles import SYSTEM_ADMIN
    from ..security import role_levels, widest

    if SYSTEM_ADMIN in {r.name for r in account.roles}:
        return 2
    if account.org_id is None or account.org_id != org_id:
        return 0
    return widest(role_levels(session, account, org_id)).get("Archive", 0)
