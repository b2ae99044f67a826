"""Diffusion: exact mass conservation with no-flux borders and the spreading of a point source."""

from __future__ import annotations

import numpy as np
import pytest

from metastasis.spatial import fields as fk


@pytest.mark.parametrize("shape", [(24, 17, 1), (9, 11, 7)])
def test_explicit_diffusion_conserves_mass_with_no_flux_borders(shape):
    rng = np.random.default_rng(0)
    u = rng.random(shape)
    u[0, :, :] += 5.0  # mass against a border
    before = u.sum()
    scratch = np.zeros_like(u)
    ndim = 3 if shape[2] > 1 else 2
    r = 0.9 / (2 * ndim)
    fk.diffuse_explicit(u, scratch, r * 300, 300)
    assert u.sum() == pytest.approx(before, rel=1e-12)
    assert u.min() >= 0.0
    # long enough to flatten: the field tends to the uniform mean, mass unchanged
    fk.diffuse_explicit(u, scratch, r * 20000, 20000)
    assert np.allclose(u, before / u.size, rtol=1e-6)


@pytest.mark.parametrize("shape,axes", [((61, 61, 1), (0, 1)), ((45, 45, 45), (0, 1, 2))])
def test_point_source_variance_grows_as_2Dt_per_dimension(shape, axes):
    u = np.zeros(shape)
    centre = tuple(s // 2 for s in shape)
    u[centre] = 1.0
    scratch = np.zeros_like(u)
    ndim = len(axes)
    D, dx, dt = 1e-3, 5e-3, 1e-3  # Franssen MMP-2 values, r = 0.04
    r = D * dt / dx**2
    steps = 150
    fk.diffuse_explicit(u, scratch, r * steps, steps)
    t = steps * dt
    expected_sites2 = 2.0 * D * t / dx**2
    for a in axes:
        assert fk.point_source_variance(u, a) == pytest.approx(expected_sites2, rel=1e-7)
    # off-axis: a 2-D field does not spread in z
    if ndim == 2:
        assert u.shape[2] == 1


def test_point_source_profile_is_gaussian():
    u = np.zeros((101, 1, 1))
    u[50, 0, 0] = 1.0
    scratch = np.zeros_like(u)
    r, steps = 0.2, 200
    fk.diffuse_explicit(u, scratch, r * steps, steps)
    var = 2 * r * steps
    x = np.arange(101) - 50
    gauss = np.exp(-(x**2) / (2 * var)) / np.sqrt(2 * np.pi * var)
    assert np.max(np.abs(u[:, 0, 0] - gauss)) < 0.01 * gauss.max()


def test_substeps_respect_cfl_bound():
    for ndim in (2, 3):
        for coef in (0.01, 0.24, 1.0, 37.0):
            n = fk.explicit_substeps(coef, ndim)
            assert coef / n <= 1.0 / (2 * ndim)


def test_mmp_step_without_sources_conserves_mass():
    shape = (20, 20, 1)
    rng = np.random.default_rng(1)
    m = rng.random(shape)
    w = np.ones(shape)
    z = np.zeros(shape, np.uint8)
    empty = np.zeros((0, 0, 0), np.uint8)
    box = np.array([0, 20, 0, 20, 0, 1], np.int64)
    before = m.sum()
    for _ in range(50):
        box[:] = [0, 20, 0, 20, 0, 1]
        fk.mmp_ecm_step(m, w, z, z, empty, empty, np.zeros(shape), 0.2, 1, 1e-3,
                        0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, box)
    assert m.sum() == pytest.approx(before, rel=1e-12)
