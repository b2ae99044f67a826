"""A readable account of one simulated patient."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from metastasis.units import DAYS_PER_YEAR

if TYPE_CHECKING:
    from metastasis.result import SimulationResult


def _when(days: float) -> str:
    if days is None or not np.isfinite(days):
        return "never"
    return f"day {days:,.0f} ({days / DAYS_PER_YEAR:.1f} y)"


def _who(row: Any) -> list[str]:
    """The patient's characteristics and diagnosis (tables without them give no lines)."""
    if "sex" not in row.index:
        return []
    out = [f"  {row.sex}, subtype {row.subtype}, first malignant cell at age "
           f"{row.age_at_first_cell_years:.1f}; volume doubling time "
           f"{row.volume_doubling_time_days:.0f} days"]
    if np.isfinite(row.diagnosis_days):
        how = _presentation(row)
        out.append(f"  diagnosed:                {_when(row.diagnosis_days)} at age "
                   f"{row.age_at_diagnosis_years:.1f}{how}, primary "
                   f"{row.diagnosis_diameter_mm:.0f} mm")
        if "summary_stage" in row.index:
            out.append(f"  stage at diagnosis:       {row.t_stage} {row.n_stage} {row.m_stage} "
                       f"({row.summary_stage}; {row.positive_nodes} positive node(s))")
        if "treatment" in row.index:
            out.append(f"  treatment:                {row.treatment}")
        if "recurrence_type" in row.index and row.m_stage == "M0":
            out.append("  recurrence:               " + (
                f"{row.recurrence_type}, {_when(row.recurrence_days)}" if row.recurrence_type
                else "none found on surveillance"))
    else:
        out.append("  diagnosed:                never (the cancer did not come to attention "
                   "before death or the end of the simulation)")
    return out


PRESENTATION_WORDS = {
    "symptom": "presenting with {}",
    "metastasis_symptom": "presenting with a metastasis ({})",
    "screening": "found at screening ({})",
    "incidental": "found incidentally ({} done for another reason)",
}


def _presentation(row: Any) -> str:
    words = PRESENTATION_WORDS.get(str(row.get("presentation", "")))
    return f", {words.format(row.presentation_detail)}" if words else ""


def patient_summary(result: SimulationResult, patient: int | None = None) -> str:
    """Sites and when they appeared, first detectability, symptoms, outcome."""
    pats = result.patients
    pid = int(pats.patient.iloc[0]) if patient is None else patient
    row = pats[pats.patient == pid].iloc[0]
    les = result.lesions[result.lesions.patient == pid]
    ev = result.events[result.events.patient == pid]
    lines = [
        f"Patient {pid} — {result.metadata.get('scenario', '')} "
        f"({row.genotype}, arm: {row.arm})",
        *_who(row),
        f"  first metastasis founded: {_when(row.first_metastasis_days)}",
        f"  primary first detected:   {_when(row.primary_detected_days)}",
        f"  first metastasis detected: {_when(row.first_detection_days)}",
    ]
    settings = result.metadata.get("scenario_json", {}).get("colonisation", {})
    established = float(settings.get("stochastic_threshold_cells", 1.0))
    if len(les):
        lines.append("  sites: established lesions (first founded · first detectable on a scan · "
                     "first detected):")
        for organ, g in les.groupby("organ", observed=True):
            big = g[g.max_cells >= established]
            if not len(big):
                continue
            lines.append(
                f"    {str(organ):22s} {len(big):4d} lesion(s) · founded {_when(big.born_days.min())}"
                f" · detectable {_when(big.first_detectable_days.min())}"
                f" · detected {_when(big.detected_days.min())}"
            )
    sym = ev[ev.event == "symptom"]
    if len(sym):
        lines.append("  symptoms:")
        for r in sym.itertuples():
            lines.append(f"    {_when(r.time_days):24s} {r.organ}: {r.detail.replace('_', ' ')}")
    else:
        lines.append("  symptoms: none")
    if row.censored:
        lines.append(f"  outcome: alive at end of follow-up ({_when(row.follow_up_days)})")
    elif row.death_cause == "other":
        lines.append(f"  outcome: died of other causes {_when(row.death_days)}")
    else:
        lines.append(f"  outcome: died {_when(row.death_days)}, cause: {row.death_cause.replace('_', ' ')}")
    return "\n".join(lines)
