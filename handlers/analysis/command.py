"""/analysis — do strikes rise after contacts? Effect size and a permutation p-value, on the stored reports."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from handlers.analysis.statistics import DEFAULT_PERMUTATIONS, DEFAULT_SEED, KYIV, METRICS, Analysis, analyse
from handlers.chat.command import Command
from handlers.chat.context import HandlerContext
from handlers.chat.reply import Reply, Table
from handlers.chat.request import ChatRequest
from handlers.text import arguments
from handlers.text.times import TimeParseError, parse_time, show_time, time_range
from storage import series

MAX_WINDOW = 30
TABLE_ROWS = 20  # newest contacts shown in chat; `callwatch analyze --json` has them all

USAGE = """\
/analysis [window=3] [from=TIME] [to=TIME] [metric=drones|missiles|total]
Compares strikes in the WINDOW days after each contact (from the contact's time) with the period's baseline
and with the WINDOW days before it, and says how often contacts placed on random days do as well.
Example: /analysis window=3 from=2025-01-01 metric=missiles"""


def run_analysis(
    ctx: HandlerContext,
    *,
    window_days: int = 3,
    metric: str = "total",
    start: datetime | None = None,
    end: datetime | None = None,
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int = DEFAULT_SEED,
) -> Analysis:
    """Load the live reports and run the analysis; days are Kyiv days, as the Air Force reports them."""
    with ctx.db.reader() as session:
        strikes = series.strike_counts(session, start, end)
        contacts = series.contacts(session, start, end)
    return analyse(
        strikes,
        contacts,
        window_days=window_days,
        metric=metric,
        start=start,
        end=end,
        permutations=permutations,
        seed=seed,
        zone=KYIV,
    )


def _window(raw: str) -> int:
    value = arguments.count(raw)
    if not 1 <= value <= MAX_WINDOW:
        raise ValueError(f"must be between 1 and {MAX_WINDOW} days")
    return value


def handle(request: ChatRequest, ctx: HandlerContext) -> Reply:
    zone = ctx.channel_zone(request.channel)
    now = ctx.now()
    spec: dict[str, arguments.Converter] = {
        "window": _window,
        "from": lambda raw: parse_time(raw, now=now, zone=zone, allow_future=True),
        "to": lambda raw: parse_time(raw, now=now, zone=zone, allow_future=True),
        "metric": arguments.choice(*METRICS),
    }
    try:
        parsed = arguments.parse(
            request.text, spec, command="analysis", notes=False, joinable=frozenset({"from", "to"})
        )
    except arguments.ArgumentError as error:
        return Reply.error(f"{error}\nUsage:\n{USAGE}")
    try:
        start, end = time_range(parsed.get("from"), parsed.get("to"))
    except TimeParseError as error:
        return Reply.error(str(error))
    result = run_analysis(
        ctx, window_days=parsed.get("window", 3), metric=parsed.get("metric", "total"), start=start, end=end
    )
    return render(result, zone)


def render(result: Analysis, zone: tzinfo) -> Reply:
    """The chat reply: verdict, the headline figures, the newest contacts' windows, the conventions."""
    title = f"Strikes after contacts · {result.window_days}-day windows · {result.metric}"
    figures = result.result
    lines = [result.verdict]
    if result.period_start and figures is not None:
        lines.append(
            f"Period {result.period_start.astimezone(KYIV):%Y-%m-%d} → "
            f"{(result.period_end - timedelta(seconds=1)).astimezone(KYIV):%Y-%m-%d} ({result.days} days, "  # type: ignore[operator]
            f"{result.strikes} strike reports); baseline from {figures.baseline_windows} windows without a contact."
        )
    if result.excluded:
        lines.append(
            f"Left out: {len(result.excluded)} contact(s) — "
            + "; ".join(f"#{item.id} {item.reason}" for item in result.excluded[:5])
            + (" …" if len(result.excluded) > 5 else "")
        )
    table = None
    if result.contacts:
        newest = sorted(result.contacts, key=lambda item: item.at, reverse=True)[:TABLE_ROWS]
        rows = tuple(
            (
                f"#{item.id}",
                show_time(item.at, zone) + ("" if item.time_known else " (date only)"),
                item.parties[:30],
                str(item.post[result.metric]),
                str(item.pre[result.metric]),
                _ratio(item.post[result.metric], item.pre[result.metric]),
            )
            for item in newest
        )
        table = Table(columns=("contact", "time", "parties", "after", "before", "after/before"), rows=rows)
        if len(result.contacts) > TABLE_ROWS:
            lines.append(
                f"Showing the newest {TABLE_ROWS} of {len(result.contacts)} contacts; "
                "`callwatch analyze --json` lists them all."
            )
    footer = (
        "Conventions: "
        + "; ".join(result.conventions)
        + f". p-values from {result.permutations:,} random placements (seed {result.seed})."
    )
    return Reply(title=title, text="\n".join(lines), table=table, footer=footer)


def _ratio(after: int, before: int) -> str:
    return f"×{after / before:.2f}" if before else ("—" if after == 0 else "new")


COMMAND = Command(
    name="analysis",
    summary="do strikes rise after contacts? effect size and permutation p-value against the baseline",
    usage=USAGE,
    handler=handle,
)
