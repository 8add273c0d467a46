"""What counts as a pasted Air Force report, and how an adapter hands one over together with where it came from.

`/strike` keeps its grammar: text with a `key=value` argument is a strike typed by hand, exactly as before. Text
with none may be a pasted report, and is offered to the Air Force parser.

An adapter that knows where a report came from (a forwarded channel post, a Slack message) routes
`/strike preview` with a first line of arguments — `source=` (the channel and the post's link) and `posted=` (the
post's time, which completes a date the report gives without a year) — and the report from the second line on.
People may type that line too (`/strike preview source=https://t.me/kpszsu/12345` and the report below it).
"""

from __future__ import annotations

from datetime import datetime

from handlers.chat.forms import quote
from handlers.i18n import _
from handlers.strikes.report_draft import SOURCE_LIMIT, Origin
from handlers.text import arguments

PREVIEW = "preview"  # the /strike action word that reads a report and shows what it would store
_HEADER = ("source", "posted")


def has_arguments(text: str) -> bool:
    """Whether `text` holds a `key=value` argument, as the grammar reads it (so: a strike typed by hand).

    Text the grammar cannot even split (an unclosed quote, over its length limit) holds none it could use: a
    pasted report often has a lone quote mark and may be long.
    """
    if "=" not in text:
        return False  # most pastes: no need to split them
    try:
        return any(token.key is not None for token in arguments.tokenize(text))
    except arguments.ArgumentError:
        return False


def preview_text(report: str, *, source: str | None = None, posted: datetime | None = None) -> str:
    """The text of `/strike preview` for `report` from `source` posted at `posted` (what adapters route)."""
    header = []
    if source and source.strip():
        header.append(f"source={quote(' '.join(source.split())[:SOURCE_LIMIT])}")
    if posted is not None:
        header.append(f"posted={posted.isoformat()}")
    body = report.strip()
    return f"{PREVIEW} {' '.join(header)}\n{body}" if header else f"{PREVIEW} {body}"


def split_header(text: str) -> tuple[Origin, str]:
    """(where the report came from, the report) for the text after `/strike preview`.

    The first line is read as the header only when it consists of `source=` / `posted=` arguments alone; anything
    else there is the report's first line. A header whose values are wrong is refused like any argument.
    """
    first, _, rest = text.partition("\n")
    if "=" not in first or not _is_header(first):
        return Origin(), text
    parsed = arguments.parse(
        first,
        {"source": arguments.text_value(SOURCE_LIMIT), "posted": _posted},
        command="strike preview",
        notes=False,
    )
    return Origin(source=parsed.get("source"), posted_at=parsed.get("posted")), rest


def _is_header(line: str) -> bool:
    """Whether `line` holds `source=` / `posted=` arguments and nothing else (a report's first line holds words)."""
    try:
        tokens = arguments.tokenize(line)
    except arguments.ArgumentError:
        return False
    return bool(tokens) and all(
        token.key is not None and arguments.ALIASES.get(token.key, token.key) in _HEADER for token in tokens
    )


def _posted(raw: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(_("must be an ISO 8601 time with its zone, like 2025-07-04T05:12:00+00:00")) from None
    if value.tzinfo is None:
        raise ValueError(_("must say its zone, like 2025-07-04T05:12:00+00:00"))
    return value
