"""Weapon models are drones or missiles by the data set's own table, and by a stated rule beyond it."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from handlers.imports.weapon_classes import MODEL_CATEGORIES, classify, kind_of

UAF = Path(__file__).resolve().parents[1] / "data" / "uaf"  # the excerpt this repository ships (SOURCE.md)


def test_the_copied_table_equals_the_data_sets_table() -> None:
    with open(UAF / "missiles_and_uavs.csv", encoding="utf-8") as handle:
        table = {row["model"]: row["category"] for row in csv.DictReader(handle)}
    assert table == MODEL_CATEGORIES


def test_every_model_in_the_daily_data_gets_a_class_and_unlisted_ones_say_which_rule() -> None:
    daily = UAF / "missile_attacks_daily_2024-10_2026-04.csv"
    models = set(pd.read_csv(daily, usecols=["model"])["model"])
    unlisted = {model: classify(model) for model in models if model not in MODEL_CATEGORIES}
    assert {name: (c.kind, c.rule) for name, c in unlisted.items()} == {
        "Iskander-M/KN-23 and Iskander-K and Kalibr": ("missile", "combined"),
        "Iskander-M/KN-23 and Iskander-K and X-59/X-69": ("missile", "combined"),
        "X-101/X-555 and Kalibr and Iskander-M/KN-23": ("missile", "combined"),
        "Aerial Bomb": ("missile", "keyword"),
        "Фенікс": ("drone", "default"),
    }


@pytest.mark.parametrize(
    ("name", "kind", "rule"),
    [
        ("Shahed-136/131", "drone", "table"),
        ("  shahed-136/131 ", "drone", "table"),
        ("GBU", "missile", "table"),
        ("C-300", "missile", "table"),
        ("Shahed-136", "drone", "keyword"),
        ("Geran-2", "drone", "keyword"),
        ("Х-101", "missile", "keyword"),  # Cyrillic Х
        ("KAB-500", "missile", "keyword"),
        ("Oreshnik", "missile", "keyword"),
        ("Shahed-136/131 and X-59", "missile", "combined"),  # mixed parts count as missiles
        ("Gerbera and Lancet", "drone", "combined"),
        # The three other unlisted names of the full 2022–2026 table (README: Weapon classes), not in the excerpt.
        ("Iskander-M and Iskander-K", "missile", "combined"),
        ("Картограф", "drone", "default"),
        ("Привет-82", "drone", "default"),
    ],
)
def test_rules(name: str, kind: str, rule: str) -> None:
    assert classify(name).kind == kind and classify(name).rule == rule
    assert kind_of(name) == kind
