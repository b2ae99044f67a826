"""A cohort of drawn patients made ready for the engine, and run.

Time axis: every patient is simulated from its first malignant cell. It is diagnosed on the
first day its untreated primary reaches its drawn diameter at diagnosis, and followed for
the scenario's follow-up after that (or until it dies of other causes; with
`time.follow_up_from = "first_cell"` the follow-up counts from the first cell instead).
Imaging happens only from diagnosis on: a staging scan at `clinical.imaging.start_day` after
diagnosis, then every `interval_days`. The age at the first malignant cell is the drawn age at
diagnosis minus the patient's own time to diagnosis, so ages at diagnosis follow the
population's distribution.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from metastasis.engine.batch import BatchOutput, concat_outputs, run_batch
from metastasis.engine.params import T_DT, T_END, KernelInputs, Schedule, build_inputs
from metastasis.engine.primary import days_to_size
from metastasis.patients.draw import PatientDraws, draw_patients
from metastasis.patients.kinetics import doubling_time_days, patient_thetas
from metastasis.patients.life_table import other_cause_death_days
from metastasis.patients.sex_organs import organ_par_for_sex
from metastasis.scenario.schema import Genotype, Scenario
from metastasis.units import CELLS_PER_MM3, DAYS_PER_YEAR


@dataclass(frozen=True)
class PreparedCohort:
    """Drawn patients with their engine parameters and clinical time axis (days from the
    first malignant cell; inf where an event never happens)."""

    draws: PatientDraws
    thetas: np.ndarray
    diagnosis_days: np.ndarray
    age_at_first_cell_years: np.ndarray
    other_cause_death_days: np.ndarray
    end_days: np.ndarray
    observe_days: tuple[np.ndarray, ...]


def wild_type_theta(sc: Scenario, inputs: KernelInputs) -> np.ndarray:
    """The theta row of the scenario with the wild-type genotype (the doubling times of a
    population describe wild-type tumours; a genotype's multipliers act on top)."""
    if sc.genotype == Genotype():
        return inputs.theta
    return build_inputs(sc.model_copy(update={"genotype": Genotype()}),
                        years=inputs.years).theta


def prepare_cohort(sc: Scenario, inputs: KernelInputs, seed: int, patients: Sequence[int],
                   follow_up_years: float) -> PreparedCohort:
    """Draw the patients and set their parameters, diagnosis, ages and follow-up."""
    pop = sc.population
    ref = doubling_time_days(wild_type_theta(sc, inputs))
    if not np.isfinite(ref) and pop.sets_growth():
        raise ValueError(
            f"scenario {sc.name!r}: population.kinetics.volume_doubling_time_days (or a "
            "subtype's doubling_time_multiplier) needs a primary that grows past 2 cm³, and "
            "this one never does; remove them or check primary.* and burden.*")
    draws = draw_patients(pop, seed, patients, ref)
    thetas = patient_thetas(inputs.theta, draws.kinetics, ref)
    horizon = pop.max_years_to_diagnosis * DAYS_PER_YEAR
    target = np.pi / 6.0 * draws.diagnosis_diameter_mm**3 * CELLS_PER_MM3  # units' N(D), on arrays
    t_dx = days_to_size(thetas, target, horizon)
    found = np.isfinite(t_dx)
    # never diagnosed: the drawn age is taken as the age at the first cell
    years_to_dx = np.where(found, t_dx, 0.0) / DAYS_PER_YEAR
    age0 = np.maximum(draws.age_at_diagnosis_years - years_to_dx, 0.0)
    if pop.other_cause_mortality:
        other = other_cause_death_days(age0, draws.female, draws.other_cause_quantile)
    else:
        other = np.full(len(draws), np.inf)
    fu = follow_up_years * DAYS_PER_YEAR
    from_dx = sc.time.follow_up_from == "diagnosis"
    planned = np.where(found, t_dx + fu, horizon) if from_dx else np.full(len(draws), fu)
    end = np.maximum(np.minimum(planned, other), thetas[:, T_DT])
    thetas[:, T_END] = end
    img = sc.clinical.imaging
    offsets = np.arange(img.start_day, fu + 1e-9, img.interval_days)
    anchor = t_dx if from_dx else np.zeros(len(draws))
    observe = tuple(
        (t + offsets[t + offsets <= e + 1e-9]) if np.isfinite(t) else np.zeros(0)
        for t, e in zip(anchor, end, strict=True)
    )
    return PreparedCohort(draws, thetas, t_dx, age0, other, end, observe)


def run_cohort(sc: Scenario, inputs: KernelInputs, cohort: PreparedCohort, seed: int,
               schedules: Sequence[Schedule] | None = None,
               progress: Callable[[int], None] | None = None) -> BatchOutput:
    """Run the cohort, each sex with the organs it has; output ordered by patient."""
    outs = []
    for female in (True, False):
        idx = np.flatnonzero(cohort.draws.female == female).tolist()
        if not len(idx):
            continue
        group = replace(inputs, organ_par=organ_par_for_sex(inputs.organ_par, female,
                                                            sc.population))
        outs.append(run_batch(
            group, cohort.draws.patient[idx].tolist(), seed,
            schedules=None if schedules is None else [schedules[i] for i in idx],
            progress=progress, thetas=cohort.thetas[idx],
            observe_t_days=[cohort.observe_days[i] for i in idx],
        ))
    if not outs:
        return run_batch(inputs, [], seed)
    return concat_outputs(outs)
