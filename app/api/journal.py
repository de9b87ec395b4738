"""REST writes of journal cells (marks, attendance, final marks) through the journal's service.

The grid and the API are two doors to one room: every write is a change handed
to ``services.journal.save_cells`` (final marks: ``save_finals``), which enforces
the edit window (R1), the no-marks grades (R2), the scale (R3), the learner's
group (R10) and the lesson's teacher (R15), and whose flush writes the audit.
FAB's generic create, update and delete of these models are not used.
"""
from __future__ import annotations

from flask import current_app, request
from flask_babel import lazy_gettext as _l

from .. import clock
from ..extensions import db
from ..scoping import current_scope
from ..services.journal import save_cells
from ..views.base import EjournalRestApi


class _Refused(Exception):
    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field


class JournalCellApi(EjournalRestApi):
    kind = ""  # the change's kind for save_cells
    value_field = "value"  # the payload's field with the cell's value
    # The journal's service that saves the changes: save_cells, or save_finals for final marks.
    service = staticmethod(save_cells)

    # --- what a subclass says ---------------------------------------------
    def new_change(self, payload: dict) -> dict:
        """The change a POST asks for (without ``kind`` and ``key``)."""
        raise NotImplementedError

    def changed(self, item, payload: dict) -> dict:
        """The change a PUT asks for on ``item`` (the version is added here)."""
        raise NotImplementedError

    def saved_id(self, change: dict, result) -> int | None:
        """The id of the row a saved change wrote."""
        raise NotImplementedError

    # --- helpers for them --------------------------------------------------
    @staticmethod
    def found(model, value, field: str):
        """The row ``value`` of ``model`` within the user's scope, or a refusal."""
        row = db.session.get(model, value) if isinstance(value, int) and not isinstance(value, bool) else None
        if row is None:
            raise _Refused(field, _l("Запись не найдена или недоступна."))
        return row

    @staticmethod
    def text(value) -> str:
        if value is not None and not isinstance(value, str):
            raise _Refused("value", _l("Значение — строка, например «5» или «ОТ»."))
        return value or ""

    # --- the three writes ----------------------------------------------------
    def _payload(self) -> dict:
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            raise _Refused("_schema", _l("Неверный формат запроса."))
        return payload

    def _save(self, change: dict, created: bool):
        scope = current_scope()
        teacher = scope.person_id if scope is not None and scope.learner_ids is not None else None
        change = {"key": "api", "kind": self.kind, **change}
        (result,) = self.service(db.session, current_app.extensions["ejournal"], [change], clock.now(),
                                 teacher_id=teacher)
        if result.status != "saved":
            db.session.rollback()
            if result.status == "conflict" and created:
                # A POST of a cell that has a value already (the same request sent twice, or
                # another user first): nothing is written; the present value, version and id
                # are given for a PUT.
                return self.response(409, message=str(_l("Значение уже записано: измените его запросом PUT "
                                                         "с версией из этого ответа.")),
                                     id=self.saved_id(change, result), value=result.value, version=result.version)
            if result.status == "conflict":
                return self.response(409, message=result.message, value=result.value, version=result.version)
            return self.response_422(message=result.message)
        db.session.commit()
        body = {"value": result.value, "version": result.version}
        if result.message:  # saved, with a warning (R4: a final mark set late)
            body["warning"] = result.message
        if result.assignment_id is not None:
            body["assignment"] = result.assignment_id
        if created:
            return self.response(201, id=self.saved_id(change, result), result=body)
        return self.response(200, result=body)

    def post_headless(self):
        try:
            return self._save(self.new_change(self._payload()), created=True)
        except _Refused as exc:
            return self.response_422(message={exc.field: [str(exc)]})

    def put_headless(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            return self.response_404()
        try:
            payload = self._payload()
            if self.value_field not in payload:  # an absent value is not an empty one: that is DELETE
                raise _Refused(self.value_field, _l("Укажите новое значение."))
            change = self.changed(item, payload)
        except _Refused as exc:
            return self.response_422(message={exc.field: [str(exc)]})
        change["version"] = payload.get("version", item.version)
        return self._save(change, created=False)

    def delete_headless(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            return self.response_404()
        try:
            change = self.changed(item, {self.value_field: ""})
        except _Refused as exc:
            return self.response_422(message={exc.field: [str(exc)]})
        change["version"] = item.version
        return self._save(change, created=False)
