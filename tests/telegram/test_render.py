"""Rendering: everything escaped, structure as HTML, every message under Telegram's limit."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st

from bot.telegram.render import MESSAGE_LIMIT, parse_callback, render
from handlers.chat.reply import Reply, Table


def test_structure_and_escaping() -> None:
    reply = Reply(
        title="A <b> & B", text="x < y", table=Table(("id", "who"), (("1", "<Trump>"),)), footer="page 1 & more"
    )
    [message] = render(reply).messages
    assert message.startswith("<b>A &lt;b&gt; &amp; B</b>\n\nx &lt; y\n\n<pre>")
    assert "&lt;Trump&gt;" in message and message.endswith("<i>page 1 &amp; more</i>")


def test_long_table_split_into_closed_pre_blocks() -> None:
    rows = tuple((str(n), "&" * 30) for n in range(400))
    messages = render(Reply(text="timeline", table=Table(("id", "notes"), rows))).messages
    assert len(messages) > 1
    assert all(len(message) <= MESSAGE_LIMIT for message in messages)
    assert all(message.count("<pre>") == message.count("</pre>") for message in messages)
    shown = html.unescape("".join(messages).replace("<pre>", "").replace("</pre>", ""))
    assert shown.count("&" * 30) == 400  # nothing lost at the cuts


@given(st.text(min_size=1, max_size=20000))
def test_any_text_fits_and_survives(text: str) -> None:
    messages = render(Reply(text=text), limit=500).messages
    assert all(len(message) <= 500 for message in messages)
    assert "\n".join(html.unescape(message) for message in messages).replace("\n", "") == text.replace("\n", "")


def test_callback_data_round_trip() -> None:
    assert parse_callback("alerts ack|17") == ("alerts", "ack 17")
    assert parse_callback("alerts snooze|17 2h") == ("alerts", "snooze 17 2h")
    assert parse_callback("garbage") is None


def test_escalation_mentions_notify_numeric_ids_only() -> None:
    [message] = render(Reply(title="Escalation", text="no ack", mentions=("4242", "<b>x</b>"))).messages
    assert '<a href="tg://user?id=4242">4242</a>' in message
    assert "&lt;b&gt;x&lt;/b&gt;" in message and "<b>x</b>" not in message
