"""Built-in parameter sets for the spatial model.

``franssen2019``
    Franssen et al. (2019), Bull Math Biol 81:1965, doi:10.1007/s11538-019-00597-x: E and M
    cells with haptotaxis, MMP-2 and ECM, 8 normal and 2 ruptured vessels on a 201 × 201 primary
    grid, two secondary grids with 10 vessels each, CTC transit of 180 steps with cluster
    disaggregation, survival and extravasation probabilities. The extensions of this package
    (oxygen, VEGF and angiogenesis, TGF-β and hypoxia-driven EMT, TAMs and CAFs) are off.
``invasion``
    the same core, started from an established micro-tumour of 4800 cells (≈ 0.4 mm across, the
    size at which diffusion-limited tumours turn hypoxic), with every extension switched on:
    oxygen from vessels, hypoxic cells secreting
    VEGF that sprouts new (partly ruptured) vessels, TGF-β- and hypoxia-driven E→M switching,
    asynchronous proliferation, single-cell entry into normal vessels, and TAM and CAF agents.
"""

from __future__ import annotations

from collections.abc import Callable

from metastasis.spatial.params import SpatialParams, with_overrides


def franssen2019() -> SpatialParams:
    """The published Franssen et al. (2019) model."""
    return SpatialParams(name="franssen2019")


def invasion() -> SpatialParams:
    """Franssen core plus hypoxia, angiogenesis, EMT signalling and stromal agents."""
    return with_overrides(
        SpatialParams(name="invasion"),
        {
            "cells.initial_cells": 4800,
            "cells.initial_sites": 1200,
            "vessels.exclusion_sites": 2000,
            "cells.proliferation": "stochastic",
            "cells.hypoxic_quiescence": True,
            "cells.emt_base_rate": 0.01,
            "cells.emt_tgf_rate": 0.5,
            "cells.emt_hypoxia_rate": 0.3,
            "cells.met_rate": 0.05,
            "oxygen.enabled": True,
            "vegf.enabled": True,
            "tgf.enabled": True,
            "vessels.normal_vessel_mode": "single",
            "agents.tam_count": 60,
            "agents.caf_count": 40,
        },
    )


PRESETS: dict[str, Callable[[], SpatialParams]] = {
    "franssen2019": franssen2019,
    "invasion": invasion,
}


def load_preset(name: str) -> SpatialParams:
    """Parameters of a built-in preset; raises ``KeyError`` naming the valid choices."""
    try:
        return PRESETS[name]()
    except KeyError:
        raise KeyError(f"unknown spatial preset {name!r}; choose from {', '.join(PRESETS)}") from None
