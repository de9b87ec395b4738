"""Restricted personal data of a learner: the medical card (Медицинский работник)
and the psycho-social card (Психолог / социальный педагог).

Both are declared through the core hook ``restricted_models``: the core cuts
them for every user without the card's resource (see ``app.scoping``), and
the views here also check ``Scope.restricted_read`` / ``restricted_write`` and
log every view of a card in the audit log («просмотр»).
"""
