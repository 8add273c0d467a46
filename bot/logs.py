"""Logging: one structured line per event on stderr; secrets never reach it.

Message bodies are not logged at info level — only which command ran, for whom, where, and how it ended.

Two filters sit on the one root handler, so they see every record of every logger, libraries' included:

- `SecretRedactor` replaces every configured secret (each `SecretStr` setting — bot tokens, signing secret, app
  token, webhook secret — and the password inside `CALLWATCH_DATABASE_URL`, also in their URL-encoded forms)
  with `***` in the record's message, its arguments, its extra fields, its exception text and stack.
  Libraries put secrets where we cannot reach them otherwise: PTB logs each Bot API URL, token included, at
  debug; slack-bolt logs the body of a request that fails verification at info.
- `SourcePolicy` lets through our own events from info up and libraries' from warning up (alembic's
  "Context impl SQLiteImpl" is not an operator's business); with `-v` everything from debug up.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, quote_plus

if TYPE_CHECKING:
    from handlers.chat.settings import Settings

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}
OWN_LOGGERS = ("callwatch", "bot", "handlers", "storage", "__main__")
MASK = "***"
MIN_SECRET = 4  # shorter values are not secrets worth the name, and masking them would garble every line
# Libraries too chatty to be useful even at -v (connection-pool and frame-level detail).
_CHATTY = ("httpcore", "hpack", "websockets.client", "aiohttp.access", "apscheduler.executors", "asyncio")
_PLAIN = (str, int, float, bool, type(None))


class JsonLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        line.update({key: value for key, value in record.__dict__.items() if key not in _STANDARD})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["error"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, default=str, ensure_ascii=False)


class SecretRedactor(logging.Filter):
    """Masks each secret wherever a record carries it; a record is never dropped, only cleaned."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._needles: tuple[str, ...] = ()
        self.update(secrets)

    def update(self, secrets: Iterable[str]) -> None:
        needles = set(self._needles)
        for value in secrets:
            if value and len(value) >= MIN_SECRET:
                needles |= {value, quote(value, safe=""), quote_plus(value), quote(value)}
        self._needles = tuple(sorted(needles, key=len, reverse=True))  # longest first: a variant may contain another

    def redact(self, text: str) -> str:
        for needle in self._needles:
            if needle in text:
                text = text.replace(needle, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._needles:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a library's bad format string: keep what there is, formatted as far as it goes
            message = f"{record.msg} {record.args}"
        record.msg, record.args = self.redact(message), None
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD:
                record.__dict__[key] = self._redact_value(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True

    def _redact_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, _PLAIN):
            return value
        shown = str(value)
        redacted = self.redact(shown)
        return value if redacted == shown else redacted


class SourcePolicy(logging.Filter):
    """Our own events from `own_level`, other loggers' from `library_level` (levels set per logger are not
    enough: slack-bolt gives each of its loggers the root's level when it creates them)."""

    def __init__(self, own_level: int, library_level: int) -> None:
        super().__init__()
        self.own_level = own_level
        self.library_level = library_level

    def filter(self, record: logging.LogRecord) -> bool:
        own = record.name.split(".", 1)[0] in OWN_LOGGERS
        return record.levelno >= (self.own_level if own else self.library_level)


def secrets_of(settings: Settings) -> list[str]:
    """Every secret setting's value: each `SecretStr` field, and the database URL's password."""
    from pydantic import SecretStr

    found = [
        value.get_secret_value()
        for name in type(settings).model_fields
        if isinstance(value := getattr(settings, name), SecretStr)
    ]
    password = _url_password(settings.database_url)
    return [*found, *([password] if password else [])]


def _url_password(url: str) -> str | None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        password = make_url(url).password
    except (ArgumentError, ValueError):
        return None
    return str(password) if password else None


def _secrets_from_environment() -> list[str]:
    """When the settings do not validate (the process is about to say which one is bad), their secrets still
    come from the same places: the environment and `.env`."""
    from dotenv import dotenv_values

    from handlers.chat.settings import Settings

    sources = {name.upper(): value for name, value in {**dotenv_values(".env"), **os.environ}.items() if value}
    found: list[str] = []
    for field in Settings.model_fields.values():
        if _is_secret(field.annotation):
            names = {str(choice).upper() for choice in getattr(field.validation_alias, "choices", [])}
            found += [sources[name] for name in names if name in sources]
    password = _url_password(sources.get("CALLWATCH_DATABASE_URL", ""))
    return found + ([password] if password else [])


def _is_secret(annotation: Any) -> bool:
    from typing import get_args

    from pydantic import SecretStr

    return annotation is SecretStr or SecretStr in get_args(annotation)


def configure_logging(
    *, verbose: bool = False, quiet_console: bool = False, settings: Settings | None = None
) -> SecretRedactor:
    """`quiet_console`: the console chat shares the terminal, so only warnings go to stderr there.

    The secrets to mask are read from `settings` (by default the environment's); returns the redactor so a
    process that learns of more secrets later can `update` it."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLineFormatter())
    redactor = SecretRedactor(_configured_secrets(settings))
    level = logging.DEBUG if verbose else (logging.WARNING if quiet_console else logging.INFO)
    handler.addFilter(SourcePolicy(level, level if verbose else max(level, logging.WARNING)))
    handler.addFilter(redactor)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("httpx", "slack_bolt", "slack_sdk", "telegram", "alembic", "apscheduler", "aiohttp"):
        logging.getLogger(name).setLevel(level if verbose else max(level, logging.WARNING))
    for name in _CHATTY:
        logging.getLogger(name).setLevel(max(level, logging.INFO if verbose else logging.WARNING))
    return redactor


def _configured_secrets(settings: Settings | None) -> list[str]:
    if settings is not None:
        return secrets_of(settings)
    from handlers.chat.settings import Settings

    try:
        return secrets_of(Settings())
    except Exception:
        return _secrets_from_environment()
