"""Per-genotype Migration/Metastasis propensities from the Cohen 2015 network."""

from __future__ import annotations

import pytest

from metastasis.models.boolean import (
    NetworkFileError,
    genotype_propensities,
    load_network,
    parse_genotype,
)


def test_parse_genotype_forms() -> None:
    assert parse_genotype("p53=0, NICD=1") == {"p53": 0, "NICD": 1}
    assert parse_genotype(["p53=0"]) == {"p53": 0}
    assert parse_genotype({"NICD": True}) == {"NICD": 1}
    assert parse_genotype(None) == {}
    with pytest.raises(NetworkFileError):
        parse_genotype("p53=2")


def test_notch_gain_p53_loss_always_reaches_metastasis() -> None:
    p = genotype_propensities({"NICD": 1, "p53": 0}, sample_count=500)
    assert p == {"Migration": 1.0, "Metastasis": 1.0}


def test_wild_type_is_partial_and_cached_deterministic() -> None:
    wt = genotype_propensities(None, sample_count=1000, seed=3)
    assert 0.2 < wt["Metastasis"] < 0.45  # only cells with ECM signalling can migrate
    assert genotype_propensities({}, sample_count=1000, seed=3) == wt
    # the same on a network object (not cached) as by name
    assert (
        genotype_propensities({}, network=load_network("cohen2015"), sample_count=1000, seed=3)
        == wt
    )


def test_loss_of_migration_driver_blocks_it() -> None:
    p = genotype_propensities(
        "AKT2=0", sample_count=500, phenotypes=("Migration", "Invasion"), ever=True
    )
    assert p["Migration"] == 0.0  # Migration requires AKT2
    assert p["Invasion"] > 0.0


def test_unknown_phenotype_or_node() -> None:
    with pytest.raises(NetworkFileError):
        genotype_propensities(None, phenotypes=("Flying",), sample_count=10)
    with pytest.raises(NetworkFileError):
        genotype_propensities("Ghost=1", sample_count=10)
