"""The words of the verdict. Written after calibration, and read from the corrected primary test and the power only.

"More than chance" is said only when the headline metric's randomisation p-value, corrected by Holm's method for
every metric the reply shows, is below `alpha` and the ratio is above 1: on random contact dates drawn from the
real 2025 data that happens about 1 % of the time (bench/calibration.py prints the rate and its interval).
Otherwise the verdict says plainly that there is no evidence, and how large a rise could have gone unseen.
"""

from __future__ import annotations

from handlers.analysis.parameters import METRIC_WORDS, METRICS, AnalysisParameters
from handlers.analysis.result import Influence, MetricResult
from handlers.analysis.windows import Plan
from handlers.analysis.words import plural, ratio_text

HOW_TO_ADD_CONTACTS = "log a contact with /contact or import some: callwatch import contacts FILE"
HOW_TO_ADD_STRIKES = "import the Air Force data (callwatch import strikes FILE) or log strikes with /strike"


def problem(strike_reports: int, contacts: int, layout: Plan, params: AnalysisParameters) -> str | None:
    """Why nothing can be tested, in words that say what to do; None when the test can run."""
    narrowed = params.start is not None or params.end is not None
    if strike_reports == 0:
        return f"There are no strike reports yet, so there is nothing to compare: {HOW_TO_ADD_STRIKES}."
    if contacts == 0:
        if narrowed:
            return (
                "No contact's window opens between from= and to=, so there is nothing to test: widen the period, "
                f"or {HOW_TO_ADD_CONTACTS}."
            )
        return f"There are no contacts to test yet: {HOW_TO_ADD_CONTACTS}."
    if layout.period is None:
        return (
            f"None of the {plural(contacts, 'contact')} falls within the strike data, so there is nothing to "
            f"compare: {HOW_TO_ADD_STRIKES}."
        )
    if not layout.episodes:
        reasons = sorted({item.reason for item in layout.excluded})
        return f"No contact could be tested ({'; '.join(reasons)}). Nothing can be concluded."
    if len(layout.episodes) < params.min_episodes:
        return (
            f"Too few contacts to conclude: {_count(layout)} could be tested, and at least "
            f"{plural(params.min_episodes, 'separate episode')} are needed before chance can be told apart from a "
            "pattern. No evidence either way."
        )
    return None


def _count(layout: Plan) -> str:
    contacts, episodes = layout.tested_contacts, len(layout.episodes)
    if episodes == contacts:
        return plural(contacts, "contact")
    return f"{plural(contacts, 'contact')} ({plural(episodes, 'episode')}: some windows overlap)"


def compose(
    metrics: dict[str, MetricResult], layout: Plan, influence: Influence | None, params: AnalysisParameters
) -> tuple[str, bool]:
    """(the verdict, whether it says "more than chance")."""
    headline = metrics[params.metric]
    test = headline.primary
    positive = headline.p_holm < params.alpha and test.ratio is not None and test.ratio > 1
    what = METRIC_WORDS[params.metric].capitalize()
    days = plural(params.window_days, "day")
    count = _count(layout)
    interval = f"95% CI {ratio_text(test.ci_low)}–{ratio_text(test.ci_high)}"
    corrected = f"p = {test.p_value:.3f}; {headline.p_holm:.3f} after correction for the {len(METRICS)} metrics shown"
    detectable = headline.detectable_ratio
    if positive:
        text = (
            f"Strikes were heavier after contacts than nearby days predict, more than chance explains. {what} in "
            f"the {days} after {count} came to {ratio_text(test.ratio)} what the same hours on the surrounding days "
            f"predict ({interval}; {corrected}). This is an association in this data, not proof that the contacts "
            "caused the strikes."
        )
        if headline.p_common_shift >= params.alpha:
            text += (
                f" Moving all contacts together, which keeps their clustering, gives a weaker p = "
                f"{headline.p_common_shift:.2f}."
            )
        if influence is not None and influence.without.results[params.metric].p_value >= params.alpha:
            without = influence.without.results[params.metric]
            text += (
                f" Without {influence.label} the ratio is {ratio_text(without.ratio)} (p = {without.p_value:.3f}): "
                "the finding leans on it."
            )
        return text, True
    if detectable is not None:
        head = (
            f"No evidence of a rise after contacts; a rise below {ratio_text(detectable)} could not be seen "
            f"reliably with {count}."
        )
    else:
        head = f"No evidence of a rise after contacts; with {count} this test cannot say how large a rise it misses."
    text = (
        f"{head} {what} in the {days} after them came to {ratio_text(test.ratio)} what the same hours on the "
        f"surrounding days predict ({interval}; {corrected})."
    )
    if test.p_value < params.alpha <= headline.p_holm:
        text += " The uncorrected p is below 0.05, but with three metrics tested that happens by chance too often."
    return text, False


def descriptive(headline: MetricResult, params: AnalysisParameters) -> str:
    """The headline figures without a reading, for samples too small to read."""
    test = headline.primary
    return (
        f"{METRIC_WORDS[params.metric].capitalize()} in the {plural(params.window_days, 'day')} after them came to "
        f"{ratio_text(test.ratio)} what the surrounding days predict (95% CI {ratio_text(test.ci_low)}–"
        f"{ratio_text(test.ci_high)}, p = {test.p_value:.3f})."
    )
