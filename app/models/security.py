"""Accounts and rights: FAB's user extended with its organisation, per-organisation rights."""
from __future__ import annotations

import datetime as dt

from flask_appbuilder.security.sqla.models import User as FabUser
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, OrgScoped


class Account(FabUser):
    """An account. Staff of an organisation carry ``org_id``; staff of an authority
    carry ``authority_id``; learners and guardians also point at their ``person``."""

    # Single-table extension of ab_user: FAB keeps its own relationships to "User".
    __audited__ = True
    __scope__ = "custom"

    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authority.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    # Issue 5: a one-time password must be changed at the first login; staff
    # passwords expire (R12); «Выход» bumps the epoch, ending every session of it.
    must_change_password: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    session_epoch: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")

    organisation = relationship("Organisation", foreign_keys=[org_id])
    authority = relationship("Authority", foreign_keys=[authority_id])
    person = relationship("Person", foreign_keys=[person_id])

    def get_full_name(self):
        """«Комарова Е. М.»: FAB shows it in the navbar, where the full name pushed
        the user's menu onto a second line."""
        initials = " ".join(f"{p[0]}." for p in (self.first_name or "").split() if p)
        return f"{self.last_name} {initials}".strip()


class OrgRolePermission(OrgScoped, Model):
    """What a role may do on a resource in one organisation, overriding the default.

    ``level`` is "none", "read" or "write". Roles are shared by all organisations;
    what the Администратор changes for his organisation lands here.
    """

    __tablename__ = "org_role_permission"
    __scope__ = "organisation"
    __table_args__ = (UniqueConstraint("org_id", "role_id", "resource"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("ab_role.id"), index=True, nullable=False)
    resource: Mapped[str] = mapped_column(String(100), nullable=False)
    level: Mapped[str] = mapped_column(String(10), nullable=False)

    role = relationship("Role")
