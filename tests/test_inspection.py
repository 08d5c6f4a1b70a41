"""Tests for skpoly.inspection: reading the learned polynomials."""

import math
import re
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit, softmax
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler
from sklearn.utils.validation import validate_data

from skpoly import PolyNetClassifier, PolyNetRegressor
from skpoly.inspection import (
    NetworkPolynomial,
    Polynomial,
    network_polynomial,
    unit_polynomial,
)
from skpoly.inspection import _monomial_index

HIDDEN = {
    "identity": lambda z: z,
    "tanh": np.tanh,
    "logistic": expit,
    "relu": lambda z: np.maximum(z, 0),
}


class HandWrittenPolyNet(BaseEstimator):
    """A polynomial network whose fit sets hand-written coefficients.

    It carries the fitted attributes skpoly.inspection reads, computes its
    forward pass directly from the definition (every monomial as a product of
    powers), and lets the tests run without the training engine.
    """

    def __init__(
        self,
        layer_sizes=(2, 3, 1),
        degree=2,
        activation="identity",
        out_activation="identity",
        interaction_only=False,
        classes=None,
        random_state=0,
    ):
        self.layer_sizes = layer_sizes
        self.degree = degree
        self.activation = activation
        self.out_activation = out_activation
        self.interaction_only = interaction_only
        self.classes = classes
        self.random_state = random_state

    def fit(self, X=None, y=None):
        rng = np.random.RandomState(self.random_state)
        sizes = self.layer_sizes
        degrees = np.broadcast_to(self.degree, len(sizes) - 1)
        if X is not None:
            validate_data(self, X, reset=True)
            assert self.n_features_in_ == sizes[0]
        else:
            self.n_features_in_ = sizes[0]

        self.powers_, self.coefs_ = [], []
        for fan_in, fan_out, degree in zip(sizes[:-1], sizes[1:], degrees):
            powers = (
                PolynomialFeatures(int(degree), interaction_only=self.interaction_only)
                .fit(np.zeros((1, fan_in)))
                .powers_
            )
            self.powers_.append(powers)
            self.coefs_.append(rng.normal(size=(powers.shape[0], fan_out)))
        self.degrees_ = tuple(int(d) for d in degrees)
        self.n_layers_ = len(sizes)
        self.n_outputs_ = sizes[-1]
        self.out_activation_ = self.out_activation
        if self.classes is not None:
            self.classes_ = np.asarray(self.classes)
        return self

    def forward(self, X):
        """Return every layer's (inputs, pre-activations), one per transition."""
        a = np.asarray(X, dtype=np.float64)
        steps = []
        for i, (powers, coef) in enumerate(zip(self.powers_, self.coefs_)):
            phi = np.prod(a[:, None, :] ** powers[None, :, :], axis=2)
            z = phi @ coef
            steps.append((a, z))
            a = HIDDEN[self.activation](z)
        return steps

    def _predict_raw(self, X):
        return self.forward(X)[-1][1]

    def predict(self, X):
        raw = self._predict_raw(X)
        return np.exp(raw) if self.out_activation_ == "exp" else raw

    def predict_proba(self, X):
        raw = self._predict_raw(X)
        if self.out_activation_ == "softmax":
            return softmax(raw, axis=1)
        proba = expit(raw)
        return np.hstack([1 - proba, proba]) if raw.shape[1] == 1 else proba


def _random_inputs(n_samples, n_features, seed=0):
    return np.random.RandomState(seed).uniform(-1.5, 1.5, (n_samples, n_features))


# --- the monomial basis ----------------------------------------------------


@pytest.mark.parametrize("n_features", [1, 2, 3, 5])
@pytest.mark.parametrize("degree", [0, 1, 2, 4, 7])
def test_monomial_index_ranks_polynomial_features_order(n_features, degree):
    """Check that the closed-form rank numbers PolynomialFeatures' powers_."""
    powers = PolynomialFeatures(degree).fit(np.zeros((1, n_features))).powers_
    assert_array_equal(_monomial_index(powers), np.arange(powers.shape[0]))
    assert_array_equal(_monomial_index(powers[::-1]), np.arange(powers.shape[0])[::-1])


# --- Polynomial ------------------------------------------------------------


def test_polynomial_to_string_signs_and_precision():
    """Check the formula: signs folded in, constant bare, precision honoured."""
    p = Polynomial([1.0, 2.01, -0.99], [[0], [1], [2]])
    assert str(p) == "1.000 + 2.010 x0 - 0.990 x0^2"
    assert repr(p) == str(p)
    assert p.to_string(precision=1) == "1.0 + 2.0 x0 - 1.0 x0^2"

    # names with spaces, or named like the constant, read unambiguously
    q = Polynomial([-0.5, 3.0], [[1, 1], [0, 2]], variable_names=["a", "b c"])
    assert q.to_string(precision=2) == "-0.50 a (b c) + 3.00 (b c)^2"
    assert list(q.names) == ["a b c", "b c^2"]
    r = Polynomial([2.0, 1.0], [[0, 0], [1, 0]], variable_names=["1", "2"])
    assert r.to_string(precision=1) == "2.0 + 1.0 (1)"
    assert Polynomial([], np.zeros((0, 2))).to_string() == "0"

    with pytest.raises(ValueError, match="precision must be a non-negative"):
        p.to_string(precision=-1)


def test_polynomial_evaluate_against_hand_computation():
    """Check evaluate and __call__ on a polynomial computed by hand."""
    p = Polynomial([1.0, -2.0, 0.5, 3.0], [[0, 0], [1, 0], [1, 1], [0, 3]])
    X = np.array([[2.0, 1.0], [-1.0, 2.0], [0.0, 0.0]])
    expected = 1 - 2 * X[:, 0] + 0.5 * X[:, 0] * X[:, 1] + 3 * X[:, 1] ** 3
    assert_allclose(p.evaluate(X), expected)
    assert_allclose(p(X), expected)
    assert p.degree == 3

    with pytest.raises(ValueError, match="X has 3 columns, but the polynomial"):
        p.evaluate(np.ones((2, 3)))


def test_polynomial_rejects_inconsistent_arrays():
    """Check that mismatched coef, powers and names are refused clearly."""
    with pytest.raises(ValueError, match="n_monomials=2 rows"):
        Polynomial([1.0, 2.0], [[0]])
    with pytest.raises(ValueError, match="non-negative integer exponents"):
        Polynomial([1.0], [[-1]])
    with pytest.raises(ValueError, match="one name per variable, 2 in all"):
        Polynomial([1.0], [[0, 0]], variable_names=["a"])


def test_polynomial_to_frame_values():
    """Check that to_frame indexes coefficients and degrees by monomial name."""
    pytest.importorskip("pandas", reason="to_frame needs pandas")
    p = Polynomial([1.0, 2.0, -0.5], [[0, 0], [1, 0], [1, 1]])
    frame = p.to_frame()
    assert list(frame.index) == ["1", "x0", "x0 x1"]
    assert frame.index.name == "monomial"
    assert_allclose(frame["coef"], [1.0, 2.0, -0.5])
    assert_array_equal(frame["degree"], [0, 1, 2])


def test_polynomial_to_frame_without_pandas(monkeypatch):
    """Check that to_frame says pandas is needed when it cannot import it."""
    monkeypatch.setitem(sys.modules, "pandas", None)
    p = Polynomial([1.0], [[0]])
    with pytest.raises(ImportError, match="to_frame\\(\\) needs pandas"):
        p.to_frame()


def test_polynomial_to_sympy_matches_evaluate():
    """Check that the sympy expression has the same coefficients and values."""
    sympy = pytest.importorskip("sympy", reason="to_sympy needs sympy")
    p = Polynomial(
        [1.5, -2.0, 0.25], [[0, 0], [2, 1], [0, 3]], variable_names=["u", "v"]
    )
    expr = p.to_sympy()
    u, v = sympy.symbols("u v")
    poly = sympy.Poly(expr, u, v)
    assert float(poly.coeff_monomial(u**2 * v)) == -2.0
    assert float(poly.coeff_monomial(v**3)) == 0.25
    assert float(poly.coeff_monomial(1)) == 1.5
    value = float(expr.subs({u: 0.7, v: -1.3}))
    assert value == pytest.approx(p.evaluate([[0.7, -1.3]])[0], rel=1e-12)


def test_polynomial_to_sympy_without_sympy(monkeypatch):
    """Check that to_sympy says sympy is needed when it cannot import it."""
    monkeypatch.setitem(sys.modules, "sympy", None)
    with pytest.raises(ImportError, match="to_sympy\\(\\) needs sympy"):
        Polynomial([1.0], [[0]]).to_sympy()


# --- unit_polynomial -------------------------------------------------------


@pytest.mark.parametrize("degree", [1, 2, 3])
@pytest.mark.parametrize("interaction_only", [False, True])
def test_unit_polynomial_names_match_polynomial_features(degree, interaction_only):
    """Check first-layer names against PolynomialFeatures' feature names."""
    net = HandWrittenPolyNet(
        layer_sizes=(3, 2, 1), degree=degree, interaction_only=interaction_only
    ).fit()
    features = PolynomialFeatures(degree, interaction_only=interaction_only)
    features.fit(np.zeros((1, 3)))

    p = unit_polynomial(net, layer=0, unit=1)
    assert_array_equal(p.names, features.get_feature_names_out())
    assert_array_equal(p.powers, net.powers_[0])

    names = ["age", "bmi", "blood pressure"]
    q = unit_polynomial(net, layer=0, feature_names=names)
    assert_array_equal(q.names, features.get_feature_names_out(names))


def test_unit_polynomial_names_from_feature_names_in():
    """Check that a network fitted on a DataFrame names monomials by column."""
    pd = pytest.importorskip("pandas", reason="needs a DataFrame input")
    X = pd.DataFrame(_random_inputs(5, 2), columns=["width", "height"])
    net = HandWrittenPolyNet(layer_sizes=(2, 1)).fit(X)
    p = unit_polynomial(net)
    assert list(p.names) == [
        "1",
        "width",
        "height",
        "width^2",
        "width height",
        "height^2",
    ]


def test_unit_polynomial_hidden_layers_name_hidden_units():
    """Check that later transitions are in h0, h1, ... unless names are given."""
    net = HandWrittenPolyNet(layer_sizes=(2, 3, 2, 1), degree=2).fit()
    p = unit_polynomial(net, layer=1)
    assert_array_equal(p.variable_names, ["h0", "h1", "h2"])
    assert list(p.names[:5]) == ["1", "h0", "h1", "h2", "h0^2"]
    q = unit_polynomial(net, layer=-1, feature_names=["g0", "g1"])
    assert list(q.names) == ["1", "g0", "g1", "g0^2", "g0 g1", "g1^2"]


@pytest.mark.parametrize("activation", ["identity", "tanh", "relu"])
def test_unit_polynomial_equals_pre_activation(activation):
    """Check that every unit's polynomial gives its pre-activation."""
    net = HandWrittenPolyNet(
        layer_sizes=(3, 4, 2, 3), degree=(2, 3, 2), activation=activation
    ).fit()
    X = _random_inputs(40, 3)
    for layer, (a, z) in enumerate(net.forward(X)):
        for unit in range(z.shape[1]):
            p = unit_polynomial(net, layer=layer, unit=unit)
            assert_allclose(p.evaluate(a), z[:, unit], rtol=1e-12, atol=1e-12)
            assert_allclose(p.coef, net.coefs_[layer][:, unit])


def test_unit_polynomial_negative_indices():
    """Check that layer and unit count from the end like list indices."""
    net = HandWrittenPolyNet(layer_sizes=(2, 3, 4)).fit()
    assert_array_equal(
        unit_polynomial(net, layer=-1, unit=-1).coef, net.coefs_[1][:, 3]
    )
    assert_array_equal(unit_polynomial(net, layer=-2, unit=1).coef, net.coefs_[0][:, 1])


def test_unit_polynomial_threshold_drops_small_monomials():
    """Check that threshold keeps exactly the monomials at least that large."""
    net = HandWrittenPolyNet(layer_sizes=(2, 1)).fit()
    net.coefs_[0][:, 0] = [1.0, 1e-4, -2.0, -1e-3, 0.05, 0.5]
    X = _random_inputs(10, 2)

    p = unit_polynomial(net, threshold=0.05)
    assert list(p.names) == ["1", "x1", "x0 x1", "x1^2"]
    assert_allclose(p.coef, [1.0, -2.0, 0.05, 0.5])
    expected = 1 - 2 * X[:, 1] + 0.05 * X[:, 0] * X[:, 1] + 0.5 * X[:, 1] ** 2
    assert_allclose(p.evaluate(X), expected)

    assert len(unit_polynomial(net).coef) == 6
    assert len(unit_polynomial(net, threshold=10.0).coef) == 0


def test_unit_polynomial_sort_by_magnitude():
    """Check that sort="magnitude" orders by |coef| and keeps each pairing."""
    net = HandWrittenPolyNet(layer_sizes=(2, 1)).fit()
    net.coefs_[0][:, 0] = [0.1, -3.0, 2.0, 0.5, -0.7, 0.5]
    p = unit_polynomial(net, sort="magnitude")
    assert list(p.names) == ["x0", "x1", "x0 x1", "x0^2", "x1^2", "1"]
    assert_allclose(p.coef, [-3.0, 2.0, -0.7, 0.5, 0.5, 0.1])
    X = _random_inputs(10, 2)
    assert_allclose(p.evaluate(X), unit_polynomial(net).evaluate(X))


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"layer": 2}, ValueError, "layer=2 is out of range.*in \\[-2, 1\\]"),
        ({"layer": 1.0}, TypeError, "'layer' parameter .* must be an instance"),
        ({"unit": 3}, ValueError, "unit=3 is out of range.*in \\[-1, 0\\]"),
        ({"threshold": -1}, ValueError, "'threshold' parameter .* range \\[0"),
        ({"sort": "abs"}, ValueError, "'sort' parameter .* Got 'abs' instead"),
        (
            {"layer": 0, "feature_names": ["a"]},
            ValueError,
            "one name per input of the transition, 2 in all; got 1",
        ),
    ],
)
def test_unit_polynomial_rejects_bad_arguments(kwargs, error, match):
    """Check that out-of-range arguments are refused with the valid range."""
    net = HandWrittenPolyNet(layer_sizes=(2, 3, 1)).fit()
    with pytest.raises(error, match=match):
        unit_polynomial(net, **kwargs)


def test_inspection_rejects_other_estimators():
    """Check the errors for an unfitted network and for another estimator."""
    with pytest.raises(NotFittedError):
        unit_polynomial(HandWrittenPolyNet())
    linear = LinearRegression().fit(np.eye(3), [1, 2, 3])
    with pytest.raises(TypeError, match="got LinearRegression, which has no"):
        network_polynomial(linear)


# --- network_polynomial ----------------------------------------------------


def test_network_polynomial_multiplies_out_by_hand():
    """Check the expansion against two networks multiplied out by hand."""
    # h = 1 + x, z = h^2 = 1 + 2 x + x^2
    net = HandWrittenPolyNet(layer_sizes=(1, 1, 1), degree=(1, 2)).fit()
    net.coefs_ = [np.array([[1.0], [1.0]]), np.array([[0.0], [0.0], [1.0]])]
    expanded = network_polynomial(net)[0]
    assert list(expanded.names) == ["1", "x0", "x0^2"]
    assert_allclose(expanded.coef, [1.0, 2.0, 1.0], atol=1e-15)

    # h0 = x0 + x1, h1 = x0 - x1, z = 3 h0 h1 + h1^2 - 1
    #   = -1 + 4 x0^2 - 2 x0 x1 - 2 x1^2
    net = HandWrittenPolyNet(layer_sizes=(2, 2, 1), degree=(1, 2)).fit()
    net.coefs_ = [
        np.array([[0.0, 0.0], [1.0, 1.0], [1.0, -1.0]]),
        np.array([[-1.0], [0.0], [0.0], [0.0], [3.0], [1.0]]),
    ]
    expanded = network_polynomial(net)[0]
    assert list(expanded.names) == ["1", "x0", "x1", "x0^2", "x0 x1", "x1^2"]
    assert_allclose(expanded.coef, [-1, 0, 0, 4, -2, -2], atol=1e-15)


@pytest.mark.parametrize(
    "layer_sizes, degree, interaction_only",
    [
        ((1, 2, 1), (2, 2), False),
        ((2, 3, 1), (2, 2), False),
        ((3, 2, 2), (2, 2), True),
        ((2, 3, 2, 2), (2, 1, 3), False),
        ((2, 2, 2, 2, 1), (2, 2, 2, 1), False),
        ((3, 4, 3), (1, 1), False),
        ((2, 2, 3), (3, 2), False),
    ],
)
def test_network_polynomial_equals_raw_outputs(layer_sizes, degree, interaction_only):
    """Check that the expanded network gives the raw outputs everywhere."""
    net = HandWrittenPolyNet(
        layer_sizes=layer_sizes, degree=degree, interaction_only=interaction_only
    ).fit()
    X = _random_inputs(60, layer_sizes[0], seed=1)
    expanded = network_polynomial(net)

    total_degree = math.prod(degree)
    n_basis = math.comb(layer_sizes[0] + total_degree, total_degree)
    assert len(expanded) == layer_sizes[-1]
    assert expanded.degree == total_degree
    assert all(len(p.coef) == n_basis for p in expanded)
    assert_allclose(expanded.evaluate(X), net._predict_raw(X), rtol=1e-12, atol=1e-10)


def test_network_polynomial_two_layers_degree_four():
    """Check that degrees (2, 2) expand to degree 4 with a nonzero top term."""
    net = HandWrittenPolyNet(layer_sizes=(2, 3, 1), degree=(2, 2)).fit()
    expanded = network_polynomial(net)[0]
    assert expanded.degree == 4
    top = expanded.powers.sum(axis=1) == 4
    assert np.abs(expanded.coef[top]).max() > 1e-3
    assert list(expanded.names[top]) == [
        "x0^4",
        "x0^3 x1",
        "x0^2 x1^2",
        "x0 x1^3",
        "x1^4",
    ]
    X = _random_inputs(30, 2, seed=2)
    assert_allclose(expanded(X), net._predict_raw(X)[:, 0], atol=1e-10)


def test_network_polynomial_matches_sympy_expansion():
    """Check every coefficient against sympy multiplying the layers out."""
    sympy = pytest.importorskip("sympy", reason="the reference needs sympy")
    net = HandWrittenPolyNet(layer_sizes=(2, 2, 1), degree=(2, 2)).fit()
    x = sympy.symbols("x0 x1")
    hidden = [unit_polynomial(net, layer=0, unit=k).to_sympy() for k in range(2)]
    out = unit_polynomial(net, layer=1).to_sympy()
    h = sympy.symbols("h0 h1")
    reference = sympy.Poly(sympy.expand(out.subs(dict(zip(h, hidden)))), *x)

    expanded = network_polynomial(net)[0]
    for row, coef in zip(expanded.powers, expanded.coef):
        monomial = x[0] ** int(row[0]) * x[1] ** int(row[1])
        assert coef == pytest.approx(
            float(reference.coeff_monomial(monomial)), rel=1e-12, abs=1e-12
        )


def test_network_polynomial_without_hidden_layer_is_the_layer():
    """Check that with no hidden layer the result is the output transition."""
    net = HandWrittenPolyNet(
        layer_sizes=(3, 2), degree=3, interaction_only=True, activation="tanh"
    ).fit()
    expanded = network_polynomial(net)
    features = PolynomialFeatures(3, interaction_only=True).fit(np.zeros((1, 3)))
    for k, p in enumerate(expanded):
        assert_array_equal(p.names, features.get_feature_names_out())
        assert_array_equal(p.coef, net.coefs_[0][:, k])


@pytest.mark.parametrize(
    "out_activation, n_outputs, classes",
    [
        ("logistic", 1, ["ham", "spam"]),
        ("softmax", 3, ["a", "b", "c"]),
        ("logistic", 3, [0, 1, 2]),
    ],
)
def test_network_polynomial_link_gives_predict_proba(
    out_activation, n_outputs, classes
):
    """Check that the polynomials through the link give predict_proba."""
    net = HandWrittenPolyNet(
        layer_sizes=(2, 3, n_outputs),
        degree=(2, 2),
        out_activation=out_activation,
        classes=classes,
    ).fit()
    X = _random_inputs(50, 2, seed=3)
    expanded = network_polynomial(net)
    assert expanded.link == out_activation

    proba = expanded.evaluate(X, apply_link=True)
    if len(classes) == 2:
        assert list(expanded.output_names) == ["spam"]
        assert_allclose(proba[:, 0], net.predict_proba(X)[:, 1], atol=1e-12)
    else:
        assert list(expanded.output_names) == [str(c) for c in classes]
        assert_allclose(proba, net.predict_proba(X), atol=1e-12)


@pytest.mark.parametrize("out_activation", ["identity", "exp"])
def test_network_polynomial_link_gives_predict(out_activation):
    """Check that the polynomials through the link give a regressor's predict."""
    net = HandWrittenPolyNet(
        layer_sizes=(2, 2, 2), degree=(2, 2), out_activation=out_activation
    ).fit()
    X = _random_inputs(50, 2, seed=4)
    expanded = network_polynomial(net)
    assert expanded.link == out_activation
    assert list(expanded.output_names) == ["y0", "y1"]
    assert_allclose(
        expanded(X, apply_link=True), net.predict(X), rtol=1e-12, atol=1e-10
    )


@pytest.mark.parametrize("activation", ["tanh", "relu", "logistic"])
def test_network_polynomial_refuses_non_identity_activation(activation):
    """Check that a non-polynomial network is refused, naming the activation."""
    net = HandWrittenPolyNet(activation=activation).fit()
    with pytest.raises(
        ValueError, match=f"activation='{activation}' on its 1 hidden layer"
    ):
        network_polynomial(net)


def test_network_polynomial_refuses_too_many_monomials():
    """Check that the monomial bound is checked, stated and adjustable."""
    # degree 3 * 3 = 9 in 3 inputs: C(12, 9) = 220 monomials
    net = HandWrittenPolyNet(layer_sizes=(3, 2, 1), degree=3).fit()
    with pytest.raises(
        ValueError,
        match="total degree 3 \\* 3 = 9 in 3 inputs, which allows 220 "
        "monomials, more than max_monomials=219",
    ):
        network_polynomial(net, max_monomials=219)
    assert len(network_polynomial(net, max_monomials=220)[0].coef) == 220

    # nine transitions of degree 2: refused at once, before allocating
    deep = HandWrittenPolyNet(layer_sizes=(4,) + (1,) * 9, degree=2).fit()
    with pytest.raises(
        ValueError, match="= 512 in 4 inputs, which allows 2919618945 monomials"
    ):
        network_polynomial(deep)


def test_network_polynomial_threshold_sort_names():
    """Check threshold, sort and feature_names per output polynomial."""
    net = HandWrittenPolyNet(layer_sizes=(2, 2, 2), degree=(1, 2)).fit()
    full = network_polynomial(net)
    kept = network_polynomial(
        net, threshold=0.5, sort="magnitude", feature_names=["u", "v"]
    )
    for p, q in zip(full, kept):
        big = np.abs(p.coef) >= 0.5
        assert sorted(q.names) == sorted(
            n.replace("x0", "u").replace("x1", "v") for n in p.names[big]
        )
        assert np.all(np.diff(np.abs(q.coef)) <= 0)
    assert_array_equal(kept.variable_names, ["u", "v"])


def test_network_polynomial_to_frame_and_string():
    """Check the network's table and formulas line up with its polynomials."""
    pytest.importorskip("pandas", reason="to_frame needs pandas")
    net = HandWrittenPolyNet(
        layer_sizes=(1, 2, 2),
        degree=(1, 2),
        out_activation="softmax",
        classes=["lo", "hi"],
    ).fit()
    expanded = network_polynomial(net)
    frame = expanded.to_frame()
    assert list(frame.columns) == ["degree", "lo", "hi"]
    assert list(frame.index) == ["1", "x0", "x0^2"]
    assert_allclose(frame["hi"], expanded[1].coef)

    lines = str(expanded).splitlines()
    assert lines[0] == (
        "Polynomials of degree 2 in 1 input, before the 'softmax' link:"
    )
    assert lines[1] == f"lo: {expanded[0]}"
    assert lines[2] == f"hi: {expanded[1]}"


def test_network_polynomial_class_checks_its_arguments():
    """Check that NetworkPolynomial refuses unknown links and mismatches."""
    p = Polynomial([1.0], [[0]])
    with pytest.raises(ValueError, match="link must be one of"):
        NetworkPolynomial([p], "probit", ["y"])
    with pytest.raises(ValueError, match="one name per polynomial, 1 in all"):
        NetworkPolynomial([p], "identity", ["y0", "y1"])
    with pytest.raises(ValueError, match="same variables"):
        NetworkPolynomial([p, Polynomial([1.0], [[0, 0]])], "identity", "ab")


# --- pipelines -------------------------------------------------------------


def test_inspection_reads_final_step_of_pipeline():
    """Check that a pipeline is read at its last step, in the scaled inputs."""
    pd = pytest.importorskip("pandas", reason="needs a DataFrame input")
    rng = np.random.RandomState(5)
    X = pd.DataFrame(
        rng.normal(loc=[3.0, -1.0], scale=[2.0, 0.5], size=(30, 2)),
        columns=["temp", "wind"],
    )
    pipe = make_pipeline(
        StandardScaler(), HandWrittenPolyNet(layer_sizes=(2, 3, 1))
    ).fit(X)
    scaled = pipe[0].transform(X)

    p = unit_polynomial(pipe, layer=0, unit=2)
    assert list(p.names[:3]) == ["1", "temp", "wind"]
    assert_allclose(p.evaluate(scaled), pipe[-1].forward(scaled)[0][1][:, 2])

    expanded = network_polynomial(pipe)
    assert_array_equal(expanded.variable_names, ["temp", "wind"])
    assert_allclose(
        expanded.evaluate(scaled), pipe[-1]._predict_raw(scaled), atol=1e-10
    )


def test_network_polynomial_rejects_bad_max_monomials():
    """Check that max_monomials must be a positive int."""
    net = HandWrittenPolyNet().fit()
    with pytest.raises(ValueError, match="'max_monomials' parameter"):
        network_polynomial(net, max_monomials=0)


# --- the estimators --------------------------------------------------------

# short fits: the identities below hold for any coefficients, converged or not
short_fit = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def test_unit_polynomial_recovers_parabola():
    """Check the demo: polynomial regression reads back 1 + 2 x + x^2."""
    rng = np.random.RandomState(0)
    X = rng.uniform(0, 10, size=(1000, 1))
    y = X[:, 0] ** 2 + 2 * X[:, 0] + 1 + rng.uniform(-0.5, 0.5, 1000)
    reg = PolyNetRegressor(hidden_layer_sizes=(), degree=2, solver="lbfgs")
    reg.fit(X, y)

    p = unit_polynomial(reg)
    assert list(p.names) == ["1", "x0", "x0^2"]
    assert_allclose(p.coef, [1.0, 2.0, 1.0], atol=0.05)
    assert_array_equal(p.coef, reg.coefs_[0][:, 0])
    assert p.to_string(precision=1) == "1.0 + 2.0 x0 + 1.0 x0^2"
    assert re.fullmatch(r"[01]\.\d{3} \+ [12]\.\d{3} x0 \+ [01]\.\d{3} x0\^2", str(p))


@short_fit
@pytest.mark.parametrize("activation", ["identity", "tanh", "relu"])
@pytest.mark.parametrize("Estimator", [PolyNetClassifier, PolyNetRegressor])
def test_unit_polynomials_compose_to_estimator_raw_output(Estimator, activation):
    """Check that layer polynomials and activations rebuild _predict_raw."""
    rng = np.random.RandomState(6)
    X = rng.normal(size=(40, 3))
    y = rng.randint(3, size=40) if Estimator is PolyNetClassifier else X[:, 0]
    est = Estimator(
        hidden_layer_sizes=(4, 3),
        activation=activation,
        degree=(2, 2, 1),
        solver="lbfgs",
        max_iter=5,
        random_state=0,
    ).fit(X, y)

    a = X
    for layer in range(len(est.coefs_)):
        n_units = est.coefs_[layer].shape[1]
        z = np.column_stack(
            [unit_polynomial(est, layer, k).evaluate(a) for k in range(n_units)]
        )
        a = HIDDEN[activation](z)
    assert_allclose(z, est._predict_raw(X), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("interaction_only", [False, True])
def test_unit_polynomial_names_match_fitted_estimator(interaction_only):
    """Check a fitted estimator's first-layer names and DataFrame columns."""
    pd = pytest.importorskip("pandas", reason="needs a DataFrame input")
    rng = np.random.RandomState(7)
    X = pd.DataFrame(rng.normal(size=(30, 3)), columns=["a", "b", "c"])
    reg = PolyNetRegressor(
        hidden_layer_sizes=(2,),
        degree=3,
        interaction_only=interaction_only,
        solver="lbfgs",
        max_iter=2,
    )
    with pytest.warns(ConvergenceWarning):
        reg.fit(X, X["a"])
    features = PolynomialFeatures(3, interaction_only=interaction_only).fit(X)
    p = unit_polynomial(reg, layer=0, unit=1)
    assert_array_equal(p.names, features.get_feature_names_out())
    assert_allclose(p.evaluate(X), features.transform(X) @ reg.coefs_[0][:, 1])


@short_fit
@pytest.mark.parametrize("n_classes, multilabel", [(2, False), (3, False), (3, True)])
def test_network_polynomial_equals_classifier(n_classes, multilabel):
    """Check the expanded classifier against _predict_raw and predict_proba."""
    rng = np.random.RandomState(8)
    X = rng.normal(size=(60, 2))
    y = rng.randint(n_classes, size=60)
    if multilabel:
        y = (rng.uniform(size=(60, n_classes)) < 0.5).astype(int)
    clf = PolyNetClassifier(
        hidden_layer_sizes=(3,),
        activation="identity",
        degree=(2, 2),
        solver="lbfgs",
        max_iter=20,
        random_state=0,
    ).fit(X, y)
    expanded = network_polynomial(clf)
    assert expanded.degree == 4

    X_test = rng.uniform(-2, 2, size=(50, 2))
    raw = clf._predict_raw(X_test)
    assert_allclose(expanded.evaluate(X_test), raw, rtol=1e-10, atol=1e-10)

    proba = clf.predict_proba(X_test)
    if n_classes == 2:
        assert expanded.link == "logistic"
        proba = proba[:, 1:]
    else:
        assert expanded.link == ("logistic" if multilabel else "softmax")
    assert_allclose(expanded.evaluate(X_test, apply_link=True), proba, atol=1e-12)


@short_fit
@pytest.mark.parametrize(
    "loss, link", [("squared_error", "identity"), ("poisson", "exp")]
)
def test_network_polynomial_equals_regressor(loss, link):
    """Check the expanded regressor against _predict_raw and predict."""
    rng = np.random.RandomState(9)
    X = rng.uniform(-1, 1, size=(60, 2))
    mean = np.exp(0.5 * X[:, 0] - X[:, 1] ** 2)
    Y = np.column_stack([rng.poisson(mean), rng.poisson(2 * mean)])
    reg = PolyNetRegressor(
        hidden_layer_sizes=(3, 2),
        activation="identity",
        degree=(2, 1, 2),
        loss=loss,
        solver="lbfgs",
        max_iter=20,
        random_state=0,
    ).fit(X, Y)
    expanded = network_polynomial(reg)
    assert expanded.link == link
    assert expanded.degree == 4
    assert list(expanded.output_names) == ["y0", "y1"]

    X_test = rng.uniform(-2, 2, size=(50, 2))
    assert_allclose(
        expanded.evaluate(X_test), reg._predict_raw(X_test), rtol=1e-10, atol=1e-10
    )
    assert_allclose(
        expanded.evaluate(X_test, apply_link=True), reg.predict(X_test), rtol=1e-10
    )


@short_fit
def test_network_polynomial_refuses_fitted_tanh_network():
    """Check the refusal on a fitted network with tanh hidden units."""
    reg = PolyNetRegressor(
        hidden_layer_sizes=(2,), activation="tanh", solver="lbfgs", max_iter=2
    ).fit(np.eye(3), [0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="activation='tanh'.*not polynomials"):
        network_polynomial(reg)


@short_fit
def test_network_polynomial_of_scaled_pipeline():
    """Check a StandardScaler pipeline: polynomials are in the scaled inputs."""
    rng = np.random.RandomState(10)
    X = rng.normal(loc=[5.0, -3.0], scale=[3.0, 0.2], size=(80, 2))
    y = X[:, 0] * X[:, 1]
    pipe = make_pipeline(
        StandardScaler(),
        PolyNetRegressor(
            hidden_layer_sizes=(2,),
            activation="identity",
            degree=(2, 2),
            solver="lbfgs",
            max_iter=30,
            random_state=0,
        ),
    ).fit(X, y)
    expanded = network_polynomial(pipe)
    scaled = pipe[0].transform(X)
    assert_allclose(expanded.evaluate(scaled)[:, 0], pipe.predict(X), atol=1e-10)
    assert not np.allclose(expanded.evaluate(X)[:, 0], pipe.predict(X))


def test_evaluate_aligns_dataframe_columns():
    """Check that a DataFrame is read by column name, and a wrong one refused."""
    pd = pytest.importorskip("pandas", reason="needs a DataFrame input")
    p = Polynomial([1.0, 2.0, -1.0], [[0, 0], [1, 0], [0, 2]], ["u", "v"])
    X = np.array([[1.0, 2.0], [3.0, -1.0]])
    frame = pd.DataFrame(X, columns=["u", "v"])
    expected = 1 + 2 * X[:, 0] - X[:, 1] ** 2
    assert_allclose(p.evaluate(frame[["v", "u"]]), expected)
    net = NetworkPolynomial([p], "identity", ["y"])
    assert_allclose(net.evaluate(frame[["v", "u"]])[:, 0], expected)
    with pytest.raises(ValueError, match=r"missing \['v'\], unexpected \['w'\]"):
        p.evaluate(frame.rename(columns={"v": "w"}))


def test_wrapped_estimator_error_points_at_the_fitted_network():
    """Check that a search object is refused with a hint at best_estimator_."""
    from sklearn.model_selection import GridSearchCV

    X = _random_inputs(40, 2)
    y = (X[:, 0] > 0).astype(int)
    search = GridSearchCV(PolyNetClassifier((2,)), {"alpha": [1.0]}, cv=2).fit(X, y)
    with pytest.raises(TypeError, match=r"GridSearchCV.best_estimator_"):
        unit_polynomial(search)
    assert unit_polynomial(search.best_estimator_).coef.shape == (6,)
