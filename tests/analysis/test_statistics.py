"""The analysis maths on plain DataFrames: hand-computed figures, a known null, a planted effect, a trend."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from handlers.analysis.statistics import KYIV, MIN_CONTACTS, analyse, contact_frame, strike_frame


def _hand_data() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ten days; one strike a day at 20:00 UTC with `day` drones and 1 missile; two contacts."""
    strikes = strike_frame(
        {"at": datetime(2025, 1, day, 20, tzinfo=UTC), "drones": day, "missiles": 1} for day in range(1, 11)
    )
    contacts = contact_frame(
        [
            {"id": 1, "at": datetime(2025, 1, 4, 12, tzinfo=UTC), "parties": "A, B"},
            {"id": 2, "at": datetime(2025, 1, 7, tzinfo=UTC), "time_known": False, "parties": "A, C"},
        ]
    )
    return strikes, contacts


def test_hand_computed_figures() -> None:
    strikes, contacts = _hand_data()
    result = analyse(strikes, contacts, window_days=2, zone=UTC, permutations=2000)
    first, second = result.contacts
    # Contact 1 at Jan 4 12:00 → window [Jan 4 12:00, Jan 6 12:00) holds the strikes of Jan 4 and 5.
    assert first.post == {"drones": 4 + 5, "missiles": 2, "total": 11}
    assert first.pre == {"drones": 2 + 3, "missiles": 2, "total": 7}  # Jan 2 and 3
    # Contact 2 has a date only: its window starts at the end of Jan 7 → strikes of Jan 8 and 9.
    assert second.window_start == datetime(2025, 1, 8, tzinfo=UTC)
    assert second.post == {"drones": 8 + 9, "missiles": 2, "total": 19}
    assert second.pre == {"drones": 6 + 7, "missiles": 2, "total": 15}
    total = result.metrics["total"]
    assert total.post_mean == 15.0  # (11 + 19) / 2
    # Midnight windows that fit the period (Jan 1 … Jan 9) and touch no contact window: Jan 1 and Jan 2 only.
    assert total.baseline_windows == 2
    assert total.baseline_mean == 6.0  # ((2 + 3) + (3 + 4)) / 2
    assert total.local_mean == 11.0  # (7 + 15) / 2
    assert total.ratio_to_baseline == 2.5
    assert total.ratio_to_local == pytest.approx(15 / 11)
    assert result.days == 10 and result.strikes == 10
    # A steady linear rise makes (after − before) the same wherever a contact goes: every draw ties.
    assert result.metrics["drones"].p_value_local == 1.0
    assert list(result.daily["drones"]) == list(range(1, 11))


def test_same_data_same_figures_and_json() -> None:
    strikes, contacts = _hand_data()
    first = analyse(strikes, contacts, window_days=2, zone=UTC, permutations=3000, seed=7)
    again = analyse(strikes, contacts, window_days=2, zone=UTC, permutations=3000, seed=7)
    assert first.metrics == again.metrics
    assert first.permutations == 3000
    payload = json.loads(json.dumps(first.to_dict()))
    assert payload["results"]["total"]["baseline_mean"] == 6.0
    assert payload["contacts"][1]["time_known"] is False
    assert payload["daily"][0] == {"day": "2025-01-01", "drones": 1, "missiles": 1, "total": 2}


def test_default_is_ten_thousand_seeded_draws() -> None:
    strikes, contacts = _hand_data()
    result = analyse(strikes, contacts, window_days=2, zone=UTC)
    assert result.permutations >= 10_000
    assert result.metrics["total"].p_value is not None and result.metrics["total"].p_value >= 1 / 10_001


def test_window_starts_at_the_contacts_time_not_its_day() -> None:
    """SOURCE.md's 2025-02-12 case: Iskanders at 04:30 Kyiv, a call that afternoon — not 'after' it."""
    strikes = strike_frame(
        [
            {"at": datetime(2025, 2, 1, tzinfo=UTC), "drones": 0, "missiles": 0},
            {"at": datetime(2025, 2, 12, 2, 30, tzinfo=UTC), "missiles": 5},  # 04:30 Kyiv
            {"at": datetime(2025, 2, 13, 20, tzinfo=UTC), "drones": 100},
            {"at": datetime(2025, 2, 28, tzinfo=UTC), "drones": 0},
        ]
    )
    timed = contact_frame([{"at": datetime(2025, 2, 12, 14, tzinfo=UTC)}])
    dated = contact_frame([{"at": datetime(2025, 2, 11, 22, tzinfo=UTC), "time_known": False}])  # Feb 12, Kyiv
    for contacts in (timed, dated):
        result = analyse(strikes, contacts, window_days=3, zone=KYIV, permutations=100)
        assert result.contacts[0].post == {"drones": 100, "missiles": 0, "total": 100}
    assert any("date but no hour" in line and "end of that day" in line for line in result.conventions)


def test_contacts_too_near_the_edges_are_left_out_with_a_reason() -> None:
    strikes, _ = _hand_data()
    contacts = contact_frame(
        [
            {"at": datetime(2025, 1, 1, 6, tzinfo=UTC)},  # no full local baseline
            {"at": datetime(2025, 1, 9, 6, tzinfo=UTC)},  # window runs past the data
            {"at": datetime(2025, 3, 1, tzinfo=UTC)},  # outside
        ]
    )
    result = analyse(strikes, contacts, window_days=2, zone=UTC, permutations=100)
    assert not result.contacts
    assert [item.reason.split(":")[0] for item in result.excluded] == [
        "less than 2 day(s) after the start of the data",
        "less than 2 day(s) before the end of the data",
        "outside the period analysed",
    ]
    assert "nothing to test" in result.verdict


def _random_world(
    rng: np.random.Generator, days: int = 365, contacts: int = 12, trend: float = 0.0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    n = rng.poisson(4 * days)
    offsets = np.sort(rng.uniform(0, days * 86400, n))
    scale = 1 + trend * offsets / (days * 86400)
    strikes = strike_frame(
        {
            "at": start + timedelta(seconds=float(seconds)),
            "drones": int(rng.poisson(20 * s)),
            "missiles": int(rng.poisson(2 * s)),
            "time_known": bool(rng.random() > 0.3),
        }
        for seconds, s in zip(offsets, scale, strict=True)
    )
    moments = rng.uniform(5 * 86400, (days - 5) * 86400, contacts)
    contact_rows = contact_frame({"at": start + timedelta(seconds=float(seconds))} for seconds in moments)
    return strikes, contact_rows


def test_known_null_gives_uniform_p_values_and_no_false_certainty() -> None:
    p_values = []
    for seed in range(200):
        rng = np.random.default_rng(1000 + seed)
        strikes, contacts = _random_world(rng)
        result = analyse(strikes, contacts, window_days=3, zone=UTC, permutations=499, seed=seed)
        p_values.append(result.metrics["total"].p_value)
    p = np.sort(np.array(p_values))
    ks = np.max(np.abs(p - np.arange(1, len(p) + 1) / len(p)))
    assert ks < 1.63 / np.sqrt(len(p))  # Kolmogorov–Smirnov against uniform, 1 % level
    assert np.mean(p < 0.05) <= 0.09
    assert np.mean(p < 0.01) <= 0.03
    assert 0.35 < np.median(p) < 0.65


def test_planted_effect_is_found() -> None:
    rng = np.random.default_rng(42)
    strikes, contacts = _random_world(rng, contacts=15)
    extra = strike_frame(
        {"at": at + timedelta(hours=float(rng.uniform(1, 70))), "drones": 60, "missiles": 6}
        for at in contacts["at"]
        for _ in range(2)
    )
    planted = pd.concat([strikes, extra], ignore_index=True)
    result = analyse(planted, contacts, window_days=3, zone=UTC, permutations=5000)
    total = result.metrics["total"]
    assert total.p_value < 0.01 and total.p_value_local < 0.01
    assert total.ratio_to_baseline > 1.3 and total.ratio_to_local > 1.3
    assert result.verdict.startswith("Strikes were heavier after contacts")
    # The same world without the planted strikes shows nothing.
    assert analyse(strikes, contacts, window_days=3, zone=UTC, permutations=5000).metrics["total"].p_value > 0.05


def test_a_trend_is_not_mistaken_for_an_effect() -> None:
    """Volumes triple over the year and contacts come late: heavier than the baseline, not than just before."""
    rng = np.random.default_rng(5)
    strikes, _ = _random_world(rng, trend=4.0)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    contacts = contact_frame({"at": start + timedelta(days=float(day), hours=13)} for day in rng.uniform(300, 355, 15))
    total = analyse(strikes, contacts, window_days=3, zone=UTC, permutations=5000).metrics["total"]
    assert total.p_value < 0.01
    assert total.p_value_local > 0.05
    result = analyse(strikes, contacts, window_days=3, zone=UTC, permutations=5000)
    assert "trend" in result.verdict


def test_small_samples_are_called_too_small() -> None:
    rng = np.random.default_rng(3)
    strikes, contacts = _random_world(rng, contacts=MIN_CONTACTS - 1)
    result = analyse(strikes, contacts, window_days=3, zone=UTC, permutations=200)
    assert result.verdict.startswith("Too few contacts to conclude")


def test_no_strikes_at_all() -> None:
    result = analyse(strike_frame([]), contact_frame([{"at": datetime(2025, 1, 1, tzinfo=UTC)}]))
    assert "no strike reports" in result.verdict
    json.dumps(result.to_dict())


def test_bad_parameters_are_refused() -> None:
    strikes, contacts = _hand_data()
    with pytest.raises(ValueError, match="metric"):
        analyse(strikes, contacts, metric="tanks")
    with pytest.raises(ValueError, match="window"):
        analyse(strikes, contacts, window_days=0)
