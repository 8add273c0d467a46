"""The language of the work at hand, and the lookups that answer in it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from handlers.i18n.catalog import catalogue

LANGUAGES = ("en", "uk")
DEFAULT_LANGUAGE = "en"

_active: ContextVar[str] = ContextVar("callwatch_language", default=DEFAULT_LANGUAGE)


def supported(code: str | None) -> str | None:
    """Our language for a code a platform or person gives (`uk`, `uk-UA`, `UK_ua.UTF-8`, `en-GB`), else None."""
    if not code:
        return None
    base = code.strip().lower().replace("_", "-").split(".")[0].split("-")[0]
    aliases = {"ua": "uk", "ukr": "uk", "eng": "en"}
    base = aliases.get(base, base)
    return base if base in LANGUAGES else None


def current_language() -> str:
    return _active.get()


@contextmanager
def activate(language: str | None) -> Iterator[str]:
    """Answer in `language` (ours, or a code `supported` reads; anything else is English) inside the block."""
    chosen = supported(language) or DEFAULT_LANGUAGE
    token = _active.set(chosen)
    try:
        yield chosen
    finally:
        _active.reset(token)


def _(message: str) -> str:
    """`message` (English, as written in the code) in the active language."""
    language = _active.get()
    if language == DEFAULT_LANGUAGE:
        return message
    return catalogue(language).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for `n` in the active language (Ukrainian has three: 1 день, 2 дні, 5 днів)."""
    language = _active.get()
    if language == DEFAULT_LANGUAGE:
        return singular if n == 1 else plural
    return catalogue(language).ngettext(singular, plural, n)


def N_(message: str) -> str:  # the name gettext extractors look for
    """Mark `message` for translation without translating it now (it is made before anyone asks)."""
    return message
