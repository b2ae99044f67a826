"""Cells: growth at the doubling time, no escape from the grid except through vessels."""

from __future__ import annotations

import numpy as np
import pytest

from metastasis.spatial import SpatialModel

from .conftest import small


def _free_growth(**extra):
    # no motility, no vessels, capacity far above what growth reaches: no crowding
    return small(
        **{
            "cells.D_E": 0.0,
            "cells.D_M": 0.0,
            "cells.chi_E": 0.0,
            "cells.chi_M": 0.0,
            "cells.carrying_capacity": 255,
            "cells.initial_cells": 100,
            "cells.initial_sites": 100,
            "cells.initial_M_fraction": 0.3,
            "vessels.normal_primary": 0,
            "vessels.ruptured_primary": 0,
            **extra,
        }
    )


@pytest.mark.slow
def test_synchronous_growth_doubles_every_doubling_time():
    p = _free_growth(**{"cells.doubling_time_E": 0.05, "cells.doubling_time_M": 0.08})
    model = SpatialModel(p, seed=3)
    model.run(300)  # at most 2^6 descendants per initial cell: far below capacity
    ts = model.result().timeseries
    e0, m0 = ts["primary_E"].iloc[0], ts["primary_M"].iloc[0]
    for step in (49, 50, 51, 160, 161, 299):
        row = ts.iloc[step + 1]  # row n + 1 is the state after step n
        assert row["primary_E"] == e0 * 2 ** (step // 50)
        assert row["primary_M"] == m0 * 2 ** (step // 80)


def test_stochastic_growth_follows_doubling_time_on_average():
    p = _free_growth(
        **{
            "cells.proliferation": "stochastic",
            "cells.initial_cells": 2000,
            "cells.initial_sites": 500,
            "cells.doubling_time_E": 0.1,
            "cells.doubling_time_M": 0.2,
        }
    )
    model = SpatialModel(p, seed=4)
    model.run(200)  # two E doublings, one M doubling
    ts = model.result().timeseries
    e0, m0 = ts["primary_E"].iloc[0], ts["primary_M"].iloc[0]
    e, m = ts["primary_E"].iloc[-1], ts["primary_M"].iloc[-1]
    # a Yule process: sd of N(t)/N0 is sqrt((2^k - 1) 2^k / N0)
    assert e / e0 == pytest.approx(4.0, abs=4 * np.sqrt(12 / e0))
    assert m / m0 == pytest.approx(2.0, abs=4 * np.sqrt(2 / m0))


def test_cells_never_leave_the_grid_without_vessels():
    p = small(
        **{
            "grid.size": 9,
            "cells.initial_cells": 120,
            "cells.initial_sites": 30,
            "cells.D_E": 5e-3,
            "cells.D_M": 6e-3,
            "cells.doubling_time_E": 100.0,
            "cells.doubling_time_M": 100.0,
            "vessels.normal_primary": 0,
            "vessels.ruptured_primary": 0,
            "vessels.exclusion_sites": 0,
        }
    )
    model = SpatialModel(p, seed=5)
    total0 = sum(g.cells()[0] + g.cells()[1] for g in model.grids)
    for _ in range(300):
        model.step()
        assert sum(sum(g.cells()) for g in model.grids) == total0
        g = model.grids[0]
        assert int(g.n_E.max()) + int(g.n_M.max()) <= 2 * p.cells.carrying_capacity
        assert int((g.n_E.astype(int) + g.n_M).max()) <= p.cells.carrying_capacity


def test_cells_leave_only_through_vessels():
    p = small(
        **{
            "cells.doubling_time_E": 100.0,
            "cells.doubling_time_M": 100.0,
            "circulation.single_survival": 0.0,
            "circulation.cluster_survival": 0.0,
        }
    )
    model = SpatialModel(p, seed=6)
    run = model.run(600)
    ts = run.timeseries
    on_grids = ts["primary_E"] + ts["primary_M"]
    assert (on_grids + ts["intravasated_cells_total"] == on_grids.iloc[0]).all()
    assert run.intravasations["cells"].sum() > 0
    assert ts["secondary1_E"].sum() + ts["secondary1_M"].sum() == 0
    # single M cells or clusters enter normal vessels; ruptured vessels take any phenotype
    normal = run.intravasations[run.intravasations["vessel"] == "normal"]
    assert (normal["n_M"] >= 1).all()


def test_single_mode_admits_only_single_mesenchymal_cells_to_normal_vessels():
    p = small(
        **{
            "vessels.normal_vessel_mode": "single",
            "vessels.ruptured_primary": 0,
            "vessels.normal_primary": 25,
        }
    )
    run = SpatialModel(p, seed=7).run(500)
    iv = run.intravasations
    assert len(iv) > 0
    assert (iv["n_M"] == 1).all() and (iv["n_E"] == 0).all() and not iv["cluster"].any()


def test_phenotype_switching_moves_cells_from_E_to_M():
    p = _free_growth(
        **{
            "cells.emt_base_rate": 5.0,
            "cells.doubling_time_E": 100.0,
            "cells.doubling_time_M": 100.0,
        }
    )
    model = SpatialModel(p, seed=8)
    run = model.run(200)
    ts = run.timeseries
    e0 = ts["primary_E"].iloc[0]
    total = ts["primary_E"] + ts["primary_M"]
    assert (total == total.iloc[0]).all()
    expected = e0 * np.exp(-5.0 * 200 * 1e-3)
    assert ts["primary_E"].iloc[-1] == pytest.approx(expected, abs=4 * np.sqrt(e0 * 0.25) + 1)
