"""Small wording helpers the analysis replies share: figures written one way in every language, and the phrases
that several sentences put inside themselves.

Figures go through `handlers.i18n.numbers`: the same digits in every language (×1.47 · ×1,47; p = 0.481 ·
p = 0,481), separators by the active language. Counts are never glued to a noun here: each sentence that says
"6 contacts" is its own `ngettext` message, because Ukrainian declines the noun after the number differently after
each preposition ("після 6 контактів", "на вибірці з 6 контактів").
"""

from __future__ import annotations

import math

from handlers.analysis.parameters import METRIC_WORDS
from handlers.i18n import N_, _, ngettext
from handlers.i18n.numbers import format_number

METRIC_LABELS = {"drones": N_("drones"), "missiles": N_("missiles"), "total": N_("total")}  # the table's first column


def metric_words(metric: str) -> str:
    """The metric in a sentence ('drones and missiles in the 3 days after …') in the active language."""
    return _(METRIC_WORDS[metric])


def metric_label(metric: str) -> str:
    """The metric in the table's first column ('total')."""
    return _(METRIC_LABELS[metric])


def capitalised(text: str) -> str:
    """The first letter upper-cased and the rest kept ('Drones and missiles', 'Дрони й ракети')."""
    return text[:1].upper() + text[1:]


def count_text(value: int) -> str:
    """A count for people: 1,200 · 1 200."""
    return format_number(value)


def ratio_text(value: float | None) -> str:
    """×1.25 · ×1,25; '—' when there is nothing to divide by; '×∞' never appears."""
    if value is None or not math.isfinite(value):
        return "—"
    return f"×{format_number(value, 2)}"


def p_text(value: float, digits: int = 3) -> str:
    """A p-value: 0.048 · 0,048."""
    return format_number(value, digits)


def interval_text(low: float | None, high: float | None) -> str:
    """'95% CI ×0.80–×1.31'."""
    return _("95% CI {low}–{high}").format(low=ratio_text(low), high=ratio_text(high))


def days_text(days: int) -> str:
    """'3 days' (nominative: "in the 3 days after", "за 3 дні після")."""
    return ngettext("{n} day", "{n} days", days).format(n=count_text(days))


def contacts_text(contacts: int) -> str:
    """'6 contacts' (nominative, where the count stands alone: "(6 contacts)", "(6 контактів)")."""
    return ngettext("{n} contact", "{n} contacts", contacts).format(n=count_text(contacts))


def metrics_text(metrics: int) -> str:
    """'3 metrics'."""
    return ngettext("{n} metric", "{n} metrics", metrics).format(n=count_text(metrics))


def overlap_text(contacts: int, episodes: int) -> str:
    """' (4 episodes: some windows overlap)' after a count of contacts, or '' when each contact is its own."""
    if episodes == contacts:
        return ""
    phrase = ngettext("({n} episode: some windows overlap)", "({n} episodes: some windows overlap)", episodes)
    return " " + phrase.format(n=count_text(episodes))


def day_label(offset: int) -> str:
    """D, D+1, D−7: a day relative to the contact's Kyiv day (Д+1 in Ukrainian)."""
    shown = "" if offset == 0 else f"{offset:+d}".replace("-", "−")
    return _("D{offset}").format(offset=shown)


def listed(items: list[str]) -> str:
    """'#3 and #4', '#3, #4 and #5' in the active language."""
    if len(items) < 2:
        return "".join(items)
    return _("{some} and {last}").format(some=", ".join(items[:-1]), last=items[-1])
