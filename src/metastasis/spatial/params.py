"""Validated parameters of the spatial model, each with its unit and source.

All model quantities are in the non-dimensional units of Franssen et al. (2019): lengths in
units of ``L`` (``grid.length_scale_cm``, 0.2 cm) and times in units of ``τ``
(``grid.time_scale_s``, 4·10⁴ s). A parameter's unit is written with ``L`` and ``τ``; the
field's ``json_schema_extra`` carries ``unit`` and ``source`` so that tables of parameters can be
generated from the schema.

Sources are abbreviated as follows:

``Franssen2019``
    Franssen, Lorenzi, Burgess & Chaplain (2019), *A mathematical framework for modelling the
    metastatic spread of cancer*, Bull Math Biol 81:1965–2010, doi:10.1007/s11538-019-00597-x,
    Table 1 (non-dimensional values), as also tabulated with their dimensional equivalents in
    the MetaSpread documentation (Hernández-Inostroza & Gjini 2024, "Simulation parameters").
``MetaSpread``
    the default configuration shipped with MetaSpread 2024.0.6 (PyPI ``metaspread``), used
    where the paper gives an algorithmic choice rather than a number.
``assumption``
    a value chosen here, with the reason given beside it.
"""

from __future__ import annotations

import json
import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

FRANSSEN = "Franssen2019, Table 1"
METASPREAD = "MetaSpread 2024.0.6 default configuration"


def param(default: Any, unit: str, source: str, **constraints: Any) -> Any:
    """A pydantic field that records its unit and source."""
    return Field(
        default,
        description=f"[{unit}] {source}",
        json_schema_extra={"unit": unit, "source": source},
        **constraints,
    )


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


class GridParams(_Block):
    """Lattice geometry and the step sizes of the scheme."""

    dim: Literal[2, 3] = param(2, "1", "Franssen2019 (2D); 3D is an extension of this model")
    size: int = param(201, "sites per side", f"{FRANSSEN}: 201 × 201 grid", ge=5, le=2048)
    secondary_size: int | None = param(
        None, "sites per side", "Franssen2019 (same as primary when None)", ge=5, le=2048
    )
    dx: float = param(5e-3, "L", f"{FRANSSEN}: Δx = 5·10⁻³ (= 10 µm)", gt=0)
    dt: float = param(1e-3, "τ", f"{FRANSSEN}: Δt = 10⁻³ (= 40 s)", gt=0)
    length_scale_cm: float = param(0.2, "cm", "Franssen2019: domain [0,1]² ↔ [0, 0.2 cm]²", gt=0)
    time_scale_s: float = param(
        4.0e4, "s", "Franssen2019: Δt = 10⁻³ τ corresponds to 40 s (MetaSpread docs)", gt=0
    )

    @property
    def step_days(self) -> float:
        """Length of one step in days."""
        return self.dt * self.time_scale_s / 86400.0

    @property
    def dx_mm(self) -> float:
        """Lattice spacing in mm."""
        return self.dx * self.length_scale_cm * 10.0


class CellParams(_Block):
    """Cancer cells: seeding, crowding, proliferation, motility and phenotype switching."""

    initial_cells: int = param(388, "cells", f"{FRANSSEN}: 388 initial cells", ge=0)
    initial_sites: int = param(
        97, "sites", f"{FRANSSEN}: cells seeded on the 97 centre-most sites", ge=1
    )
    initial_M_fraction: float = param(
        0.6, "1", f"{METASPREAD} (mesenchymal_proportion = 0.6)", ge=0, le=1
    )
    carrying_capacity: int = param(4, "cells per site", f"{FRANSSEN}: Q = 4", ge=1, le=255)
    D_E: float = param(5e-5, "L²/τ", f"{FRANSSEN}: D_E = 5·10⁻⁵ (5·10⁻¹¹ cm²/s)", ge=0)
    D_M: float = param(1e-4, "L²/τ", f"{FRANSSEN}: D_M = 10⁻⁴ (10⁻¹⁰ cm²/s)", ge=0)
    chi_E: float = param(5e-4, "L²/τ per unit ECM", f"{FRANSSEN}: Φ_E = 5·10⁻⁴", ge=0)
    chi_M: float = param(5e-4, "L²/τ per unit ECM", f"{FRANSSEN}: Φ_M = 5·10⁻⁴", ge=0)
    doubling_time_E: float = param(
        2.0,
        "τ",
        f"{FRANSSEN}: T_E = 2000 Δt = 8·10⁴ s (epithelial cells divide faster; MetaSpread's "
        "default CSV swaps T_E and T_M)",
        gt=0,
    )
    doubling_time_M: float = param(
        3.0, "τ", f"{FRANSSEN}: T_M = 3000 Δt = 1.2·10⁵ s", gt=0
    )
    proliferation: Literal["synchronous", "stochastic"] = param(
        "synchronous",
        "1",
        "Franssen2019: every cell divides in place each doubling time, capacity permitting; "
        "'stochastic' divides each cell with probability 2^(Δt/T) − 1 per step (assumption: "
        "asynchronous cycles in a grown tumour)",
    )
    hypoxic_quiescence: bool = param(
        False,
        "1",
        "assumption: hypoxic cells (oxygen below oxygen.hypoxia_threshold) do not divide, "
        "as in hypoxia-induced G1 arrest",
    )
    emt_base_rate: float = param(0.0, "1/τ", "assumption: no spontaneous EMT in Franssen2019", ge=0)
    emt_tgf_rate: float = param(
        0.0, "1/τ", "assumption: maximal TGF-β-driven EMT rate (off in Franssen2019)", ge=0
    )
    tgf_half_saturation: float = param(
        0.5, "TGF-β units", "assumption: half-maximal EMT response at half the reference level", gt=0
    )
    emt_hypoxia_rate: float = param(
        0.0, "1/τ", "assumption: extra EMT rate of hypoxic E cells (HIF-1α; off in Franssen2019)", ge=0
    )
    met_rate: float = param(
        0.0, "1/τ", "assumption: M→E reversion rate in normoxic, TGF-β-free tissue", ge=0
    )


class MMPParams(_Block):
    """MMP-2: produced by M cells (and TAMs), diffuses, decays."""

    D: float = param(1e-3, "L²/τ", f"{FRANSSEN}: D_m = 10⁻³ (10⁻⁹ cm²/s)", ge=0)
    production_M: float = param(0.195, "MMP units per cell per τ", f"{FRANSSEN}: Θ = 0.195", ge=0)
    production_E: float = param(
        0.0, "MMP units per cell per τ", "Franssen2019: E cells do not secrete MMP-2", ge=0
    )
    decay: float = param(0.1, "1/τ", f"{FRANSSEN}: Λ = 0.1", ge=0)


class ECMParams(_Block):
    """Extracellular matrix density (1 = intact)."""

    initial: float = param(1.0, "ECM units", "Franssen2019: w(x, 0) = 1", ge=0)
    degradation_by_M: float = param(
        1.0, "1/(cell·τ)", f"{FRANSSEN}: Γ₁ = 1 (membrane-bound MT1-MMP of M cells)", ge=0
    )
    degradation_by_MMP: float = param(1.0, "1/(MMP unit·τ)", f"{FRANSSEN}: Γ₂ = 1", ge=0)


class OxygenParams(_Block):
    """Oxygen, normalised to its level in a vessel (extension; off in Franssen2019)."""

    enabled: bool = param(False, "1", "extension of this model; Franssen2019 has no oxygen")
    D: float = param(
        20.0, "L²/τ", "2·10⁻⁵ cm²/s (oxygen in tissue; Grote et al. 1977) in Franssen units", ge=0
    )
    consumption: float = param(
        2000.0,
        "1/(cell·τ)",
        "assumption: gives an oxygen penetration depth of ≈100 µm into tissue at capacity "
        "(Thomlinson & Gray 1955 observed ≈150 µm)",
        ge=0,
    )
    background_supply: float = param(
        100.0,
        "1/τ",
        "assumption: relaxation towards the vessel level from capillaries below lattice "
        "resolution, so that only dense tumour tissue turns hypoxic",
        ge=0,
    )
    hypoxia_threshold: float = param(
        0.2, "1 (fraction of vessel level)", "assumption: ≈ 1% O₂ of ≈ 5% in tissue vessels", ge=0
    )
    gs_sweeps: int = param(
        4, "1", "assumption: red–black Gauss–Seidel sweeps per step, warm-started", ge=1
    )


class VEGFParams(_Block):
    """VEGF secreted by hypoxic cells and sprouting of new vessels (extension)."""

    enabled: bool = param(False, "1", "extension of this model; Franssen2019 has fixed vessels")
    D: float = param(0.1, "L²/τ", "10⁻⁷ cm²/s (VEGF-A, Mac Gabhann & Popel 2006)", ge=0)
    secretion: float = param(
        10.0, "VEGF units per hypoxic cell per τ", "assumption: scaled so that a hypoxic core "
        "reaches the sprouting threshold within a day", ge=0
    )
    decay: float = param(
        7.7, "1/τ", "half-life ≈ 1 h (Mac Gabhann & Popel 2006): ln2/3600 s⁻¹ × τ", ge=0
    )
    sprout_threshold: float = param(
        0.1, "VEGF units", "assumption: below this level no sprout forms", ge=0
    )
    sprout_rate: float = param(
        0.5, "1/τ", "assumption: rate at which a VEGF-exposed site next to a vessel becomes one",
        ge=0,
    )
    sprout_ruptured_fraction: float = param(
        0.2, "1", "assumption: tumour neovessels are leaky; a fifth become ruptured entry points",
        ge=0, le=1,
    )
    gs_sweeps: int = param(3, "1", "assumption: Gauss–Seidel sweeps per step", ge=1)


class TGFParams(_Block):
    """TGF-β secreted by tumour cells, TAMs and CAFs (extension)."""

    enabled: bool = param(False, "1", "extension of this model; Franssen2019 has no TGF-β")
    D: float = param(0.2, "L²/τ", "assumption: ≈ 2·10⁻⁷ cm²/s for a 25 kDa growth factor", ge=0)
    secretion_tumour: float = param(
        0.5, "TGF-β units per cell per τ", "assumption: autocrine TGF-β of carcinoma cells", ge=0
    )
    secretion_agents: float = param(
        20.0, "TGF-β units per agent per τ", "assumption: TAMs and CAFs are the main source", ge=0
    )
    decay: float = param(5.0, "1/τ", "assumption: ≈ 1.5 h half-life of active TGF-β", ge=0)
    gs_sweeps: int = param(3, "1", "assumption: Gauss–Seidel sweeps per step", ge=1)


class VesselParams(_Block):
    """Entry points to the vasculature on the primary and secondary grids."""

    normal_primary: int = param(
        8, "vessels", f"{METASPREAD}: 8 normal vessels (the parameter table of the MetaSpread "
        "documentation swaps the normal and ruptured counts)", ge=0
    )
    ruptured_primary: int = param(2, "vessels", f"{METASPREAD}: 2 ruptured vessels", ge=0)
    exclusion_sites: int = param(
        200, "sites", f"{METASPREAD}: no vessel on the 200 centre-most sites", ge=0
    )
    border_margin: int = param(2, "sites", f"{METASPREAD}: no vessel within 2 sites of a border", ge=0)
    secondary: list[int] = param(
        [10, 10], "vessels per secondary grid", f"{METASPREAD}: U_2 = U_3 = 10"
    )
    normal_vessel_mode: Literal["cluster", "single"] = param(
        "cluster",
        "1",
        "Franssen2019 as implemented in MetaSpread: an M cell entering a normal vessel takes "
        "the cells on the vessel site and its neighbours with it ('cluster'); 'single' lets only "
        "that M cell in",
    )


class CirculationParams(_Block):
    """Circulating tumour cells: transit, disaggregation, survival and extravasation."""

    transit_time: float = param(0.18, "τ", f"{FRANSSEN}: T_V = 180 Δt = 7.2·10³ s", gt=0)
    disaggregation_prob: float = param(
        0.5, "1", f"{FRANSSEN}: P_d = 0.5 per cell of a cluster", ge=0, le=1
    )
    single_survival: float = param(5e-4, "1", f"{FRANSSEN}: P_s = 5·10⁻⁴", ge=0, le=1)
    cluster_survival: float = param(0.025, "1", f"{FRANSSEN}: P_C = 2.5·10⁻²", ge=0, le=1)
    extravasation_probs: list[float] = param(
        [0.75, 0.25], "1 per secondary grid", f"{FRANSSEN}: E₂ = 0.75, E₃ = 0.25"
    )


class AgentParams(_Block):
    """Tumour-associated macrophages (TAM) and cancer-associated fibroblasts (CAF)."""

    tam_count: int = param(0, "agents", "extension; 0 = off (Franssen2019 has none)", ge=0)
    caf_count: int = param(0, "agents", "extension; 0 = off (Franssen2019 has none)", ge=0)
    move_prob: float = param(
        0.05, "1 per step", "assumption: stromal cells move about as often as M cells", ge=0, le=1
    )
    tam_mmp_production: float = param(
        0.4, "MMP units per TAM per τ", "assumption: TAMs secrete MMPs at twice an M cell's rate",
        ge=0,
    )
    tam_motility_boost: float = param(
        1.5, "1", "assumption: cancer cells sharing a site with a TAM move this much more (EGF/CSF-1 "
        "paracrine loop, Wyckoff et al. 2004)", ge=1,
    )
    caf_ecm_deposition: float = param(
        1.0, "ECM units per CAF per τ", "assumption: CAFs lay down and stiffen matrix", ge=0
    )
    caf_ecm_max: float = param(1.5, "ECM units", "assumption: densest remodelled matrix", gt=0)


class SpatialParams(_Block):
    """Every parameter of a spatial run."""

    name: str = param("custom", "-", "preset name")
    grid: GridParams = Field(default_factory=GridParams)
    cells: CellParams = Field(default_factory=CellParams)
    mmp: MMPParams = Field(default_factory=MMPParams)
    ecm: ECMParams = Field(default_factory=ECMParams)
    oxygen: OxygenParams = Field(default_factory=OxygenParams)
    vegf: VEGFParams = Field(default_factory=VEGFParams)
    tgf: TGFParams = Field(default_factory=TGFParams)
    vessels: VesselParams = Field(default_factory=VesselParams)
    circulation: CirculationParams = Field(default_factory=CirculationParams)
    agents: AgentParams = Field(default_factory=AgentParams)

    @model_validator(mode="after")
    def _consistent(self) -> SpatialParams:
        n_sec = len(self.vessels.secondary)
        if len(self.circulation.extravasation_probs) != n_sec:
            raise ValueError(
                "circulation.extravasation_probs needs one entry per secondary grid "
                f"({n_sec}, from vessels.secondary), got {len(self.circulation.extravasation_probs)}"
            )
        if n_sec and not math.isclose(sum(self.circulation.extravasation_probs), 1.0, abs_tol=1e-9):
            raise ValueError("circulation.extravasation_probs must sum to 1")
        n_sites = self.grid.size**self.grid.dim
        if self.cells.initial_sites > n_sites:
            raise ValueError(f"cells.initial_sites ({self.cells.initial_sites}) exceeds the grid")
        if self.cells.initial_cells > self.cells.initial_sites * self.cells.carrying_capacity:
            raise ValueError(
                "cells.initial_cells exceeds cells.initial_sites × cells.carrying_capacity"
            )
        return self

    # derived quantities -------------------------------------------------------------------
    def steps_for(self, duration_tau: float) -> int:
        """Whole number of steps closest to a duration given in τ."""
        return max(1, int(round(duration_tau / self.grid.dt)))

    @property
    def steps_per_day(self) -> float:
        return 1.0 / self.grid.step_days


class OverrideError(ValueError):
    """A `name=value` override names no parameter or gives an invalid value."""


def _parse_value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        low = text.strip().lower()
        if low in {"true", "false"}:
            return low == "true"
        return text


def parameter_names(params: SpatialParams) -> list[str]:
    """Every dotted parameter name accepted by :func:`with_overrides`."""
    names: list[str] = []
    for block_name, block in params:
        if isinstance(block, BaseModel):
            names += [f"{block_name}.{f}" for f in type(block).model_fields]
        else:
            names.append(block_name)
    return names


def with_overrides(params: SpatialParams, overrides: list[str] | dict[str, Any]) -> SpatialParams:
    """A copy of ``params`` with ``block.field=value`` overrides applied and validated.

    A bare field name is accepted when it is unique across blocks. Raises
    :class:`OverrideError` naming the field and the valid choices.
    """
    items = (
        list(overrides.items())
        if isinstance(overrides, dict)
        else [_split(o) for o in overrides]
    )
    data = params.model_dump()
    valid = parameter_names(params)
    for name, value in items:
        path = _resolve(name, valid)
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = _parse_value(value) if isinstance(value, str) else value
    try:
        return SpatialParams.model_validate(data)
    except ValidationError as exc:
        errs = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']} (got {e.get('input')!r})"
            for e in exc.errors()
        )
        raise OverrideError(f"invalid parameter value: {errs}") from None


def _split(item: str) -> tuple[str, str]:
    if "=" not in item:
        raise OverrideError(f"override {item!r} is not of the form name=value")
    name, value = item.split("=", 1)
    return name.strip(), value.strip()


def _resolve(name: str, valid: list[str]) -> list[str]:
    if name in valid:
        return name.split(".")
    matches = [v for v in valid if v.split(".")[-1] == name]
    if len(matches) == 1:
        return matches[0].split(".")
    if len(matches) > 1:
        raise OverrideError(f"parameter {name!r} is ambiguous; use one of: {', '.join(matches)}")
    block = name.split(".")[0] + "."
    in_block = [v for v in valid if v.startswith(block)]
    raise OverrideError(
        f"unknown parameter {name!r}; valid choices: {', '.join(in_block or valid)}"
    )
