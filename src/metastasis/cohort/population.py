"""Virtual patients: per-patient draws of genotype, receptor status, parameters, diagnosis.

Patient i draws from its own stream `(seed, i, POPULATION_STREAM)` in a fixed order, so its
draws never depend on chunking or worker count. Arms come from permuted blocks keyed by
(seed, block) only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from metastasis.cohort.trial_spec import Trial
from metastasis.engine.rng import patient_generator
from metastasis.scenario.schema import Scenario

POPULATION_STREAM = 2
RANDOMISATION_KEY = (0x7241, 0x6E64)
"""Spawn-key prefix of randomisation blocks (patients use two-element keys, blocks three)."""


@dataclass(frozen=True)
class PatientDraw:
    """What was drawn for one patient."""

    patient: int
    genotype: tuple[tuple[str, str], ...]
    hormone_receptor_positive: bool
    parameters: tuple[tuple[str, float], ...]
    diagnosis_value: float  # diameter (mm) or tumour age (days), by the trigger
    female: bool = True  # drawn last, from the scenario population's female_share


def draw_patient(trial: Trial, scenario: Scenario, seed: int, patient: int) -> PatientDraw:
    """Draw one patient's characteristics."""
    rng = patient_generator(seed, patient, POPULATION_STREAM)
    pop = trial.population
    alleles = dict(scenario.genotype.model_dump())
    for gene in sorted(pop.genotype):
        u = rng.random()
        acc = 0.0
        for allele, p in sorted(pop.genotype[gene].items()):
            acc += p
            if u < acc:
                alleles[gene] = allele
                break
    hr = bool(rng.random() < pop.hormone_receptor_positive)
    base = scenario.model_dump()
    params = []
    for key in sorted(pop.parameters):
        dist = pop.parameters[key]
        value = dist.sample(rng)
        if dist.relative:
            section, _, name = key.partition(".")
            value *= base[section][name]
        params.append((key, value))
    diag = pop.diagnosis
    when = diag.diameter_mm if diag.trigger == "primary_diameter" else diag.tumour_age_days
    if when is None:  # Diagnosis requires tumour_age_days for trigger "tumour_age"
        raise ValueError("diagnosis trigger 'tumour_age' needs tumour_age_days")
    value = when.sample(rng)
    female = bool(rng.random() < scenario.population.female_share)
    return PatientDraw(patient, tuple(sorted(alleles.items())), hr, tuple(params), value, female)


def patient_scenario(scenario: Scenario, draw: PatientDraw) -> Scenario:
    """The scenario with this patient's genotype and parameters.

    Sections are copied shallowly and without re-validation: the loader has checked that
    each parameter distribution stays inside the schema's bounds.
    """
    updates: dict[str, dict[str, object]] = {"genotype": dict(draw.genotype)}
    for key, value in draw.parameters:
        section, _, name = key.partition(".")
        updates.setdefault(section, {})[name] = value
    return scenario.model_copy(update={
        section: getattr(scenario, section).model_copy(update=fields)
        for section, fields in updates.items()
    })


def assign_arms(trial: Trial, seed: int, patients: np.ndarray) -> np.ndarray:
    """Arm index of each patient from permuted blocks (depends on (seed, block) only)."""
    size = trial.randomisation.block_size
    unit = np.repeat(np.arange(len(trial.arms)), [a.allocation for a in trial.arms])
    block_arms = np.tile(unit, size // len(unit))
    out = np.empty(len(patients), dtype=np.int64)
    cache: dict[int, np.ndarray] = {}
    for k, p in enumerate(patients):
        b = int(p) // size
        if b not in cache:
            ss = np.random.SeedSequence(seed, spawn_key=(*RANDOMISATION_KEY, b))
            cache[b] = np.random.Generator(np.random.PCG64(ss)).permutation(block_arms)
        out[k] = cache[b][int(p) % size]
    return out
