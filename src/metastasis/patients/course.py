"""A cohort's whole course: drawn, diagnosed, staged, treated by the pathway, followed.

Passes of the engine (each patient's course before diagnosis is the same in every pass: its
random streams are its own and nothing is scheduled before diagnosis):

1. every patient runs with its diagnosis by the primary's routes (under a pathway only to its
   work-up scan, which is all the next steps need);
2. a patient whose metastases, or whose whole tumour burden (constitutional symptoms), cause
   symptoms before that diagnosis is diagnosed on the day of the first symptom and runs again;
3. under `history = "standard_of_care"` each diagnosed patient is staged from those runs,
   receives the pathway steps it is eligible for, and every patient runs its whole follow-up
   with that schedule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from metastasis.clinical.readout import clinical_readout
from metastasis.engine.batch import BatchOutput, concat_outputs, subset_output
from metastasis.engine.params import T_END, KernelInputs, Schedule
from metastasis.patients.cohort import (
    PreparedCohort,
    metastatic_presentations,
    prepare_cohort,
    retime,
    run_cohort,
)
from metastasis.patients.pathway import NO_TREATMENT, pathway_schedules
from metastasis.patients.staging import stage_patients
from metastasis.scenario.schema import Scenario


def _until_work_up(sc: Scenario, cohort: PreparedCohort) -> PreparedCohort:
    """The cohort with each diagnosed patient's run ending at the first trajectory record
    after its work-up scan (so that its records are those of the whole run)."""
    rec = sc.time.record_interval_days
    t = np.ceil((cohort.diagnosis_days + sc.clinical.imaging.start_day) / rec + 1e-9) * rec
    end = np.where(np.isfinite(t), np.minimum(cohort.end_days, t), cohort.end_days)
    thetas = cohort.thetas.copy()
    thetas[:, T_END] = end
    observe = tuple(o[o <= e + 1e-9] for o, e in zip(cohort.observe_days, end, strict=True))
    return replace(cohort, thetas=thetas, end_days=end, observe_days=observe)


def _diagnose(sc: Scenario, inputs: KernelInputs, cohort: PreparedCohort, seed: int,
              follow_up_years: float, schedules: Sequence[Schedule] | None,
              short: bool, progress: Callable[[int], None] | None,
              ) -> tuple[PreparedCohort, BatchOutput]:
    """Passes 1 and 2: the cohort with its final diagnoses, and the runs that placed them."""
    first = _until_work_up(sc, cohort) if short else cohort
    out = run_cohort(sc, inputs, first, seed, schedules=schedules, progress=progress)
    body = sc.presentation.constitutional
    if not (sc.presentation.metastasis_symptoms or body.enabled) or not len(cohort.draws):
        return cohort, out
    pres, moved = metastatic_presentations(out, first, seed, sc.presentation.metastasis_symptoms,
                                           body)
    cohort = retime(sc, replace(cohort, presentation=pres), follow_up_years)
    if sc.time.follow_up_from == "diagnosis" and len(moved):
        again_cohort = (_until_work_up(sc, cohort) if short else cohort).take(moved)
        again = run_cohort(sc, inputs, again_cohort, seed,
                           schedules=None if schedules is None else [schedules[i] for i in moved])
        kept = np.setdiff1d(cohort.draws.patient, cohort.draws.patient[moved])
        out = concat_outputs([subset_output(out, kept), again])
    return cohort, out


def simulate_cohort(sc: Scenario, inputs: KernelInputs, seed: int, patients: Sequence[int],
                    follow_up_years: float, schedules: Sequence[Schedule] | None = None,
                    progress: Callable[[int], None] | None = None,
                    ) -> tuple[PreparedCohort, BatchOutput, np.ndarray]:
    """Draw, diagnose, stage, treat and run a cohort (see the module docstring).

    Returns the cohort, the engine output of every patient's whole follow-up, and each
    patient's treatment (the pathway steps received, "none", or "" if never diagnosed).
    `schedules` (days from the first malignant cell) are only for natural history.
    """
    treated = sc.history == "standard_of_care"
    if treated and schedules is not None:
        raise ValueError("schedules: a scenario with history = 'standard_of_care' schedules "
                         "its own treatment; expected history = 'natural' with schedules")
    cohort = prepare_cohort(sc, inputs, seed, patients, follow_up_years)
    cohort, out = _diagnose(sc, inputs, cohort, seed, follow_up_years, schedules, treated,
                            None if treated else progress)
    diagnosed = np.isfinite(cohort.diagnosis_days)
    if not treated:
        return cohort, out, np.where(diagnosed, NO_TREATMENT, "").astype(object)
    clin = clinical_readout(out, sc, seed)
    stages = stage_patients(out, clin.lesions, cohort, sc, seed)
    plan, treatment = pathway_schedules(sc, cohort, stages)
    out = run_cohort(sc, inputs, cohort, seed, schedules=plan, progress=progress)
    return cohort, out, treatment
