"""Clinical read-out: detection curves and symptom onsets."""

import numpy as np
import pytest

from metastasis.clinical.imaging import curve_for, detection_probability
from metastasis.clinical.symptoms import onset_time, onset_times, symptom_rules


def test_detection_rises_with_diameter_to_the_published_plateau():
    curve = curve_for("CT", "liver")
    d = np.array([0.0, 1.0, curve.diameter50_mm, 30.0])
    p = detection_probability(d, curve)
    assert p[0] == 0.0 and p[1] < 1e-6
    assert p[2] == pytest.approx(curve.max_sensitivity / 2)
    assert p[3] == pytest.approx(curve.max_sensitivity, rel=1e-3)
    assert curve.max_sensitivity == pytest.approx(0.826)  # Floriani et al. 2010, per lesion CT
    assert detection_probability(np.array([30.0]), curve_for("bone scan", "liver"))[0] == 0.0
    with pytest.raises(KeyError, match="unknown imaging modality 'X-ray'"):
        curve_for("X-ray", "bone")


def test_symptom_onsets_vectorised_equal_rule_by_rule():
    rng = np.random.default_rng(0)
    rules = symptom_rules()
    t = np.arange(0.0, 3000.0, 30.0)
    burden = np.exp(rng.uniform(0, 1, (len(rules), 1)) * np.linspace(0, 28, len(t)))
    thr = rng.standard_exponential(len(rules))
    vec = onset_times(t, burden, np.array([r.burden50_cells for r in rules]),
                      np.array([r.max_hazard_per_day for r in rules]), thr)
    for i, rule in enumerate(rules):
        assert vec[i] == pytest.approx(onset_time(t, burden[i], rule, thr[i]), rel=1e-12)
    assert np.isfinite(vec).any()


def test_symptom_onset_of_a_constant_hazard_is_threshold_over_hazard():
    rule = symptom_rules()[0]
    t = np.array([0.0, 1000.0])
    b = np.array([rule.burden50_cells] * 2)  # hazard = max/2 throughout
    assert onset_time(t, b, rule, 1.0) == pytest.approx(2.0 / rule.max_hazard_per_day)


def test_a_hill_coefficient_steepens_the_hazard_around_its_half_point():
    """Held burdens B50/10, B50 and 10·B50 for 100 days each give hazards max·x³/(x³ + 1):
    the onset falls where the cumulative hazard reaches the threshold, within the segment
    the closed form says."""
    t = np.array([0.0, 100.0, 200.0, 300.0])
    b50, hmax = 1e11, 0.02
    burden = np.array([[1e10, 1e11, 1e12, 1e12]])
    h = hmax * np.array([1e-3 / (1e-3 + 1), 0.5, 1e3 / (1e3 + 1)])
    for threshold in (0.05, 1.5, 2.5):
        cum = np.concatenate([[0.0], np.cumsum(h * 100.0)])
        k = int(np.searchsorted(cum, threshold)) - 1
        expect = t[k] + (threshold - cum[k]) / h[k] if k < 3 else np.inf
        got = onset_times(t, burden, np.array([b50]), np.array([hmax]), np.array([threshold]),
                          np.array([3.0]))[0]
        assert got == pytest.approx(expect, rel=1e-12)
    linear = onset_times(t, burden, np.array([b50]), np.array([hmax]), np.array([0.05]))[0]
    assert linear < onset_times(t, burden, np.array([b50]), np.array([hmax]), np.array([0.05]),
                                np.array([3.0]))[0]
