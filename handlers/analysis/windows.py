"""Contacts turned into what the test moves: each contact's window (by `handlers.records.window`'s rule), the
period analysed, and episodes — contacts whose windows overlap are one episode, tested as one window, so a strike
after two calls a day apart is counted once, not twice.

The default period is the contacts' own span: from `lead_in_days` before the first window to `shift_days` after
the last, so every window can be compared with the days around it; never the whole data set, whose volumes
trend over years. `from=`/`to=` and the extent of the strike data narrow it. Periods are whole Kyiv days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from handlers.analysis.parameters import AnalysisParameters
from handlers.analysis.series import DAY_NS, kyiv_dates, kyiv_midnights, ns_of, shift_local_days
from handlers.analysis.series import window_starts as contact_window_starts
from handlers.i18n import _, ngettext
from handlers.records.window import KYIV, kyiv_day


@dataclass(frozen=True)
class ContactWindow:
    id: int | None
    at: datetime
    time_known: bool
    parties: str
    kind: str
    confidence: str
    start: int  # ns: where its window opens
    end: int  # ns, exclusive

    @property
    def label(self) -> str:
        return f"#{self.id}" if self.id is not None else self.at.strftime("%Y-%m-%d")


@dataclass(frozen=True)
class Excluded:
    id: int | None
    at: datetime
    parties: str
    reason: str


@dataclass(frozen=True)
class Period:
    first_day: date
    last_day: date
    midnights: np.ndarray  # (days + 1,) ns: where each Kyiv day begins, and where the last one ends

    @property
    def start(self) -> int:
        return int(self.midnights[0])

    @property
    def end(self) -> int:
        return int(self.midnights[-1])

    @property
    def days(self) -> int:
        return len(self.midnights) - 1


@dataclass(frozen=True)
class Episode:
    """One or more contacts whose windows overlap, tested as the one window that covers them all."""

    contacts: tuple[ContactWindow, ...]
    start: int
    end: int
    reach: int  # the window may move d days for every |d| <= reach
    shifted_starts: np.ndarray  # (2 × reach + 1,) ns: the window's start moved by −reach … +reach Kyiv days

    @property
    def length(self) -> int:
        return self.end - self.start

    @property
    def time_known(self) -> bool:
        return all(contact.time_known for contact in self.contacts)

    @property
    def label(self) -> str:
        first = self.contacts[0]
        names = "+".join(contact.label for contact in self.contacts)
        return f"{names} ({kyiv_day(first.at, first.time_known):%Y-%m-%d})"


@dataclass(frozen=True)
class Plan:
    period: Period | None
    contacts: tuple[ContactWindow, ...]  # every contact considered, oldest window first
    episodes: tuple[Episode, ...]  # the ones tested
    excluded: tuple[Excluded, ...]

    @property
    def tested_contacts(self) -> int:
        return sum(len(episode.contacts) for episode in self.episodes)


def contact_windows(frame: pd.DataFrame, params: AnalysisParameters) -> list[ContactWindow]:
    """The live contacts whose window opens inside from= … to=, oldest first."""
    if frame.empty:
        return []
    starts = contact_window_starts(frame)
    length = params.window_days * DAY_NS
    low = ns_of(params.start) if params.start else None
    high = ns_of(params.end) if params.end else None
    windows = []
    for row, start in zip(frame.itertuples(index=False), starts.tolist(), strict=True):
        if (low is not None and start < low) or (high is not None and start >= high):
            continue
        contact_id = getattr(row, "id", None)
        windows.append(
            ContactWindow(
                id=None if contact_id is None or pd.isna(contact_id) else int(contact_id),
                at=pd.Timestamp(row.at).to_pydatetime(),
                time_known=bool(row.time_known),
                parties=str(getattr(row, "parties", "") or ""),
                kind=str(getattr(row, "kind", "call") or "call"),
                confidence=str(getattr(row, "confidence", "reported") or "reported"),
                start=int(start),
                end=int(start) + length,
            )
        )
    return sorted(windows, key=lambda window: (window.start, window.id or 0))


def period_for(
    windows: list[ContactWindow], data_first: date, data_last: date, params: AnalysisParameters
) -> Period | None:
    """Kyiv days from `lead_in_days` before the first window to `shift_days` after the last, cut to the strike
    data and to from=/to=; None when nothing is left."""
    first_day, last_day = data_first, data_last
    if windows:
        starts = kyiv_dates(np.array([windows[0].start, windows[-1].end - 1]))
        first_day = max(first_day, starts[0].astype(date) - timedelta(days=params.lead_in_days))
        last_day = min(last_day, starts[1].astype(date) + timedelta(days=params.shift_days))
    if params.start is not None:
        first_day = max(first_day, params.start.astimezone(KYIV).date())
    if params.end is not None:
        last_day = min(last_day, (params.end - timedelta(microseconds=1)).astimezone(KYIV).date())
    if last_day < first_day:
        return None
    return Period(first_day, last_day, kyiv_midnights(first_day, last_day))


def episodes_of(windows: list[ContactWindow]) -> list[list[ContactWindow]]:
    """Contacts grouped so that windows that overlap share a group (windows oldest first)."""
    groups: list[list[ContactWindow]] = []
    end = None
    for window in windows:
        if groups and end is not None and window.start < end:
            groups[-1].append(window)
            end = max(end, window.end)
        else:
            groups.append([window])
            end = window.end
    return groups


def plan(frame: pd.DataFrame, data_first: date | None, data_last: date | None, params: AnalysisParameters) -> Plan:
    """Which contacts are tested, as which episodes, over which period, and why the others are left out."""
    windows = contact_windows(frame, params)
    if data_first is None or data_last is None:
        return Plan(None, tuple(windows), (), ())
    period = period_for(windows, data_first, data_last, params)
    if period is None:
        outside = _("outside the period that has strike data")
        excluded = tuple(_excluded(window, outside) for window in windows)
        return Plan(None, tuple(windows), (), excluded)
    span = params.shift_days
    moves = np.arange(-span, span + 1)
    groups = episodes_of(windows)
    shifted = (
        shift_local_days(np.array([group[0].start for group in groups], dtype=np.int64), moves)
        if groups
        else np.zeros((0, len(moves)), dtype=np.int64)
    )
    episodes: list[Episode] = []
    excluded: list[Excluded] = []
    for group, starts in zip(groups, shifted, strict=True):
        start, end = group[0].start, max(window.end for window in group)
        fits = (starts >= period.start) & (starts + (end - start) <= period.end)
        reach = _reach(fits, span)
        reason = None
        if start < period.start:
            reason = _("its window opens before the period analysed ({day})").format(day=f"{period.first_day:%Y-%m-%d}")
        elif end > period.end:
            reason = _("its window is not over by the end of the strike data or of to= ({day})").format(
                day=f"{period.last_day:%Y-%m-%d}"
            )
        elif reach < params.min_shift_days:
            reason = ngettext(
                "fewer than {n} day of strike data on one side of it, for the ±{span}-day comparison",
                "fewer than {n} days of strike data on one side of it, for the ±{span}-day comparison",
                params.min_shift_days,
            ).format(n=params.min_shift_days, span=span)
        if reason is not None:
            excluded += [_excluded(window, reason) for window in group]
            continue
        episodes.append(Episode(tuple(group), start, end, reach, starts[span - reach : span + reach + 1]))
    return Plan(period, tuple(windows), tuple(episodes), tuple(excluded))


def _reach(fits: np.ndarray, span: int) -> int:
    """The largest m such that the window fits after every move of −m … +m days (−1 if not even unmoved)."""
    reach = -1
    for m in range(span + 1):
        if not (fits[span - m] and fits[span + m]):
            break
        reach = m
    return reach


def _excluded(window: ContactWindow, reason: str) -> Excluded:
    return Excluded(window.id, window.at, window.parties, reason)
