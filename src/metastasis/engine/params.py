"""Flatten a Scenario into the numeric arrays the compiled kernel reads.

The kernel takes a vector `theta` of scalars (indices below), an organ table `organ_par`
(rows below, one column per organ), the arrival matrix of the routing graph, and a piecewise
constant schedule of rate modifiers through which therapies act.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from metastasis.anatomy.organs import ORGANS, organ_index, organ_table
from metastasis.anatomy.routing import arrival_matrix
from metastasis.biology.circulation import ctc_survival
from metastasis.biology.emt import signal_drive
from metastasis.biology.genetics import genotype_multipliers
from metastasis.biology.microenvironment import stromal_invasion_multiplier
from metastasis.scenario.schema import Scenario
from metastasis.units import DAYS_PER_YEAR

THETA_NAMES = (
    "dt_days",
    "t_end_days",
    "record_interval_days",
    "initial_cells",
    "initial_capacity_cells",
    "initial_fraction_hybrid",
    "initial_fraction_mesenchymal",
    "gompertz_rate_per_day",
    "angio_b_per_day",
    "angio_d_per_day",
    "vegf_hypoxia_gain",
    "proliferation_hybrid",
    "proliferation_mesenchymal",
    "k_eh_per_day",
    "k_hm_per_day",
    "k_he_per_day",
    "k_mh_per_day",
    "emt_hypoxia_gain",
    "emission_coefficient",
    "emission_exponent",
    "hybrid_weight",
    "emission_stroma_multiplier",
    "cluster_cell_fraction",
    "ctc_survival_single",
    "ctc_survival_cluster",
    "cluster_colonisation_gain",
    "extravasation_base",
    "dormancy_entry",
    "dormancy_clearance_per_day",
    "wake_per_day",
    "lesion_birth_per_day",
    "lesion_gompertz_rate_per_day",
    "lesion_initial_capacity_cells",
    "lesion_angio_b_per_day",
    "lesion_angio_d_per_day",
    "stochastic_threshold_cells",
    "lesion_immune_kill_per_day",
    "lesion_invasive_fraction",
    "lethal_total_cells",
    "max_lesions",
    "ctc_nk_share_single",
    "ctc_nk_share_cluster",
    "dormancy_ode_threshold",
    "lesion_ode_step_days",
    "resistance_mutation_per_division",
    "resistance_fitness_cost",
    "initial_resistant_fraction",
    "cascade_step_days",
)
(
    T_DT,
    T_END,
    T_RECORD,
    T_N0,
    T_K0,
    T_FH0,
    T_FM0,
    T_LAMBDA,
    T_ANGIO_B,
    T_ANGIO_D,
    T_VEGF_HYP,
    T_PROLIF_H,
    T_PROLIF_M,
    T_KEH,
    T_KHM,
    T_KHE,
    T_KMH,
    T_EMT_HYP,
    T_EMIT_M,
    T_EMIT_ALPHA,
    T_HYB_W,
    T_EMIT_STROMA,
    T_CLUSTER_FRAC,
    T_SURV_SINGLE,
    T_SURV_CLUSTER,
    T_CLUSTER_GAIN,
    T_EXTRAV_BASE,
    T_DORM_ENTRY,
    T_DORM_CLEAR,
    T_WAKE,
    T_L_BIRTH,
    T_L_LAMBDA,
    T_L_K0,
    T_L_ANGIO_B,
    T_L_ANGIO_D,
    T_STOCH_THR,
    T_L_IMMUNE,
    T_L_PHI,
    T_LETHAL_TOTAL,
    T_MAX_LESIONS,
    T_NK_SHARE_SINGLE,
    T_NK_SHARE_CLUSTER,
    T_DORM_ODE,
    T_L_ODE_STEP,
    T_RES_MU,
    T_RES_COST,
    T_RES_F0,
    T_CASCADE_STEP,
) = range(len(THETA_NAMES))

ORGAN_PAR_NAMES = ("extravasation_weight", "wake_multiplier", "growth_multiplier", "lethal_cells")
(O_EXTRAV_W, O_WAKE_MULT, O_GROWTH_MULT, O_LETHAL) = range(len(ORGAN_PAR_NAMES))

MODIFIER_NAMES = (
    "growth",
    "angiogenesis",
    "emt_forward",
    "emission",
    "nk_kill",
    "dormancy_clearance",
    "wake",
    "extra_death_per_day",
    "lesion_immune_per_day",
)
"""Named rates therapies act on: multipliers (default 1), then additive hazards (default 0)."""
(
    M_GROWTH,
    M_ANGIO,
    M_EMT,
    M_EMISSION,
    M_NK,
    M_CLEAR,
    M_WAKE,
    M_KILL,
    M_IMMUNE,
) = range(len(MODIFIER_NAMES))
MODIFIER_DEFAULTS = np.array([1, 1, 1, 1, 1, 1, 1, 0, 0], dtype=np.float64)

KILL_PRIMARY = -1
KILL_ALL_LESIONS = -2
KILL_EVERYTHING = -3


@dataclass
class Schedule:
    """Therapy input to the kernel: modifier segments and instantaneous kills.

    `mod_t_days[i]` is when segment i starts (first is 0); `mod_values[i]` its modifier row.
    Kills remove all but `kill_surviving_fraction` of the cells of a target (primary = −1, an
    organ's lesions = organ index, all lesions = −2, everything = −3) at `kill_t_days`.
    The resistant clone (if the scenario has one) sees `mod_values_resistant` (None: the same
    rows) for growth, kill and lesion immune hazard, and is untouched by kills flagged in
    `kill_spares_resistant`.
    """

    mod_t_days: np.ndarray = field(default_factory=lambda: np.zeros(1))
    mod_values: np.ndarray = field(default_factory=lambda: MODIFIER_DEFAULTS[None, :].copy())
    kill_t_days: np.ndarray = field(default_factory=lambda: np.zeros(0))
    kill_target: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    kill_surviving_fraction: np.ndarray = field(default_factory=lambda: np.zeros(0))
    kill_dormant: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))
    mod_values_resistant: np.ndarray | None = None
    kill_spares_resistant: np.ndarray | None = None

    def resistant_rows(self) -> np.ndarray:
        """Modifier rows of the resistant clone, one per segment."""
        if self.mod_values_resistant is None:
            return self.mod_values
        return self.mod_values_resistant

    def spares(self) -> np.ndarray:
        """Per kill: True where the resistant clone is spared."""
        if self.kill_spares_resistant is None:
            return np.zeros(len(self.kill_t_days), dtype=np.bool_)
        return self.kill_spares_resistant


@dataclass(frozen=True)
class KernelInputs:
    """Everything the kernel needs for one scenario (shared by all patients of a batch)."""

    theta: np.ndarray
    organ_par: np.ndarray
    arrival: np.ndarray
    primary_site: int
    observe_t_days: np.ndarray
    years: float
    primary_shed_per_day: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """Primary emission (cells/day) per engine step while a spatial run supplies it; empty
    when the compartment law m·N^α·φ applies throughout."""


GENOTYPE_NETWORK_CLAMPS = {
    ("TP53", "loss"): ("p53", 0),
    ("KRAS", "mutant"): ("ERK", 1),
    ("CDH1", "methylated"): ("CDH1", 0),
}
"""How an allele clamps a node of the Cohen et al. 2015 network (MYC has no node there)."""


def emt_genotype_multiplier(s: Scenario, table: dict[str, float]) -> float:
    """Multiplier of forward EMT for the scenario's genotype, by table or Boolean network."""
    if s.emt.propensity == "table":
        return table["emt"]
    from metastasis.models.boolean.propensity import genotype_propensities

    alleles = s.genotype.model_dump()
    clamps = dict(
        GENOTYPE_NETWORK_CLAMPS[(gene, state)]
        for gene, state in alleles.items()
        if (gene, state) in GENOTYPE_NETWORK_CLAMPS
    )
    phen = s.emt.boolean_phenotype
    mutant = genotype_propensities(clamps, network=s.emt.boolean_network, phenotypes=(phen,))[phen]
    wild = genotype_propensities({}, network=s.emt.boolean_network, phenotypes=(phen,))[phen]
    if wild <= 0.0:
        raise ValueError(f"emt.boolean_phenotype {phen!r} is never reached by the wild type")
    return mutant / wild


def imaging_times(scenario: Scenario, t_end_days: float) -> np.ndarray:
    """Days of scheduled scans within follow-up."""
    img = scenario.clinical.imaging
    return np.arange(img.start_day, t_end_days + 1e-9, img.interval_days, dtype=np.float64)


def build_inputs(scenario: Scenario, years: float | None = None) -> KernelInputs:
    """Flatten a scenario into kernel arrays; `years` overrides the scenario's follow-up."""
    s = scenario
    years = s.time.years if years is None else years
    g = genotype_multipliers(s.genotype.model_dump())
    me = s.microenvironment
    stroma = stromal_invasion_multiplier(
        me.tam_density, me.caf_density, me.tam_invasion_gain, me.caf_invasion_gain
    )
    drive = signal_drive(
        me.tgf_beta, me.wnt, me.notch, s.emt.tgf_beta_exponent, s.emt.wnt_exponent,
        s.emt.notch_exponent,
    )
    fwd = drive * max(stroma, 0.0) * emt_genotype_multiplier(s, g) * (1.0 - s.emt.suppression)
    c = s.circulation
    surv_single = ctc_survival(
        c.transit_hours, c.shear_death_per_hour, c.nk_kill_per_hour, c.platelet_cloaking,
        c.pdl1_positive_fraction, c.pdl1_protection, 0.0,
    )
    surv_cluster = ctc_survival(
        c.transit_hours, c.shear_death_per_hour, c.nk_kill_per_hour, c.platelet_cloaking,
        c.pdl1_positive_fraction, c.pdl1_protection, c.cluster_protection,
    )
    # share of the log-survival due to NK killing, so an NK modifier can rescale it in the kernel
    nk_share_single = _nk_share(s, 0.0)
    nk_share_cluster = _nk_share(s, c.cluster_protection)
    t_end = years * DAYS_PER_YEAR
    values = {
        "dt_days": s.time.dt_days,
        "t_end_days": t_end,
        "record_interval_days": s.time.record_interval_days,
        "initial_cells": s.primary.initial_cells,
        "initial_capacity_cells": s.primary.initial_capacity_cells,
        "initial_fraction_hybrid": s.emt.initial_fraction_hybrid,
        "initial_fraction_mesenchymal": s.emt.initial_fraction_mesenchymal,
        "gompertz_rate_per_day": s.primary.gompertz_rate_per_day * g["growth"],
        "angio_b_per_day": s.primary.angiogenic_stimulation_per_day * g["angiogenesis"],
        "angio_d_per_day": s.primary.angiogenic_inhibition_per_day,
        "vegf_hypoxia_gain": s.primary.vegf_hypoxia_gain,
        "proliferation_hybrid": s.primary.proliferation_hybrid,
        "proliferation_mesenchymal": s.primary.proliferation_mesenchymal,
        "k_eh_per_day": s.emt.e_to_hybrid_per_day * fwd,
        "k_hm_per_day": s.emt.hybrid_to_m_per_day * fwd,
        "k_he_per_day": s.emt.hybrid_to_e_per_day * g["met"],
        "k_mh_per_day": s.emt.m_to_hybrid_per_day * g["met"],
        "emt_hypoxia_gain": me.hypoxia_emt_gain,
        "emission_coefficient": s.intravasation.emission_coefficient,
        "emission_exponent": s.intravasation.emission_exponent,
        "hybrid_weight": s.intravasation.hybrid_weight,
        "emission_stroma_multiplier": max(stroma, 0.0) if s.intravasation.tme_gain_applies else 1.0,
        "cluster_cell_fraction": s.intravasation.cluster_cell_fraction,
        "ctc_survival_single": surv_single,
        "ctc_survival_cluster": surv_cluster,
        "cluster_colonisation_gain": s.extravasation.cluster_colonisation_gain,
        "extravasation_base": s.extravasation.base_probability,
        "dormancy_entry": s.dormancy.entry_probability,
        "dormancy_clearance_per_day": s.dormancy.clearance_per_day * g["dormancy_clearance"],
        "wake_per_day": s.dormancy.wake_per_day * g["wake"],
        "lesion_birth_per_day": s.colonisation.birth_per_day,
        "lesion_gompertz_rate_per_day": s.colonisation.gompertz_rate_per_day * g["growth"],
        "lesion_initial_capacity_cells": s.colonisation.initial_capacity_cells,
        "lesion_angio_b_per_day": s.colonisation.angiogenic_stimulation_per_day * g["angiogenesis"],
        "lesion_angio_d_per_day": s.colonisation.angiogenic_inhibition_per_day,
        "stochastic_threshold_cells": s.colonisation.stochastic_threshold_cells,
        "lesion_immune_kill_per_day": s.colonisation.immune_kill_per_day,
        "lesion_invasive_fraction": s.intravasation.lesion_invasive_fraction,
        "lethal_total_cells": s.burden.lethal_total_cells,
        "max_lesions": float(s.colonisation.max_lesions),
        "ctc_nk_share_single": nk_share_single,
        "ctc_nk_share_cluster": nk_share_cluster,
        "dormancy_ode_threshold": s.dormancy.ode_threshold_cells,
        "lesion_ode_step_days": s.time.lesion_ode_step_days,
        "resistance_mutation_per_division": s.resistance.mutation_per_division,
        "resistance_fitness_cost": s.resistance.fitness_cost,
        "cascade_step_days": s.time.cascade_step_days,
        "initial_resistant_fraction": s.resistance.initial_fraction,
    }
    theta = np.array([values[n] for n in THETA_NAMES], dtype=np.float64)
    n_org = len(ORGANS)
    organ_par = np.ones((len(ORGAN_PAR_NAMES), n_org))
    for name, w in s.extravasation.organ_permeability.items():
        organ_par[O_EXTRAV_W, organ_index(name)] = w
    for name, w in s.dormancy.organ_weights.items():
        organ_par[O_WAKE_MULT, organ_index(name)] = w
    for name, w in s.colonisation.organ_growth_multipliers.items():
        organ_par[O_GROWTH_MULT, organ_index(name)] = w
    limits = np.array([o.lethal_burden_cells for o in organ_table()])
    if not s.burden.use_organ_limits:
        limits[:] = math.inf
    organ_par[O_LETHAL] = np.where(np.isnan(limits), math.inf, limits)
    return KernelInputs(
        theta=theta,
        organ_par=organ_par,
        arrival=np.ascontiguousarray(arrival_matrix()),
        primary_site=organ_index(s.primary_site),
        observe_t_days=imaging_times(s, t_end),
        years=years,
        primary_shed_per_day=spatial_emission(s),
    )


def spatial_emission(s: Scenario) -> np.ndarray:
    """Per-step primary emission (cells/day) from a spatial run, when the scenario asks for one.

    Hand-over: the spatial run starts with the primary tumour (t = 0 of both). For every
    engine step within the run's simulated span, the primary sheds exactly the cells that
    intravasated in the spatial run during that step (all of them, single cells and clusters,
    divided by the step length); the compartment law m·N^α·φ takes over from the first step
    after the span. Therapy emission modifiers act on both.
    """
    iv = s.intravasation
    if iv.source == "law":
        return np.zeros(0)
    from metastasis.spatial import intravasation_series, load_preset, run_spatial

    if iv.spatial_run is not None:
        series = intravasation_series(iv.spatial_run)
        meta = json.loads((Path(iv.spatial_run) / "params.json").read_text())
        span_days = float(meta["steps"]) * float(meta["step_days"])
    else:
        run = run_spatial(load_preset(iv.spatial_preset), steps=iv.spatial_steps,
                          seed=iv.spatial_seed)
        series = intravasation_series(run)
        span_days = run.steps * run.params.grid.step_days
    dt = s.time.dt_days
    n_steps = int(math.ceil(span_days / dt - 1e-9))
    counts = np.zeros(n_steps)
    idx = np.minimum((series.t_days.to_numpy() / dt).astype(np.int64), n_steps - 1)
    np.add.at(counts, idx, series.cells.to_numpy(dtype=np.float64))
    return counts / dt


def _nk_free_survival(s: Scenario, protection: float) -> float:
    c = s.circulation
    return ctc_survival(
        c.transit_hours, c.shear_death_per_hour, 0.0, c.platelet_cloaking,
        c.pdl1_positive_fraction, c.pdl1_protection, protection,
    )


def _nk_share(s: Scenario, protection: float) -> float:
    """−ln(survival) attributable to NK killing (so the kernel can scale it by a modifier)."""
    c = s.circulation
    full = ctc_survival(
        c.transit_hours, c.shear_death_per_hour, c.nk_kill_per_hour, c.platelet_cloaking,
        c.pdl1_positive_fraction, c.pdl1_protection, protection,
    )
    return math.log(_nk_free_survival(s, protection)) - math.log(full)
