"""Routing graph: where shed cells are arrested."""

import numpy as np
import pytest

from metastasis.anatomy import ORGANS, arrival_matrix, organ_index
from metastasis.anatomy.routing import arrival_vector

IDX = {o: i for i, o in enumerate(ORGANS)}


def test_probabilities_are_valid():
    a = arrival_matrix()
    assert np.all(a >= 0.0)
    assert np.all(a.sum(axis=1) <= 1.0 + 1e-12)
    # every source loses some cells to unlisted beds, but most are arrested somewhere listed
    assert np.all(a.sum(axis=1) > 0.5)


def test_systemic_venous_drainage_reaches_the_lung_first():
    for src in ("bone", "brain", "kidney", "breast", "skin_soft_tissue"):
        row = arrival_vector(src)
        assert int(np.argmax(row)) == IDX["lung"], src


def test_portal_drainage_reaches_the_liver_first():
    for src in ("colon", "pancreas"):
        row = arrival_vector(src)
        assert row[IDX["liver"]] > row[IDX["lung"]]
        assert int(np.argmax(row)) == IDX["liver"], src


def test_lung_primary_reaches_the_systemic_arteries():
    lung = arrival_vector("lung")
    caval = arrival_vector("bone")
    # arterial delivery: brain and kidney get far more of a lung source's cells
    assert lung[IDX["brain"]] > 5 * caval[IDX["brain"]]
    assert lung[IDX["kidney"]] > 5 * caval[IDX["kidney"]]


def test_vertebral_plexus_sends_prostate_and_breast_cells_to_bone():
    assert arrival_vector("prostate")[IDX["bone"]] > 10 * arrival_vector("kidney")[IDX["bone"]]
    assert arrival_vector("breast")[IDX["bone"]] > 5 * arrival_vector("kidney")[IDX["bone"]]
    assert arrival_vector("prostate")[IDX["bone"]] > arrival_vector("breast")[IDX["bone"]]


def test_lymph_reaches_regional_nodes_first():
    for src in ("breast", "prostate", "colon", "skin_soft_tissue"):
        row = arrival_vector(src)
        assert row[IDX["regional_lymph_nodes"]] > row[IDX["distant_lymph_nodes"]], src


def test_unknown_organ_is_named():
    with pytest.raises(KeyError, match="unknown organ 'spleen'"):
        organ_index("spleen")
