"""The audit log page: read-only, for the Администратор and Завуч."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..models import AuditEntry
from .base import EjournalModelView, interface


class AuditView(EjournalModelView):
    datamodel = interface(AuditEntry)
    class_permission_name = "Audit"
    title = _l("Журнал изменений")
    # Nobody edits or deletes the log, the system administrator included.
    base_permissions = ["can_read"]
    list_columns = ["at", "username", "entity", "entity_id", "action", "new"]
    show_columns = ["at", "username", "entity", "entity_id", "action", "old", "new"]
    search_columns = ["username", "entity", "entity_id", "action", "at"]
    base_order = ("at", "desc")
    page_size = 50
