"""The event study on plain frames: hand-computed figures, the plain reference, episodes, the period, the profile,
sensitivity, the model, the verdict's rules — and the claims about data, calibrated on random and synthetic data."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from bench.analysis import reference_p_values
from bench.synthetic import strike_world
from handlers.analysis import verdict
from handlers.analysis.parameters import AnalysisParameters
from handlers.analysis.power import detectable_ratio, power_at
from handlers.analysis.randomisation import RandomisationResult
from handlers.analysis.result import MetricResult
from handlers.analysis.statistics import analyse, holm
from handlers.analysis.windows import Plan
from handlers.records.window import KYIV

QUICK = {"permutations": 2_000, "model": False}


def strike_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    for column, default in (("time_known", True), ("drones", 0), ("missiles", 0)):
        frame[column] = frame[column].fillna(default) if column in frame else default
    return frame.astype({"time_known": bool, "drones": "int64", "missiles": "int64"})


def contact_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    if "time_known" not in frame:
        frame["time_known"] = True
    if "id" not in frame:
        frame["id"] = range(1, len(frame) + 1)
    for column, default in (("parties", "A, B"), ("kind", "call"), ("confidence", "reported")):
        frame[column] = default
    return frame


def daily_strikes(first: date, days: int, drones: object, *, hour: int = 20) -> pd.DataFrame:
    """One strike a day at `hour`:00 UTC; `drones(day index)` drones."""
    return strike_frame(
        [
            {
                "at": datetime.combine(first + timedelta(days=d), datetime.min.time(), UTC) + timedelta(hours=hour),
                "drones": drones(d),
                "missiles": 1,
            }  # type: ignore[operator]
            for d in range(days)
        ]
    )


# --- hand-computed ----------------------------------------------------------------------------------------------
def test_hand_computed_ratio_expected_and_window_from_the_contacts_time() -> None:
    """Forty days of 10 drones at 20:00 UTC; a contact at 14:00 UTC on day 20 is followed by a 100-drone night.

    With a 1-day window and moves of ±3 days (7 placements), the real window holds that night (100 + 1 missile);
    the six moved windows hold an ordinary night each (11). Expected = (101 + 6 × 11) / 7, and only one placement in
    seven is as heavy as the real one.
    """
    first = date(2025, 3, 1)
    strikes = daily_strikes(first, 40, lambda d: 100 if d == 20 else 10)
    contacts = contact_frame([{"at": datetime(2025, 3, 21, 14, tzinfo=UTC)}])
    params = AnalysisParameters(window_days=1, shift_days=3, min_shift_days=1, min_episodes=1, **QUICK)
    result = analyse(strikes, contacts, params)
    total = result.metrics["total"].primary
    assert total.observed == 101
    assert total.expected == pytest.approx((101 + 6 * 11) / 7)
    assert total.ratio == pytest.approx(101 / ((101 + 6 * 11) / 7))
    assert total.p_value == pytest.approx(1 / 7, abs=0.02)  # the real window is the heaviest of 7, drawn 1 in 7
    assert result.contacts[0].after == {"drones": 100, "missiles": 1, "total": 101}
    assert result.contacts[0].before == {"drones": 10, "missiles": 1, "total": 11}
    # A strike that morning, before the afternoon call, is not "after" it (SOURCE.md's 12 Feb 2025 case).
    morning = pd.concat([strikes, strike_frame([{"at": datetime(2025, 3, 21, 2, tzinfo=UTC), "missiles": 50}])])
    assert analyse(morning, contacts, params).contacts[0].after["missiles"] == 1


def test_a_date_only_contacts_window_starts_when_its_day_ends() -> None:
    strikes = daily_strikes(date(2025, 3, 1), 40, lambda d: d)
    timed = contact_frame([{"at": datetime(2025, 3, 21, 23, 59, tzinfo=UTC)}])
    dated = contact_frame([{"at": datetime(2025, 3, 21, tzinfo=UTC), "time_known": False}])
    params = AnalysisParameters(window_days=2, min_episodes=1, **QUICK)
    assert analyse(strikes, dated, params).contacts[0].window_start == datetime(2025, 3, 22, tzinfo=UTC)
    assert analyse(strikes, dated, params).contacts[0].after == analyse(strikes, timed, params).contacts[0].after
    assert analyse(strikes, dated, params).contacts[0].after["drones"] == 21 + 22  # 22 and 23 March, not the 21st


def test_p_values_match_the_plain_reference_for_the_same_seed() -> None:
    world = strike_world(7, contacts=9, hours=[None, timedelta(hours=14), timedelta(hours=3, minutes=30)])
    for window, start in ((1, None), (3, None), (2, datetime(2025, 3, 1, tzinfo=UTC))):
        params = AnalysisParameters(window_days=window, start=start, permutations=400, seed=11, model=False)
        result = analyse(world.strikes, world.contacts, params)
        assert result.metrics, result.verdict
        ours = {name: metric.primary.p_value for name, metric in result.metrics.items()}
        assert ours == reference_p_values(world.strikes, world.contacts, params)


def test_same_data_same_figures_and_every_figure_in_json() -> None:
    world = strike_world(3)
    params = AnalysisParameters(permutations=1_000, seed=5)
    first, again = analyse(world.strikes, world.contacts, params), analyse(world.strikes, world.contacts, params)
    assert first.metrics == again.metrics and first.verdict == again.verdict
    payload = json.loads(json.dumps(first.to_dict()))
    assert set(payload["results"]) == {"drones", "missiles", "total"}
    total = payload["results"]["total"]
    assert {"observed", "expected", "ratio", "ci_low", "ci_high", "p_value"} <= set(total["primary"])
    assert {"p_holm", "p_common_shift", "detectable_ratio", "model", "before_ratio", "whole_data_ratio"} <= set(total)
    assert total["model"]["ratio"] is not None
    assert len(payload["profile"]) == 15 and payload["profile"][0]["offset"] == -7
    assert payload["sensitivity"]["most_influential"]["label"]
    assert payload["parameters"]["permutations"] == 1_000 and payload["positive"] is False
    assert len(payload["daily"]["total"]) == payload["days"]


# --- episodes, the period, exclusions ----------------------------------------------------------------------------
def test_overlapping_windows_are_one_episode_and_no_strike_counts_twice() -> None:
    strikes = daily_strikes(date(2025, 1, 1), 200, lambda d: 10 + d % 7)
    contacts = contact_frame(
        [
            {"at": datetime(2025, 4, 1, 12, tzinfo=UTC)},
            {"at": datetime(2025, 4, 2, 12, tzinfo=UTC)},  # its window overlaps the first one's
            {"at": datetime(2025, 5, 20, 12, tzinfo=UTC)},
        ]
    )
    result = analyse(strikes, contacts, AnalysisParameters(min_episodes=1, **QUICK))
    assert [episode.contact_ids for episode in result.episodes] == [(1, 2), (3,)]
    merged = result.episodes[0]
    assert merged.end - merged.start == timedelta(days=4)  # 1 April 12:00 → 5 April 12:00
    assert merged.observed["drones"] == sum(10 + d % 7 for d in range(90, 94))  # 1–4 April at 20:00, once each
    assert (
        result.metrics["drones"].primary.observed == merged.observed["drones"] + result.episodes[1].observed["drones"]
    )


def test_default_period_is_the_contacts_span_and_from_to_narrow_it() -> None:
    strikes = daily_strikes(date(2022, 9, 1), 1300, lambda d: 5 + d // 10)  # a steep trend over 3½ years
    contacts = contact_frame(
        [{"at": datetime(2025, 3, 1, 12, tzinfo=UTC)}, {"at": datetime(2025, 6, 1, 12, tzinfo=UTC)}]
    )
    params = AnalysisParameters(min_episodes=1, **QUICK)
    result = analyse(strikes, contacts, params)
    assert result.period_start.astimezone(KYIV).date() == date(2024, 12, 31)  # 60 days before 1 March
    assert (result.period_end - timedelta(seconds=1)).astimezone(KYIV).date() == date(2025, 7, 4)  # 4 June + 30
    narrowed = analyse(
        strikes, contacts, AnalysisParameters(start=datetime(2025, 2, 1, tzinfo=UTC), min_episodes=1, **QUICK)
    )
    assert narrowed.period_start > result.period_start
    only_june = analyse(
        strikes, contacts, AnalysisParameters(start=datetime(2025, 5, 1, tzinfo=UTC), min_episodes=1, **QUICK)
    )
    assert [c.id for c in only_june.contacts] == [2]


def test_contacts_the_test_cannot_move_are_left_out_with_the_reason() -> None:
    strikes = daily_strikes(date(2025, 1, 1), 120, lambda d: 10)
    contacts = contact_frame(
        [
            {"at": datetime(2025, 3, 1, 12, tzinfo=UTC)},
            {"at": datetime(2025, 4, 24, 12, tzinfo=UTC)},  # its window ends 3 days before the data: no room
            {"at": datetime(2025, 4, 29, 12, tzinfo=UTC)},  # its window runs past the data
        ]
    )
    result = analyse(strikes, contacts, AnalysisParameters(min_episodes=1, **QUICK))
    reasons = {item.id: item.reason for item in result.excluded}
    assert reasons[2].startswith("fewer than 7 days of strike data on one side")
    assert reasons[3].startswith("its window is not over by the end of the strike data")
    assert [c.id for c in result.contacts] == [1]


def test_no_strikes_no_contacts_say_what_to_do() -> None:
    empty = strike_frame([{"at": datetime(2025, 1, 1, tzinfo=UTC)}]).iloc[:0]
    contacts = contact_frame([{"at": datetime(2025, 1, 1, tzinfo=UTC)}])
    no_strikes = analyse(empty, contacts)
    assert "no strike reports" in no_strikes.verdict and "callwatch import strikes FILE" in no_strikes.verdict
    no_contacts = analyse(daily_strikes(date(2025, 1, 1), 30, lambda d: 1), contacts.iloc[:0])
    assert "log a contact with /contact or import some: callwatch import contacts FILE" in no_contacts.verdict
    json.dumps(no_strikes.to_dict())


def test_too_few_episodes_are_called_too_few_but_figures_are_shown() -> None:
    world = strike_world(1, contacts=3)
    result = analyse(world.strikes, world.contacts, AnalysisParameters(**QUICK))
    assert result.verdict.startswith("Too few contacts to conclude: 3 contacts could be tested")
    assert not result.positive and result.metrics["total"].primary.ratio is not None


# --- what a statistician checks -----------------------------------------------------------------------------------
def test_positive_phrase_is_calibrated_on_random_dates_from_the_real_2025_data(real_2025: object) -> None:
    """Random sets of 11 dates in 2025 with the shipped contacts' hour pattern (the issue's check, reduced draws)."""
    strikes, extent, pattern = real_2025  # type: ignore[misc]
    rng = np.random.default_rng(2025)
    positives, raw = [], []
    for index in range(240):
        contacts = random_2025_contacts(rng, pattern)
        result = analyse(
            strikes, contacts, AnalysisParameters(permutations=500, seed=index, model=False), extent=extent
        )
        positives.append(result.positive)
        raw.append(result.metrics["total"].primary.p_value < 0.05)
    assert np.mean(positives) <= 0.05, np.mean(positives)
    assert np.mean(raw) <= 0.09  # the uncorrected test alone stays near its 5 % (Monte-Carlo slack)


def random_2025_contacts(rng: np.random.Generator, pattern: list[timedelta | None]) -> pd.DataFrame:
    days = np.sort(rng.choice(365, size=len(pattern), replace=False))
    hours = [pattern[i] for i in rng.permutation(len(pattern))]
    return contact_frame(
        [
            {
                "at": datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=int(day)) + (hour or timedelta(0)),
                "time_known": hour is not None,
            }
            for day, hour in zip(days, hours, strict=True)
        ]
    )


def test_p_values_are_uniform_on_synthetic_trend_data() -> None:
    """Volumes triple over the year, contacts fall anywhere: no rise, so p is uniform and "more than chance" rare."""
    p_values, positives = [], []
    for seed in range(120):
        world = strike_world(seed, trend=3.0)
        result = analyse(world.strikes, world.contacts, AnalysisParameters(permutations=400, seed=seed, model=False))
        p_values.append(result.metrics["total"].primary.p_value)
        positives.append(result.positive)
    p = np.sort(p_values)
    assert np.max(np.abs(p - np.arange(1, len(p) + 1) / len(p))) < 1.63 / np.sqrt(len(p))  # KS, 1 % level
    assert np.mean(p < 0.05) <= 0.10 and np.mean(positives) <= 0.05


def test_contacts_in_a_heavy_year_are_not_a_rise() -> None:
    """The issue's trend artefact: drone launches rose about 16× from 2023 to 2025, so contacts in 2025 look
    heavy against a 2022–26 baseline. The primary test compares each window with its own weeks; the whole-data
    ratio stays a secondary figure."""
    rng = np.random.default_rng(5)
    first = date(2022, 10, 1)
    strikes = daily_strikes(first, 3 * 365, lambda d: int(rng.poisson(9 * 16 ** (d / (3 * 365)))))
    contacts = contact_frame(
        [{"at": datetime(2025, 1, 10, 13, tzinfo=UTC) + timedelta(days=int(d))} for d in range(0, 220, 20)]
    )
    result = analyse(strikes, contacts, AnalysisParameters(permutations=2_000))
    total = result.metrics["total"]
    assert total.whole_data_ratio is not None and total.whole_data_ratio > 1.8
    assert 0.85 < (total.primary.ratio or 0) < 1.15 and total.primary.p_value > 0.05 and not result.positive
    assert result.verdict.startswith("No evidence of a rise after contacts; a rise below ×")
    assert result.period_start.astimezone(KYIV).date() == date(2024, 11, 11)  # the contacts' span, not 2022


def test_a_quiet_week_before_contacts_is_not_a_rise_after_them() -> None:
    """The old local test read a lull before contacts as a rise; here the lull shows in the profile only."""
    world = strike_world(8, contacts=14)
    strikes = world.strikes.copy()
    opens = pd.to_datetime(world.contacts["at"], utc=True)
    for start in opens:
        lull = (strikes["at"] >= start - pd.Timedelta(days=6)) & (strikes["at"] < start - pd.Timedelta(days=1))
        strikes.loc[lull, ["drones", "missiles"]] //= 4
    result = analyse(strikes, world.contacts, AnalysisParameters(permutations=2_000, model=False))
    total = result.metrics["total"]
    assert total.before_ratio is not None and total.before_ratio > 1.5  # the secondary figure shows a "rise" …
    assert total.primary.p_value > 0.05 and not result.positive  # … the primary test does not
    profile = {day.offset: day for day in result.profile}
    assert all(profile[k].observed["total"] < 0.6 * profile[k].expected["total"] for k in (-5, -4, -3))


def test_planted_rise_is_found_and_its_size_recovered() -> None:
    found = 0
    for seed in range(12):
        world = strike_world(100 + seed, contacts=20, effect=2.0)
        result = analyse(world.strikes, world.contacts, AnalysisParameters(permutations=2_000, seed=seed))
        found += result.positive
        if seed == 0:
            total = result.metrics["total"]
            assert total.primary.ci_low is not None and total.primary.ci_low < 2.0 < (total.primary.ci_high or 0)
            assert total.model is not None and total.model.ci_low is not None and total.model.ci_low > 1.2
            assert result.verdict.startswith("Strikes were heavier after contacts than nearby days predict, more than")
            assert "not proof" in result.verdict
    assert found >= 11


def test_power_with_twenty_contacts_and_a_rise_of_half() -> None:
    """Issue 12: ×1.5 with 20 contacts is detected by the primary test at 5 % at least 80 % of the time; the
    verdict's phrase, which also needs Holm over three metrics, less often (bench/calibration.py prints both)."""
    detected, said = [], []
    for seed in range(40):
        world = strike_world(500 + seed, contacts=20, effect=1.5)
        result = analyse(world.strikes, world.contacts, AnalysisParameters(permutations=1_000, seed=seed, model=False))
        detected.append(result.metrics["total"].primary.p_value < 0.05)
        said.append(result.positive)
    assert np.mean(detected) >= 0.8
    assert np.mean(said) >= 0.6


def test_leave_one_out_names_the_contact_a_finding_leans_on() -> None:
    world = strike_world(21, contacts=12)
    strikes = world.strikes.copy()
    third = pd.to_datetime(world.contacts["at"], utc=True).iloc[3]
    wave = strike_frame([{"at": third + pd.Timedelta(hours=6), "drones": 20_000, "missiles": 300}])
    result = analyse(pd.concat([strikes, wave], ignore_index=True), world.contacts, AnalysisParameters(**QUICK))
    assert result.influence is not None and result.influence.label.startswith("#4 ")
    assert result.influence.without.results["total"].p_value > result.metrics["total"].primary.p_value
    if result.positive:
        assert "the finding leans on it" in result.verdict


def test_the_model_is_fitted_for_the_headline_and_says_when_it_cannot_be() -> None:
    world = strike_world(2)
    quiet = world.strikes.assign(missiles=0)
    result = analyse(quiet, world.contacts, AnalysisParameters(permutations=500, metric="missiles"))
    model = result.metrics["missiles"].model
    assert model is not None and model.ratio is None and model.note == "no strikes in the period"
    assert result.metrics["drones"].model is None and result.metrics["total"].model is None
    fitted = analyse(world.strikes, world.contacts, AnalysisParameters(permutations=500)).metrics["total"].model
    assert fitted is not None and fitted.ci_low is not None and fitted.ci_low < 1 < (fitted.ci_high or 0)


def test_hours_known_and_date_only_contacts_are_shown_apart() -> None:
    world = strike_world(4, contacts=12, hours=[None, None, timedelta(hours=15)])
    result = analyse(world.strikes, world.contacts, AnalysisParameters(**QUICK))
    assert result.hours_known is not None and result.date_only is not None
    assert result.hours_known.contacts == 4 and result.date_only.contacts == 8
    observed = result.hours_known.results["total"].observed + result.date_only.results["total"].observed
    assert observed == result.metrics["total"].primary.observed


# --- the rules behind the words -----------------------------------------------------------------------------------
def test_holm_matches_statsmodels() -> None:
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(0)
    cases = [rng.uniform(0, 0.2, 3).tolist() for _ in range(8)]  # each statsmodels call forces a full collection
    cases += [[0.01, 0.01, 0.01], [0.9, 0.001, 0.5], [0.0001, 0.04, 0.06]]  # ties, order, the 0.05 edge
    for p in cases:
        assert holm(p) == pytest.approx(list(multipletests(p, method="holm")[1]))


def _metric(p: float, p_holm: float, ratio: float) -> MetricResult:
    primary = RandomisationResult(observed=120, expected=100.0, ratio=ratio, ci_low=0.9, ci_high=1.6, p_value=p)
    return MetricResult("total", primary, p_holm, 0.01, 61, 1.31, None, 1.2, 2.6)


@pytest.mark.parametrize(
    ("p", "p_holm", "ratio", "positive"),
    [(0.004, 0.012, 1.4, True), (0.03, 0.06, 1.3, False), (0.2, 0.6, 1.1, False), (0.01, 0.03, 0.7, False)],
)
def test_more_than_chance_only_after_holm(p: float, p_holm: float, ratio: float, positive: bool) -> None:
    layout = Plan(period=None, contacts=(), episodes=(), excluded=())
    text, said = verdict.compose({"total": _metric(p, p_holm, ratio)}, layout, None, AnalysisParameters())
    assert said is positive
    assert ("more than chance explains" in text) is positive
    if not positive:
        assert text.startswith("No evidence of a rise after contacts; a rise below ×1.31 could not be seen")
    assert "contact(s)" not in text and " 1 days" not in text
    if p < 0.05 <= p_holm:
        assert "uncorrected p is below 0.05" in text


def test_detectable_ratio_is_the_rise_found_eighty_percent_of_the_time() -> None:
    null = np.random.default_rng(1).gamma(20, 5, 20_000)  # a skewed null around 100
    ratio = detectable_ratio(null, 0.05, 0.8)
    assert ratio is not None and 1.5 < ratio < 1.9  # (q95 ÷ q20 of a null with a 22 % spread)
    assert power_at(null, 0.05, ratio) == pytest.approx(0.8, abs=0.01)
    assert power_at(null, 0.05, 1.0) == pytest.approx(0.05, abs=0.01)


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="metric"):
        AnalysisParameters(metric="tanks")
    with pytest.raises(ValueError, match="window"):
        AnalysisParameters(window_days=0)
    with pytest.raises(ValueError, match="from= must be before to="):
        AnalysisParameters(start=datetime(2025, 2, 1, tzinfo=UTC), end=datetime(2025, 1, 1, tzinfo=UTC))


def test_the_model_counts_the_share_of_each_kyiv_day_inside_a_window() -> None:
    from handlers.analysis.regression import window_share
    from handlers.analysis.series import kyiv_midnights, ns_of
    from handlers.analysis.windows import Episode, Period

    period = Period(date(2025, 3, 28), date(2025, 4, 2), kyiv_midnights(date(2025, 3, 28), date(2025, 4, 2)))
    start = ns_of(datetime(2025, 3, 29, 12, tzinfo=UTC))  # 14:00 Kyiv; the 30th is 23 hours long
    episode = Episode((), start, start + 3 * 86_400 * 10**9, 5, np.zeros(11, dtype=np.int64))
    assert window_share(period, (episode,)).round(3).tolist() == [0.0, 0.417, 1.0, 1.0, 0.625, 0.0]
