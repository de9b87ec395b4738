"""Уведомления (seeds 000, 001): a teacher tells the class teacher about a failing or
absent learner; the class teacher tells the learner's parents.

A notice is an internal message (kind «notice», naming the learner) and, when SMTP
is configured (``MAIL_SERVER``), also an e-mail to the recipients' addresses. The
e-mail is sent after the message is committed, by a background job tried 3 times
(``app/jobs``): a failing mail server never loses the internal message, and its
failure is kept on the job.
"""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..exceptions import RuleError
from ..models import (
    Account,
    Assignment,
    Attendance,
    AttendanceCode,
    GuardianLink,
    Learner,
    LearnerGroup,
    Lesson,
    MailRecipient,
    Mark,
    Period,
    Subject,
)
from ..models.base import now
from ..registry import SCOPE_GROUPS, MovementRules
from ..scoping import acting_as, current_scope
from . import mail
from .kinds import lower_first, upper_first, words_of

RULE = _l("Уведомления")
TO_LEADER, TO_PARENTS = "leader", "parents"
_ABSENT = ("unknown", "unexcused")


def _accounts_of_people(session, org_id: int, person_ids) -> list[int]:
    person_ids = [p for p in person_ids if p is not None]
    if not person_ids:
        return []
    with acting_as(None):
        return list(session.scalars(select(Account.id).where(Account.org_id == org_id, Account.person_id.in_(person_ids),
                                                             Account.active.is_(True)).order_by(Account.id)))


def learner_for(session, learner_id: int) -> Learner | None:
    """The learner if the user reaches him (the scope cuts the others)."""
    # A query, not ``session.get``: an object already in the identity map would skip the scope.
    return session.scalar(select(Learner).where(Learner.id == learner_id)) if learner_id else None


def targets(session, account, learner: Learner) -> dict[str, list[int]]:
    """Whom the account may notify about ``learner``: {"leader": [...], "parents": [...]}.

    A teacher of the learner's group notifies its leader; the leader notifies the
    parents. The administration may do both."""
    scope = current_scope()
    group = session.get(LearnerGroup, learner.group_id) if learner.group_id else None
    out: dict[str, list[int]] = {}
    if group is None:
        return out
    names = {r.name for r in account.roles}
    is_admin = bool(names & set(mail.ADMINISTRATION))
    is_leader = account.person_id is not None and group.leader_id == account.person_id
    # A teacher of the group (taught, led or substituted); not a parent, whose scope
    # also names the child's group.
    teaches = scope is not None and scope.kind == SCOPE_GROUPS and group.id in (scope.group_ids or ())
    if (teaches or is_admin) and not is_leader and group.leader_id is not None:
        leader = _accounts_of_people(session, account.org_id, [group.leader_id])
        if leader:
            out[TO_LEADER] = leader
    if is_leader or is_admin:
        with acting_as(None):
            guardians = list(session.scalars(select(GuardianLink.guardian_id).where(GuardianLink.learner_id == learner.id)))
        parents = _accounts_of_people(session, account.org_id, guardians)
        if parents:
            out[TO_PARENTS] = parents
    return out


def journal_summary(session, learner: Learner, subject_id: int | None, period_id: int | None) -> str:
    """A prefilled reason: failing marks and absences of the learner in the subject and period."""
    period = session.get(Period, period_id) if period_id else None
    subject = session.get(Subject, subject_id) if subject_id else None
    lessons = select(Lesson.id).where(Lesson.group_id == learner.group_id)
    if subject is not None:
        lessons = lessons.where(Lesson.subject_id == subject.id)
    if period is not None:
        lessons = lessons.where(Lesson.date >= period.start, Lesson.date <= period.end)
    marks = session.scalars(select(Mark.value).join(Assignment, Assignment.id == Mark.assignment_id)
                            .where(Mark.learner_id == learner.id, Assignment.lesson_id.in_(lessons))
                            .order_by(Mark.id)).all()
    absences = session.execute(select(Attendance.date, AttendanceCode.code)
                               .join(AttendanceCode, AttendanceCode.id == Attendance.code_id)
                               .where(Attendance.learner_id == learner.id, Attendance.lesson_id.in_(lessons),
                                      AttendanceCode.category.in_(_ABSENT))
                               .order_by(Attendance.date)).all()
    failing = [m for m in marks if m in ("2", "1", "нз")]
    where = []
    if subject is not None:
        where.append(_("по предмету «%(subject)s»", subject=subject.name))
    if period is not None:
        where.append(_("за период «%(period)s»", period=period.name))
    parts = []
    if failing:
        parts.append(_("неудовлетворительные отметки: %(marks)s", marks=", ".join(failing)))
    if absences:
        days = ", ".join(f"{d:%d.%m} ({c})" for d, c in absences)
        parts.append(_("пропуски без установленной причины: %(days)s", days=days))
    if not parts:
        parts.append(_("прошу обратить внимание на успеваемость и посещаемость"))
    return _("%(learner)s %(where)s: %(parts)s.", learner=learner.full_name, where=" ".join(where),
             parts="; ".join(parts)).replace("  ", " ")


def notify(session, account, learner: Learner, to: str, text: str):
    """Send the notice as internal mail; returns the message (the caller commits,
    then calls ``email_message``)."""
    allowed = targets(session, account, learner)
    group = session.get(LearnerGroup, learner.group_id) if learner.group_id else None
    kind = words_of(group)  # the words of the learner's group: «куратор», «студента»
    if to not in allowed:
        if to == TO_PARENTS:
            raise RuleError(RULE, _l("Родителей уведомляет %(leader)s %(learner)s; у родителей этого %(learner)s "
                                     "может не быть учётной записи.", leader=lower_first(kind.leader),
                                     learner=kind.learner_of))
        raise RuleError(RULE, _l("%(leader)s уведомляет %(teacher)s, ведущий предмет %(in_group)s %(learner)s; "
                                 "у %(group)s может не быть %(leader_of)s с учётной записью.",
                                 leader=upper_first(kind.leader_of), teacher=lower_first(kind.teacher),
                                 in_group=(kind.movement or MovementRules()).in_group, learner=kind.learner_of,
                                 group=kind.group_of, leader_of=kind.leader_of))
    subject = _("Уведомление %(about)s: %(learner)s (%(group)s)", about=kind.about_learner,
                learner=learner.full_name, group=group.name if group else "")
    return mail.send(session, account, allowed[to], text, subject=subject, kind="notice",
                     about_person_id=learner.id, extra_allowed=set(allowed[to]))


def smtp_configured(config) -> bool:
    return bool(config.get("MAIL_SERVER"))


def _addressed(session, message_id: int) -> list:
    """(recipient, address) of the message's recipients who have an e-mail address."""
    with acting_as(None):
        rows = session.execute(select(MailRecipient, Account.email)
                               .join(Account, Account.id == MailRecipient.account_id)
                               .where(MailRecipient.message_id == message_id)
                               .order_by(MailRecipient.id)).all()
    return [(r, email) for r, email in rows if email and "@" in email]


def email_message(session, message) -> int:
    """Queue the e-mail of a committed message to its recipients who have an address,
    when SMTP is configured: a «mail» job (``app/jobs/mail.py``) sends it, tried 3 times,
    out of the request. Returns how many letters were sent when the job has already
    run (``JOBS_SYNC``), else how many are on their way."""
    config = current_app.config
    if not smtp_configured(config):
        return 0
    addressed = _addressed(session, message.id)
    if not addressed:
        return 0
    from ..jobs import enqueue

    with acting_as(None):
        subject, sender_id, org_id, message_id = (message.thread.subject, message.sender_id, message.org_id,
                                                  message.id)
    job = enqueue(session, kind="mail", title=_("Письмо: %(subject)s", subject=subject), account_id=sender_id,
                  org_id=org_id, params={"message_id": message_id})
    if job.status not in ("done", "failed"):
        return len(addressed)
    with acting_as(None):
        return sum(1 for recipient, _email in _addressed(session, message_id) if recipient.emailed_at is not None)


def send_email(session, message_id: int) -> int:
    """Send the message to its addressed recipients not yet e-mailed (a retry sends
    only what failed before). Raises when the server is unreachable or refused a
    letter: the mail job tries again, then records the failure."""
    from ..models import MailMessage

    config = current_app.config
    with acting_as(None):
        message = session.get(MailMessage, message_id)
        if message is None:
            return 0
        subject, body, sender = message.thread.subject, message.body, message.sender_name
    pending = [(r, email) for r, email in _addressed(session, message_id) if r.emailed_at is None]
    sent, refused = 0, []
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25), timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            for recipient, email in pending:
                letter = EmailMessage()
                letter["From"] = config.get("MAIL_FROM") or "ejournal@localhost"
                letter["To"] = email
                letter["Subject"] = subject
                letter.set_content(_("%(body)s\n\n— %(sender)s, электронный журнал.\nОтветить можно во внутренней "
                                     "почте журнала.", body=body, sender=sender))
                try:
                    smtp.send_message(letter)
                except smtplib.SMTPException:
                    current_app.logger.exception("notice: e-mail to %s failed", email)
                    refused.append(email)
                    continue
                recipient.emailed_at = now()
                sent += 1
    finally:
        if sent:  # what went out stays recorded, whatever failed after it
            with acting_as(None):
                session.commit()
    if refused:
        raise RuntimeError(_("сервер не принял письма для %(emails)s", emails=", ".join(refused)))
    return sent
