"""Every refusal the application raises on purpose, in one hierarchy.

An ``EjournalError`` carries a Russian message meant for the person who asked:
pages flash it and the REST API returns it as is. What differs is where it is
raised and what the caller does about it, hence one class per kind.
"""
from __future__ import annotations

import logging

log = logging.getLogger("ejournal.rules")


class EjournalError(Exception):
    """A refusal whose message (Russian) is shown to the user as is."""


class RuleError(EjournalError, ValueError):
    """A change refused by a rule of the regulations; ``rule`` names it (R1…R16).

    People see the message alone (:meth:`shown`); the rule's code is for the logs
    and the audit, where whoever investigates a refusal needs it.
    """

    def __init__(self, rule: str, message):
        super().__init__(str(message))
        self.rule = rule

    def shown(self) -> str:
        """The message for the user; the refusal and its rule go to the log."""
        log.info("refused by %s: %s", self.rule, self)
        return str(self)


class ScopeError(EjournalError):
    """A write outside what the user may reach, refused when the session flushes."""


class GrantRefused(EjournalError):
    """A role the user may not give, or an account he may not change."""


class InvalidRecord(EjournalError, ValueError):
    """A value the organisation's plugins do not allow."""


class SettingsError(EjournalError, ValueError):
    """Values refused, field → Russian message; nothing was saved."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class ReportError(EjournalError):
    """A report parameter the user may not use or gave wrong."""


class PluginError(EjournalError, RuntimeError):
    """A plugin declares something that clashes with another plugin (raised at start-up)."""
