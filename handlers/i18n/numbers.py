"""Numbers as people read them, in the active language: `1,234.5` in English, `1 234,5` in Ukrainian.

Only for numbers shown to people (counts, rates); ids, contact numbers and anything a person may type back stay
plain digits. The symbols are CLDR's, through Babel, which is imported only when a language other than English
asks: Python's own `,` format is CLDR's English, so English replies and posts never load it.
"""

from __future__ import annotations

from functools import lru_cache

from handlers.i18n.active import DEFAULT_LANGUAGE, current_language


def format_number(value: float, digits: int = 0) -> str:
    """`value` rounded to `digits` decimals and grouped by thousands in the active language."""
    language = current_language()
    if language == DEFAULT_LANGUAGE:
        return f"{value:,.{digits}f}"
    return _cldr(value, digits, language)


@lru_cache(maxsize=4096)
def _cldr(value: float, digits: int, language: str) -> str:
    """Cached: an alert to a thousand channels shows the same few numbers a thousand times."""
    from decimal import Decimal

    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    # Rounded by Python, as English is, so both languages show the same digits (Babel alone rounds the shortest
    # decimal half-even: p = 0.4815 would read 0.481 in English and 0,482 in Ukrainian).
    return format_decimal(Decimal(f"{value:.{max(digits, 0)}f}"), format=pattern, locale=language)
