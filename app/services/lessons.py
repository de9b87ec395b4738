"""The lesson page: topic, distance format, assignments, homework and its files (R7)."""
from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..exceptions import RuleError
from ..models import Assignment, AssignmentType, Homework, HomeworkAttachment, Learner, Lesson

ALLOWED_EXTENSIONS = {"pdf", "doc", "docx", "odt", "rtf", "txt", "xls", "xlsx", "ods", "ppt", "pptx", "odp",
                      "jpg", "jpeg", "png", "gif", "zip"}


def update_lesson(lesson: Lesson, topic: str, distance: bool, platform: str, time: str, now: dt.datetime) -> None:
    topic = (topic or "").strip()
    if not topic:
        raise RuleError("R7", _l("Укажите тему урока: без темы урок не сохраняется."))
    if len(topic) > 500:
        raise RuleError("R7", _l("Тема урока длиннее 500 знаков."))
    if topic != lesson.topic or lesson.topic_entered_at is None:
        # Saving a topic put there by a plan (КТП) unchanged is the teacher's entry too.
        lesson.topic = topic
        lesson.topic_entered_at = now  # R7 is reported on from this time
    lesson.distance = bool(distance)
    lesson.distance_platform = (platform or "").strip() or None if distance else None
    lesson.distance_time = (time or "").strip() or None if distance else None


def add_assignment(session, lesson: Lesson, type_id: int, weight: str, title: str) -> Assignment:
    atype = session.get(AssignmentType, type_id)
    if atype is None:
        raise RuleError("R3", _l("Выберите вид работы из списка."))
    try:
        value = float(str(weight).replace(",", ".")) if str(weight).strip() else float(atype.weight)
    except ValueError:
        raise RuleError("R5", _l("Вес задания — число, например 1 или 1,5.")) from None
    if not 0 < value <= 10:
        raise RuleError("R5", _l("Вес задания должен быть больше 0 и не больше 10."))
    assignment = Assignment(org_id=lesson.org_id, lesson_id=lesson.id, type_id=atype.id, weight=value,
                            title=(title or "").strip()[:300])
    session.add(assignment)
    session.flush()
    return assignment


def add_homework(session, lesson: Lesson, text: str, due: str, learner_id: int | None, now: dt.datetime) -> Homework:
    text = (text or "").strip()
    if not text:
        raise RuleError("R7", _l("Впишите текст домашнего задания."))
    try:
        due_date = dt.date.fromisoformat(due)
    except (TypeError, ValueError):
        raise RuleError("R7", _l("Укажите, к какому дню задано, в виде даты.")) from None
    if due_date < lesson.date:
        raise RuleError("R7", _l("Срок выполнения не может быть раньше урока."))
    if learner_id is not None and session.scalar(
            select(Learner.id).where(Learner.id == learner_id, Learner.group_id == lesson.group_id)) is None:
        raise RuleError("R10", _l("Индивидуальное задание — только обучающемуся этого класса."))
    homework = Homework(org_id=lesson.org_id, lesson_id=lesson.id, learner_id=learner_id, text=text,
                        due_date=due_date, entered_at=now)
    session.add(homework)
    session.flush()
    return homework


def read_attachments(storages, max_bytes: int) -> list[tuple[str, str, str, bytes]]:
    """The files of a form, each checked (type, size) and read before any is kept: one refused
    file refuses them all and nothing is written. Gives (name, extension, content type, data)."""
    files = []
    for storage in storages:
        filename = os.path.basename(storage.filename or "")
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if extension not in ALLOWED_EXTENSIONS:
            raise RuleError("R7", _l("Файлы такого типа не принимаются: %(name)s. Допустимы: %(types)s.",
                                     name=filename[:100], types=", ".join(sorted(ALLOWED_EXTENSIONS))))
        data = storage.stream.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise RuleError("R7", _l("Файл %(name)s больше %(mb)s МБ.", name=filename[:100],
                                     mb=max_bytes // (1024 * 1024)))
        files.append((filename, extension, storage.mimetype or "application/octet-stream", data))
    return files


def store_attachments(session, homework: Homework, files, upload_dir: Path) -> list[HomeworkAttachment]:
    """Keep the files read by ``read_attachments`` under random names; if one cannot be
    written, the ones already written are removed."""
    written, attachments = [], []
    try:
        for filename, extension, content_type, data in files:
            upload_dir.mkdir(parents=True, exist_ok=True)
            stored = f"{uuid.uuid4().hex}.{extension}"
            (upload_dir / stored).write_bytes(data)
            written.append(upload_dir / stored)
            attachment = HomeworkAttachment(org_id=homework.org_id, homework_id=homework.id, filename=filename,
                                            stored_name=stored, content_type=content_type, size=len(data))
            session.add(attachment)
            attachments.append(attachment)
        session.flush()
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return attachments


def assign_substitute(session, lesson: Lesson, substitute_id: int, reason: str, user_id: int):
    """R15: the substitute fills the journal for the lesson; the log records it."""
    from ..models import Staff, Substitution

    reason = (reason or "").strip()
    if not reason:
        raise RuleError("R15", _l("Укажите причину замещения."))
    substitute = session.get(Staff, substitute_id)
    if substitute is None or substitute.kind != "staff":
        raise RuleError("R15", _l("Выберите замещающего учителя из сотрудников."))
    if substitute.id == lesson.teacher_id:
        raise RuleError("R15", _l("Учитель не может замещать сам себя."))
    lesson.substitute_id = substitute.id
    entry = Substitution(org_id=lesson.org_id, lesson_id=lesson.id, absent_teacher_id=lesson.teacher_id,
                         substitute_id=substitute.id, reason=reason, created_by=user_id)
    session.add(entry)
    session.flush()
    return entry


# What makes a lesson the lesson its marks were given at: once a lesson has marks,
# attendance or homework, these stay (a moved date would reopen the edit window).
# Each is a column and, but for the date, a relationship: forms set the one,
# services the other.
JOURNAL_FIELDS = {"date": None, "group_id": "group", "subgroup_id": "subgroup", "subject_id": "subject",
                  "teacher_id": "teacher"}


def _stored(session, lesson: Lesson) -> dict | None:
    """The lesson's row as the database has it (before this request's changes)."""
    if lesson.id is None:
        return None
    columns = [*JOURNAL_FIELDS, "substitute_id"]
    with session.no_autoflush:
        row = session.execute(select(*(getattr(Lesson, c) for c in columns)).where(Lesson.id == lesson.id)).first()
    return dict(zip(columns, row)) if row else None


def _wanted(lesson: Lesson, column: str, relationship: str | None):
    target = getattr(lesson, relationship) if relationship else None
    return target.id if target is not None else getattr(lesson, column)


def _has_journal_data(session, lesson_id: int) -> bool:
    from sqlalchemy import exists

    from ..models import Attendance, Mark

    with session.no_autoflush:
        return bool(session.scalar(select(
            exists().where(Mark.assignment_id == Assignment.id, Assignment.lesson_id == lesson_id)
            | exists().where(Attendance.lesson_id == lesson_id)
            | exists().where(Homework.lesson_id == lesson_id))))


def check_lesson_record(session, lesson: Lesson, scope, *, deleting: bool = False) -> None:
    """The rules of the «Уроки» list and the lessons REST resource (their one way in).

    A teacher changes his lessons on the lesson page only (topic, format,
    homework, the substitute with a reason: R15); the timetable and the Завуч
    schedule them. Nobody rewrites or deletes a lesson that already holds journal
    data, and a substitute is named with a reason on the lesson page, so that
    the journal of substitutions has it.
    """
    if scope is not None and scope.learner_ids is not None:
        raise RuleError("R15", _l("Урок меняется на странице урока: тема, формат, домашнее задание и замещение. "
                                  "Дату, класс и учителя урока меняет завуч в расписании."))
    stored = _stored(session, lesson)
    if stored is None:
        if lesson.substitute_id or lesson.substitute is not None:
            raise RuleError("R15", _l("Замещение оформляется на странице урока с указанием причины: "
                                      "так оно попадает в журнал замещений."))
        return
    if not deleting and _wanted(lesson, "substitute_id", "substitute") != stored["substitute_id"]:
        raise RuleError("R15", _l("Замещение оформляется на странице урока с указанием причины: "
                                  "так оно попадает в журнал замещений."))
    changed = any(_wanted(lesson, c, r) != stored[c] for c, r in JOURNAL_FIELDS.items())
    if (deleting or changed) and _has_journal_data(session, lesson.id):
        if deleting:
            raise RuleError("R16", _l("Урок с отметками, посещаемостью или домашним заданием не удаляется."))
        raise RuleError("R16", _l("По уроку уже есть отметки, посещаемость или домашнее задание: "
                                  "его дату, класс, предмет и учителя не меняют."))
