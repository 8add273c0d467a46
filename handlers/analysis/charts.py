"""Pictures: the timeline (`/timeline chart`, `callwatch export --format png`) and the event-time profile
(`/analysis chart`). PNG bytes, rendered headless (matplotlib's Agg backend), posted by the adapters as images.

Both count as the analysis does (`handlers.records.window`): the x axis is Kyiv wall-clock time and says so, each
daily bar spans its Kyiv day from midnight to midnight, and each contact is drawn at its exact time — a wave
launched the evening after an afternoon call sits to the right of the call's line. A contact with a date only is
a hatched band over its day, and its window starts where the day ends.

Every word on a chart — title, axes, legend, month names on the date axis — is in the active language (the
caller's in chat; English for `callwatch export --format png`). Matplotlib's own DejaVu Sans has the Cyrillic
letters, so a Ukrainian chart needs no font of the system's.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from handlers.analysis.result import Analysis
from handlers.analysis.series import StrikeSeries, datetime_of, kyiv_dates, kyiv_midnights, window_starts
from handlers.analysis.words import capitalised, count_text, day_label, metric_words
from handlers.chat.context import HandlerContext
from handlers.chat.reply import Image
from handlers.i18n import DEFAULT_LANGUAGE, _, current_language, ngettext
from handlers.records.window import KYIV
from storage import series

if TYPE_CHECKING:  # matplotlib loads when a chart is drawn
    from matplotlib.axes import Axes

SIZE_INCHES = (12, 5)
DPI = 100
MIN_WINDOW_PIXELS = 4  # a window narrower than this on the page is widened to it (and the legend says so)
DRONE_COLOUR, MISSILE_COLOUR, CONTACT_COLOUR = "#d9822b", "#1f4e8c", "#c0392b"
DEFAULT_WINDOW = timedelta(days=3)
MONTH = "\ue000%m\ue000"  # strftime leaves the marks be; the month's name in the active language replaces them
MONTH_MARK = re.compile("\ue000(\\d\\d)\ue000")


@dataclass(frozen=True)
class DayBars:
    """What the timeline draws, in Kyiv wall-clock time (naive datetimes): testable without reading pixels."""

    day_starts: list[datetime]  # the left edge of each bar: a Kyiv midnight
    drones: list[int]
    missiles: list[int]
    contacts: list[tuple[datetime, bool]]  # (Kyiv wall-clock time of the line or of the day's start, hour known)
    windows: list[tuple[datetime, datetime]]  # Kyiv wall-clock [start, end) of each contact's window


def _wall(ns: int) -> datetime:
    """A UTC instant as naive Kyiv wall-clock time: the x axis' coordinates."""
    return datetime_of(ns).astimezone(KYIV).replace(tzinfo=None)


def day_bars(strikes: pd.DataFrame, contacts: pd.DataFrame, first: date, last: date, window: timedelta) -> DayBars:
    """Daily totals for Kyiv days first … last, and where each contact and its window go."""
    midnights = kyiv_midnights(first, last)
    daily = StrikeSeries.from_frame(strikes).daily(midnights)
    marks: list[tuple[datetime, bool]] = []
    spans: list[tuple[datetime, datetime]] = []
    if len(contacts):
        at = pd.to_datetime(contacts["at"], utc=True)
        starts = window_starts(contacts)
        for when, known, start in zip(at, contacts["time_known"].astype(bool), starts.tolist(), strict=True):
            marks.append((_wall(pd.Timestamp(when).value) if known else _wall(start) - timedelta(days=1), known))
            spans.append((_wall(start), _wall(start + int(window.total_seconds() * 1e9))))
    return DayBars(
        day_starts=[_wall(ns) for ns in midnights[:-1].tolist()],
        drones=daily[:, 0].tolist(),
        missiles=daily[:, 1].tolist(),
        contacts=marks,
        windows=spans,
    )


def render_timeline_chart(ctx: HandlerContext, start: datetime | None, end: datetime | None, zone: tzinfo) -> Image:
    """The chart for /timeline chart: live reports in [start, end) (None: all of them), Kyiv days.

    The shaded window is the readiness window, the last of CALLWATCH_REMINDER_OFFSETS (3 days by default).
    `zone` is the channel's; the chart keeps Kyiv days whatever it is, so it agrees with /analysis.
    """
    with ctx.db.reader() as session:
        strikes = series.strike_counts(session, start, end)
        contacts = series.contacts(session, start, end)
    last_offset = ctx.settings.offsets_seconds[-1]
    window = timedelta(seconds=last_offset) if last_offset else DEFAULT_WINDOW
    if len(contacts):
        at = pd.to_datetime(contacts["at"], utc=True)
        keep = pd.Series(True, index=contacts.index)
        if start is not None:
            keep &= at >= pd.Timestamp(start)
        if end is not None:
            keep &= at < pd.Timestamp(end)
        contacts = contacts[keep]
    first_day, last_day = _span(strikes, contacts, start, end)
    period = f"{first_day:%Y-%m-%d} → {last_day:%Y-%m-%d}" if first_day and last_day else _("no data")
    title = _("Strikes and contacts, {period} (Kyiv days)").format(period=period)
    png = plot_timeline(strikes, contacts, first_day, last_day, window=window, title=title)
    return Image(png=png, filename="timeline.png", title=title)


def _span(
    strikes: pd.DataFrame, contacts: pd.DataFrame, start: datetime | None, end: datetime | None
) -> tuple[date | None, date | None]:
    """The Kyiv days to draw: from=/to= where given, else the reports' own extent."""
    moments = [pd.to_datetime(frame["at"], utc=True) for frame in (strikes, contacts) if len(frame)]
    known = [stamp.value for times in moments for stamp in (times.min(), times.max())]
    lower = pd.Timestamp(start).value if start is not None else min(known, default=None)
    upper = pd.Timestamp(end).value - 1 if end is not None else max(known, default=None)
    if lower is None or upper is None:
        return None, None
    first, last = kyiv_dates(np.array([lower, upper], dtype=np.int64))
    return first.item(), last.item()


def _figure():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(figsize=SIZE_INCHES, dpi=DPI)


def _png(figure) -> bytes:
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def window_width_days(true_days: float, span_days: float) -> float:
    """How wide a window is drawn: to scale, but never under `MIN_WINDOW_PIXELS` of the plot (on a four-year
    chart a 72 h window is under a pixel wide)."""
    plot_pixels = SIZE_INCHES[0] * DPI
    return max(true_days, MIN_WINDOW_PIXELS * span_days / plot_pixels)


def plot_timeline(
    strikes: pd.DataFrame,
    contacts: pd.DataFrame,
    first: date | None,
    last: date | None,
    *,
    window: timedelta = DEFAULT_WINDOW,
    title: str | None = None,
) -> bytes:
    """Drones as bars spanning their Kyiv day (left axis); missiles as a step line over the same days (right
    axis: far fewer), so even a single day of them shows; contacts as lines at their time with windows shaded."""
    title = title or _("Strikes and contacts")
    figure = _figure()
    axes = figure.add_subplot()
    if first is None or last is None or (strikes.empty and contacts.empty):
        axes.text(
            0.5,
            0.5,
            _("No strikes or contacts in this period"),
            ha="center",
            va="center",
            transform=axes.transAxes,
            fontsize=14,
        )
        axes.set_axis_off()
        figure.suptitle(title)
        return _png(figure)
    bars = day_bars(strikes, contacts, first, last, window)
    edges = [*bars.day_starts, bars.day_starts[-1] + timedelta(days=1)]
    widths = [right - left for left, right in pairwise(edges)]
    axes.bar(
        bars.day_starts,
        bars.drones,
        width=widths,
        align="edge",
        color=DRONE_COLOUR,
        alpha=0.85,
        label=_("drones per Kyiv day"),
    )
    axes.set_ylabel(_("drones per day"))
    axes.set_xlim(edges[0], edges[-1])
    missiles_axes = axes.twinx()
    missiles_axes.step(
        edges,
        [*bars.missiles, bars.missiles[-1]],
        where="post",
        color=MISSILE_COLOUR,
        linewidth=1.4,
        label=_("missiles per Kyiv day"),
    )
    missiles_axes.set_ylabel(_("missiles per day"))
    missiles_axes.set_ylim(bottom=0, top=max(1, max(bars.missiles)) * 1.15)
    axes.set_ylim(bottom=0, top=max(1, max(bars.drones)) * 1.15)
    _number_axes(axes, missiles_axes)
    span_days = (edges[-1] - edges[0]).total_seconds() / 86400
    widened = False
    hours = int(window.total_seconds() // 3600)
    for (start, end), (mark, known) in zip(bars.windows, bars.contacts, strict=True):
        true_width = (end - start).total_seconds() / 86400
        width = window_width_days(true_width, span_days)
        widened = widened or width > true_width
        axes.axvspan(
            start,
            start + timedelta(days=width),
            color=CONTACT_COLOUR,
            alpha=0.22,
            linewidth=0,
            label=_("contact window ({hours} h)").format(hours=hours),
        )
        if known:
            axes.axvline(
                mark,
                color=CONTACT_COLOUR,
                linestyle="--",
                linewidth=1.2,
                label=_("contact (at its time)"),
            )
        else:
            axes.axvspan(
                mark,
                mark + timedelta(days=1),
                facecolor="none",
                edgecolor=CONTACT_COLOUR,
                hatch="//",
                linewidth=0.8,
                label=_("contact, hour not reported (its day)"),
            )
    _date_axis(axes)
    axes.set_xlabel(_("Kyiv time (Europe/Kyiv); each bar is one Kyiv day, midnight to midnight"))
    handles, labels = axes.get_legend_handles_labels()
    more_handles, more_labels = missiles_axes.get_legend_handles_labels()
    seen: dict[str, object] = {}
    for handle, label in zip(handles + more_handles, labels + more_labels, strict=True):
        seen.setdefault(label, handle)
    axes.legend(list(seen.values()), list(seen), loc="upper left", fontsize=8)
    heading = _("{title}: drones and missiles per day, contacts and their {hours} h windows").format(
        title=title, hours=hours
    )
    if widened:
        heading += "; " + _("windows drawn at least {pixels} px wide").format(pixels=MIN_WINDOW_PIXELS)
    figure.suptitle(heading)
    return _png(figure)


def _date_axis(axes: Axes) -> None:
    """Concise dates on the x axis ('Jul', '04', '2025'); in another language the months are named in it (Babel's
    CLDR names: 'лип.'), never by the process' C locale."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator()
    axes.xaxis.set_major_locator(locator)
    language = current_language()
    if language == DEFAULT_LANGUAGE:
        axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        return
    from babel.dates import get_month_names

    names = get_month_names("abbreviated", context="stand-alone", locale=language)

    def named(text: str) -> str:
        return MONTH_MARK.sub(lambda match: names[int(match.group(1))], text)

    class NamedMonths(mdates.ConciseDateFormatter):
        def format_ticks(self, values: Sequence[float]) -> list[str]:
            return [named(label) for label in super().format_ticks(values)]

        def get_offset(self) -> str:
            return named(super().get_offset())

    axes.xaxis.set_major_formatter(
        NamedMonths(
            locator,
            formats=["%Y", MONTH, "%d", "%H:%M", "%H:%M", "%S.%f"],
            zero_formats=["", "%Y", MONTH, f"%d {MONTH}", "%H:%M", "%H:%M"],
            offset_formats=["", "%Y", f"{MONTH} %Y", f"%d {MONTH} %Y", f"%d {MONTH} %Y", f"%d {MONTH} %Y %H:%M"],
        )
    )


def _number_axes(*all_axes: Axes) -> None:
    """The y axes' figures with the active language's decimal sign (0,5 in Ukrainian); English keeps matplotlib's
    own formatter untouched."""
    language = current_language()
    if language == DEFAULT_LANGUAGE:
        return
    from babel.numbers import get_decimal_symbol
    from matplotlib.ticker import ScalarFormatter

    decimal = get_decimal_symbol(language)

    class LocalDecimal(ScalarFormatter):
        def __call__(self, x: float, pos: int | None = None) -> str:
            return super().__call__(x, pos).replace(".", decimal)

        def get_offset(self) -> str:
            return super().get_offset().replace(".", decimal)

    for axes in all_axes:
        axes.yaxis.set_major_formatter(LocalDecimal())


def profile_chart(result: Analysis) -> Image:
    """The event-time profile of /analysis chart: observed per day from D−7 to D+7 against expected, with the
    window's days marked."""
    metric = result.metric
    figure = _figure()
    axes = figure.add_subplot()
    offsets = [day.offset for day in result.profile]
    observed = [day.observed[metric] for day in result.profile]
    expected = [day.expected[metric] for day in result.profile]
    low = [day.low[metric] for day in result.profile]
    high = [day.high[metric] for day in result.profile]
    axes.bar(offsets, observed, width=0.8, color=DRONE_COLOUR, alpha=0.85, label=_("observed (mean per contact)"))
    axes.fill_between(
        offsets,
        low,
        high,
        color="#555555",
        alpha=0.18,
        step="mid",
        label=_("expected ±1.96 s.e. (days within the test's reach)"),
    )
    axes.step(offsets, expected, where="mid", color="#222222", linewidth=1.5, label=_("expected from nearby days"))
    axes.axvspan(
        -0.5,
        result.window_days + 0.5,
        color=CONTACT_COLOUR,
        alpha=0.08,
        linewidth=0,
        label=_("{first} … {last}: days the {hours} h windows touch").format(
            first=day_label(0), last=day_label(result.window_days), hours=result.params.window_hours
        ),
    )
    axes.axvline(-0.5, color=CONTACT_COLOUR, linestyle="--", linewidth=1)
    axes.set_xticks(offsets, [day_label(offset) for offset in offsets])
    axes.set_xlabel(_("Kyiv day relative to the contact's day (Europe/Kyiv)"))
    axes.set_ylabel(_("{what} per day").format(what=metric_words(metric)))
    axes.set_ylim(bottom=0)
    _number_axes(axes)
    axes.legend(loc="upper left", fontsize=8)
    from handlers.analysis.render import period_text

    tested = result.tested_contacts
    title = ngettext(
        "{what} per Kyiv day around contacts, {period} ({n} contact)",
        "{what} per Kyiv day around contacts, {period} ({n} contacts)",
        tested,
    ).format(what=capitalised(metric_words(metric)), period=period_text(result), n=count_text(tested))
    figure.suptitle(title)
    return Image(png=_png(figure), filename="analysis-profile.png", title=title)
