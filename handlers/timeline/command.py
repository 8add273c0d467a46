"""/timeline — the stored contacts and strikes, newest first, each contact with the strikes in its window."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, tzinfo

from handlers.chat.command import Action, Command, with_usage
from handlers.chat.context import HandlerContext
from handlers.chat.reply import Reply
from handlers.chat.request import ChatRequest, Role
from handlers.i18n import N_, _, ngettext
from handlers.i18n.numbers import format_number
from handlers.records.messages import confidence_name, drones, kind_name, missiles, strike_counts
from handlers.records.window import strikes_after
from handlers.text import arguments
from handlers.text.durations import show_duration
from handlers.text.times import RANGE_KEYS, TimeParseError, range_arguments, show_time, time_range
from storage import timeline
from storage.models import ContactReport, StrikeReport

PAGE_SIZE = 10
# Entries counted past the page's first one; beyond that the title says "10,000+", so a page costs the same
# over a million stored strikes as over ten thousand.
COUNT_AHEAD = 10_000

USAGE = N_("""\
/timeline [from=TIME] [to=TIME] [kind=contact|strike] [party=NAME] [page=N]
/timeline chart [from=TIME] [to=TIME]
Newest first, 10 per page; each contact lists the strikes in its readiness window.
Example: /timeline from=2025-07-01 to=2025-07-10 kind=contact""")


def _list(request: ChatRequest, ctx: HandlerContext) -> Reply:
    zone = ctx.channel_zone(request.channel)
    spec: dict[str, arguments.Converter] = {
        **range_arguments(ctx.now(), zone),
        "kind": arguments.choice("contact", "strike"),
        "party": arguments.text_value(60),
        "page": _page_number,
    }
    try:
        parsed = arguments.parse(request.text, spec, command="timeline", notes=False, joinable=RANGE_KEYS)
        start, end = time_range(parsed.get("from"), parsed.get("to"))
    except arguments.ArgumentError as error:
        return Reply.error(with_usage(str(error), USAGE))
    except TimeParseError as error:
        return Reply.error(str(error))
    filters = timeline.TimelineFilter(start, end, parsed.get("kind"), parsed.get("party"))
    return _page(ctx, zone, filters, parsed.get("page", 1), request.text)


def _draw(request: ChatRequest, ctx: HandlerContext) -> Reply:
    zone = ctx.channel_zone(request.channel)
    try:
        parsed = arguments.parse(
            request.text, range_arguments(ctx.now(), zone), command="timeline", notes=False, joinable=RANGE_KEYS
        )
        start, end = time_range(parsed.get("from"), parsed.get("to"))
    except arguments.ArgumentError as error:
        return Reply.error(with_usage(str(error), USAGE))
    except TimeParseError as error:
        return Reply.error(str(error))
    return _chart(ctx, start, end, zone)


def _page_number(raw: str) -> int:
    value = arguments.count(raw)
    if value < 1:
        raise ValueError(_("pages start at 1"))
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
        return Reply(title=_("Timeline"), text=_("Nothing stored matches. Log with /contact or /strike."))
    if number > pages:
        return Reply.error(
            ngettext(
                "There is only {n} page for these filters.", "There are only {n} pages for these filters.", pages
            ).format(n=format_number(pages))
        )
    footer = None
    if number < pages:
        base = " ".join(token for token in text.split() if not token.lower().startswith("page="))
        footer = _("More: {command}").format(command=f"/timeline {base} page={number + 1}".replace("  ", " "))
    more = "+" if result.total_is_floor else ""  # counted up to the limit: at least this many
    title = ngettext(
        "Timeline · page {page} of {pages} · {n} entry, newest first",
        "Timeline · page {page} of {pages} · {n} entries, newest first",
        result.total,
    ).format(page=number, pages=format_number(pages) + more, n=format_number(result.total) + more)
    return Reply(title=title, text="\n\n".join(lines), footer=footer)


def _contact_line(contact: ContactReport, zone: tzinfo, totals: timeline.WindowTotals, window: timedelta) -> str:
    head = _("CONTACT #{id} · {time} · {kind} · {parties} ({confidence})").format(
        id=contact.id,
        time=show_time(contact.occurred_at, zone),
        kind=kind_name(contact.kind),
        parties=contact.parties,
        confidence=confidence_name(contact.confidence),
    )
    if contact.duplicate_of_id:
        return head + "\n  " + _("same contact as #{id}").format(id=contact.duplicate_of_id)
    span = show_duration(int(window.total_seconds()))
    if totals.strikes == 0:
        if contact.time_known:
            return head + "\n  " + _("no strikes logged in the {span} after it").format(span=span)
        return head + "\n  " + _("no strikes logged in the {span} after its day (hour not reported)").format(span=span)
    counted = " · ".join(
        [
            ngettext("{n} strike", "{n} strikes", totals.strikes).format(n=totals.strikes),
            drones(totals.drones),
            missiles(totals.missiles),
        ]
    )
    if contact.time_known:
        return head + "\n  " + _("in the {span} after it: {counted}").format(span=span, counted=counted)
    return (
        head
        + "\n  "
        + _("in the {span} after its day (hour not reported): {counted}").format(span=span, counted=counted)
    )


def _strike_line(strike: StrikeReport, zone: tzinfo) -> str:
    region = f" · {strike.region}" if strike.region else ""
    line = _("STRIKE #{id} · {time} · {counts}").format(
        id=strike.id, time=show_time(strike.started_at, zone), counts=strike_counts(strike)
    )
    return line + region


def _chart(ctx: HandlerContext, start: datetime | None, end: datetime | None, zone: tzinfo) -> Reply:
    from handlers.analysis.charts import render_timeline_chart

    image = render_timeline_chart(ctx, start, end, zone)
    return Reply(title=image.title, text=_("Daily drones and missiles; contacts marked, windows shaded."), image=image)


COMMAND = Command(
    name="timeline",
    summary=N_("the stored timeline, newest first, or a chart of it"),
    usage=USAGE,
    actions=(
        Action("list", Role.VIEWER, _list, bare=True, default=True),
        Action("chart", Role.VIEWER, _draw, word="chart"),
    ),
)
