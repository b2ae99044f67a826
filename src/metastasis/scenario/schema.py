"""Pydantic schemas of a scenario: every rate of the cascade, with its unit in its name.

A scenario says *what* is simulated; the engine decides *how*. Values given here are the
generic defaults; each preset in `presets/` overrides what its cancer type needs and lists its
sources. Every default carries its source or the word `assumption` with a reason.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from metastasis.anatomy.organs import ORGANS
from metastasis.scenario.pathway import Pathway
from metastasis.scenario.population import Population
from metastasis.scenario.presentation import Presentation
from metastasis.scenario.staging import Staging

NonNeg = Annotated[float, Field(ge=0.0)]
Pos = Annotated[float, Field(gt=0.0)]
Prob = Annotated[float, Field(ge=0.0, le=1.0)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


def _organ_map_with_ones(value: dict[str, float], what: str) -> dict[str, float]:
    """Check the organ names and give every organ not listed the neutral value 1."""
    _check_organ_keys(value, what)
    return {o: float(value.get(o, 1.0)) for o in ORGANS}


def _check_organ_keys(value: dict[str, float], what: str) -> dict[str, float]:
    unknown = [k for k in value if k not in ORGANS]
    if unknown:
        raise ValueError(
            f"unknown organ {unknown[0]!r} in {what}; expected one of: {', '.join(ORGANS)}"
        )
    return value


class TimeSettings(_Section):
    """Follow-up and step sizes (days)."""

    years: Pos = Field(10.0, description="follow-up length (years)")
    dt_days: Annotated[float, Field(gt=0.0, le=30.0)] = Field(
        1.0, description="engine step (days); assumption: one day resolves CTC and lesion kinetics"
    )
    lesion_ode_step_days: Pos = Field(
        28.0,
        description="step of the ODE of lesions above the stochastic threshold (days, rounded to "
        "a multiple of dt_days); the step solves Gompertz growth exactly for the capacity and "
        "hazards at its start, and a lesion's capacity changes little in four weeks",
    )
    cascade_step_days: Pos = Field(
        7.0,
        description="interval at which disseminated cells are added to the dormant pools and "
        "their fates drawn (days, rounded to a multiple of dt_days). Arrivals pooled over it "
        "are exactly Poisson, fates use the exact competing-hazard probabilities over it, and "
        "woken cells found lesions at uniform times within it; assumption: dormant pools change "
        "little in a week",
    )
    record_interval_days: Pos = Field(
        30.0, description="interval of trajectory rows and aggregated cell-count events (days)"
    )
    follow_up_from: Literal["diagnosis", "first_cell"] = Field(
        "diagnosis",
        description="what `years` counts from: 'diagnosis' (each patient is followed for "
        "`years` after its own diagnosis, and imaged only from diagnosis on) or 'first_cell' "
        "(every patient for `years` from its first malignant cell, imaged on "
        "clinical.imaging's schedule from then: a research protocol for mechanism studies)",
    )

    @model_validator(mode="after")
    def _record_not_finer_than_step(self) -> TimeSettings:
        if self.record_interval_days < self.dt_days:
            raise ValueError(
                f"record_interval_days ({self.record_interval_days}) must be >= dt_days ({self.dt_days})"
            )
        return self


class Genotype(_Section):
    """Driver alterations of the founding clone; effects are in `data/genotype_effects.csv`."""

    TP53: Literal["wt", "loss"] = "wt"
    MYC: Literal["wt", "gain"] = "wt"
    KRAS: Literal["wt", "mutant"] = "wt"
    CDH1: Literal["unmethylated", "methylated"] = "unmethylated"

    def label(self) -> str:
        """Compact label such as `TP53loss+MYCgain`, or `wildtype`."""
        parts = []
        if self.TP53 == "loss":
            parts.append("TP53loss")
        if self.MYC == "gain":
            parts.append("MYCgain")
        if self.KRAS == "mutant":
            parts.append("KRASmut")
        if self.CDH1 == "methylated":
            parts.append("CDH1meth")
        return "+".join(parts) if parts else "wildtype"


class Microenvironment(_Section):
    """Signals and stromal densities, relative to a reference tumour (dimensionless, 1 = reference)."""

    tgf_beta: NonNeg = Field(1.0, description="TGF-β level relative to reference")
    wnt: NonNeg = Field(1.0, description="Wnt/β-catenin activity relative to reference")
    notch: NonNeg = Field(1.0, description="Notch activity relative to reference")
    tam_density: NonNeg = Field(1.0, description="tumour-associated macrophage density, relative")
    caf_density: NonNeg = Field(1.0, description="cancer-associated fibroblast density, relative")
    tam_invasion_gain: NonNeg = Field(
        0.3,
        description="fractional rise of EMT and intravasation per unit TAM density; assumption: "
        "TAMs escort intravasation (Harney et al. 2015 Cancer Discov 5:932), magnitude unmeasured",
    )
    caf_invasion_gain: NonNeg = Field(
        0.2,
        description="fractional rise of EMT per unit CAF density; assumption: CAFs lead invasion "
        "and secrete TGF-β (Gaggioli et al. 2007 Nat Cell Biol 9:1392)",
    )
    hypoxia_emt_gain: NonNeg = Field(
        1.0,
        description="fractional rise of EMT rates at full hypoxia; assumption: HIF-1α induces "
        "TWIST/SNAIL (Yang et al. 2008 Nat Cell Biol 10:295)",
    )


class PrimaryTumour(_Section):
    """Primary growth: Gompertz under a vascular carrying capacity (Hahnfeldt et al. 1999 form)."""

    initial_cells: Pos = Field(1.0, description="cells at t = 0 (1 = first malignant cell)")
    initial_capacity_cells: Pos = Field(
        1.0e6,
        description="avascular carrying capacity K0 (cells); Folkman 1971 NEJM 285:1182: "
        "avascular tumours stall near 1-2 mm (~1e6 cells)",
    )
    gompertz_rate_per_day: Pos = Field(
        0.004,
        description="Gompertz λ (1/day) in dN/dt = λ·N·ln(K/N); calibrated so that a 1 cm³ "
        "tumour doubles in about 1.7 months (Coumans et al. 2013 BMC Cancer 13:283)",
    )
    angiogenic_stimulation_per_day: NonNeg = Field(
        0.05,
        description="Hahnfeldt b (1/day) in dK/dt = b·N − d·K·N^(2/3); assumption: scaled from "
        "Hahnfeldt et al. 1999 (5.85/day in mice) to human doubling times",
    )
    angiogenic_inhibition_per_day: NonNeg = Field(
        5.0e-10,
        description="Hahnfeldt d (1/(day·cells^(2/3))); sets the plateau K* = (b/d)^(3/2) "
        "(≈1e12 cells with the defaults: lethal burden, Friberg & Mattson 1997 J Surg Oncol 65:284)",
    )
    vegf_hypoxia_gain: NonNeg = Field(
        2.0,
        description="fractional rise of angiogenic stimulation at full hypoxia; assumption: "
        "hypoxia induces VEGF through HIF-1 (Shweiki et al. 1992 Nature 359:843)",
    )
    proliferation_hybrid: NonNeg = Field(
        0.8, description="proliferation of hybrid E/M cells relative to epithelial; assumption"
    )
    proliferation_mesenchymal: NonNeg = Field(
        0.5,
        description="proliferation of mesenchymal cells relative to epithelial; assumption: EMT "
        "slows the cell cycle (Vega et al. 2004 Genes Dev 18:1131)",
    )


class EMT(_Section):
    """Phenotype switching E ↔ hybrid E/M ↔ M (rates per day at reference signals)."""

    e_to_hybrid_per_day: NonNeg = Field(0.01, description="E → E/M (1/day); assumption")
    hybrid_to_m_per_day: NonNeg = Field(0.02, description="E/M → M (1/day); assumption")
    hybrid_to_e_per_day: NonNeg = Field(0.05, description="E/M → E, MET (1/day); assumption")
    m_to_hybrid_per_day: NonNeg = Field(0.02, description="M → E/M (1/day); assumption")
    tgf_beta_exponent: NonNeg = Field(
        1.0, description="sensitivity of E→E/M→M to TGF-β (rate ∝ level^exponent); assumption"
    )
    wnt_exponent: NonNeg = Field(0.5, description="sensitivity to Wnt; assumption")
    notch_exponent: NonNeg = Field(0.5, description="sensitivity to Notch; assumption")
    suppression: Prob = Field(
        0.0,
        description="fraction by which forward EMT is blocked (0 = none, 1 = complete), e.g. an "
        "EMT-suppressed line or an EMT-blocking drug",
    )
    initial_fraction_hybrid: Prob = Field(0.0, description="E/M fraction at t = 0")
    initial_fraction_mesenchymal: Prob = Field(0.0, description="M fraction at t = 0")
    propensity: Literal["table", "boolean"] = Field(
        "table",
        description="how the genotype scales forward EMT: 'table' uses data/genotype_effects.csv; "
        "'boolean' uses the share of trajectories of a Boolean network (MaBoSS semantics) that "
        "reach `boolean_phenotype` for the genotype, relative to the wild type",
    )
    boolean_network: str = Field(
        "cohen2015", description="bundled network name or .bnd path (Cohen et al. 2015 default)"
    )
    boolean_phenotype: str = Field("Migration", description="output node read as EMT propensity")


class Intravasation(_Section):
    """Size-dependent emission m·N^α (Iwata et al. 2000; Benzekry et al. 2016), of invasive cells."""

    @model_validator(mode="after")
    def _spatial_source_given(self) -> Intravasation:
        if self.source == "spatial" and self.spatial_run is None and self.spatial_steps <= 0:
            raise ValueError(
                "source = 'spatial' needs spatial_run (a saved run folder) or spatial_steps > 0"
            )
        return self

    emission_coefficient: NonNeg = Field(
        5.0,
        description="m in cells^(1-α)/day: shed = m·N^α·(invasive fraction); with α = 0.663 and "
        "an invasive fraction near 0.2 a 1 cm³ tumour sheds ~1e6 cells/day (the figure used by "
        "Coumans et al. 2013; Butler & Gullino 1975 Cancer Res 35:512 measured 3-4e6/g/day in rats)",
    )
    emission_exponent: Annotated[float, Field(ge=0.0, le=1.5)] = Field(
        0.663, description="α (dimensionless), fractal dimension of the vascularised surface (Iwata et al. 2000)"
    )
    hybrid_weight: NonNeg = Field(
        0.5, description="intravasation of an E/M cell relative to an M cell; assumption"
    )
    cluster_cell_fraction: Prob = Field(
        0.05,
        description="share of shed cells that travel in clusters; Aceto et al. 2014 Cell 158:1110 "
        "(clusters ~3% of CTC events, 2-50 cells)",
    )
    tme_gain_applies: bool = Field(True, description="TAM density raises emission")
    source: Literal["law", "spatial"] = Field(
        "law",
        description="primary emission: 'law' (m·N^α·φ throughout) or 'spatial' (the "
        "intravasations of a tissue-scale run for its span, then the law)",
    )
    spatial_run: str | None = Field(
        None, description="folder of a saved spatial run (`metastasis spatial … --out DIR`)"
    )
    spatial_preset: str = Field("franssen2019", description="spatial preset run when no folder is given")
    spatial_steps: Annotated[int, Field(ge=0)] = Field(
        0, description="steps of the spatial run made on the fly (one step is 40 s of tissue time)"
    )
    spatial_seed: Annotated[int, Field(ge=0)] = Field(0, description="seed of that spatial run")
    lesion_invasive_fraction: Prob = Field(
        0.02,
        description="invasive fraction of metastases, for seeding from metastases; assumption "
        "(lesions re-epithelialise after MET)",
    )


class Circulation(_Section):
    """CTC survival in the blood: shear and NK killing, with protections (hazards per hour)."""

    transit_hours: Pos = Field(
        1.0,
        description="time a CTC spends in the blood before arrest (hours); CTC half-life 1-2.4 h "
        "(Meng et al. 2004 Clin Cancer Res 10:8152)",
    )
    shear_death_per_hour: NonNeg = Field(0.5, description="shear-stress death hazard (1/h); assumption")
    nk_kill_per_hour: NonNeg = Field(1.0, description="NK-cell killing hazard (1/h); assumption")
    platelet_cloaking: Prob = Field(
        0.5,
        description="fraction of NK killing prevented by platelet cloaking; Palumbo et al. 2005 "
        "Blood 105:178 (platelets shield from NK cells), magnitude assumed",
    )
    cluster_protection: Prob = Field(
        0.8, description="fraction of shear and NK hazards removed for cells in clusters; assumption"
    )
    pdl1_positive_fraction: Prob = Field(0.2, description="share of CTCs expressing PD-L1; assumption")
    pdl1_protection: Prob = Field(
        0.5, description="fraction of NK/T killing a PD-L1+ CTC escapes; assumption"
    )


class Extravasation(_Section):
    """Arrest follows the routing graph; extravasation depends on the vessel wall of the organ."""

    base_probability: Prob = Field(
        0.05,
        description="probability an arrested cell extravasates and survives its first days; "
        "assumption (Luzzi et al. 1998 Am J Pathol 153:865: most arrested cells extravasate but "
        "few persist)",
    )
    cluster_colonisation_gain: NonNeg = Field(
        20.0,
        description="metastatic potential of a clustered cell relative to a single cell; Aceto et "
        "al. 2014: clusters are 23-50 times more metastatic per event",
    )
    organ_permeability: dict[str, NonNeg] = Field(
        default_factory=lambda: {"brain": 0.3},
        validate_default=True,
        description="per-organ multiplier of base_probability (organs not listed get 1); "
        "assumption: the blood-brain barrier makes the brain harder to enter",
    )

    @field_validator("organ_permeability")
    @classmethod
    def _organs(cls, v: dict[str, float]) -> dict[str, float]:
        return _organ_map_with_ones(v, "organ_permeability")


class Dormancy(_Section):
    """Disseminated cells: counts per organ with binomial fates each step; the soil decides waking."""

    entry_probability: Prob = Field(
        0.5,
        description="share of extravasated cells that survive to become dormant DTCs; assumption "
        "(Luzzi et al. 1998: most extravasated cells persist as solitary cells)",
    )
    clearance_per_day: NonNeg = Field(
        0.01,
        description="immune clearance and death of dormant cells (1/day); assumption: half-life "
        "of about 70 days",
    )
    wake_per_day: NonNeg = Field(
        1.0e-8,
        description="reactivation hazard of a dormant cell (1/day); calibrated so that about one "
        "shed cell in 6e7 founds a metastasis (Coumans et al. 2013), see presets",
    )
    ode_threshold_cells: Annotated[float, Field(ge=1.0)] = Field(
        100.0,
        description="above this many dormant cells in an organ, arrivals and clearance follow "
        "their mean (ODE) while waking stays an exact Poisson draw; assumption: binomial noise "
        "of clearance is below 10% of the pool there, and waking stays exact",
    )
    organ_weights: dict[str, NonNeg] = Field(
        default_factory=dict,
        validate_default=True,
        description="seed-and-soil weight per organ: multiplies wake_per_day there, i.e. how "
        "readily the soil lets a disseminated cell grow out (Paget 1889; organs not listed get "
        "1); calibrated per cancer type against MSK-MET by "
        "benchmarks/calibrate_organotropism.py",
    )

    @field_validator("organ_weights")
    @classmethod
    def _organs(cls, v: dict[str, float]) -> dict[str, float]:
        return _organ_map_with_ones(v, "organ_weights")


class Colonisation(_Section):
    """Lesions: stochastic birth–death while small, then Gompertz with their own angiogenic switch."""

    birth_per_day: Pos = Field(
        0.3,
        description="division rate of colony cells (1/day); cell-cycle time ~2-3 days in human "
        "tumours (Steel 1977, Growth Kinetics of Tumours)",
    )
    gompertz_rate_per_day: Pos = Field(
        0.004, description="lesion Gompertz λ (1/day); assumption: as the primary"
    )
    initial_capacity_cells: Pos = Field(
        1.0e6, description="avascular capacity of a new lesion (cells); Folkman 1971"
    )
    angiogenic_stimulation_per_day: NonNeg = Field(
        0.05, description="lesion Hahnfeldt b (1/day); assumption: as the primary"
    )
    angiogenic_inhibition_per_day: NonNeg = Field(
        5.0e-10, description="lesion Hahnfeldt d (1/(day·cells^(2/3))); assumption: as the primary"
    )
    growth_clock: Pos = Field(
        1.0,
        description="time scale of metastatic growth (dimensionless): multiplies the lesion "
        "Gompertz λ and the Hahnfeldt b and d together, so that a lesion's untreated course runs "
        "this many times faster than with the rates above (the division rate of small colonies "
        "is not changed); 1: as the rates given",
    )
    avascular_mean_days: NonNeg = Field(
        0.0,
        description="mean time a new colony stays avascular (days, exponential per colony): "
        "until its angiogenic switch its capacity stays at initial_capacity_cells, so it is held "
        "near that size by balanced proliferation and death (Holmgren et al. 1995 Nat Med 1:149; "
        "Naumov et al. 2006 JNCI 98:316); 0: every colony is angiogenic from birth",
    )
    avascular_escape_probability: Prob = Field(
        1.0,
        description="share of avascular colonies whose avascular phase ends in the angiogenic "
        "switch; the others are eliminated then (occult tumours held by immunity end in escape "
        "or in elimination: Koebel et al. 2007 Nature 450:903); 1: every one switches",
    )
    stochastic_threshold_cells: Annotated[float, Field(ge=1.0)] = Field(
        5.0,
        description="below this size a lesion follows its birth–death process event by event; "
        "on reaching it, the colony's eventual extinction is drawn exactly, with probability "
        "(d/b)^n of a linear birth–death process, and a surviving colony follows its ODE",
    )
    immune_kill_per_day: NonNeg = Field(
        0.0, description="extra death of small-lesion cells by T/NK cells (1/day)"
    )
    organ_growth_multipliers: dict[str, NonNeg] = Field(
        default_factory=dict, description="per-organ multiplier of lesion growth (missing: 1)"
    )
    max_lesions: Annotated[int, Field(ge=1, le=100_000)] = Field(
        2000, description="lesion slots per patient; when full, further colonies are not tracked"
    )

    @field_validator("organ_growth_multipliers")
    @classmethod
    def _organs(cls, v: dict[str, float]) -> dict[str, float]:
        return _check_organ_keys(v, "organ_growth_multipliers")


class Burden(_Section):
    """When tumour burden kills (cells)."""

    lethal_total_cells: Pos = Field(
        1.0e12,
        description="total-body lethal burden (cells); about 1 kg of tumour (Friberg & Mattson "
        "1997 J Surg Oncol 65:284)",
    )
    use_organ_limits: bool = Field(
        True, description="also die when a vital organ's burden passes its limit in organs.csv"
    )


class Resistance(_Section):
    """One drug-resistant clone (Goldie & Coldman 1979); all zero = no resistance."""

    mutation_per_division: Prob = Field(
        0.0,
        description="probability that a division of a sensitive cell yields a resistant cell; "
        "0 = no resistance. Goldie & Coldman 1979 Cancer Treat Rep 63:1727 used 1e-7 to 1e-5 "
        "per division for drug resistance",
    )
    fitness_cost: Prob = Field(
        0.0,
        description="fraction of the Gompertz rate the resistant clone loses; assumption: "
        "resistance often costs growth without drug (Gatenby et al. 2009 Cancer Res 69:4894), "
        "size not measured; 0 = no cost",
    )
    initial_fraction: Prob = Field(
        0.0, description="resistant share of the primary at t = 0 (dimensionless)"
    )


Modality = Literal["CT", "MRI", "FDG-PET/CT", "bone scan"]


class Imaging(_Section):
    """Scheduled imaging; detection depends on modality, organ and lesion diameter."""

    modality: Modality = "CT"
    brain_modality: Modality | None = Field(
        "MRI", description="modality for the brain, if different (FDG uptake masks the brain)"
    )
    start_day: NonNeg = Field(
        0.0, description="first scan (days from diagnosis, 0 = the staging scan; from the "
        "first malignant cell when time.follow_up_from = 'first_cell')"
    )
    interval_days: Pos = Field(180.0, description="days between scans")


class Clinical(_Section):
    """Clinical read-out settings."""

    imaging: Imaging = Field(default_factory=Imaging)
    apparent_diameter_mm: Pos = Field(
        5.0,
        description="a metastatic site counts as clinically involved once a lesion there reaches "
        "this diameter (mm); assumption: about the smallest lesion cross-sectional imaging "
        "reports, and MSK-MET flags record clinically documented sites",
    )
    symptoms: bool = Field(True, description="draw site symptoms from organ burden")


class Scenario(_Section):
    """A complete, validated scenario."""

    name: str = "custom"
    description: str = ""
    cancer_type: str = "generic"
    primary_site: str = "breast"
    history: Literal["natural", "standard_of_care"] = Field(
        "natural",
        description="'natural': nobody is treated (natural history from the first malignant "
        "cell, for teaching and natural-history studies); 'standard_of_care': every diagnosed "
        "patient receives the [pathway] steps it is eligible for"
    )
    sources: list[str] = Field(default_factory=list, description="references for this scenario")
    time: TimeSettings = Field(default_factory=TimeSettings)
    genotype: Genotype = Field(default_factory=Genotype)
    microenvironment: Microenvironment = Field(default_factory=Microenvironment)
    primary: PrimaryTumour = Field(default_factory=PrimaryTumour)
    emt: EMT = Field(default_factory=EMT)
    intravasation: Intravasation = Field(default_factory=Intravasation)
    circulation: Circulation = Field(default_factory=Circulation)
    extravasation: Extravasation = Field(default_factory=Extravasation)
    dormancy: Dormancy = Field(default_factory=Dormancy)
    colonisation: Colonisation = Field(default_factory=Colonisation)
    burden: Burden = Field(default_factory=Burden)
    resistance: Resistance = Field(default_factory=Resistance)
    clinical: Clinical = Field(default_factory=Clinical)
    population: Population = Field(default_factory=Population)
    presentation: Presentation = Field(default_factory=Presentation)
    staging: Staging = Field(default_factory=Staging)
    pathway: Pathway = Field(default_factory=Pathway)

    @field_validator("primary_site")
    @classmethod
    def _site(cls, v: str) -> str:
        if v not in ORGANS:
            raise ValueError(f"unknown organ {v!r}; expected one of: {', '.join(ORGANS)}")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        f = self.emt.initial_fraction_hybrid + self.emt.initial_fraction_mesenchymal
        if f > 1.0:
            raise ValueError(
                f"emt.initial_fraction_hybrid + emt.initial_fraction_mesenchymal = {f} exceeds 1"
            )
        follow_up_days = self.time.years * 365.25
        if self.clinical.imaging.start_day > follow_up_days:
            raise ValueError(
                f"clinical.imaging.start_day ({self.clinical.imaging.start_day}) is after the end "
                f"of follow-up ({follow_up_days:.0f} days)"
            )
        pop = self.population
        if self.primary_site == "prostate" and pop.female_share > 0.0:
            raise ValueError(f"population.female_share = {pop.female_share}: a prostate "
                             "primary needs 0 (women have no prostate)")
        if self.primary_site == "breast" and pop.female_share < 1.0 \
                and not pop.male_breast_lesions:
            raise ValueError(f"population.female_share = {pop.female_share} with a breast "
                             "primary needs population.male_breast_lesions = true (a male "
                             "breast-cancer scenario), or female_share = 1")
        if self.history == "standard_of_care" and not self.pathway.steps:
            raise ValueError("history = 'standard_of_care' needs [[pathway.steps]]; expected "
                             "at least one step, or history = 'natural'")
        if self.primary.initial_cells > self.burden.lethal_total_cells:
            raise ValueError("primary.initial_cells exceeds burden.lethal_total_cells")
        return self
