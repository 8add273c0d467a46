"""The timeline as a picture: daily drones and missiles, each contact marked with its window shaded.

Rendered headless (matplotlib's Agg backend) to PNG bytes, which the adapters post as an image and the CLI
writes to a file.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta, tzinfo

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.figure import Figure

from handlers.analysis.statistics import contact_anchor_times, strike_event_times
from handlers.chat.context import HandlerContext
from handlers.chat.reply import Image
from handlers.text.zones import zone_label
from storage import series

DEFAULT_WINDOW = timedelta(days=3)
SIZE_INCHES = (12, 5)
DPI = 100


def render_timeline_chart(ctx: HandlerContext, start: datetime | None, end: datetime | None, zone: tzinfo) -> Image:
    """The chart for /timeline chart: live reports in [start, end) (None: unbounded), days in `zone`.

    The shaded window is the readiness window, the last of CALLWATCH_REMINDER_OFFSETS (3 days by default).
    """
    with ctx.db.reader() as session:
        strikes = series.strike_counts(session, start, end)
        contacts = series.contacts(session, start, end)
    window = timedelta(seconds=ctx.settings.offsets_seconds[-1]) if ctx.settings.offsets_seconds[-1] else DEFAULT_WINDOW
    png = plot_timeline(strikes, contacts, start=start, end=end, zone=zone, window=window)
    span = _span_text(start, end, zone)
    return Image(png=png, filename="timeline.png", title=f"Strikes and contacts{span}")


def _span_text(start: datetime | None, end: datetime | None, zone: tzinfo) -> str:
    if start is None and end is None:
        return ""
    left = start.astimezone(zone).strftime("%Y-%m-%d") if start else "…"
    right = (end - timedelta(seconds=1)).astimezone(zone).strftime("%Y-%m-%d") if end else "…"
    return f", {left} → {right}"


def daily_counts(strikes: pd.DataFrame, zone: tzinfo, start: datetime | None, end: datetime | None) -> pd.DataFrame:
    """Drones and missiles per day in `zone` (strikes of unknown hour count on their day), days without any 0."""
    if strikes.empty:
        return pd.DataFrame({"drones": [], "missiles": []}, index=pd.DatetimeIndex([], name="day"))
    times = pd.to_datetime(strike_event_times(strikes), utc=True).tz_convert(zone)
    frame = pd.DataFrame(
        {"drones": strikes["drones"].to_numpy(), "missiles": strikes["missiles"].to_numpy()}, index=times
    )
    if start is not None:
        frame = frame[frame.index >= pd.Timestamp(start)]
    if end is not None:
        frame = frame[frame.index < pd.Timestamp(end)]
    if frame.empty:
        return pd.DataFrame({"drones": [], "missiles": []}, index=pd.DatetimeIndex([], name="day"))
    days = frame.index.tz_localize(None).normalize()
    daily = frame.groupby(days).sum()
    full = pd.date_range(daily.index.min(), daily.index.max(), freq="D", name="day")
    return daily.reindex(full, fill_value=0)


def plot_timeline(
    strikes: pd.DataFrame,
    contacts: pd.DataFrame,
    *,
    start: datetime | None,
    end: datetime | None,
    zone: tzinfo,
    window: timedelta = DEFAULT_WINDOW,
) -> bytes:
    """PNG bytes: drones as bars (left axis), missiles as a line (right axis: they are far fewer), contacts as
    dashed lines with their windows shaded."""
    daily = daily_counts(strikes, zone, start, end)
    figure = Figure(figsize=SIZE_INCHES, dpi=DPI)
    axes = figure.add_subplot()
    label = zone_label(zone)
    if daily.empty and contacts.empty:
        axes.text(
            0.5,
            0.5,
            "No strikes or contacts in this period",
            ha="center",
            va="center",
            transform=axes.transAxes,
            fontsize=14,
        )
        axes.set_axis_off()
    else:
        days = daily.index.to_pydatetime()
        axes.bar(days, daily["drones"], width=1.0, color="#d9822b", alpha=0.8, label="drones / day")
        axes.set_ylabel("drones per day")
        missiles_axes = axes.twinx()
        missiles_axes.plot(days, daily["missiles"], color="#1f4e8c", linewidth=1.2, label="missiles / day")
        missiles_axes.set_ylabel("missiles per day")
        missiles_axes.set_ylim(bottom=0)
        anchors = pd.to_datetime(contact_anchor_times(contacts), utc=True) if len(contacts) else []
        for index, anchor in enumerate(anchors):
            local = anchor.tz_convert(zone).tz_localize(None).to_pydatetime()
            axes.axvspan(
                local,
                local + window,
                color="#c0392b",
                alpha=0.15,
                linewidth=0,
                label="contact window" if index == 0 else None,
            )
            axes.axvline(local, color="#c0392b", linestyle="--", linewidth=1, label="contact" if index == 0 else None)
        axes.xaxis.set_major_locator(mdates.AutoDateLocator())
        axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(axes.xaxis.get_major_locator()))
        axes.set_xlabel(f"day ({label})")
        handles, labels = axes.get_legend_handles_labels()
        more_handles, more_labels = missiles_axes.get_legend_handles_labels()
        axes.legend(handles + more_handles, labels + more_labels, loc="upper left", fontsize=8)
    figure.suptitle(f"Daily drones and missiles, contacts and their {window.days}-day windows")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
