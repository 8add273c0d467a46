"""The event study, step by step: do strikes rise after leader-to-leader contacts, more than nearby days predict?

1. `windows.plan` — each contact's window (the rule in `handlers.records.window`), the period, episodes.
2. `series` — strikes placed by the same rule; totals over any span; daily counts per Kyiv day.
3. `randomisation.LocalNull` — the primary test per metric: rate ratio, 95 % interval, p; the common-shift
   variant; leave-one-out; hours known vs date only.
4. Holm's correction over the metrics shown, and `power.detectable_ratio` at the corrected level.
5. `regression.fit` — the negative-binomial second opinion; `profile.event_profile` — D−7 … D+7.
6. `verdict.compose` — the words, from the corrected primary test and the power only.

Nothing here touches the database: `command.run_analysis` loads the frames; tests and benches pass their own.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from handlers.analysis import power, regression, verdict
from handlers.analysis.parameters import METRICS, AnalysisParameters
from handlers.analysis.profile import event_profile
from handlers.analysis.randomisation import LocalNull, Subset
from handlers.analysis.result import (
    Analysis,
    ContactFigures,
    DataExtent,
    EpisodeFigures,
    Influence,
    MetricResult,
)
from handlers.analysis.series import StrikeSeries, datetime_of, kyiv_dates, strike_times
from handlers.analysis.windows import Plan, plan
from handlers.i18n import _, ngettext
from handlers.records.window import CONVENTIONS, KYIV

__all__ = ["KYIV", "METRICS", "AnalysisParameters", "analyse", "data_days", "extent_of", "holm", "loading_span"]


def extent_of(strikes: pd.DataFrame) -> DataExtent:
    """The extent and totals of a strike frame (what `storage.series.strike_extent` reads from the database)."""
    if strikes.empty:
        return DataExtent(None, None, 0, 0, 0)
    times = strike_times(strikes)
    return DataExtent(
        first=datetime_of(int(times.min())),
        last=datetime_of(int(times.max())),
        reports=len(strikes),
        drones=int(strikes["drones"].sum()),
        missiles=int(strikes["missiles"].sum()),
    )


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjusted p-values (the same as statsmodels' `multipletests(method="holm")`, which the
    tests check; written out because that function runs a full garbage collection on every call)."""
    order = sorted(range(len(p_values)), key=p_values.__getitem__)
    adjusted = [0.0] * len(p_values)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


def data_days(extent: DataExtent) -> tuple[date | None, date | None]:
    if extent.first is None or extent.last is None:
        return None, None
    first, last = kyiv_dates(np.array([pd.Timestamp(extent.first).value, pd.Timestamp(extent.last).value]))
    return first.item(), last.item()


def loading_span(
    contacts: pd.DataFrame, extent: DataExtent, params: AnalysisParameters
) -> tuple[datetime, datetime] | None:
    """The span of strikes the study reads: its period, plus one window either side for the spans just before
    contacts near its edges. None when there is no period."""
    first_day, last_day = data_days(extent)
    if first_day is None or last_day is None:
        return None
    layout = plan(contacts, first_day, last_day, params)
    if layout.period is None:
        return None
    margin = timedelta(days=params.window_days + 1)
    return datetime_of(layout.period.start) - margin, datetime_of(layout.period.end) + margin


def analyse(
    strikes: pd.DataFrame,
    contacts: pd.DataFrame,
    params: AnalysisParameters | None = None,
    *,
    extent: DataExtent | None = None,
) -> Analysis:
    """Run the whole study on live reports (`storage.series` frames: retracted and repeat reports left out)."""
    params = params or AnalysisParameters()
    extent = extent or extent_of(strikes)
    conventions = (
        ngettext(
            "a window is the {hours} h after a contact; each window is compared with the same hours on the days "
            "within ±{n} day of it",
            "a window is the {hours} h after a contact; each window is compared with the same hours on the days "
            "within ±{n} days of it",
            params.shift_days,
        ).format(hours=params.window_hours, n=params.shift_days),
        *(_(rule) for rule in CONVENTIONS),
        _("retracted reports and repeat reports of the same contact are left out"),
    )
    base = {"params": params, "zone": KYIV.key, "conventions": conventions, "extent": extent}
    first_day, last_day = data_days(extent)
    layout = plan(contacts, first_day, last_day, params)
    problem = verdict.problem(extent.reports, len(layout.contacts), layout, params)
    if layout.period is None:
        return Analysis(verdict=problem or "", positive=False, problem=problem, excluded=layout.excluded, **base)
    series = StrikeSeries.from_frame(strikes)
    daily = series.daily(layout.period.midnights)
    figures = _figures(series, layout, daily)
    if not layout.episodes:
        return Analysis(verdict=problem or "", positive=False, problem=problem, **figures, **base)
    metrics, null = _metrics(series, layout, daily, extent, params)
    influence, hours_known, date_only = _sensitivity(null, layout, params)
    if problem is None:
        text, positive = verdict.compose(metrics, layout, influence, params)
    else:  # too few episodes: the figures are shown, the words say they cannot conclude
        text, positive = f"{problem} {verdict.descriptive(metrics[params.metric], params)}", False
    return Analysis(
        verdict=text,
        positive=positive,
        problem=problem,
        metrics=metrics,
        episodes=_episode_figures(null, layout),
        influence=influence,
        hours_known=hours_known,
        date_only=date_only,
        profile=tuple(event_profile(daily, layout.period, layout.episodes, params.profile_days)),
        **figures,
        **base,
    )


def _sensitivity(
    null: LocalNull, layout: Plan, params: AnalysisParameters
) -> tuple[Influence | None, Subset | None, Subset | None]:
    """Leave-one-out for the headline metric, and contacts with the hour known against date-only ones."""
    influential = null.most_influential(METRICS.index(params.metric))
    influence = (
        Influence(influential, layout.episodes[influential].label, null.without(influential))
        if influential is not None
        else None
    )
    known = np.array([episode.time_known for episode in layout.episodes])
    if known.all() or not known.any():
        return influence, None, None
    return influence, null.subset(known), null.subset(~known)


def _episode_figures(null: LocalNull, layout: Plan) -> tuple[EpisodeFigures, ...]:
    return tuple(
        EpisodeFigures(
            label=episode.label,
            contact_ids=tuple(contact.id for contact in episode.contacts),
            start=datetime_of(episode.start),
            end=datetime_of(episode.end),
            reach_days=episode.reach,
            observed=dict(zip(METRICS, null.observed[index].tolist(), strict=True)),
            expected=dict(zip(METRICS, null.means[index].tolist(), strict=True)),
        )
        for index, episode in enumerate(layout.episodes)
    )


def _figures(series: StrikeSeries, layout: Plan, daily: np.ndarray) -> dict[str, object]:
    """The period, the daily series and each tested contact's own totals, after and just before."""
    period = layout.period
    assert period is not None
    episode_of = {id(contact): index for index, e in enumerate(layout.episodes) for contact in e.contacts}
    tested = [contact for episode in layout.episodes for contact in episode.contacts]
    contacts = []
    if tested:
        starts = np.array([contact.start for contact in tested])
        ends = np.array([contact.end for contact in tested])
        after = series.totals(starts, ends)
        before = series.totals(2 * starts - ends, starts)
        for contact, post, pre in zip(tested, after, before, strict=True):
            contacts.append(
                ContactFigures(
                    id=contact.id,
                    at=contact.at,
                    time_known=contact.time_known,
                    parties=contact.parties,
                    kind=contact.kind,
                    confidence=contact.confidence,
                    window_start=datetime_of(contact.start),
                    window_end=datetime_of(contact.end),
                    episode=episode_of[id(contact)],
                    after=dict(zip(METRICS, post.tolist(), strict=True)),
                    before=dict(zip(METRICS, pre.tolist(), strict=True)),
                )
            )
    return {
        "period_start": datetime_of(period.start),
        "period_end": datetime_of(period.end),
        "days": period.days,
        "strikes": series.count(period.start, period.end),
        "contacts": tuple(contacts),
        "excluded": layout.excluded,
        "daily": {name: daily[:, k].tolist() for k, name in enumerate(METRICS)},
    }


def _metrics(
    series: StrikeSeries, layout: Plan, daily: np.ndarray, extent: DataExtent, params: AnalysisParameters
) -> tuple[dict[str, MetricResult], LocalNull]:
    null = LocalNull(series, layout.episodes, params.permutations, params.seed)
    primary = null.results()
    corrected = holm([primary[name].p_value for name in METRICS])
    level = params.alpha / len(METRICS)  # the bar the smallest p must clear under Holm
    starts = np.array([episode.start for episode in layout.episodes])
    ends = np.array([episode.end for episode in layout.episodes])
    before = series.totals(2 * starts - ends, starts).sum(axis=0)
    window_days = float((ends - starts).sum()) / 86_400e9
    span = _data_span(extent)
    metrics = {}
    for k, name in enumerate(METRICS):
        result = primary[name]
        p_common, shifts = null.common_shift_p(k)
        whole_rate = extent.totals[name] / span if span else 0.0
        metrics[name] = MetricResult(
            metric=name,
            primary=result,
            p_holm=corrected[k],
            p_common_shift=p_common,
            common_shifts=shifts,
            detectable_ratio=power.detectable_ratio(null.sums[:, k], level, params.power),
            model=(
                regression.fit(daily[:, k], layout.period, layout.episodes)  # type: ignore[arg-type]
                if params.model and name == params.metric
                else None
            ),
            before_ratio=result.observed / before[k] if before[k] else None,
            whole_data_ratio=(result.observed / window_days) / whole_rate if whole_rate and window_days else None,
        )
    return metrics, null


def _data_span(extent: DataExtent) -> int:
    first, last = data_days(extent)
    return (last - first).days + 1 if first and last else 0
