"""The words of the verdict. Written after calibration, and read from the corrected primary test and the power only.

"More than chance" is said only when the headline metric's randomisation p-value, corrected by Holm's method for
every metric the reply shows, is below `alpha` and the ratio is above 1: on random contact dates drawn from the
real 2025 data that happens about 1 % of the time (bench/calibration.py prints the rate and its interval).
Otherwise the verdict says plainly that there is no evidence, and how large a rise could have gone unseen.

The sentences are written in the language active when the analysis runs: the caller's in chat, English for
`callwatch analyze` and its JSON. Only the words change with it; what is claimed, and when, does not.
"""

from __future__ import annotations

from handlers.analysis.parameters import METRICS, AnalysisParameters
from handlers.analysis.result import Influence, MetricResult
from handlers.analysis.windows import Plan
from handlers.analysis.words import (
    capitalised,
    count_text,
    days_text,
    interval_text,
    metric_words,
    metrics_text,
    overlap_text,
    p_text,
    ratio_text,
)
from handlers.i18n import _, ngettext


def problem(strike_reports: int, contacts: int, layout: Plan, params: AnalysisParameters) -> str | None:
    """Why nothing can be tested, in words that say what to do; None when the test can run."""
    narrowed = params.start is not None or params.end is not None
    if strike_reports == 0:
        return _(
            "There are no strike reports yet, so there is nothing to compare: import the Air Force data "
            "(callwatch import strikes FILE) or log strikes with /strike."
        )
    if contacts == 0:
        if narrowed:
            return _(
                "No contact's window opens between from= and to=, so there is nothing to test: widen the period, "
                "or log a contact with /contact or import some: callwatch import contacts FILE."
            )
        return _(
            "There are no contacts to test yet: log a contact with /contact or import some: "
            "callwatch import contacts FILE."
        )
    if layout.period is None:
        return ngettext(
            "None of the {n} contact falls within the strike data, so there is nothing to compare: import the Air "
            "Force data (callwatch import strikes FILE) or log strikes with /strike.",
            "None of the {n} contacts falls within the strike data, so there is nothing to compare: import the Air "
            "Force data (callwatch import strikes FILE) or log strikes with /strike.",
            contacts,
        ).format(n=count_text(contacts))
    if not layout.episodes:
        reasons = sorted({item.reason for item in layout.excluded})
        return _("No contact could be tested ({reasons}). Nothing can be concluded.").format(reasons="; ".join(reasons))
    if len(layout.episodes) < params.min_episodes:
        tested = layout.tested_contacts
        return ngettext(
            "Too few contacts to conclude: {n} contact{overlap} could be tested, and at least {needed} are needed "
            "before chance can be told apart from a pattern. No evidence either way.",
            "Too few contacts to conclude: {n} contacts{overlap} could be tested, and at least {needed} are needed "
            "before chance can be told apart from a pattern. No evidence either way.",
            tested,
        ).format(
            n=count_text(tested),
            overlap=_overlap(layout),
            needed=ngettext("{n} separate episode", "{n} separate episodes", params.min_episodes).format(
                n=count_text(params.min_episodes)
            ),
        )
    return None


def _overlap(layout: Plan) -> str:
    return overlap_text(layout.tested_contacts, len(layout.episodes))


def _corrected(p_value: float, p_holm: float) -> str:
    """'p = 0.012; 0.036 after correction for the 3 metrics shown'."""
    return _("p = {p}; {holm} after correction for the {metrics} shown").format(
        p=p_text(p_value), holm=p_text(p_holm), metrics=metrics_text(len(METRICS))
    )


def compose(
    metrics: dict[str, MetricResult], layout: Plan, influence: Influence | None, params: AnalysisParameters
) -> tuple[str, bool]:
    """(the verdict, whether it says "more than chance")."""
    headline = metrics[params.metric]
    test = headline.primary
    positive = headline.p_holm < params.alpha and test.ratio is not None and test.ratio > 1
    tested = layout.tested_contacts
    figures = {
        "what": capitalised(metric_words(params.metric)),
        "days": days_text(params.window_days),
        "ratio": ratio_text(test.ratio),
        "interval": interval_text(test.ci_low, test.ci_high),
        "corrected": _corrected(test.p_value, headline.p_holm),
    }
    detectable = headline.detectable_ratio
    if positive:
        sentences = [
            _("Strikes were heavier after contacts than nearby days predict, more than chance explains."),
            ngettext(
                "{what} in the {days} after {n} contact{overlap} came to {ratio} what the same hours on the "
                "surrounding days predict ({interval}; {corrected}).",
                "{what} in the {days} after {n} contacts{overlap} came to {ratio} what the same hours on the "
                "surrounding days predict ({interval}; {corrected}).",
                tested,
            ).format(n=count_text(tested), overlap=_overlap(layout), **figures),
            _("This is an association in this data, not proof that the contacts caused the strikes."),
        ]
        if headline.p_common_shift >= params.alpha:
            sentences.append(
                _("Moving all contacts together, which keeps their clustering, gives a weaker p = {p}.").format(
                    p=p_text(headline.p_common_shift, 2)
                )
            )
        if influence is not None and influence.without.results[params.metric].p_value >= params.alpha:
            without = influence.without.results[params.metric]
            sentences.append(
                _("Without {episode} the ratio is {ratio} (p = {p}): the finding leans on it.").format(
                    episode=influence.label, ratio=ratio_text(without.ratio), p=p_text(without.p_value)
                )
            )
        return " ".join(sentences), True
    if detectable is not None:
        head = ngettext(
            "No evidence of a rise after contacts; a rise below {detectable} could not be seen reliably with "
            "{n} contact{overlap}.",
            "No evidence of a rise after contacts; a rise below {detectable} could not be seen reliably with "
            "{n} contacts{overlap}.",
            tested,
        ).format(detectable=ratio_text(detectable), n=count_text(tested), overlap=_overlap(layout))
    else:
        head = ngettext(
            "No evidence of a rise after contacts; with {n} contact{overlap} this test cannot say how large a rise "
            "it misses.",
            "No evidence of a rise after contacts; with {n} contacts{overlap} this test cannot say how large a rise "
            "it misses.",
            tested,
        ).format(n=count_text(tested), overlap=_overlap(layout))
    sentences = [
        head,
        _(
            "{what} in the {days} after them came to {ratio} what the same hours on the surrounding days predict "
            "({interval}; {corrected})."
        ).format(**figures),
    ]
    if test.p_value < params.alpha <= headline.p_holm:
        sentences.append(
            _("The uncorrected p is below 0.05, but with three metrics tested that happens by chance too often.")
        )
    return " ".join(sentences), False


def descriptive(headline: MetricResult, params: AnalysisParameters) -> str:
    """The headline figures without a reading, for samples too small to read."""
    test = headline.primary
    return _(
        "{what} in the {days} after them came to {ratio} what the surrounding days predict ({interval}, p = {p})."
    ).format(
        what=capitalised(metric_words(params.metric)),
        days=days_text(params.window_days),
        ratio=ratio_text(test.ratio),
        interval=interval_text(test.ci_low, test.ci_high),
        p=p_text(test.p_value),
    )
