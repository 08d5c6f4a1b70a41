"""Tests of PolyNetRegressor's losses and outputs."""

import numpy as np
import pytest
from sklearn.linear_model import PoissonRegressor
from sklearn.preprocessing import PolynomialFeatures

from skpoly import PolyNetRegressor


def test_multi_output_regression_shapes_and_fit():
    """Check one identity unit per target column and a good fit."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(150, 3))
    Y = np.column_stack([X[:, 0] * X[:, 1], X[:, 2] ** 2 - X[:, 0]])
    reg = PolyNetRegressor(hidden_layer_sizes=(), degree=2, alpha=1e-6).fit(X, Y)
    assert reg.n_outputs_ == 2 and reg.out_activation_ == "identity"
    assert reg.predict(X).shape == (150, 2)
    np.testing.assert_allclose(reg.predict(X), Y, atol=1e-3)
    assert reg.predict(X[:, :]).ndim == 2
    single = PolyNetRegressor(hidden_layer_sizes=(), degree=2).fit(X, Y[:, 0])
    assert single.predict(X).shape == (150,)


def test_poisson_without_hidden_layer_is_poisson_regression():
    """Check the exp output against PoissonRegressor on polynomial features.

    scikit-learn's PoissonRegressor minimises the mean half deviance plus
    alpha_sk / 2 ||w||^2, so alpha_sk = alpha / n_samples is the same optimum.
    """
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(300, 2))
    y = rng.poisson(np.exp(0.5 + X[:, 0] - 0.5 * X[:, 1] ** 2))
    alpha = 2.0
    features = PolynomialFeatures(2, include_bias=False).fit_transform(X)
    reference = PoissonRegressor(alpha=alpha / 300, tol=1e-12, max_iter=10000)
    reference.fit(features, y)
    reg = PolyNetRegressor(
        loss="poisson",
        hidden_layer_sizes=(),
        degree=2,
        alpha=alpha,
        tol=1e-10,
        max_iter=10000,
    ).fit(X, y)
    assert reg.out_activation_ == "exp"
    np.testing.assert_allclose(reg.predict(X), reference.predict(features), rtol=1e-4)


def test_poisson_refuses_negative_targets():
    """Check that the Poisson loss names the negative targets."""
    with pytest.raises(ValueError, match="needs targets >= 0"):
        PolyNetRegressor(loss="poisson").fit(np.ones((3, 1)), [1.0, -1.0, 0.0])
