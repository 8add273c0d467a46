"""The app's Slack shortcuts, as the manifest declares them and the listeners match them.

Light (no Slack SDK): the manifest generator reads it. A message shortcut appears in every message's "More
actions" menu; Slack sends its `callback_id` with the message it was used on.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MessageShortcut:
    name: str  # what the menu shows (Slack: at most 25 characters)
    callback_id: str
    description: str  # Slack: at most 80 characters


STRIKE_REPORT = MessageShortcut(
    name="Log as strike report",
    callback_id="callwatch_strike_report",
    description="Read an Air Force report in this message and preview it as a strike report",
)

MESSAGE_SHORTCUTS = (STRIKE_REPORT,)
