"""The chat reply of /analysis: the verdict first, the primary test per metric as a table, then — labelled — the
profile, the sensitivity checks, the secondary figures and the conventions. Every figure is in
`callwatch analyze --json` as well."""

from __future__ import annotations

from datetime import timedelta

from handlers.analysis.parameters import METRIC_WORDS, METRICS
from handlers.analysis.randomisation import Subset
from handlers.analysis.result import Analysis, MetricResult
from handlers.analysis.words import plural, ratio_text
from handlers.chat.reply import Reply, Table
from handlers.records.window import KYIV

EXCLUDED_SHOWN = 5


def title(result: Analysis) -> str:
    period = f" · {period_text(result)}" if result.period_start else ""
    return f"Strikes after contacts · {result.window_days}-day windows · {METRIC_WORDS[result.metric]}{period}"


def period_text(result: Analysis) -> str:
    if result.period_start is None or result.period_end is None:
        return "no period"
    first = result.period_start.astimezone(KYIV)
    last = (result.period_end - timedelta(seconds=1)).astimezone(KYIV)
    return f"{first:%Y-%m-%d} → {last:%Y-%m-%d}"


def render(result: Analysis, zone: object = None) -> Reply:
    """The reply for /analysis and `callwatch analyze` (the zone is Kyiv whatever the channel: days are Kyiv days)."""
    lines = [result.verdict]
    if result.metrics:
        lines += ["", _primary(result)]
        lines += _model(result)
        lines += _episodes(result)
    lines += _excluded(result)
    footer = [line for line in (_profile(result), _sensitivity(result), _secondary(result)) if line]
    footer.append("Conventions: " + "; ".join(result.conventions) + ".")
    if result.metrics:
        footer.append(
            f"p-values from {result.params.permutations:,} random draws (seed {result.params.seed}); "
            "every figure: callwatch analyze --json."
        )
    return Reply(title=title(result), text="\n".join(lines), table=_table(result), footer="\n".join(footer))


def _primary(result: Analysis) -> str:
    params = result.params
    return (
        f"Primary test, fixed in advance: the strikes in the {params.window_hours} h after each contact, from its "
        f"time, against the same hours on the days within ±{params.shift_days} days of it; the p-values are "
        f"corrected (Holm) for the {len(METRICS)} metrics below. Period {period_text(result)} (Kyiv days): "
        f"{plural(result.days, 'day')}, {plural(result.strikes, 'strike report')}."
    )


def _episodes(result: Analysis) -> list[str]:
    merged = [episode for episode in result.episodes if len(episode.contact_ids) > 1]
    if not merged:
        return []
    groups = "; ".join(" and ".join(f"#{cid}" for cid in episode.contact_ids) for episode in merged)
    return [
        f"{plural(result.tested_contacts, 'contact')} in {plural(len(result.episodes), 'episode')}: {groups} have "
        "overlapping windows, so each group is tested as one window and no strike is counted twice."
    ]


def _excluded(result: Analysis) -> list[str]:
    if not result.excluded:
        return []
    shown = "; ".join(
        f"#{item.id} ({item.at.astimezone(KYIV):%Y-%m-%d}): {item.reason}" for item in result.excluded[:EXCLUDED_SHOWN]
    )
    more = f"; and {len(result.excluded) - EXCLUDED_SHOWN} more" if len(result.excluded) > EXCLUDED_SHOWN else ""
    return [f"Left out: {plural(len(result.excluded), 'contact')} — {shown}{more}."]


def _table(result: Analysis) -> Table | None:
    if not result.metrics:
        return None
    rows = tuple(_row(result.metrics[name]) for name in METRICS)
    columns = ("metric", "after", "expected", "ratio", "95% CI", "p", "Holm p", "common-shift p")
    return Table(columns=columns, rows=rows)


def _row(metric: MetricResult) -> tuple[str, ...]:
    primary = metric.primary
    return (
        metric.metric,
        f"{primary.observed:,}",
        f"{primary.expected:,.0f}",
        ratio_text(primary.ratio),
        f"{ratio_text(primary.ci_low)}–{ratio_text(primary.ci_high)}",
        f"{primary.p_value:.3f}",
        f"{metric.p_holm:.3f}",
        f"{metric.p_common_shift:.2f}",
    )


def _model(result: Analysis) -> list[str]:
    figures = result.result
    if figures is None or figures.model is None:
        return []
    model = figures.model
    what = METRIC_WORDS[result.metric]
    if model.ratio is None:
        return [f"Second opinion, a model of daily {what}: not estimable here ({model.note})."]
    return [
        f"Second opinion, a model (not a second test): a negative-binomial regression of daily {what} on the share "
        f"of each Kyiv day inside a window, with month and weekday effects and autocorrelation-robust errors, "
        f"gives {ratio_text(model.ratio)} (95% CI {ratio_text(model.ci_low)}–{ratio_text(model.ci_high)}, "
        f"p = {model.p_value:.3f})."
    ]


def _profile(result: Analysis) -> str | None:
    if not result.profile:
        return None
    metric = result.metric
    days = " ".join(
        f"{_day(day.offset)} {ratio_text(day.observed[metric] / day.expected[metric]) if day.expected[metric] else '—'}"
        for day in result.profile
    )
    return (
        f"Around contacts, day by day ({METRIC_WORDS[metric]}, observed ÷ expected; D is the contact's Kyiv day): "
        f"{days}. /analysis chart draws it."
    )


def _day(offset: int) -> str:
    return "D" if offset == 0 else f"D{offset:+d}".replace("-", "−")


def _subset_text(subset: Subset, metric: str) -> str:
    test = subset.results[metric]
    return f"{ratio_text(test.ratio)}, p = {test.p_value:.3f}"


def _sensitivity(result: Analysis) -> str | None:
    parts = []
    if result.influence is not None:
        influence = result.influence
        parts.append(
            f"without the most influential episode, {influence.label}: {_subset_text(influence.without, result.metric)}"
        )
    if result.hours_known is not None and result.date_only is not None:
        parts.append(
            f"contacts with the hour known ({plural(result.hours_known.contacts, 'contact')}): "
            f"{_subset_text(result.hours_known, result.metric)}; date only "
            f"({plural(result.date_only.contacts, 'contact')}): {_subset_text(result.date_only, result.metric)}"
        )
    return ("Sensitivity: " + "; ".join(parts) + ".") if parts else None


def _secondary(result: Analysis) -> str | None:
    figures = result.result
    if figures is None:
        return None
    parts = [
        f"after ÷ the same span just before each contact: {ratio_text(figures.before_ratio)} (a quieter spell "
        "before contacts shows here as a rise)"
    ]
    extent = result.extent
    if figures.whole_data_ratio is not None and extent.first and extent.last:
        parts.append(
            f"after ÷ the daily average of all the strike data ({extent.first.astimezone(KYIV):%Y-%m-%d} → "
            f"{extent.last.astimezone(KYIV):%Y-%m-%d}): {ratio_text(figures.whole_data_ratio)} — strike volumes "
            "trend over months and years, so this is no evidence either way"
        )
    return "Secondary figures, not tests: " + "; ".join(parts) + "."
