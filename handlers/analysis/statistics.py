"""Do strikes rise after leader-to-leader contacts? The test, on plain DataFrames (no database here).

The method, in the words the verdict uses:

- **Windows start at the contact's time.** A contact at time t owns the window [t, t + K×24 h); a strike that
  began that morning, before an evening call, is not in it. The K×24 h before t, [t − K×24 h, t), is the
  contact's *local baseline*, because strike volumes trend over months and a contact in a heavy month should be
  compared with that month.
- **Unknown hours.** A contact reported with a date only is placed at the *end* of that day (its stored
  midnight + 24 h): only strikes that certainly followed it count. A strike with a date only is placed at the
  middle of its day (stored midnight + 12 h).
- **Baseline.** Every other window of the same length in the period: one starting at each midnight (in the
  analysis zone) that fits inside the period and does not overlap any contact's window.
- **Permutation p-value.** Each contact is moved to a random day of the period, keeping its time of day (so
  the night-time rhythm of strikes cannot fake a signal), and the mean post-contact total is recomputed; the
  p-value is the share of draws at least as high as the real one, (1 + hits) / (1 + draws). The same draws
  give a second p-value for the mean of (window − local baseline), which a slow trend cannot produce.
  Draws use a seeded generator, so the same data always gives the same figures.
- Contacts whose window or local baseline would run outside the data's period are left out, with the reason.

Everything is vectorised: window totals come from cumulative sums looked up with `searchsorted`, and the
permutations are one gather over a (contacts × days) table of precomputed totals.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

METRICS = ("drones", "missiles", "total")
KYIV = ZoneInfo("Europe/Kyiv")
DEFAULT_PERMUTATIONS = 10_000
DEFAULT_SEED = 20220224
MIN_CONTACTS = 10  # below this the verdict says the sample is too small to conclude
ALPHA = 0.05
DAY_NS = 86_400 * 10**9
UNKNOWN_CONTACT_SHIFT = timedelta(hours=24)
UNKNOWN_STRIKE_SHIFT = timedelta(hours=12)

CONTACT_HOUR_CONVENTION = (
    "contacts with a date but no hour are placed at the end of that day, so only strikes that certainly "
    "followed them count"
)
STRIKE_HOUR_CONVENTION = "strikes with a date but no hour are placed at midday of that day"


@dataclass(frozen=True)
class ContactWindow:
    """One contact's figures: totals in its window and in its local baseline, per metric."""

    id: int | None
    at: datetime
    time_known: bool
    window_start: datetime
    window_end: datetime
    parties: str
    kind: str
    confidence: str
    post: dict[str, int]
    pre: dict[str, int]


@dataclass(frozen=True)
class ExcludedContact:
    id: int | None
    at: datetime
    parties: str
    reason: str


@dataclass(frozen=True)
class MetricResult:
    metric: str
    post_mean: float
    baseline_mean: float | None
    baseline_windows: int
    local_mean: float | None
    ratio_to_baseline: float | None
    ratio_to_local: float | None
    p_value: float | None  # mean window total vs contacts placed at random days
    p_value_local: float | None  # mean (window − local baseline) vs the same random placements


@dataclass(frozen=True)
class Analysis:
    window_days: int
    metric: str
    zone: str
    period_start: datetime | None
    period_end: datetime | None
    days: int
    strikes: int
    permutations: int
    seed: int
    conventions: tuple[str, ...]
    contacts: tuple[ContactWindow, ...]
    excluded: tuple[ExcludedContact, ...]
    metrics: dict[str, MetricResult]
    verdict: str
    daily: pd.DataFrame = field(repr=False)  # index: day (date); columns drones, missiles, total

    @property
    def result(self) -> MetricResult | None:
        return self.metrics.get(self.metric)

    def to_dict(self) -> dict[str, Any]:
        """Every figure, JSON-ready (NaN and infinity become null, times ISO 8601 UTC)."""
        return _clean(
            {
                "window_days": self.window_days,
                "metric": self.metric,
                "zone": self.zone,
                "period_start": self.period_start,
                "period_end": self.period_end,
                "days": self.days,
                "strikes": self.strikes,
                "permutations": self.permutations,
                "seed": self.seed,
                "min_contacts": MIN_CONTACTS,
                "alpha": ALPHA,
                "conventions": list(self.conventions),
                "verdict": self.verdict,
                "results": {name: vars(result) for name, result in self.metrics.items()},
                "contacts": [vars(contact) for contact in self.contacts],
                "excluded": [vars(contact) for contact in self.excluded],
                "daily": [
                    {"day": day.isoformat(), **{name: int(row[name]) for name in METRICS}}
                    for day, row in self.daily.iterrows()
                ],
            }
        )


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


# --- inputs -------------------------------------------------------------------------------------------------
STRIKE_COLUMNS = ("at", "time_known", "drones", "missiles")
CONTACT_COLUMNS = ("id", "at", "time_known", "parties", "kind", "confidence")


def empty_strikes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "at": pd.Series([], dtype="datetime64[ns, UTC]"),
            "time_known": pd.Series([], dtype=bool),
            "drones": pd.Series([], dtype="int64"),
            "missiles": pd.Series([], dtype="int64"),
        }
    )


def empty_contacts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": pd.Series([], dtype="int64"),
            "at": pd.Series([], dtype="datetime64[ns, UTC]"),
            "time_known": pd.Series([], dtype=bool),
            "parties": pd.Series([], dtype=object),
            "kind": pd.Series([], dtype=object),
            "confidence": pd.Series([], dtype=object),
        }
    )


def _ns(values: pd.Series) -> np.ndarray:
    """Aware times as int64 nanoseconds since the epoch (UTC), whatever unit pandas chose."""
    return (
        pd.to_datetime(values, utc=True).astype("datetime64[ns, UTC]").to_numpy(dtype="datetime64[ns]").astype(np.int64)
    )


def _to_ns(value: datetime) -> int:
    return int(pd.Timestamp(value).tz_convert(UTC).as_unit("ns").value)


def _from_ns(value: int) -> datetime:
    return pd.Timestamp(int(value), unit="ns", tz=UTC).to_pydatetime()


def strike_event_times(strikes: pd.DataFrame) -> np.ndarray:
    """Each strike's time for the analysis, in ns: its start, or midday of its day when the hour is unknown."""
    times = _ns(strikes["at"])
    known = strikes["time_known"].to_numpy(dtype=bool)
    return np.where(known, times, times + int(UNKNOWN_STRIKE_SHIFT.total_seconds() * 10**9))


def contact_anchor_times(contacts: pd.DataFrame) -> np.ndarray:
    """Where each contact's window starts, in ns: its time, or the end of its day when the hour is unknown."""
    times = _ns(contacts["at"])
    known = contacts["time_known"].to_numpy(dtype=bool)
    return np.where(known, times, times + int(UNKNOWN_CONTACT_SHIFT.total_seconds() * 10**9))


def _day_starts(first: date, last: date, zone: tzinfo) -> np.ndarray:
    """Midnight of each day first..last in `zone`, as UTC ns (days are 23 or 25 h around DST changes)."""
    days = pd.date_range(first, last, freq="D")
    return days.tz_localize(zone).tz_convert(UTC).as_unit("ns").asi8.copy()


def _local_date(ns: int, zone: tzinfo) -> date:
    return pd.Timestamp(int(ns), unit="ns", tz=UTC).tz_convert(zone).date()


class _Cumulative:
    """Totals of strikes in any [a, b) by two binary searches on sorted times and a cumulative sum."""

    def __init__(self, times: np.ndarray, values: np.ndarray) -> None:
        order = np.argsort(times, kind="stable")
        self.times = times[order]
        self.cumsum = np.vstack(
            [np.zeros((1, values.shape[1]), dtype=np.int64), np.cumsum(values[order], axis=0, dtype=np.int64)]
        )

    def totals(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Shape starts.shape + (metrics,)."""
        left = np.searchsorted(self.times, starts, side="left")
        right = np.searchsorted(self.times, ends, side="left")
        return self.cumsum[right] - self.cumsum[left]


# --- the analysis -------------------------------------------------------------------------------------------
def analyse(
    strikes: pd.DataFrame,
    contacts: pd.DataFrame,
    *,
    window_days: int = 3,
    metric: str = "total",
    start: datetime | None = None,
    end: datetime | None = None,
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int = DEFAULT_SEED,
    zone: tzinfo = KYIV,
) -> Analysis:
    """Run the whole analysis. `strikes`/`contacts` are live (not retracted, not duplicate) reports.

    The period runs from midnight of `start`'s day (default: the first strike's day) to the end of the day
    before `end` (default: through the last strike's day), days counted in `zone`.
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}")
    if window_days < 1:
        raise ValueError("the window must be at least one day")
    window_ns = window_days * DAY_NS
    zone_name = getattr(zone, "key", None) or str(zone)
    conventions = (
        f"a window is the {window_days * 24} h from the contact's time; the local baseline is the "
        f"{window_days * 24} h before it",
        CONTACT_HOUR_CONVENTION,
        STRIKE_HOUR_CONVENTION,
        f"days are counted in {zone_name}",
        "retracted reports and repeat reports of the same contact are left out",
    )
    event_ns = strike_event_times(strikes)
    values = (
        np.column_stack(
            [
                strikes["drones"].to_numpy(dtype=np.int64),
                strikes["missiles"].to_numpy(dtype=np.int64),
                strikes["drones"].to_numpy(dtype=np.int64) + strikes["missiles"].to_numpy(dtype=np.int64),
            ]
        )
        if len(strikes)
        else np.zeros((0, 3), dtype=np.int64)
    )

    empty = partial(_empty, window_days, metric, zone_name, permutations, seed, conventions, contacts)
    if start is None and end is None and len(event_ns) == 0:
        return empty("There are no strike reports yet, so there is nothing to compare: import or log strikes first.")
    earliest = int(event_ns.min()) if len(event_ns) else _to_ns(end) - 1  # type: ignore[arg-type]
    first_ns = _to_ns(start) if start is not None else earliest
    latest = max(int(event_ns.max()), first_ns) if len(event_ns) else first_ns
    last_ns = _to_ns(end) - 1 if end is not None else latest
    first_day, last_day = _local_date(first_ns, zone), _local_date(last_ns, zone)
    if last_day < first_day:
        return empty("The period is empty: from= must be before to=.")
    day_starts = _day_starts(first_day, last_day, zone)
    period_start = int(day_starts[0])
    period_end = int(_day_starts(last_day + timedelta(days=1), last_day + timedelta(days=1), zone)[0])
    n_days = len(day_starts)

    inside = (event_ns >= period_start) & (event_ns < period_end)
    event_ns, values = event_ns[inside], values[inside]
    cumulative = _Cumulative(event_ns, values)
    day_of_event = np.searchsorted(day_starts, event_ns, side="right") - 1
    daily = pd.DataFrame(
        {
            name: np.bincount(day_of_event, weights=values[:, index], minlength=n_days).astype(np.int64)
            for index, name in enumerate(METRICS)
        },
        index=pd.Index(pd.date_range(first_day, last_day, freq="D").date, name="day"),
    )

    # Contacts: where each window starts, which may be analysed, and why the others may not.
    anchors = contact_anchor_times(contacts) if len(contacts) else np.zeros(0, dtype=np.int64)
    eligible_rows: list[int] = []
    excluded: list[ExcludedContact] = []
    for row, anchor in enumerate(anchors):
        record = contacts.iloc[row]
        reason = None
        if anchor < period_start or anchor >= period_end:
            reason = "outside the period analysed"
        elif anchor - window_ns < period_start:
            reason = f"less than {window_days} day(s) after the start of the data: no full local baseline"
        elif anchor + window_ns > period_end:
            reason = f"less than {window_days} day(s) before the end of the data: its window is not over"
        if reason:
            excluded.append(ExcludedContact(_id(record), _from_ns(_ns_of(record)), str(record["parties"]), reason))
        else:
            eligible_rows.append(row)
    anchors_ok = anchors[eligible_rows]
    n = len(eligible_rows)

    post = cumulative.totals(anchors_ok, anchors_ok + window_ns)  # (n, 3)
    pre = cumulative.totals(anchors_ok - window_ns, anchors_ok)
    windows = tuple(
        ContactWindow(
            id=_id(contacts.iloc[row]),
            at=_from_ns(_ns_of(contacts.iloc[row])),
            time_known=bool(contacts.iloc[row]["time_known"]),
            window_start=_from_ns(anchor),
            window_end=_from_ns(anchor + window_ns),
            parties=str(contacts.iloc[row]["parties"]),
            kind=str(contacts.iloc[row]["kind"]),
            confidence=str(contacts.iloc[row]["confidence"]),
            post={name: int(post[i, k]) for k, name in enumerate(METRICS)},
            pre={name: int(pre[i, k]) for k, name in enumerate(METRICS)},
        )
        for i, (row, anchor) in enumerate(zip(eligible_rows, anchors_ok, strict=True))
    )

    baseline, baseline_count = _baseline(cumulative, day_starts, period_end, window_ns, anchors_ok)
    null_post, null_diff = _permutations(
        cumulative, day_starts, period_start, period_end, window_ns, anchors_ok, permutations, seed
    )
    metrics: dict[str, MetricResult] = {}
    for k, name in enumerate(METRICS):
        post_sum, diff_sum = int(post[:, k].sum()), int((post[:, k] - pre[:, k]).sum())
        post_mean = post_sum / n if n else math.nan
        local_mean = float(pre[:, k].mean()) if n else None
        metrics[name] = MetricResult(
            metric=name,
            post_mean=post_mean,
            baseline_mean=float(baseline[k]) if baseline_count else None,
            baseline_windows=baseline_count,
            local_mean=local_mean,
            ratio_to_baseline=_ratio(post_mean, float(baseline[k]) if baseline_count else None),
            ratio_to_local=_ratio(post_mean, local_mean),
            p_value=_p_value(null_post[:, k], post_sum) if n else None,
            p_value_local=_p_value(null_diff[:, k], diff_sum) if n else None,
        )
    return Analysis(
        window_days=window_days,
        metric=metric,
        zone=zone_name,
        period_start=_from_ns(period_start),
        period_end=_from_ns(period_end),
        days=n_days,
        strikes=int(inside.sum()),
        permutations=permutations,
        seed=seed,
        conventions=conventions,
        contacts=windows,
        excluded=tuple(excluded),
        metrics=metrics,
        verdict=verdict(metrics[metric], n, window_days),
        daily=daily,
    )


def _id(record: pd.Series) -> int | None:
    value = record.get("id")
    return None if value is None or pd.isna(value) else int(value)


def _ns_of(record: pd.Series) -> int:
    return _to_ns(pd.Timestamp(record["at"]))


def _ratio(numerator: float, denominator: float | None) -> float | None:
    if denominator is None or not math.isfinite(numerator) or denominator == 0:
        return None
    return numerator / denominator


def _p_value(null_sums: np.ndarray, observed_sum: int) -> float:
    """One-sided: how often random placement does at least as well. Sums are integers, so no float ties."""
    return float((1 + np.count_nonzero(null_sums >= observed_sum)) / (1 + len(null_sums)))


def _baseline(
    cumulative: _Cumulative, day_starts: np.ndarray, period_end: int, window_ns: int, anchors: np.ndarray
) -> tuple[np.ndarray, int]:
    """Mean total of every window starting at a midnight that fits the period and touches no contact window."""
    starts = day_starts[day_starts + window_ns <= period_end]
    if len(anchors):
        overlaps = (starts[:, None] < anchors[None, :] + window_ns) & (starts[:, None] + window_ns > anchors[None, :])
        starts = starts[~overlaps.any(axis=1)]
    if not len(starts):
        return np.full(3, math.nan), 0
    return cumulative.totals(starts, starts + window_ns).mean(axis=0), len(starts)


def _permutations(
    cumulative: _Cumulative,
    day_starts: np.ndarray,
    period_start: int,
    period_end: int,
    window_ns: int,
    anchors: np.ndarray,
    permutations: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Sums over contacts of the window total, and of (window − local baseline), for random day placements.

    Each contact keeps its time of day (offset from its local midnight) and moves to a day drawn uniformly from
    the days where its window and its local baseline both fit in the period. Returns two (draws, 3) arrays.
    """
    n = len(anchors)
    if n == 0 or permutations <= 0:
        return np.zeros((0, 3), dtype=np.int64), np.zeros((0, 3), dtype=np.int64)
    day_of = np.searchsorted(day_starts, anchors, side="right") - 1
    offsets = anchors - day_starts[day_of]  # (n,)
    candidate = day_starts[None, :] + offsets[:, None]  # (n, days): the contact's time on every day
    post = cumulative.totals(candidate, candidate + window_ns)  # (n, days, 3)
    diff = post - cumulative.totals(candidate - window_ns, candidate)
    fits = (candidate - window_ns >= period_start) & (candidate + window_ns <= period_end)
    low = fits.argmax(axis=1)  # the days that fit are one run: the first …
    high = len(day_starts) - 1 - fits[:, ::-1].argmax(axis=1)  # … and the last
    rng = np.random.default_rng(seed)
    rows = np.arange(n)[None, :]
    null_post = np.empty((permutations, 3), dtype=np.int64)
    null_diff = np.empty((permutations, 3), dtype=np.int64)
    chunk = max(1, 2_000_000 // n)  # bounds memory for many contacts
    for begin in range(0, permutations, chunk):
        size = min(chunk, permutations - begin)
        days = rng.integers(low, high + 1, size=(size, n))
        null_post[begin : begin + size] = post[rows, days].sum(axis=1)
        null_diff[begin : begin + size] = diff[rows, days].sum(axis=1)
    return null_post, null_diff


def _empty(
    window_days: int,
    metric: str,
    zone: str,
    permutations: int,
    seed: int,
    conventions: tuple[str, ...],
    contacts: pd.DataFrame,
    message: str,
) -> Analysis:
    excluded = tuple(
        ExcludedContact(
            _id(contacts.iloc[row]),
            _from_ns(_ns_of(contacts.iloc[row])),
            str(contacts.iloc[row]["parties"]),
            "no strike data in the period",
        )
        for row in range(len(contacts))
    )
    metrics = {name: MetricResult(name, math.nan, None, 0, None, None, None, None, None) for name in METRICS}
    return Analysis(
        window_days,
        metric,
        zone,
        None,
        None,
        0,
        0,
        permutations,
        seed,
        conventions,
        (),
        excluded,
        metrics,
        message,
        pd.DataFrame({name: pd.Series([], dtype="int64") for name in METRICS}),
    )


# --- the verdict --------------------------------------------------------------------------------------------
def _times(ratio: float | None) -> str:
    return "n/a (the comparison is zero)" if ratio is None else f"×{ratio:.2f}"


def verdict(result: MetricResult, contacts: int, window_days: int) -> str:
    """A plain-language reading of the figures, careful about small samples and about the trend."""
    what = {"total": "drones and missiles", "drones": "drones", "missiles": "missiles"}[result.metric]
    span = f"{window_days} day{'s' if window_days != 1 else ''}"
    if contacts == 0:
        return "No contact has a complete window inside the strike data, so there is nothing to test yet."
    figures = (
        f"In the {span} after the {contacts} contact(s), {what} averaged {result.post_mean:.1f} per window: "
        f"{_times(result.ratio_to_baseline)} the period's baseline and {_times(result.ratio_to_local)} the "
        f"{span} just before each contact. Random dates do as well in {result.p_value:.1%} of draws "
        f"(p = {result.p_value:.4f}); against the days just before, p = {result.p_value_local:.4f}."
    )
    if contacts < MIN_CONTACTS:
        return (
            f"Too few contacts to conclude ({contacts}; at least {MIN_CONTACTS} are needed before chance can be "
            f"told apart from a pattern). {figures}"
        )
    high = result.p_value is not None and result.p_value < ALPHA and (result.ratio_to_baseline or 0) > 1
    high_local = result.p_value_local is not None and result.p_value_local < ALPHA and (result.ratio_to_local or 0) > 1
    if high and high_local:
        reading = (
            "Strikes were heavier after contacts than both the period's baseline and the days just before, "
            "more than chance explains. This is an association in this data, not proof that the contacts "
            "caused the strikes."
        )
    elif high:
        reading = (
            "Strikes were heavier after contacts than the period's baseline, but not clearly heavier than "
            "just before each contact: the contacts fell in heavier months, so the trend, not the contacts, "
            "may explain the difference."
        )
    elif high_local:
        reading = (
            "Strikes rose from the days before each contact to the days after, more than chance explains, "
            "but the windows were not heavier than the period's baseline overall: a weak sign, not a finding."
        )
    else:
        reading = (
            "No evidence that strikes rise after contacts: random dates give figures as high just as "
            "often. With this many contacts a modest effect could still be missed."
        )
    return f"{reading} {figures}"


def contact_frame(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """Contacts as the analysis reads them, from plain dicts (tests and callers without a database)."""
    frame = pd.DataFrame(list(rows))
    if frame.empty:
        return empty_contacts()
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    for column, default in (("time_known", True), ("parties", ""), ("kind", "call"), ("confidence", "reported")):
        frame[column] = frame[column].fillna(default) if column in frame else default
    if "id" not in frame:
        frame["id"] = range(1, len(frame) + 1)
    return frame


def strike_frame(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """Strikes as the analysis reads them, from plain dicts."""
    frame = pd.DataFrame(list(rows))
    if frame.empty:
        return empty_strikes()
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    for column, default in (("time_known", True), ("drones", 0), ("missiles", 0)):
        frame[column] = frame[column].fillna(default) if column in frame else default
    return frame.astype({"time_known": bool, "drones": "int64", "missiles": "int64"})
