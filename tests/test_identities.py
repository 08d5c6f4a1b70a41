"""Tests of the identities that tie skpoly to scikit-learn's linear models."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from skpoly import PolyNetClassifier, PolyNetRegressor


def test_classifier_without_hidden_layer_is_logistic_regression():
    """Check that no hidden layer at degree 2 is LogisticRegression(C=1/alpha).

    Both minimise the same strictly convex objective on standardised
    breast_cancer, so their probabilities must agree closely.
    """
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    alpha = 1.0
    features = PolynomialFeatures(2, include_bias=False).fit_transform(X)
    reference = LogisticRegression(C=1 / alpha, tol=1e-10, max_iter=10000)
    reference.fit(features, y)

    net = PolyNetClassifier(
        hidden_layer_sizes=(),
        degree=2,
        alpha=alpha,
        tol=1e-10,
        max_iter=10000,
        random_state=0,
    ).fit(X, y)

    np.testing.assert_allclose(
        net.predict_proba(X), reference.predict_proba(features), atol=1e-4
    )
    # the constant monomial's coefficient is the intercept
    np.testing.assert_allclose(net.coefs_[0][0], reference.intercept_, atol=1e-3)


def test_multiclass_without_hidden_layer_is_multinomial_regression():
    """Check the softmax output against multinomial LogisticRegression on iris."""
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    features = PolynomialFeatures(2, include_bias=False).fit_transform(X)
    reference = LogisticRegression(C=0.5, tol=1e-10, max_iter=10000)
    reference.fit(features, y)
    net = PolyNetClassifier(
        hidden_layer_sizes=(), degree=2, alpha=2.0, tol=1e-10, max_iter=10000
    ).fit(X, y)
    np.testing.assert_allclose(
        net.predict_proba(X), reference.predict_proba(features), atol=1e-4
    )


def test_regressor_without_hidden_layer_is_ridge():
    """Check that no hidden layer, identity output and alpha give Ridge(alpha)."""
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    alpha = 3.0
    features = PolynomialFeatures(2, include_bias=False).fit_transform(X)
    reference = Ridge(alpha=alpha).fit(features, y)

    net = PolyNetRegressor(
        hidden_layer_sizes=(),
        degree=2,
        alpha=alpha,
        tol=1e-12,
        max_iter=20000,
        max_fun=100000,
    ).fit(X, y)

    # relative to the coefficient vector: tiny coefficients are noise-level
    coef = net.coefs_[0].ravel()
    expected = np.concatenate([[reference.intercept_], reference.coef_])
    error = np.linalg.norm(coef - expected) / np.linalg.norm(expected)
    assert error < 1e-6, error


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
def test_degree_one_network_is_mlp_classifier(activation):
    """Check that degree 1 with MLPClassifier's weights gives its probabilities.

    The constant monomial row holds the intercepts; everything else is the
    same affine map and activation, so the outputs agree to rounding.
    """
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    mlp = MLPClassifier(
        hidden_layer_sizes=(5, 4), activation=activation, max_iter=50, random_state=0
    )
    mlp.fit(X, y)
    net = PolyNetClassifier(
        hidden_layer_sizes=(5, 4), activation=activation, degree=1, max_iter=1
    )
    net.fit(X, y)
    for coef, W, b in zip(net.coefs_, mlp.coefs_, mlp.intercepts_):
        coef[0] = b
        coef[1:] = W
    np.testing.assert_allclose(
        net.predict_proba(X), mlp.predict_proba(X), rtol=0, atol=1e-12
    )
    np.testing.assert_array_equal(net.predict(X), mlp.predict(X))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_degree_one_network_is_mlp_binary_and_regressor():
    """Check the same identity for a binary classifier and a regressor."""
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)[:, :6]
    mlp = MLPClassifier((4,), max_iter=30, random_state=0)
    mlp.fit(X, y)
    net = PolyNetClassifier((4,), activation="relu", degree=1, max_iter=1)
    net.fit(X, y)
    for coef, W, b in zip(net.coefs_, mlp.coefs_, mlp.intercepts_):
        coef[0], coef[1:] = b, W
    np.testing.assert_allclose(
        net.predict_proba(X), mlp.predict_proba(X), rtol=0, atol=1e-12
    )

    target = X[:, 0] * 2 - X[:, 1]
    mlp = MLPRegressor(
        hidden_layer_sizes=(3,), activation="tanh", max_iter=30, random_state=0
    )
    mlp.fit(X, target)
    net = PolyNetRegressor(
        hidden_layer_sizes=(3,), activation="tanh", degree=1, max_iter=1
    )
    net.fit(X, target)
    for coef, W, b in zip(net.coefs_, mlp.coefs_, mlp.intercepts_):
        coef[0], coef[1:] = b, W
    np.testing.assert_allclose(net.predict(X), mlp.predict(X), rtol=0, atol=1e-12)


def test_noisy_quadratic_recovers_coefficients():
    """Check the original demo: y = x^2 + 2x + 1 plus noise gives 1, 2, 1."""
    rng = np.random.RandomState(0)
    x = rng.uniform(0, 10, size=(1000, 1))
    y = x[:, 0] ** 2 + 2 * x[:, 0] + 1 + rng.uniform(-0.5, 0.5, size=1000)
    reg = PolyNetRegressor(
        hidden_layer_sizes=(), degree=2, solver="lbfgs", random_state=0
    ).fit(x, y)
    np.testing.assert_allclose(reg.coefs_[0].ravel(), [1.0, 2.0, 1.0], atol=0.05)
