"""/analysis — do strikes rise after contacts, more than nearby days predict? `/analysis chart` draws the profile.

Loads the live reports (retracted and repeat reports left out) for the period the study needs and hands them to
`statistics.analyse`; the reply is `render.render`'s.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from handlers.analysis.parameters import (
    DEFAULT_PERMUTATIONS,
    DEFAULT_SEED,
    MAX_WINDOW_DAYS,
    METRICS,
    AnalysisParameters,
)
from handlers.chat.command import Action, Command, with_usage
from handlers.chat.context import HandlerContext
from handlers.chat.reply import Reply
from handlers.chat.request import ChatRequest, Role
from handlers.i18n import N_, ngettext
from handlers.text import arguments
from handlers.text.times import RANGE_KEYS, TimeParseError, range_arguments, time_range

if TYPE_CHECKING:  # numpy, pandas and statsmodels load when /analysis runs, not when /help lists it
    from handlers.analysis.result import Analysis

__all__ = ["USAGE", "render", "run_analysis"]

USAGE = N_("""\
/analysis [window=3] [from=TIME] [to=TIME] [metric=drones|missiles|total]
/analysis chart [window=3] [from=TIME] [to=TIME] [metric=…]
Do strikes rise in the WINDOW days after contacts (from each contact's time), more than the same hours on the
days around each contact predict? One pre-specified test per metric, corrected for the three metrics, with its
rate ratio, 95% interval, p-value and the smallest rise it could see. `chart` draws strikes per day from 7 days
before to 7 days after contacts, observed against expected.
The period is the contacts' own span unless from=/to= narrow it. Example: /analysis window=3 from=2025-01-01""")


def run_analysis(
    ctx: HandlerContext,
    *,
    window_days: int = 3,
    metric: str = "total",
    start: datetime | None = None,
    end: datetime | None = None,
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int = DEFAULT_SEED,
    params: AnalysisParameters | None = None,
) -> Analysis:
    """Load what the study needs from the database and run it (days are Kyiv days, as the Air Force counts)."""
    from handlers.analysis.result import DataExtent
    from handlers.analysis.series import empty_strikes
    from handlers.analysis.statistics import analyse, loading_span
    from storage import series

    params = params or AnalysisParameters(
        window_days=window_days, metric=metric, start=start, end=end, permutations=permutations, seed=seed
    )
    with ctx.db.reader() as session:
        stored = series.strike_extent(session)
        extent = DataExtent(stored.first, stored.last, stored.reports, stored.drones, stored.missiles)
        contacts = series.contacts(session, params.start, params.end)
        span = loading_span(contacts, extent, params)
        strikes = series.strike_counts(session, span[0], span[1]) if span else empty_strikes()
    return analyse(strikes, contacts, params, extent=extent)


def render(result: Analysis, zone: tzinfo | None = None) -> Reply:
    """The chat reply (days are Kyiv days whatever the zone)."""
    from handlers.analysis.render import render as reply

    return reply(result, zone)


def _window(raw: str) -> int:
    value = arguments.count(raw)
    if not 1 <= value <= MAX_WINDOW_DAYS:
        raise ValueError(
            ngettext("must be between 1 and {n} day", "must be between 1 and {n} days", MAX_WINDOW_DAYS).format(
                n=MAX_WINDOW_DAYS
            )
        )
    return value


def _analysed(request: ChatRequest, ctx: HandlerContext) -> Analysis | Reply:
    """The analysis the request's arguments ask for, or the error that says which argument is wrong."""
    zone = ctx.channel_zone(request.channel)
    spec: dict[str, arguments.Converter] = {
        "window": _window,
        **range_arguments(ctx.now(), zone),
        "metric": arguments.choice(*METRICS),
    }
    try:
        parsed = arguments.parse(request.text, spec, command="analysis", notes=False, joinable=RANGE_KEYS)
        start, end = time_range(parsed.get("from"), parsed.get("to"))
    except arguments.ArgumentError as error:
        return Reply.error(with_usage(str(error), USAGE))
    except TimeParseError as error:
        return Reply.error(str(error))
    return run_analysis(
        ctx, window_days=parsed.get("window", 3), metric=parsed.get("metric", "total"), start=start, end=end
    )


def _show(request: ChatRequest, ctx: HandlerContext) -> Reply:
    result = _analysed(request, ctx)
    return result if isinstance(result, Reply) else render(result)


def _show_chart(request: ChatRequest, ctx: HandlerContext) -> Reply:
    result = _analysed(request, ctx)
    return result if isinstance(result, Reply) else _chart(result)


def _chart(result: Analysis) -> Reply:
    from handlers.analysis.charts import profile_chart

    reply = render(result)
    if not result.profile:
        return Reply(title=reply.title, text=result.verdict)
    image = profile_chart(result)
    return Reply(title=image.title, text=result.verdict, image=image)


COMMAND = Command(
    name="analysis",
    summary=N_("do strikes rise after contacts, more than nearby days predict? ratio, 95% interval, p and power"),
    usage=USAGE,
    actions=(
        Action("analyse", Role.VIEWER, _show, bare=True, default=True),
        Action("chart", Role.VIEWER, _show_chart, word="chart"),
    ),
)
