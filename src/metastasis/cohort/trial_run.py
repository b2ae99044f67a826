"""Simulate one chunk of trial patients: draw, diagnose, randomise, treat, read out.

Per patient: draws (population.py) → own scenario and theta row → diagnosis day on the
natural-history axis (`engine.primary`) → arm → courses compiled into a Schedule anchored at
diagnosis → kernel → clinical read-out → endpoints, all timed from diagnosis.

Stop rule "on_progression": a course stops at the first scan after its start that detects a
new metastasis. The engine runs with the full course first; where a course must stop, the
patient is rerun with it cut at that scan. The rerun is identical up to the cut (same random
stream, same state, therapy unchanged before it), so the scan still shows progression there;
the earliest stop is settled first and later ones are re-evaluated on the rerun.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metastasis.anatomy.organs import ORGANS
from metastasis.clinical.readout import ClinicalReadout, clinical_readout
from metastasis.cohort.population import PatientDraw, assign_arms, draw_patient, patient_scenario
from metastasis.cohort.trial_loader import TrialPlan
from metastasis.cohort.trial_tables import final_table
from metastasis.engine.batch import BatchOutput, concat_outputs, run_batch, subset_output
from metastasis.engine.events import PRIMARY_LESION_ID
from metastasis.engine.layout import S_DEATH_T, S_RESISTANT_CELLS, S_TUMOUR_CELLS
from metastasis.engine.params import T_END, Schedule, build_inputs
from metastasis.engine.primary import cells_at_day, first_day_at_size
from metastasis.patients.therapy_schedule import build_schedule
from metastasis.patients.tropism import patient_organ_tables, tropism_multipliers
from metastasis.therapy import PatientContext
from metastasis.therapy.base import Effects
from metastasis.units import DAYS_PER_YEAR, cells_for_diameter, diameter_mm

LOCOREGIONAL = ("regional_lymph_nodes",)
"""Organs whose lesions are regional, not distant metastases (besides the primary's organ)."""
NODE_MICROMETASTASIS_MM = 0.2
"""A nodal deposit counts as node-positive above 0.2 mm (AJCC 8th edition, pN1mi)."""
T_STAGE_LIMITS_MM = (20.0, 50.0)
"""T1 ≤ 20 mm < T2 ≤ 50 mm < T3 (AJCC 8th edition breast size bands)."""

_Row = tuple[PatientDraw, int, float]
"""One drawn patient: the draw, the arm index and the diagnosis day (inf: never diagnosed)."""


@dataclass
class _Patient:
    draw_index: int
    patient: int
    arm: int
    t_diag: float
    ctx: PatientContext
    theta: np.ndarray
    observe: np.ndarray
    effects: list[Effects]
    stops: dict[int, float]  # course index → stop day from diagnosis (inf: runs to the end)
    pending: set[int]  # on-progression courses not yet settled
    female: bool


def _schedule(p: _Patient) -> Schedule:
    effects = [e.clipped(p.stops[i]) if i in p.stops else e for i, e in enumerate(p.effects)]
    return build_schedule(effects, anchor_days=p.t_diag)


def _run(plan: TrialPlan, inputs, pats: list[_Patient], seed: int) -> BatchOutput:
    """Run the patients, each with the organs its sex has and its own organ preferences
    (`patients.tropism`); output ordered by patient."""
    pop, site = plan.scenario.population, plan.scenario.primary_site
    group = sorted(pats, key=lambda p: p.patient)
    ids = [p.patient for p in group]
    organ_pars = patient_organ_tables(inputs.organ_par, [p.female for p in group], pop,
                                      tropism_multipliers(seed, ids, pop.organotropism_sigma,
                                                          site))
    return run_batch(
        inputs, ids, seed, schedules=[_schedule(p) for p in group],
        thetas=np.vstack([p.theta for p in group]),
        observe_t_days=[p.observe for p in group], organ_pars=organ_pars,
    )


def _settle_progression(plan: TrialPlan, pats: list[_Patient], lesions: pd.DataFrame) -> list[_Patient]:
    """Fix the earliest pending on-progression stop of each patient; those to rerun."""
    courses = plan.trial.arms
    site = plan.scenario.primary_site
    det = lesions[(lesions.lesion_id != PRIMARY_LESION_ID) & lesions.detected_days.notna()
                  & (lesions.organ != ORGANS.index(site))]
    det_by_patient = det.groupby("patient")["detected_days"].apply(np.sort).to_dict()
    rerun = []
    for p in pats:
        if not p.pending:
            continue
        times = det_by_patient.get(p.patient, np.zeros(0))
        found: dict[int, float] = {}
        for ci in sorted(p.pending):
            c = courses[p.arm].courses[ci]
            start = p.t_diag + c.start_days
            later = times[times > start + 1e-9]
            if len(later) and later[0] < p.t_diag + c.end_days():
                found[ci] = float(later[0])
            else:
                p.pending.discard(ci)
        if found:
            first = min(found.values())
            for ci, t in found.items():
                if t == first:
                    p.stops[ci] = t - p.t_diag
                    p.pending.discard(ci)
            rerun.append(p)
    return rerun


def _prepare(plan: TrialPlan, seed: int, patients: list[int]) -> tuple[list[_Patient], list[_Row]]:
    trial, sc = plan.trial, plan.scenario
    fu_days = trial.follow_up_years * DAYS_PER_YEAR
    diag = trial.population.diagnosis
    horizon = diag.max_tumour_age_years * DAYS_PER_YEAR
    arms = assign_arms(trial, seed, np.asarray(patients))
    scan_offsets = np.arange(0.0, fu_days + 1e-9, trial.imaging.interval_days)
    prepared: list[_Patient] = []
    rows: list[_Row] = []
    cache: dict[tuple, tuple] = {}
    for k, pid in enumerate(patients):
        d = draw_patient(trial, sc, seed, pid)
        key = (d.genotype, d.parameters)
        if key not in cache:
            psc = patient_scenario(sc, d)
            cache[key] = (build_inputs(psc, years=trial.follow_up_years).theta, psc.circulation)
        theta, circ = cache[key]
        theta = theta.copy()
        if diag.trigger == "primary_diameter":
            t_diag = first_day_at_size(theta, cells_for_diameter(d.diagnosis_value), horizon)
        else:
            t_diag = d.diagnosis_value
        ctx = PatientContext(
            genotype=d.genotype, hormone_receptor_positive=d.hormone_receptor_positive,
            pdl1_positive_fraction=circ.pdl1_positive_fraction,
            pdl1_protection=circ.pdl1_protection, primary_site=sc.primary_site,
        )
        rows.append((d, int(arms[k]), t_diag))
        if not math.isfinite(t_diag):
            continue
        theta[T_END] = t_diag + fu_days
        arm = trial.arms[int(arms[k])]
        effects = [c.effects(ctx) for c in arm.courses]
        pending = {i for i, c in enumerate(arm.courses) if c.stop == "on_progression"}
        prepared.append(_Patient(k, pid, int(arms[k]), t_diag, ctx, theta, t_diag + scan_offsets,
                                 effects, {}, pending, d.female))
    return prepared, rows


def simulate_chunk(plan: TrialPlan, seed: int, patients: list[int]) -> dict[str, pd.DataFrame]:
    """Tables (patients, sites, courses) of the given global patient indices."""
    trial, sc = plan.trial, plan.scenario
    if trial.imaging.modality is not None:
        sc = sc.model_copy(deep=True)
        sc.clinical.imaging.modality = trial.imaging.modality
    pats, rows = _prepare(plan, seed, patients)
    inputs = build_inputs(sc, years=trial.follow_up_years)
    if pats:
        out = _run(plan, inputs, pats, seed)
        clin = clinical_readout(out, sc, seed)
        while True:
            rerun = _settle_progression(plan, pats, clin.lesions)
            if not rerun:
                break
            ids = np.array([p.patient for p in rerun])
            keep = np.setdiff1d(out.patients, ids)
            out = concat_outputs([subset_output(out, keep), _run(plan, inputs, rerun, seed)])
            clin = clinical_readout(out, sc, seed)
        return _tables(plan, pats, rows, out, clin)
    return _tables(plan, pats, rows, None, None)


def _tables(plan: TrialPlan, pats: list[_Patient], rows: list[_Row], out: BatchOutput | None,
            clin: ClinicalReadout | None) -> dict[str, pd.DataFrame]:
    """The chunk's tables; `out` and `clin` are None when no patient of it was diagnosed."""
    trial, sc = plan.trial, plan.scenario
    fu = trial.follow_up_years * DAYS_PER_YEAR
    site = ORGANS.index(sc.primary_site)
    distant_excl = {site} | {ORGANS.index(o) for o in LOCOREGIONAL}
    by_id = {p.patient: p for p in pats}
    t_diag = {p.patient: p.t_diag for p in pats}
    param_names = sorted(trial.population.parameters)
    recs = []
    site_rows = []
    course_rows = []
    # Read-out of the simulated (diagnosed) patients; empty when the chunk has none.
    summ: dict[int, np.ndarray] = {}
    first_distant = pd.Series(dtype=float)
    m1 = pd.Series(dtype=int)
    node_pos: set[int] = set()
    pc = pd.DataFrame()
    if out is not None and clin is not None:
        les = clin.lesions.assign(t_diag=clin.lesions.patient.map(t_diag))
        det = les[les.detected_days.notna() & (les.lesion_id != PRIMARY_LESION_ID)]
        det = det.assign(rel=det.detected_days - det.t_diag)
        first_site = det.groupby(["patient", "organ"], sort=True)["rel"].min().reset_index()
        distant = first_site[~first_site.organ.isin(distant_excl)]
        first_distant = distant.groupby("patient")["rel"].min()
        m1 = distant[distant.rel <= 1e-9].groupby("patient").size()
        for r in first_site.itertuples(index=False):
            site_rows.append((int(r.patient), ORGANS[int(r.organ)], float(r.rel),
                              int(r.organ) not in distant_excl))
        obs = pd.DataFrame({"patient": out.obs_patient, "t": out.obs_t, "organ": out.obs_organ,
                            "cells": out.obs_cells})
        obs = obs.assign(t_diag=obs.patient.map(t_diag))
        nodes = obs[(np.abs(obs.t - obs.t_diag) < 1e-9)
                    & obs.organ.isin([ORGANS.index(o) for o in LOCOREGIONAL])
                    & (obs.cells >= cells_for_diameter(NODE_MICROMETASTASIS_MM))]
        node_pos = set(nodes.patient.unique().tolist())
        summ = {int(p): out.summary[i] for i, p in enumerate(out.patients)}
        pc = clin.patient_columns.set_index("patient")
    for d, arm, td in rows:
        pid = d.patient
        # a patient whose metastases kill before the primary is found is never diagnosed
        died_first = pid in by_id and summ[pid][S_DEATH_T] <= td
        rec = {"patient": pid, "arm": trial.arms[arm].name,
               "genotype": "+".join(f"{g}{a}" for g, a in d.genotype if a not in ("wt", "unmethylated"))
               or "wildtype",
               "sex": "female" if d.female else "male",
               "hormone_receptor_positive": d.hormone_receptor_positive,
               "enrolled": math.isfinite(td) and not died_first}
        diag_mm = d.diagnosis_value if trial.population.diagnosis.trigger == "primary_diameter" \
            else math.nan
        rec["diagnosis_diameter_mm"] = diag_mm
        rec["tumour_age_at_diagnosis_days"] = td if math.isfinite(td) else math.nan
        for name in param_names:
            rec[name] = dict(d.parameters)[name]
        if pid in by_id and not died_first:
            s = summ[pid]
            death = s[S_DEATH_T]
            died = bool(math.isfinite(death) and death - td <= fu + 1e-9)
            os_t = min(death - td, fu) if died else fu
            dm = first_distant.get(pid, math.nan)
            dm_t = dm if (math.isfinite(dm) and dm <= os_t) else math.nan
            rec.update({
                "t_stage": _t_stage(diag_mm),
                "node_positive": pid in node_pos,
                "metastatic_at_diagnosis": bool(m1.get(pid, 0) > 0),
                "os_days": os_t, "death": died,
                "dm_days": dm_t if math.isfinite(dm_t) else os_t,
                "dm_event": bool(math.isfinite(dm_t)),
                "mfs_days": dm_t if math.isfinite(dm_t) else os_t,
                "mfs_event": bool(math.isfinite(dm_t) or died),
                "first_symptom_days": pc.at[pid, "first_symptom_days"] - td,
                "resistant_share_end": (s[S_RESISTANT_CELLS] / s[S_TUMOUR_CELLS]
                                        if s[S_TUMOUR_CELLS] > 0 else 0.0),
            })
            p = by_id[pid]
            rec["surgery_diameter_mm"] = _surgery_diameter(trial.arms[arm].courses, p)
            for ci, c in enumerate(trial.arms[arm].courses):
                stop = min(p.stops.get(ci, math.inf), c.end_days(), os_t)
                course_rows.append((pid, ci, c.therapy, c.drug_name(), c.start_days,
                                    max(stop, c.start_days), ci in p.stops))
        recs.append(rec)
    tables = {
        "patients": pd.DataFrame.from_records(recs),
        "sites": pd.DataFrame(site_rows, columns=["patient", "organ", "days_from_diagnosis",
                                                  "distant"]),
        "courses": pd.DataFrame(course_rows, columns=["patient", "course", "therapy", "drug",
                                                      "start_days", "stop_days",
                                                      "stopped_on_progression"]),
    }
    return {name: final_table(name, df, plan) for name, df in tables.items()}


def _surgery_diameter(courses: list, p: _Patient) -> float:
    """Primary diameter (mm) at its first resection, if nothing acted on it before; else nan."""
    t_surg = min((c.start_days for c in courses if c.therapy == "surgery" and c.target == "primary"),
                 default=math.inf)
    if not math.isfinite(t_surg) or any(c.start_days < t_surg for c in courses):
        return math.nan
    return diameter_mm(cells_at_day(p.theta, p.t_diag + t_surg))


def _t_stage(d_mm: float) -> str:
    if not math.isfinite(d_mm):
        return ""
    if d_mm <= T_STAGE_LIMITS_MM[0]:
        return "T1"
    if d_mm <= T_STAGE_LIMITS_MM[1]:
        return "T2"
    return "T3"
