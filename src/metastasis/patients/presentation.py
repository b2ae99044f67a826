"""When and how each patient's cancer is diagnosed, on the untreated primary's own course.

The routes are those of `scenario.presentation`. Primary symptoms and incidental imaging are
hazards of the primary's diameter D(t): route j fires where its cumulative hazard
∫ h_j(D(t)) dt first reaches an Exp(1) threshold of the patient's own (the time-changed
exponential construction, exact for the step-wise course). Incidental imaging is a Poisson
stream of examinations at rate r, each detecting with probability p(D), so its hazard is
r·p(D). The earliest of these is the clinical presentation, which fixes the patient's age at
the first malignant cell (`population.age_at_diagnosis_years` is the age at that
presentation). A screening participant is then tested at every round of the programme's ages
before it, detected with probability s(D) at a round. Metastatic symptoms need the
simulated metastases and are placed afterwards (`metastatic_presentations`).

Random numbers: patient i draws, from `(seed, i, PRESENTATION_STREAM)`, one exponential per
primary symptom, one for incidental imaging, then one uniform per possible round of each
screening programme, in the order the scenario lists them. Screening participation is the
patient's `U_SCREENING` uniform from its characteristics.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numba import njit

from metastasis.clinical.imaging import curve_for
from metastasis.engine.params import T_DT
from metastasis.engine.primary import UNTREATED, advance_primary, initial_primary
from metastasis.engine.rng import PRESENTATION_STREAM, patient_generator
from metastasis.scenario.presentation import Presentation, Screening
from metastasis.units import DAYS_PER_YEAR, diameter_mm

ROUTES = ("", "symptom", "incidental", "screening", "metastasis_symptom")
"""Values of `patients.presentation` ("" for a patient never diagnosed)."""
R_NONE, R_SYMPTOM, R_INCIDENTAL, R_SCREENING, R_METASTASIS = range(len(ROUTES))


@dataclass(frozen=True)
class Presentations:
    """Diagnosis of each patient (arrays in patient order; inf / "" where never diagnosed)."""

    days: np.ndarray  # days from the first malignant cell
    route: np.ndarray  # index into ROUTES
    detail: np.ndarray  # the symptom, the screening test or the imaging modality (object)
    diameter_mm: np.ndarray  # primary diameter at diagnosis
    clinical_days: np.ndarray  # the earliest primary-symptom or incidental route

    # `days` fall on engine steps: a route that fires within a day diagnoses at its end


@njit(cache=True)
def _walk(theta: np.ndarray, t_max_days: float, h_max: np.ndarray, d50: np.ndarray,
          hill: np.ndarray, thresholds: np.ndarray, diameters: np.ndarray):
    """Step the untreated primary to the first crossing of a route's cumulative hazard.

    Route j's hazard at diameter D is h_max[j] / (1 + (d50[j] / D)^hill[j]) per day, held over
    each engine step. Fills `diameters[k]` with the diameter (mm) at step k. Returns (day of
    the crossing, route index, steps filled); (inf, -1, n) if none before t_max_days.
    """
    dt = theta[T_DT]
    e, h_, m, re, rh, rm, cap = initial_primary(theta)
    n_steps = min(int(math.floor(t_max_days / dt + 1e-9)), len(diameters) - 1)
    n_routes = len(h_max)
    cum = np.zeros(n_routes)
    for step in range(n_steps + 1):
        cells = e + h_ + m + re + rh + rm
        d = diameter_mm(cells)
        diameters[step] = d
        if step == n_steps or cells <= 0.0:
            return math.inf, -1, step + 1
        if d > 0.0:
            for j in range(n_routes):
                h = h_max[j] / (1.0 + (d50[j] / d) ** hill[j])
                if cum[j] + h * dt >= thresholds[j]:
                    return step * dt + (thresholds[j] - cum[j]) / h, j, step + 1
                cum[j] += h * dt
        e, h_, m, re, rh, rm, cap, _ = advance_primary((e, h_, m, re, rh, rm, cap), theta,
                                                       UNTREATED, UNTREATED, dt)
    return math.inf, -1, n_steps + 1


def _continuous_routes(p: Presentation, site: str) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                               list[str]]:
    """(h_max per day, D50, Hill exponent, detail) of the symptom routes, then incidental."""
    curve = curve_for(p.incidental.modality, site)
    h = [s.max_per_year / DAYS_PER_YEAR for s in p.primary_symptoms]
    h.append(p.incidental.imaging_per_year / DAYS_PER_YEAR * curve.max_sensitivity)
    d50 = [s.diameter50_mm for s in p.primary_symptoms] + [curve.diameter50_mm]
    hill = [s.hill for s in p.primary_symptoms] + [curve.hill_exponent]
    detail = [s.name for s in p.primary_symptoms] + [p.incidental.modality]
    return np.array(h), np.array(d50), np.array(hill), detail


def on_step(day: float, dt: float) -> float:
    """The engine step on which an event at `day` is acted on: the end of that step (days)."""
    return math.ceil(day / dt - 1e-9) * dt if math.isfinite(day) else math.inf


def screening_applies(s: Screening, female: bool) -> bool:
    """Whether a programme invites a patient of this sex."""
    return s.enabled and (s.sex == "any" or (s.sex == "female") == female)


def _screen(s: Screening, uniforms: np.ndarray, age0_years: float, before_days: float,
            diameters: np.ndarray, dt: float) -> float:
    """Day of the first positive round of a participant before `before_days`; inf if none."""
    ages = s.start_age_years + s.interval_years * np.arange(s.rounds())
    ages = ages[ages < s.stop_age_years]
    days = (ages - age0_years) * DAYS_PER_YEAR
    ok = (days >= 0.0) & (days < before_days) & (days < (len(diameters) - 1) * dt)
    days, u = days[ok], uniforms[: len(ages)][ok]
    d = diameters[np.floor(days / dt + 1e-9).astype(np.int64)]
    ratio = np.divide(s.diameter50_mm, d, out=np.full_like(d, np.inf), where=d > 0.0)
    with np.errstate(over="ignore"):
        sens = s.max_sensitivity / (1.0 + ratio**s.hill)
    hit = np.flatnonzero(u < sens)
    return float(days[hit[0]]) if len(hit) else math.inf


def primary_presentations(p: Presentation, site: str, thetas: np.ndarray, seed: int,
                          patients: Sequence[int], female: np.ndarray,
                          screening_quantile: np.ndarray, age_at_presentation_years: np.ndarray,
                          ) -> tuple[Presentations, np.ndarray]:
    """Diagnosis by the primary's routes, and each patient's age at its first malignant cell.

    `age_at_presentation_years` is the drawn age at clinical presentation; a patient never
    presenting clinically keeps it as its age at the first cell.
    """
    h, d50, hill, detail = _continuous_routes(p, site)
    n_cont = len(h)
    horizon = p.max_years_to_diagnosis * DAYS_PER_YEAR
    dt = float(thetas[0, T_DT]) if len(thetas) else 1.0
    diameters = np.empty(int(math.floor(horizon / dt + 1e-9)) + 1)
    n = len(patients)
    days, clin = np.full(n, np.inf), np.full(n, np.inf)
    route, diam = np.zeros(n, dtype=np.int64), np.full(n, np.nan)
    det = np.full(n, "", dtype=object)
    age0 = np.asarray(age_at_presentation_years, dtype=np.float64).copy()
    n_rounds = [s.rounds() for s in p.screening]
    for i, pid in enumerate(patients):
        rng = patient_generator(seed, int(pid), PRESENTATION_STREAM)
        thr = rng.standard_exponential(n_cont)
        rounds = [rng.random(k) for k in n_rounds]
        t, j, filled = _walk(thetas[i], horizon, h, d50, hill, thr, diameters)
        if math.isfinite(t):
            clin[i] = days[i] = t = on_step(t, dt)
            route[i] = R_SYMPTOM if j < n_cont - 1 else R_INCIDENTAL
            det[i] = detail[j]
            age0[i] = max(age0[i] - t / DAYS_PER_YEAR, 0.0)
        for s, u in zip(p.screening, rounds, strict=True):
            if not (screening_applies(s, bool(female[i])) and screening_quantile[i] < s.uptake):
                continue
            ts = _screen(s, u, age0[i], days[i], diameters[:filled], dt)
            if on_step(ts, dt) < days[i]:
                days[i], route[i], det[i] = on_step(ts, dt), R_SCREENING, s.test
        if math.isfinite(days[i]):
            diam[i] = diameters[min(int(math.floor(days[i] / dt + 1e-9)), filled - 1)]
    return Presentations(days, route, det, diam, clin), age0
