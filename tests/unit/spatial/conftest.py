"""Small configurations shared by the spatial tests."""

from __future__ import annotations

import pytest

from metastasis.spatial import SpatialParams, load_preset, with_overrides


def small(**overrides: object) -> SpatialParams:
    """A 31 × 31 Franssen grid with fast motility and many vessels, so events happen quickly."""
    base = {
        "grid.size": 31,
        "cells.initial_cells": 60,
        "cells.initial_sites": 20,
        "cells.D_E": 2e-3,
        "cells.D_M": 4e-3,
        "vessels.normal_primary": 15,
        "vessels.ruptured_primary": 10,
        "vessels.exclusion_sites": 30,
        "vessels.secondary": [4, 4],
        "circulation.transit_time": 0.02,
        "circulation.single_survival": 0.5,
        "circulation.cluster_survival": 0.5,
    }
    base.update(overrides)
    return with_overrides(load_preset("franssen2019"), base)


@pytest.fixture
def small_params() -> SpatialParams:
    return small()
