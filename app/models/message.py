"""Внутренняя почта: threads, messages and their recipients with read receipts.

Names of the sender and of each recipient are copied at sending: a parent's
scope does not reach other accounts, and the inbox needs no join to show them.
``sender_rank`` orders the inbox as seed 002 asks (administration, class
teacher, subject teacher, other staff, parent, learner).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, OrgScoped, now

KINDS = ("message", "notice")


class MailThread(OrgScoped, Model):
    """A conversation: a first message and its replies, private to its participants."""

    __tablename__ = "mail_thread"
    __scope__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=now)

    messages = relationship("MailMessage", back_populates="thread", order_by="MailMessage.id")


class MailMessage(OrgScoped, Model):
    __tablename__ = "mail_message"
    __scope__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("mail_thread.id"), index=True, nullable=False)
    sender_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), index=True, nullable=False)
    sender_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    body: Mapped[str] = mapped_column(Text, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="message")
    # A notice names the learner it is about (not ``learner_id``: the scoping rule
    # for per-learner rows would hide every ordinary message).
    about_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=now)

    thread = relationship(MailThread, back_populates="messages")
    recipients = relationship("MailRecipient", back_populates="message", order_by="MailRecipient.id")


class MailRecipient(OrgScoped, Model):
    """One recipient of a message: the inbox row, with its read receipt."""

    __tablename__ = "mail_recipient"
    __scope__ = "organisation"
    __table_args__ = (
        UniqueConstraint("message_id", "account_id"),
        Index("ix_mail_recipient_inbox", "account_id", "sender_rank", "message_id"),
        Index("ix_mail_recipient_unread", "account_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("mail_message.id"), index=True, nullable=False)
    account_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), index=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    sender_rank: Mapped[int] = mapped_column(Integer, nullable=False, default=9)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    emailed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    message = relationship(MailMessage, back_populates="recipients")
