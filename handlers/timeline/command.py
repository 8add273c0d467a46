"""/timeline — the stored contacts and strikes, newest first, each contact with the strikes in its window."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, tzinfo

from handlers.chat.command import single_action
from handlers.chat.context import HandlerContext
from handlers.chat.reply import Reply
from handlers.chat.request import ChatRequest
from handlers.records.messages import strike_counts
from handlers.records.window import strikes_after
from handlers.text import arguments
from handlers.text.durations import format_duration
from handlers.text.times import TimeParseError, parse_time, show_time, time_range
from storage import timeline
from storage.models import ContactReport, StrikeReport

PAGE_SIZE = 10
# Entries counted past the page's first one; beyond that the title says "10,000+", so a page costs the same
# over a million stored strikes as over ten thousand.
COUNT_AHEAD = 10_000

USAGE = """\
/timeline [from=TIME] [to=TIME] [kind=contact|strike] [party=NAME] [page=N]
/timeline chart [from=TIME] [to=TIME]
Newest first, 10 per page; each contact lists the strikes in its readiness window.
Example: /timeline from=2025-07-01 to=2025-07-10 kind=contact"""


def handle(request: ChatRequest, ctx: HandlerContext) -> Reply:
    zone = ctx.channel_zone(request.channel)
    now = ctx.now()
    text = request.text.strip()
    chart = text.split(maxsplit=1)[0].lower() == "chart" if text else False
    if chart:
        text = text[len("chart") :]
    spec: dict[str, arguments.Converter] = {
        "from": lambda raw: parse_time(raw, now=now, zone=zone, allow_future=True),
        "to": lambda raw: parse_time(raw, now=now, zone=zone, allow_future=True),
    }
    if not chart:
        spec |= {"kind": arguments.choice("contact", "strike"), "party": arguments.text_value(60), "page": _page_number}
    try:
        parsed = arguments.parse(text, spec, command="timeline", notes=False, joinable=frozenset({"from", "to"}))
    except arguments.ArgumentError as error:
        return Reply.error(f"{error}\nUsage:\n{USAGE}")
    try:
        start, end = time_range(parsed.get("from"), parsed.get("to"))
    except TimeParseError as error:
        return Reply.error(str(error))
    if chart:
        return _chart(ctx, start, end, zone)
    return _page(
        ctx,
        zone,
        timeline.TimelineFilter(start, end, parsed.get("kind"), parsed.get("party")),
        parsed.get("page", 1),
        request.text,
    )


def _page_number(raw: str) -> int:
    value = arguments.count(raw)
    if value < 1:
        raise ValueError("pages start at 1")
    return value


def _page(ctx: HandlerContext, zone: tzinfo, filters: timeline.TimelineFilter, number: int, text: str) -> Reply:
    window = timedelta(seconds=ctx.settings.offsets_seconds[-1])
    offset = (number - 1) * PAGE_SIZE
    with ctx.db.reader() as session:
        result = timeline.page(session, filters, limit=PAGE_SIZE, offset=offset, count_limit=offset + COUNT_AHEAD)
        lines: list[str] = []
        for entry in result.entries:
            if isinstance(entry, ContactReport):
                totals = strikes_after(session, entry.occurred_at, entry.time_known, window)
                lines.append(_contact_line(entry, zone, totals, window))
            else:
                lines.append(_strike_line(entry, zone))
    pages = max(1, math.ceil(result.total / PAGE_SIZE))
    if result.total == 0:
        return Reply(title="Timeline", text="Nothing stored matches. Log with /contact or /strike.")
    if number > pages:
        return Reply.error(f"There are only {pages} page(s) for these filters.")
    footer = None
    if number < pages:
        base = " ".join(token for token in text.split() if not token.lower().startswith("page="))
        footer = f"More: /timeline {base} page={number + 1}".replace("  ", " ")
    noun = "entry" if result.total == 1 else "entries"
    more = "+" if result.total_is_floor else ""  # counted up to the limit: at least this many
    title = f"Timeline · page {number} of {pages:,}{more} · {result.total:,}{more} {noun}, newest first"
    return Reply(title=title, text="\n\n".join(lines), footer=footer)


def _contact_line(contact: ContactReport, zone: tzinfo, totals: timeline.WindowTotals, window: timedelta) -> str:
    head = (
        f"CONTACT #{contact.id} · {show_time(contact.occurred_at, zone)} · {contact.kind} · {contact.parties} "
        f"({contact.confidence})"
    )
    if contact.duplicate_of_id:
        return head + f"\n  same contact as #{contact.duplicate_of_id}"
    span = format_duration(int(window.total_seconds()))
    after = "after it" if contact.time_known else "after its day (hour not reported)"
    if totals.strikes == 0:
        return head + f"\n  no strikes logged in the {span} {after}"
    return head + (
        f"\n  in the {span} {after}: {totals.strikes} strike(s) · {totals.drones} drones · {totals.missiles} missiles"
    )


def _strike_line(strike: StrikeReport, zone: tzinfo) -> str:
    region = f" · {strike.region}" if strike.region else ""
    return f"STRIKE #{strike.id} · {show_time(strike.started_at, zone)} · {strike_counts(strike)}{region}"


def _chart(ctx: HandlerContext, start: datetime | None, end: datetime | None, zone: tzinfo) -> Reply:
    from handlers.analysis.charts import render_timeline_chart

    image = render_timeline_chart(ctx, start, end, zone)
    return Reply(title=image.title, text="Daily drones and missiles; contacts marked, windows shaded.", image=image)


COMMAND = single_action("timeline", "the stored timeline, newest first, or a chart of it", USAGE, handle)
