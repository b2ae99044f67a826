"""A cohort of drawn patients made ready for the engine, and run.

Time axis: every patient is simulated from its first malignant cell and diagnosed by the first
route of `scenario.presentation` to fire: a symptom of the primary, incidental imaging or
screening (all on the untreated primary's course, `patients.presentation`), or a symptom of
its metastases. It is followed for the scenario's follow-up after diagnosis (or until it dies
of other causes; with `time.follow_up_from = "first_cell"` the follow-up counts from the first
cell instead). Imaging happens only from diagnosis on: a staging scan at
`clinical.imaging.start_day` after diagnosis, then every `interval_days`.

Metastatic symptoms need the metastases, so a cohort runs in two passes
(`patients.course.simulate_cohort`): every patient is run with its diagnosis by the primary's routes; a
patient whose metastases cause symptoms before that day is diagnosed on the day of the first
symptom and run again from its first cell with that diagnosis. The engine's course before
diagnosis does not depend on what is scheduled from diagnosis (its random streams are the
patient's own and therapy starts at diagnosis), so the second run repeats the first up to the
new diagnosis day and the symptom falls on the same day.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from metastasis.anatomy.organs import ORGANS
from metastasis.clinical.symptoms import constitutional_onsets, onsets_by_patient, symptom_rules
from metastasis.engine.batch import BatchOutput, run_batch
from metastasis.engine.params import T_DT, T_END, KernelInputs, Schedule, build_inputs
from metastasis.engine.primary import cells_at_day
from metastasis.patients.draw import PatientDraws, draw_patients
from metastasis.patients.kinetics import doubling_time_days, patient_thetas
from metastasis.patients.life_table import other_cause_death_days
from metastasis.patients.presentation import (
    R_METASTASIS,
    R_SYMPTOM,
    Presentations,
    on_step,
    primary_presentations,
)
from metastasis.patients.tropism import (
    REGIONAL_NODES,
    lymphatic_multipliers,
    patient_organ_tables,
    tropism_multipliers,
)
from metastasis.scenario.presentation import Constitutional
from metastasis.scenario.schema import Genotype, Scenario
from metastasis.units import DAYS_PER_YEAR, diameter_mm


@dataclass(frozen=True)
class PreparedCohort:
    """Drawn patients with their engine parameters and clinical time axis (days from the
    first malignant cell; inf where an event never happens)."""

    draws: PatientDraws
    thetas: np.ndarray
    presentation: Presentations
    age_at_first_cell_years: np.ndarray
    other_cause_death_days: np.ndarray
    end_days: np.ndarray
    observe_days: tuple[np.ndarray, ...]
    tropism: np.ndarray  # (patients, organs) multipliers of the organ weights (patients.tropism)

    @property
    def diagnosis_days(self) -> np.ndarray:
        """Day of diagnosis from the first malignant cell (inf: never diagnosed)."""
        return self.presentation.days

    def take(self, idx: np.ndarray) -> PreparedCohort:
        """The patients at positions `idx`."""
        pres = Presentations(*(getattr(self.presentation, f)[idx]
                               for f in Presentations.__dataclass_fields__))
        return PreparedCohort(
            self.draws.take(idx), self.thetas[idx], pres, self.age_at_first_cell_years[idx],
            self.other_cause_death_days[idx], self.end_days[idx],
            tuple(self.observe_days[i] for i in idx), self.tropism[idx],
        )


def wild_type_theta(sc: Scenario, inputs: KernelInputs) -> np.ndarray:
    """The theta row of the scenario with the wild-type genotype (the doubling times of a
    population describe wild-type tumours; a genotype's multipliers act on top)."""
    if sc.genotype == Genotype():
        return inputs.theta
    return build_inputs(sc.model_copy(update={"genotype": Genotype()}),
                        years=inputs.years).theta


def _timeline(sc: Scenario, thetas: np.ndarray, t_dx: np.ndarray, other: np.ndarray,
              follow_up_years: float) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """End of each patient's simulation (set in `thetas`) and its scan days."""
    fu = follow_up_years * DAYS_PER_YEAR
    found = np.isfinite(t_dx)
    horizon = sc.presentation.max_years_to_diagnosis * DAYS_PER_YEAR
    from_dx = sc.time.follow_up_from == "diagnosis"
    planned = np.where(found, t_dx + fu, horizon) if from_dx else np.full(len(t_dx), fu)
    end = np.maximum(np.minimum(planned, other), thetas[:, T_DT])
    thetas[:, T_END] = end
    img = sc.clinical.imaging
    offsets = np.arange(img.start_day, fu + 1e-9, img.interval_days)
    anchor = t_dx if from_dx else np.zeros(len(t_dx))
    observe = tuple(
        (t + offsets[t + offsets <= e + 1e-9]) if np.isfinite(t) else np.zeros(0)
        for t, e in zip(anchor, end, strict=True)
    )
    return end, observe


def retime(sc: Scenario, cohort: PreparedCohort, follow_up_years: float) -> PreparedCohort:
    """The cohort with each patient's end and scan days set from its (new) diagnosis."""
    if sc.time.follow_up_from != "diagnosis":
        return cohort
    thetas = cohort.thetas.copy()
    end, observe = _timeline(sc, thetas, cohort.diagnosis_days, cohort.other_cause_death_days,
                             follow_up_years)
    return replace(cohort, thetas=thetas, end_days=end, observe_days=observe)


def prepare_cohort(sc: Scenario, inputs: KernelInputs, seed: int, patients: Sequence[int],
                   follow_up_years: float) -> PreparedCohort:
    """Draw the patients; set their parameters, diagnosis by the primary's routes, ages and
    follow-up."""
    pop = sc.population
    ref = doubling_time_days(wild_type_theta(sc, inputs))
    if not np.isfinite(ref) and pop.sets_growth():
        raise ValueError(
            f"scenario {sc.name!r}: population.kinetics.volume_doubling_time_days (or a "
            "subtype's doubling_time_multiplier) needs a primary that grows past 2 cm³, and "
            "this one never does; remove them or check primary.* and burden.*")
    draws = draw_patients(pop, seed, patients, ref)
    thetas = patient_thetas(inputs.theta, draws.kinetics, ref)
    pres, age0 = primary_presentations(
        sc.presentation, sc.primary_site, thetas, seed, patients, draws.female,
        draws.screening_quantile, draws.age_at_diagnosis_years)
    if pop.other_cause_mortality:
        other = other_cause_death_days(age0, draws.female, draws.other_cause_quantile)
    else:
        other = np.full(len(draws), np.inf)
    end, observe = _timeline(sc, thetas, pres.days, other, follow_up_years)
    tropism = tropism_multipliers(seed, patients, pop.organotropism_sigma, sc.primary_site)
    tropism[:, ORGANS.index(REGIONAL_NODES)] *= lymphatic_multipliers(
        seed, patients, pop.lymphatic_sigma, draws.kinetics["dissemination"])
    return PreparedCohort(draws, thetas, pres, age0, other, end, observe, tropism)


def run_cohort(sc: Scenario, inputs: KernelInputs, cohort: PreparedCohort, seed: int,
               schedules: Sequence[Schedule] | None = None,
               progress: Callable[[int], None] | None = None) -> BatchOutput:
    """Run the cohort once, each patient with the organs its sex has and its own organ
    preferences; output ordered by patient."""
    organ_pars = patient_organ_tables(inputs.organ_par, cohort.draws.female, sc.population,
                                      cohort.tropism)
    order = np.argsort(cohort.draws.patient, kind="stable")
    return run_batch(
        inputs, cohort.draws.patient[order].tolist(), seed,
        schedules=None if schedules is None else [schedules[i] for i in order],
        progress=progress, thetas=cohort.thetas[order],
        observe_t_days=[cohort.observe_days[i] for i in order], organ_pars=organ_pars[order],
    )


def metastatic_presentations(out: BatchOutput, cohort: PreparedCohort, seed: int,
                             metastases: bool = True,
                             constitutional: Constitutional | None = None,
                             ) -> tuple[Presentations, np.ndarray]:
    """Diagnoses moved earlier by a symptom of metastases (with `metastases`) or by
    constitutional symptoms of the whole burden (when given and enabled); positions of the
    moved patients."""
    rules = symptom_rules()
    pats = cohort.draws.patient.tolist()
    onsets = onsets_by_patient(out, seed, ORGANS) if metastases else \
        {p: np.full(len(rules), np.inf) for p in pats}
    body = constitutional_onsets(out, seed, constitutional.burden50_cells,
                                 constitutional.max_per_day, constitutional.hill) \
        if constitutional is not None and constitutional.enabled else {}
    pres = cohort.presentation
    days, route, detail, diam = (pres.days.copy(), pres.route.copy(), pres.detail.copy(),
                                 pres.diameter_mm.copy())
    moved = []
    for i, p in enumerate(pats):
        o = onsets[p]
        j = int(np.argmin(o))
        first = float(o[j])
        whole = body.get(p, np.inf)
        onset = min(first, whole)
        t = on_step(onset, float(cohort.thetas[i, T_DT])) if np.isfinite(onset) else np.inf
        if t < days[i]:
            moved.append(i)
            if whole < first:
                route[i], detail[i] = R_SYMPTOM, constitutional.name  # type: ignore[union-attr]
            else:
                route[i] = R_METASTASIS
                detail[i] = f"{rules[j].organ} {rules[j].symptom}".replace("_", " ")
            days[i] = t
            cells = cells_at_day(cohort.thetas[i], t)
            diam[i] = diameter_mm(cells)
    return replace(pres, days=days, route=route, detail=detail, diameter_mm=diam), \
        np.asarray(moved, dtype=np.int64)
