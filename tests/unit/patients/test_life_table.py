"""Other-cause deaths reproduce the bundled life table's q(x)."""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np
import pytest

from metastasis.patients.life_table import TABLE, other_cause_death_days


def _table() -> dict[str, np.ndarray]:
    text = resources.files("metastasis.data").joinpath(TABLE).read_text()
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    return {k: np.array([float(r[k]) for r in rows]) for k in ("female_qx", "male_qx")}


@pytest.mark.parametrize("age, female", [(50, True), (70, True), (70, False), (85, False)])
def test_one_year_death_probability_is_qx(age, female):
    q = _table()["female_qx" if female else "male_qx"][age]
    n = 200_000
    u = np.random.default_rng(age).random(n)
    days = other_cause_death_days(np.full(n, float(age)), np.full(n, female), u)
    p = np.mean(days < 365.25)
    assert abs(p - q) < 4 * np.sqrt(q * (1 - q) / n) + 1e-4


def test_table_is_plausible_and_men_die_younger():
    t = _table()
    for col in t.values():
        assert np.all(np.diff(col[30:100]) > 0)  # mortality rises with age in adult life
    assert np.all(t["male_qx"][20:90] > t["female_qx"][20:90])
    # remaining life at 65 from the table is about 17-22 years for both sexes
    u = np.random.default_rng(0).random(100_000)
    for female, lo, hi in ((True, 19.0, 23.0), (False, 16.0, 20.0)):
        years = other_cause_death_days(np.full(len(u), 65.0), np.full(len(u), female), u) / 365.25
        assert lo < years.mean() < hi
