"""Tenants: the education authority and its organisations."""
from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model


class Authority(Model):
    """Орган управления образованием (УО): owns organisations, oversees them read-only."""

    __tablename__ = "authority"
    __scope__ = "custom"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    short_name: Mapped[str | None] = mapped_column(String(120), default="")

    organisations = relationship("Organisation", back_populates="authority")

    def __str__(self):
        return self.short_name or self.name


class Organisation(Model):
    """Образовательная организация (ОО): the tenant, with its plugins and settings."""

    __tablename__ = "organisation"
    __reference__ = True  # kept in memory between requests (app/reference.py)
    __scope__ = "custom"
    # Its name, plugins and rule settings: who changed a setting, from what, to what.
    __audited__ = ("update",)

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authority.id"), index=True)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    short_name: Mapped[str | None] = mapped_column(String(120), default="")
    inn: Mapped[str | None] = mapped_column(String(12), default="")
    # ОГРН of the legal entity (13 digits); ИНН and ОГРН are checked by their control digits
    # (app.services.organisations) on every write.
    ogrn: Mapped[str | None] = mapped_column(String(13), default="")
    address: Mapped[str | None] = mapped_column(String(300), default="")
    # Руководитель: «Иванова Мария Петровна», as printed on the organisation's documents.
    director: Mapped[str | None] = mapped_column(String(200), default="")
    # Codes of the plugins serving this organisation, e.g. ["school", "preschool"].
    plugins: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    # Rule settings by plugin: {"school": {"edit_window_days": 7}}; absent keys take
    # the plugin's default (PluginHost.setting).
    settings: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    # Its days begin at its midnight: «Europe/Samara»; empty: the installation's EJOURNAL_TIMEZONE.
    timezone: Mapped[str | None] = mapped_column(String(64))

    authority = relationship(Authority, back_populates="organisations")

    def __str__(self):
        return self.short_name or self.name
