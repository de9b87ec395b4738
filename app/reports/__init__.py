"""The report engine: plugins declare reports (``register_reports``), the
engine resolves their parameters within the user's reach, runs them under the
user's scope and renders the tables as HTML, PDF, XLSX, CSV or JSON.

A report never sees a request: it gets a session and a dict of parsed
parameter values, so the same function serves the page, the downloads and
``flask report run``.
"""

from ..exceptions import ReportError
from .engine import allowed_reports, can_run, parse_params, run_report

__all__ = ["ReportError", "allowed_reports", "can_run", "parse_params", "run_report"]
