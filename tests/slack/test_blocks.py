"""Block Kit rendering: user text is escaped, escalation mentions are the only markup built."""

from __future__ import annotations

from bot.slack.blocks import blocks
from handlers.chat.reply import Reply


def test_mentions_become_real_mentions_and_nothing_else_does() -> None:
    rendered = blocks(Reply(title="Escalation", text="typed <!channel>", mentions=("U123", "<!here>")))
    texts = [block["text"]["text"] for block in rendered if block["type"] == "section"]
    assert "typed &lt;!channel&gt;" in texts
    assert texts[-1] == "Attention: <@U123> @&lt;!here&gt;"
