"""Turn engine outputs into what a clinic sees: detections, symptoms, sites, outcome."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metastasis.anatomy.organs import ORGANS
from metastasis.clinical.imaging import curve_for, detection_probability
from metastasis.clinical.symptoms import onsets_by_patient, symptom_rules
from metastasis.engine.batch import BatchOutput
from metastasis.engine.events import EV_DETECTED, EV_SYMPTOM, PRIMARY_LESION_ID
from metastasis.engine.layout import S_DEATH_CAUSE, S_DEATH_T
from metastasis.engine.rng import CLINICAL_STREAM, patient_generator
from metastasis.scenario.schema import Scenario
from metastasis.units import CELLS_PER_MM3, cells_for_diameter

SYMPTOM_NAMES = tuple(sorted({r.symptom for r in symptom_rules()}))


@dataclass
class ClinicalReadout:
    """Clinical events (long table), the lesion table and per-patient clinical columns."""

    events: pd.DataFrame  # patient, time_days, event, organ, lesion_id, value, detail
    lesions: pd.DataFrame
    patient_columns: pd.DataFrame


def _diameters(cells: np.ndarray) -> np.ndarray:
    return (6.0 * np.maximum(cells, 0.0) / (np.pi * CELLS_PER_MM3)) ** (1.0 / 3.0)


def clinical_readout(out: BatchOutput, scenario: Scenario, seed: int) -> ClinicalReadout:
    """Detections at each scheduled scan, symptom onsets, sites and outcome per patient."""
    img = scenario.clinical.imaging
    n_org = out.n_organs
    curves = []
    for name in ORGANS:
        modality = img.brain_modality if name == "brain" and img.brain_modality else img.modality
        curves.append(curve_for(modality, name))
    d50 = np.array([c.diameter50_mm for c in curves])
    apparent_cells = cells_for_diameter(scenario.clinical.apparent_diameter_mm)

    # ---- detection: one uniform per (scan, lesion) observation, from the patient's own stream
    obs_p = out.obs_patient
    order = np.argsort(obs_p, kind="stable")
    diam = _diameters(out.obs_cells)
    prob = np.zeros(len(diam))
    for o in range(n_org):
        sel = out.obs_organ == o
        if sel.any():
            prob[sel] = detection_probability(diam[sel], curves[o])
    u = np.empty(len(diam))
    starts = np.searchsorted(obs_p[order], out.patients, side="left")
    ends = np.searchsorted(obs_p[order], out.patients, side="right")
    for p, a, b in zip(out.patients, starts, ends, strict=True):
        rng = patient_generator(seed, int(p), CLINICAL_STREAM)
        u[order[a:b]] = rng.random(b - a)
    hit = u < prob
    obs = pd.DataFrame({
        "patient": obs_p, "time_days": out.obs_t, "lesion_id": out.obs_lesion,
        "organ": out.obs_organ, "diameter_mm": diam, "hit": hit,
        "detectable": diam >= d50[out.obs_organ],
    })
    det = obs[obs.hit].groupby(["patient", "lesion_id"], sort=True).first().reset_index()
    detectable = obs[obs.detectable].groupby(["patient", "lesion_id"], sort=True)["time_days"].min()

    det_events = pd.DataFrame({
        "patient": det.patient.to_numpy(),
        "time_days": det.time_days.to_numpy(),
        "event": EV_DETECTED,
        "organ": det.organ.to_numpy().astype(np.int16),
        "lesion_id": det.lesion_id.to_numpy().astype(np.int32),
        "value": det.diameter_mm.to_numpy(),
        "detail": "",
    })

    # ---- lesion table
    les = pd.DataFrame({
        "patient": out.les_patient, "lesion_id": out.les_id, "organ": out.les_organ,
        "born_days": out.les_born,
        "cleared_days": np.where(np.isfinite(out.les_end), out.les_end, np.nan),
        "max_cells": out.les_max_cells,
    })
    key = pd.MultiIndex.from_arrays([les.patient, les.lesion_id])
    det_idx = det.set_index(["patient", "lesion_id"])["time_days"]
    les["first_detectable_days"] = detectable.reindex(key).to_numpy()
    les["detected_days"] = det_idx.reindex(key).to_numpy()
    les["max_diameter_mm"] = _diameters(les.max_cells.to_numpy())

    # ---- symptoms from metastatic burden trajectories
    sym_rows: list[tuple[int, float, int, str]] = []
    if scenario.clinical.symptoms:
        rules = symptom_rules()
        for p, onsets in onsets_by_patient(out, seed, ORGANS).items():
            for rule, onset in zip(rules, onsets, strict=True):
                if np.isfinite(onset):
                    sym_rows.append((p, float(onset), ORGANS.index(rule.organ), rule.symptom))
    sym = pd.DataFrame(sym_rows, columns=["patient", "time_days", "organ", "detail"])
    sym_events = pd.DataFrame({
        "patient": sym.patient.to_numpy(dtype=np.int64),
        "time_days": sym.time_days.to_numpy(dtype=np.float64),
        "event": EV_SYMPTOM,
        "organ": sym.organ.to_numpy(dtype=np.int16),
        "lesion_id": np.full(len(sym), -1, dtype=np.int32),
        "value": np.ones(len(sym)),
        "detail": sym.detail.to_numpy(dtype=object),
    })

    # ---- per-patient columns
    established = les[les.max_cells >= scenario.colonisation.stochastic_threshold_cells]
    apparent = les[les.max_cells >= apparent_cells]
    first_met = established.groupby("patient")["born_days"].min()
    met_det = det[det.lesion_id != PRIMARY_LESION_ID].groupby("patient")["time_days"].min()
    prim_det = det[det.lesion_id == PRIMARY_LESION_ID].groupby("patient")["time_days"].min()
    first_sym = sym.groupby("patient")["time_days"].min()

    def _site_list(df: pd.DataFrame) -> pd.Series:
        first = df.groupby(["patient", "organ"])["born_days"].min().reset_index()
        first = first.sort_values(["patient", "born_days", "organ"])
        return first.groupby("patient")["organ"].agg(lambda s: ",".join(ORGANS[i] for i in s))

    pats = pd.Index(out.patients, name="patient")
    death_t = out.summary[:, S_DEATH_T]
    cause = out.summary[:, S_DEATH_CAUSE].astype(int)
    cols = pd.DataFrame(index=pats)
    cols["first_metastasis_days"] = first_met.reindex(pats).to_numpy()
    cols["primary_detected_days"] = prim_det.reindex(pats).to_numpy()
    cols["first_detection_days"] = met_det.reindex(pats).to_numpy()
    cols["first_symptom_days"] = first_sym.reindex(pats).to_numpy(dtype=np.float64)
    cols["sites"] = _site_list(apparent).reindex(pats).fillna("").to_numpy()
    cols["sites_any"] = _site_list(established).reindex(pats).fillna("").to_numpy()
    cols["n_metastases"] = established.groupby("patient").size().reindex(pats).fillna(0).astype(int).to_numpy()
    cols["death_days"] = np.where(np.isfinite(death_t), death_t, np.nan)
    cols["death_cause"] = [
        "" if c == -1 else ("total_burden" if c == -2 else ORGANS[c]) for c in cause
    ]
    events = pd.concat([det_events, sym_events], ignore_index=True)
    return ClinicalReadout(events=events, lesions=les, patient_columns=cols.reset_index())
