"""Загрузка из файлов (issue 15): lists of an organisation read from XLSX or CSV,
checked in full and shown before anything is written, then written all or nothing.

Each kind of import is a module with ``KIND``, ``TITLE``, ``COLUMNS`` (the template's
header, in its order), ``REQUIRED``, ``SYNONYMS``, ``HELP`` (the page's note),
``PREVIEW`` (the template of its preview table), ``PROGRESS`` (the command's label),
``template_csv()``, ``template_xlsx()``, ``parse(session, org_id, filename, data)``
returning a plan (``errors``, ``ok``, ``counts()``), ``parse_rows(...)``,
``apply(session, org_id, plan, account_id)`` and ``summary(counts)`` (what the file
does, in words; ``preview_summary`` and ``done_summary`` where the page says it
otherwise). The page is ``app.views.imports``; the command ``flask import`` is
``app.imports.cli``.
"""
from __future__ import annotations

from . import groups, learners, load, staff

KINDS = {module.KIND: module for module in (groups, staff, learners, load)}
RESOURCE = "Imports"
