import numpy as np
import pytest

from metastasis.models import newton_markov as nm


def test_two_state_chain_first_passage_times():
    p, q = 0.3, 0.1
    chain = np.array([[1 - p, p], [q, 1 - q]])
    mfpt = nm.mean_first_passage_steps(chain)
    np.testing.assert_allclose(mfpt, [[(p + q) / q, 1 / p], [1 / q, (p + q) / p]])
    np.testing.assert_allclose(nm.stationary_distribution(chain), [q / (p + q), p / (p + q)])


def test_random_walks_depend_only_on_the_generator_seed():
    chain = np.array([[0.5, 0.5], [0.2, 0.8]])
    a = nm.random_walks(chain, 0, 20, 50, np.random.default_rng(7))
    b = nm.random_walks(chain, 0, 20, 50, np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
    assert a.shape == (50, 21) and set(np.unique(a)) <= {0, 1}


def test_fit_rejects_bad_targets_and_unknown_primaries():
    with pytest.raises(ValueError):
        nm.fit(["a", "b"], np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match="Breast Cancer"):
        nm.site_distribution("Unicorn Cancer")


def test_different_seeds_give_different_matrices_with_the_same_long_run():
    f1 = nm.fit_primary("Breast Cancer", nm.MarkovFitSettings(seed=1))
    f2 = nm.fit_primary("Breast Cancer", nm.MarkovFitSettings(seed=2))
    assert not np.allclose(f1.matrix, f2.matrix)
    np.testing.assert_allclose(f1.stationary, f2.stationary, atol=1e-12)
