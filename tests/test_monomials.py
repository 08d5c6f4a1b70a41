"""Tests of the monomial expansion and its reverse pass."""

import numpy as np
import pytest
from sklearn.preprocessing import PolynomialFeatures

from skpoly._monomials import SlicePlan, count_monomials, monomial_powers


def _expand(a, degree, interaction_only):
    plan = SlicePlan(a.shape[1], degree, interaction_only)
    phi = np.empty((a.shape[0], plan.n_monomials - 1))
    return plan, plan.expand(a, phi)


@pytest.mark.parametrize("interaction_only", [False, True])
@pytest.mark.parametrize("degree", [1, 2, 3, 4])
@pytest.mark.parametrize("n_features", [1, 2, 3, 5])
def test_expand_matches_polynomial_features(n_features, degree, interaction_only):
    """Check that the expansion equals PolynomialFeatures column for column."""
    rng = np.random.RandomState(n_features * 10 + degree)
    a = rng.normal(size=(9, n_features))
    reference = PolynomialFeatures(degree, interaction_only=interaction_only).fit(a)
    plan, phi = _expand(a, degree, interaction_only)

    assert plan.n_monomials == reference.n_output_features_
    assert count_monomials(n_features, degree, interaction_only) == plan.n_monomials
    np.testing.assert_array_equal(
        monomial_powers(n_features, degree, interaction_only), reference.powers_
    )
    np.testing.assert_allclose(phi, reference.transform(a)[:, 1:], rtol=1e-12)


@pytest.mark.parametrize("interaction_only", [False, True])
@pytest.mark.parametrize("degree", [1, 2, 3, 4])
def test_reverse_equals_explicit_jacobian(degree, interaction_only):
    """Check that the reverse pass is the transposed Jacobian of the expansion.

    The Jacobian is built from the exponent table: d x^p / d x_j is
    p_j x^(p - e_j). Zeros in the input must be harmless.
    """
    rng = np.random.RandomState(degree)
    n_features = 4
    a = rng.normal(size=(6, n_features))
    a[0, 1] = 0.0
    a[2] = 0.0
    plan, phi = _expand(a, degree, interaction_only)
    powers = monomial_powers(n_features, degree, interaction_only)[1:]
    grad_phi = rng.normal(size=phi.shape)

    # explicit Jacobian, shape (n_samples, n_monomials - 1, n_features)
    jacobian = np.zeros(phi.shape + (n_features,))
    for j in range(n_features):
        lowered = powers.copy()
        lowered[:, j] = np.maximum(lowered[:, j] - 1, 0)
        values = np.prod(a[:, np.newaxis, :] ** lowered[np.newaxis], axis=2)
        jacobian[:, :, j] = powers[:, j] * values
    expected = np.einsum("ik,ikj->ij", grad_phi, jacobian)

    out = np.empty_like(a)
    plan.reverse(a, phi, grad_phi.copy(), out)
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-12)


def test_expand_keeps_float32():
    """Check that a float32 batch expands into float32 without upcasting."""
    a = np.random.RandomState(0).normal(size=(5, 3)).astype(np.float32)
    plan = SlicePlan(3, 3)
    phi = plan.expand(a, np.empty((5, plan.n_monomials - 1), dtype=np.float32))
    assert phi.dtype == np.float32
    reference = PolynomialFeatures(3).fit_transform(a.astype(np.float64))[:, 1:]
    np.testing.assert_allclose(phi, reference, rtol=1e-5)


def test_slice_plan_has_no_per_monomial_products():
    """Check that the plan needs at most n_features products per degree."""
    plan = SlicePlan(30, 3)
    assert len(plan.products) <= 30 * 2
    assert plan.n_monomials == count_monomials(30, 3) == 5456
