"""Each diagnosed patient's treatment by the scenario's pathway, as an engine `Schedule`.

A patient receives every `pathway.steps` entry it is eligible for (stage, receptor status,
nodes, T, and the distant lesions found at the work-up); the courses' effects are compiled
into one schedule anchored at the patient's diagnosis day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metastasis.engine.params import Schedule
from metastasis.patients.cohort import PreparedCohort
from metastasis.patients.therapy_schedule import build_schedule
from metastasis.scenario.pathway import Eligibility
from metastasis.scenario.schema import Scenario
from metastasis.therapy import PatientContext

NO_TREATMENT = "none"
"""`patients.treatment` of a diagnosed patient whom no step fits (and under natural history)."""


def _status(sc: Scenario, cohort: PreparedCohort, field: str) -> np.ndarray:
    names = cohort.draws.subtype_names
    values = [getattr(sc.population.subtypes[n], field) for n in names]
    return np.array([values[i] for i in cohort.draws.subtype], dtype=object)


def _eligible(e: Eligibility, stages: pd.DataFrame, hr: np.ndarray, her2: np.ndarray
              ) -> np.ndarray:
    ok = stages.summary_stage.to_numpy() != ""
    if e.summary_stage is not None:
        ok &= np.isin(stages.summary_stage.to_numpy(), e.summary_stage)
    if e.hormone_receptor_positive is not None:
        ok &= hr == e.hormone_receptor_positive
    if e.her2_positive is not None:
        ok &= her2 == e.her2_positive
    if e.node_positive is not None:
        positive = stages.positive_nodes.fillna(0).to_numpy(dtype=np.int64) > 0
        ok &= positive == e.node_positive
    if e.min_t is not None:
        t = pd.to_numeric(stages.t_stage.str[1:], errors="coerce").fillna(0).to_numpy()
        ok &= t >= e.min_t
    if e.m1_sites_within is not None:
        allowed = set(e.m1_sites_within)
        ok &= np.array([bool(s) and set(s.split(";")) <= allowed
                        for s in stages.m1_sites.to_numpy()], dtype=bool)
    if e.max_m1_lesions is not None:
        ok &= stages.m1_lesions.fillna(0).to_numpy(dtype=np.int64) <= e.max_m1_lesions
    return ok


def pathway_schedules(sc: Scenario, cohort: PreparedCohort, stages: pd.DataFrame,
                      ) -> tuple[list[Schedule], np.ndarray]:
    """Per patient (cohort order): its schedule and the names of the steps it received."""
    hr, her2 = _status(sc, cohort, "hormone_receptor_positive"), _status(sc, cohort, "her2_positive")
    steps = sc.pathway.steps
    chosen = np.column_stack([_eligible(s.eligible, stages, hr, her2) for s in steps]) \
        if steps else np.zeros((len(stages), 0), dtype=bool)
    genotype = tuple(sc.genotype.model_dump().items())
    circ = sc.circulation
    schedules, names = [], []
    for i, t_dx in enumerate(cohort.diagnosis_days):
        got = [s for s, c in zip(steps, chosen[i], strict=True) if c]
        ctx = PatientContext(
            genotype=genotype, hormone_receptor_positive=bool(hr[i]),
            pdl1_positive_fraction=circ.pdl1_positive_fraction,
            pdl1_protection=circ.pdl1_protection, primary_site=sc.primary_site,
        )
        effects = [s.course.effects(ctx) for s in got]
        schedules.append(build_schedule(effects, anchor_days=float(t_dx)) if got else Schedule())
        diagnosed = stages.summary_stage.iat[i] != ""
        names.append("; ".join(s.name for s in got) if got else (NO_TREATMENT if diagnosed else ""))
    return schedules, np.asarray(names, dtype=object)
