"""Draw each patient's characteristics from a population, on the patient's own stream.

Patient i draws `N_FIXED + k` uniforms from `(seed, i, PATIENT_STREAM)` in one call, k the
number of kinetic parameters, and nothing else: sex, subtype, age at presentation, screening
participation, the other-cause death quantile, then the kinetics. A patient's draws therefore do
not depend on chunking or worker count. Kinetic uniforms become correlated normal scores
through the Cholesky factor of the population's correlation matrix (a Gaussian copula) and
then values through each distribution's quantile function.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

import numpy as np
from scipy.special import ndtr, ndtri

from metastasis.engine.rng import PATIENT_STREAM, patient_generator
from metastasis.scenario.population import KINETIC_PARAMETERS, Population

U_SEX, U_SUBTYPE, U_AGE, U_SCREENING, U_OTHER_CAUSE = range(5)
N_FIXED = 5
"""Uniforms every patient draws before its kinetic ones."""


@dataclass(frozen=True)
class PatientDraws:
    """What was drawn for a set of patients (arrays in patient order).

    `kinetics` holds every kinetic parameter per patient after the subtype's multipliers, in
    its own unit (days for the doubling time, dimensionless multipliers otherwise).
    """

    patient: np.ndarray
    female: np.ndarray
    subtype: np.ndarray  # index into subtype_names
    subtype_names: tuple[str, ...]
    age_at_diagnosis_years: np.ndarray
    screening_quantile: np.ndarray  # a patient takes part in a programme if below its uptake
    other_cause_quantile: np.ndarray
    kinetics: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.patient)

    def take(self, idx: np.ndarray) -> PatientDraws:
        """The draws of the patients at positions `idx`."""
        return replace(self, **{
            f.name: getattr(self, f.name)[idx] for f in fields(self)
            if isinstance(getattr(self, f.name), np.ndarray)
        }, kinetics={k: v[idx] for k, v in self.kinetics.items()})


def _uniforms(seed: int, patients: Sequence[int], width: int) -> np.ndarray:
    u = np.empty((len(patients), width))
    for k, p in enumerate(patients):
        u[k] = patient_generator(seed, int(p), PATIENT_STREAM).random(width)
    return u


def draw_patients(pop: Population, seed: int, patients: Sequence[int],
                  reference_doubling_time_days: float) -> PatientDraws:
    """Characteristics of the given global patient indices.

    Every kinetic parameter gets a value per patient: the drawn one, or the scenario's own
    (`reference_doubling_time_days` for the doubling time, 1 for the multipliers), times the
    patient's subtype multipliers.
    """
    names = pop.kinetic_names()
    u = _uniforms(seed, patients, N_FIXED + len(names))
    subtype_names = tuple(pop.subtypes)
    cum = np.cumsum([pop.subtypes[s].share for s in subtype_names])
    subtype = np.minimum(np.searchsorted(cum, u[:, U_SUBTYPE], side="right"),
                         len(subtype_names) - 1)
    kinetics: dict[str, np.ndarray] = {}
    if names:
        chol = np.linalg.cholesky(pop.correlation_matrix())
        scores = ndtri(np.clip(u[:, N_FIXED:], 1e-300, 1.0 - 1e-16)) @ chol.T
        for j, name in enumerate(names):
            q = ndtr(scores[:, j]) if pop.vary_kinetics else np.full(len(u), 0.5)
            kinetics[name] = pop.kinetics[name].quantiles(q)
    vdt_mult = np.array([pop.subtypes[s].doubling_time_multiplier for s in subtype_names])
    dis_mult = np.array([pop.subtypes[s].dissemination_multiplier for s in subtype_names])
    n = len(patients)
    for name in KINETIC_PARAMETERS:
        if name not in kinetics:
            base = reference_doubling_time_days if name == "volume_doubling_time_days" else 1.0
            kinetics[name] = np.full(n, base)
    kinetics["volume_doubling_time_days"] = kinetics["volume_doubling_time_days"] \
        * vdt_mult[subtype]
    kinetics["dissemination"] = kinetics["dissemination"] * dis_mult[subtype]
    return PatientDraws(
        patient=np.asarray(patients, dtype=np.int64),
        female=u[:, U_SEX] < pop.female_share,
        subtype=subtype.astype(np.int64),
        subtype_names=subtype_names,
        age_at_diagnosis_years=pop.age_at_diagnosis_years.quantiles(u[:, U_AGE]),
        screening_quantile=u[:, U_SCREENING],
        other_cause_quantile=u[:, U_OTHER_CAUSE],
        kinetics=kinetics,
    )
