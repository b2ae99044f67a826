"""Genotype, EMT and anatomy act in their documented directions (fixed seeds, small cohorts)."""

import numpy as np
import pytest

import metastasis
from metastasis.scenario.loader import scenario_from_dict

N = 60
YEARS = 9


def _first_metastasis(over: dict, seed: int = 21) -> np.ndarray:
    # kinetics at their population medians: the comparison is of the genotype's mechanism
    sc = scenario_from_dict({"extends": "breast", "population": {"vary_kinetics": False},
                             **over})
    res = metastasis.simulate(sc, patients=N, years=YEARS, seed=seed)
    return res.patients.first_metastasis_days.fillna(np.inf).to_numpy()


@pytest.mark.parametrize("alteration", [{"TP53": "loss"}, {"MYC": "gain"}])
def test_driver_alterations_shorten_time_to_first_metastasis(alteration):
    wt = _first_metastasis({})
    mut = _first_metastasis({"genotype": alteration})
    assert np.median(mut) < np.median(wt)
    # patient by patient (same seeds), the altered tumour is usually earlier; the first colony
    # is a rare event, so single pairs can go either way
    assert np.mean(mut < wt) > 0.65


def test_emt_suppression_seeds_fewer_lesions():
    """Suppressing EMT cuts what the primary sheds by more than half; patient by patient
    (same seeds) it leaves fewer patients with any lesion, and far more patients with fewer
    lesions than with more. (Pooled lesion counts are not compared: a few patients whose
    metastases seed further metastases up to the lesion cap dominate them.)"""
    ref = metastasis.simulate("breast", patients=N, years=YEARS, seed=5)
    sc = scenario_from_dict({"extends": "breast", "emt": {"suppression": 0.9}})
    sup = metastasis.simulate(sc, patients=N, years=YEARS, seed=5)
    ev = lambda r: r.events[(r.events.event == "seeded") & (r.events.organ == "breast")]  # noqa: E731
    assert ev(sup).value.sum() < 0.5 * ev(ref).value.sum()
    count = lambda r: r.lesions.groupby("patient").size().reindex(range(N), fill_value=0)  # noqa: E731
    a, b = count(ref), count(sup)
    assert (b > 0).sum() < (a > 0).sum()
    assert (b < a).sum() > 4 * max((b > a).sum(), 1)


def _threshold(res) -> float:
    """Size (cells) from which a colony counts as an established metastasis."""
    return res.metadata["scenario_json"]["colonisation"]["stochastic_threshold_cells"]


def _first_organ_counts(preset: str, patients: int, seed: int) -> dict[str, int]:
    res = metastasis.simulate(preset, patients=patients, seed=seed)
    les = res.lesions[res.lesions.max_cells >= _threshold(res)]
    first = les.sort_values(["patient", "born_days"]).groupby("patient").first()
    return first.organ.astype(str).value_counts().to_dict()


def test_colorectal_seeds_the_liver_before_the_lung():
    """Portal drainage makes the liver the first bed: its first colony usually comes first."""
    res = metastasis.simulate("colorectal", patients=200, seed=8)
    les = res.lesions[res.lesions.max_cells >= _threshold(res)]
    first = les.groupby(["patient", "organ"], observed=True).born_days.min().unstack()
    both = first[["liver", "lung"]].dropna()
    assert len(both) > 50
    assert (both.liver < both.lung).mean() > 0.5
    assert first.liver.median() < first.lung.median()
    firsts = les.sort_values(["patient", "born_days"]).groupby("patient").first()
    counts = firsts.organ.astype(str).value_counts()
    assert counts.get("liver", 0) > counts.get("lung", 0)


def test_prostate_seeds_bone_first():
    """Among prostate patients whose first colony is distant, bone is the commonest first
    site (300 patients: few seed a distant organ at all)."""
    counts = _first_organ_counts("prostate", 300, 4)
    distant = {k: v for k, v in counts.items() if k != "regional_lymph_nodes"}
    assert max(distant, key=distant.get) == "bone"


def test_boolean_network_propensity_couples_genotype_to_emt():
    """With `emt.propensity = "boolean"`, TP53 loss raises forward EMT by the Cohen et al.
    2015 network's ratio of Migration propensities (p53 = 0 vs wild type)."""
    from metastasis.engine.params import T_KEH, build_inputs
    from metastasis.models.boolean.propensity import genotype_propensities

    def keh(tp53: str) -> float:
        sc = scenario_from_dict({"extends": "breast", "genotype": {"TP53": tp53},
                                 "emt": {"propensity": "boolean"}})
        return build_inputs(sc).theta[T_KEH]

    ratio = (genotype_propensities({"p53": 0}, phenotypes=("Migration",))["Migration"]
             / genotype_propensities({}, phenotypes=("Migration",))["Migration"])
    assert ratio > 1.0
    assert keh("loss") / keh("wt") == pytest.approx(ratio)
