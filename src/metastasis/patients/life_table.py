"""Deaths from other causes, by the bundled period life table (age and sex).

`data/us_period_life_table.csv` gives q(x), the probability of dying between exact ages x and
x + 1, by sex (source in `data/us_period_life_table.md`). The hazard is taken constant within
each year of age, h(x) = −ln(1 − q(x)), so the cumulative hazard H(a) is piecewise linear and
the age at death of a patient alive at age a0 with quantile u solves H(a) = H(a0) − ln(1 − u).
The table counts deaths of every cause, cancer included; at the ages and cancer
frequencies simulated here that overstates other-cause mortality by a few per cent (an
accepted simplification of relative-survival work).
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

import numpy as np

from metastasis.units import DAYS_PER_YEAR

TABLE = "us_period_life_table.csv"
FINAL_HAZARD_PER_YEAR = 50.0
"""Hazard used where q(x) = 1 (the table's last age): death within weeks."""


@cache
def cumulative_hazard() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ages 0..A+1, H for females, H for males): cumulative hazard at each exact age."""
    text = resources.files("metastasis.data").joinpath(TABLE).read_text()
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    ages = np.array([int(r["age"]) for r in rows])
    if not np.array_equal(ages, np.arange(len(ages))):
        raise ValueError(f"{TABLE}: ages must run 0, 1, 2, … without gaps")
    out = []
    for col in ("female_qx", "male_qx"):
        q = np.array([float(r[col]) for r in rows])
        with np.errstate(divide="ignore"):
            h = np.where(q < 1.0, -np.log1p(-np.minimum(q, 1.0)), FINAL_HAZARD_PER_YEAR)
        out.append(np.concatenate([[0.0], np.cumsum(h)]))
    return np.arange(len(ages) + 1, dtype=np.float64), out[0], out[1]


def other_cause_death_days(age_years: np.ndarray, female: np.ndarray,
                           quantile: np.ndarray) -> np.ndarray:
    """Days from `age_years` until death from other causes, for uniform `quantile`s."""
    ages, h_f, h_m = cumulative_hazard()
    age = np.clip(np.asarray(age_years, dtype=np.float64), 0.0, ages[-1])
    out = np.empty(len(age))
    extra = -np.log1p(-np.clip(quantile, 0.0, 1.0 - 1e-16))
    for is_female, h in ((True, h_f), (False, h_m)):
        sel = female == is_female
        target = np.interp(age[sel], ages, h) + extra[sel]
        death_age = np.interp(target, h, ages)
        beyond = target > h[-1]
        death_age[beyond] = ages[-1]
        out[sel] = (death_age - age[sel]) * DAYS_PER_YEAR
    return out
