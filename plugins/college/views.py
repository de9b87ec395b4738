from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.views.base import EjournalModelView, interface

from .models import Specialty


class SpecialtyView(EjournalModelView):
    datamodel = interface(Specialty)
    class_permission_name = "Specialties"
    title = _l("Специальности")
    label_columns = {**EjournalModelView.label_columns, "qualification": _l("Квалификация")}
    list_columns = add_columns = edit_columns = show_columns = ["code", "name", "qualification"]
    search_columns = ["code", "name"]
    base_order = ("code", "asc")
