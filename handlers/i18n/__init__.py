"""Every reply, form, alert and error in English and Ukrainian: gettext catalogues, chosen per request.

How a message is written, once, in English in the code that says it:

    from handlers.i18n import _, ngettext
    _("Contact #{id} retracted").format(id=contact.id)
    ngettext("{n} strike", "{n} strikes", n).format(n=n)

`_` and `ngettext` answer in the language *active* for the work at hand: the router activates the caller's
language around each command (`activate`), the alert worker a channel's language around each post, so code deep
in a parser can raise a translated error without being told who is asking. Strings made when a module is imported
(usage texts, checklist items) are marked with `N_` and passed through `_` where they are shown.

The catalogues are `locale/<language>/*.po` (Babel's format; one file per area so they are edited apart) and are
read on first use of a language other than English; English needs no catalogue. `tests/i18n/` fails on any marked
message without a translation, and on any reply text that is not marked.
"""

from __future__ import annotations

from handlers.i18n.active import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    N_,
    _,
    activate,
    current_language,
    ngettext,
    supported,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "N_",
    "_",
    "activate",
    "current_language",
    "ngettext",
    "supported",
]
