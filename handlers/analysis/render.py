"""The chat reply of /analysis: the verdict first, the primary test per metric as a table, then — labelled — the
profile, the sensitivity checks, the secondary figures and the conventions. Every figure is in
`callwatch analyze --json` as well."""

from __future__ import annotations

from datetime import timedelta

from handlers.analysis.parameters import METRICS
from handlers.analysis.randomisation import Subset
from handlers.analysis.result import Analysis, MetricResult
from handlers.analysis.words import (
    contacts_text,
    count_text,
    day_label,
    days_text,
    interval_text,
    listed,
    metric_label,
    metric_words,
    metrics_text,
    p_text,
    ratio_text,
)
from handlers.chat.reply import Reply, Table
from handlers.i18n import _, ngettext
from handlers.i18n.numbers import format_number
from handlers.records.window import KYIV

EXCLUDED_SHOWN = 5


def title(result: Analysis) -> str:
    text = _("Strikes after contacts · {days}-day windows · {metric}").format(
        days=result.window_days, metric=metric_words(result.metric)
    )
    return f"{text} · {period_text(result)}" if result.period_start else text


def period_text(result: Analysis) -> str:
    if result.period_start is None or result.period_end is None:
        return _("no period")
    first = result.period_start.astimezone(KYIV)
    last = (result.period_end - timedelta(seconds=1)).astimezone(KYIV)
    return f"{first:%Y-%m-%d} → {last:%Y-%m-%d}"


def render(result: Analysis, zone: object = None) -> Reply:
    """The reply for /analysis and `callwatch analyze` (the zone is Kyiv whatever the channel: days are Kyiv days).

    Written in the active language, as the verdict and the conventions it carries were."""
    lines = [result.verdict]
    if result.metrics:
        lines += ["", _primary(result)]
        lines += _model(result)
        lines += _episodes(result)
    lines += _excluded(result)
    footer = [line for line in (_profile(result), _sensitivity(result), _secondary(result)) if line]
    footer.append(_("Conventions: {rules}.").format(rules="; ".join(result.conventions)))
    if result.metrics:
        permutations = result.params.permutations
        footer.append(
            ngettext(
                "p-values from {n} random draw (seed {seed}); every figure: callwatch analyze --json.",
                "p-values from {n} random draws (seed {seed}); every figure: callwatch analyze --json.",
                permutations,
            ).format(n=count_text(permutations), seed=result.params.seed)
        )
    return Reply(title=title(result), text="\n".join(lines), table=_table(result), footer="\n".join(footer))


def _primary(result: Analysis) -> str:
    params = result.params
    test = ngettext(
        "Primary test, fixed in advance: the strikes in the {hours} h after each contact, from its time, against the "
        "same hours on the days within ±{n} day of it; the p-values are corrected (Holm) for the {metrics} below.",
        "Primary test, fixed in advance: the strikes in the {hours} h after each contact, from its time, against the "
        "same hours on the days within ±{n} days of it; the p-values are corrected (Holm) for the {metrics} below.",
        params.shift_days,
    ).format(hours=params.window_hours, n=params.shift_days, metrics=metrics_text(len(METRICS)))
    period = _("Period {period} (Kyiv days): {days}, {reports}.").format(
        period=period_text(result),
        days=days_text(result.days),
        reports=ngettext("{n} strike report", "{n} strike reports", result.strikes).format(
            n=count_text(result.strikes)
        ),
    )
    return f"{test} {period}"


def _episodes(result: Analysis) -> list[str]:
    merged = [episode for episode in result.episodes if len(episode.contact_ids) > 1]
    if not merged:
        return []
    groups = "; ".join(listed([f"#{cid}" for cid in episode.contact_ids]) for episode in merged)
    episodes = len(result.episodes)
    return [
        ngettext(
            "{contacts} in {n} episode: {groups} have overlapping windows, so each group is tested as one window "
            "and no strike is counted twice.",
            "{contacts} in {n} episodes: {groups} have overlapping windows, so each group is tested as one window "
            "and no strike is counted twice.",
            episodes,
        ).format(contacts=contacts_text(result.tested_contacts), n=count_text(episodes), groups=groups)
    ]


def _excluded(result: Analysis) -> list[str]:
    if not result.excluded:
        return []
    shown = "; ".join(
        f"#{item.id} ({item.at.astimezone(KYIV):%Y-%m-%d}): {item.reason}" for item in result.excluded[:EXCLUDED_SHOWN]
    )
    if len(result.excluded) > EXCLUDED_SHOWN:
        shown = _("{shown}; and {n} more").format(shown=shown, n=count_text(len(result.excluded) - EXCLUDED_SHOWN))
    left_out = len(result.excluded)
    return [
        ngettext("Left out: {n} contact — {shown}.", "Left out: {n} contacts — {shown}.", left_out).format(
            n=count_text(left_out), shown=shown
        )
    ]


def _table(result: Analysis) -> Table | None:
    if not result.metrics:
        return None
    rows = tuple(_row(result.metrics[name]) for name in METRICS)
    columns = (
        _("metric"),
        _("after"),
        _("expected"),
        _("ratio"),
        _("95% CI"),
        "p",
        _("Holm p"),
        _("common-shift p"),
    )
    return Table(columns=columns, rows=rows)


def _row(metric: MetricResult) -> tuple[str, ...]:
    primary = metric.primary
    return (
        metric_label(metric.metric),
        count_text(primary.observed),
        format_number(primary.expected),
        ratio_text(primary.ratio),
        f"{ratio_text(primary.ci_low)}–{ratio_text(primary.ci_high)}",
        p_text(primary.p_value),
        p_text(metric.p_holm),
        p_text(metric.p_common_shift, 2),
    )


def _model(result: Analysis) -> list[str]:
    figures = result.result
    if figures is None or figures.model is None:
        return []
    model = figures.model
    what = metric_words(result.metric)
    if model.ratio is None:
        return [
            _("Second opinion, a model of daily {what}: not estimable here ({why}).").format(what=what, why=model.note)
        ]
    return [
        _(
            "Second opinion, a model (not a second test): a negative-binomial regression of daily {what} on the share "
            "of each Kyiv day inside a window, with month and weekday effects and autocorrelation-robust errors, "
            "gives {ratio} ({interval}, p = {p})."
        ).format(
            what=what,
            ratio=ratio_text(model.ratio),
            interval=interval_text(model.ci_low, model.ci_high),
            p=p_text(model.p_value),
        )
    ]


def _profile(result: Analysis) -> str | None:
    if not result.profile:
        return None
    metric = result.metric
    days = " ".join(
        f"{day_label(day.offset)} "
        f"{ratio_text(day.observed[metric] / day.expected[metric]) if day.expected[metric] else '—'}"
        for day in result.profile
    )
    return _(
        "Around contacts, day by day ({what}, observed ÷ expected; {day} is the contact's Kyiv day): {days}. "
        "/analysis chart draws it."
    ).format(what=metric_words(metric), day=day_label(0), days=days)


def _subset_text(subset: Subset, metric: str) -> str:
    test = subset.results[metric]
    return f"{ratio_text(test.ratio)}, p = {p_text(test.p_value)}"


def _sensitivity(result: Analysis) -> str | None:
    parts = []
    if result.influence is not None:
        influence = result.influence
        parts.append(
            _("without the most influential episode, {episode}: {figures}").format(
                episode=influence.label, figures=_subset_text(influence.without, result.metric)
            )
        )
    if result.hours_known is not None and result.date_only is not None:
        parts.append(
            _("contacts with the hour known ({known}): {known_figures}; date only ({dated}): {dated_figures}").format(
                known=contacts_text(result.hours_known.contacts),
                known_figures=_subset_text(result.hours_known, result.metric),
                dated=contacts_text(result.date_only.contacts),
                dated_figures=_subset_text(result.date_only, result.metric),
            )
        )
    return _("Sensitivity: {checks}.").format(checks="; ".join(parts)) if parts else None


def _secondary(result: Analysis) -> str | None:
    figures = result.result
    if figures is None:
        return None
    parts = [
        _(
            "after ÷ the same span just before each contact: {ratio} (a quieter spell before contacts shows here as "
            "a rise)"
        ).format(ratio=ratio_text(figures.before_ratio))
    ]
    extent = result.extent
    if figures.whole_data_ratio is not None and extent.first and extent.last:
        parts.append(
            _(
                "after ÷ the daily average of all the strike data ({first} → {last}): {ratio} — strike volumes trend "
                "over months and years, so this is no evidence either way"
            ).format(
                first=f"{extent.first.astimezone(KYIV):%Y-%m-%d}",
                last=f"{extent.last.astimezone(KYIV):%Y-%m-%d}",
                ratio=ratio_text(figures.whole_data_ratio),
            )
        )
    return _("Secondary figures, not tests: {figures}.").format(figures="; ".join(parts))
