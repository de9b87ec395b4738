"""Загрузка из файлов (issue 15): lists of an organisation read from XLSX or CSV,
checked in full and shown before anything is written, then written all or nothing.

Each kind of import is a module with ``KIND``, ``TITLE``, ``COLUMNS``,
``template_csv()``, ``template_xlsx()``, ``parse(session, org_id, filename, data)``
returning a plan (``errors``, ``ok``, ``counts()``) and ``apply(session, org_id,
plan, account_id)``. The page is ``app.views.imports``; the command ``flask import``
is ``app.imports.cli``.
"""
from __future__ import annotations

from . import learners

KINDS = {learners.KIND: learners}
RESOURCE = "Imports"
