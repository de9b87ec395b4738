"""Эпохи доступа: a token per part of the data a user's scope and rights are made of.

Working out who may see what (``app.scoping.resolution``, ``app.security``) takes
a dozen queries; it is kept in memory (``app.scoping.cache``) and looked up by
the tokens of the keys it was made from. Every flush changing such data writes
new random tokens for its keys (``global``, ``rights:<org>``, ``members:<org>``,
``person:<id>``; ``ref:<org>`` for the reference data of ``app.reference``); a
request reads the few tokens of its user in one query, so a
change made by any process is seen on the next request.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model


class ScopeEpoch(Model):
    __tablename__ = "scope_epoch"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    token: Mapped[int] = mapped_column(BigInteger, nullable=False)
