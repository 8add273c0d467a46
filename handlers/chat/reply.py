"""The platform-neutral reply every handler returns and every adapter renders.

Text fields are plain text, never markup: each adapter escapes all of it for its platform (mrkdwn for Slack,
HTML for Telegram), so nothing a user typed can ping `@channel` or inject markup. Structure (a title, a table,
buttons, an image) is carried as data and rendered by the adapter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from handlers.chat.forms import Form
from handlers.i18n import _, activate


class Visibility(StrEnum):
    CALLER = "caller"  # only the person who typed the command sees it (Slack ephemeral)
    CHANNEL = "channel"  # posted for the whole channel (a logged contact is announced)


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Image:
    png: bytes
    filename: str
    title: str


@dataclass(frozen=True)
class Button:
    """An action button; `action` names the command it runs, `value` its argument (e.g. `alerts ack` + `17`)."""

    label: str
    action: str
    value: str
    style: str | None = None  # "primary" | "danger" | None


@dataclass(frozen=True)
class Reply:
    text: str
    title: str | None = None
    table: Table | None = None
    image: Image | None = None
    buttons: tuple[Button, ...] = ()
    ok: bool = True
    visibility: Visibility = Visibility.CALLER
    form: Form | None = None  # open this form instead of showing the text (Slack modal, guided dialog)
    footer: str | None = None
    errors: dict[str, str] = field(default_factory=dict)  # argument name → message, for form fields
    # Platform user ids to notify (alert escalations). Not text: each adapter renders a real mention
    # (Slack `<@U123>`, Telegram `tg://user?id=…`) so user text can never produce one.
    mentions: tuple[str, ...] = ()
    # The language the reply is written in (set by the router); adapters write their own words around it in it too.
    language: str = "en"

    @classmethod
    def error(cls, message: str, *, field_errors: dict[str, str] | None = None) -> Reply:
        return cls(text=message, ok=False, errors=field_errors or {})

    def plain(self) -> str:
        """The whole reply as plain text: for the console, logs of replies, and tests."""
        parts = [self.title] if self.title else []
        if self.text:
            parts.append(self.text)
        if self.table:
            parts.append(render_table(self.table))
        if self.image:
            parts.append(f"[image {self.image.filename}: {self.image.title}]")
        if self.mentions:
            with activate(self.language):  # the reply's own words are in its language, whoever prints it
                parts.append(_("Attention: {users}").format(users=", ".join(f"@{user}" for user in self.mentions)))
        if self.buttons:
            parts.append("  ".join(f"[{button.label}]" for button in self.buttons))
        if self.footer:
            parts.append(self.footer)
        return "\n".join(parts)


def render_table(table: Table) -> str:
    """Fixed-width rendering, used inside code blocks on every platform."""
    widths = [len(column) for column in table.columns]
    for row in table.rows:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(table.columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * width for width in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in table.rows]
    return "\n".join(lines)
