"""Randomised tests: any small problem fits and predicts, or fails with a message."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

from skpoly import PolyNetClassifier, PolyNetRegressor

# what a refusal of bad data or a failed fit may say; any other ValueError
# or TypeError (a numpy broadcasting error, say) is a bug
EXPECTED_ERRORS = [
    "The fit diverged",
    "early_stopping",
    "sample_weight is zero for every sample",
    "loss='poisson' needs targets >= 0",
    "The network's output is NaN",
    "y holds labels",
]

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _draw_X(data, rng, n_samples, n_features):
    """Draw an X of a random dtype, scale, memory layout and sparsity."""
    scale = data.draw(st.sampled_from([1.0, 1.0, 30.0, 1e3]), label="scale")
    X = rng.randn(n_samples, n_features) * scale
    layout = data.draw(
        st.sampled_from(["float64", "float32", "int", "bool", "F", "csr", "csc"]),
        label="layout",
    )
    if layout == "float32":
        return X.astype(np.float32)
    if layout == "int":
        return np.round(X).astype(np.int64)
    if layout == "bool":
        return X > 0
    if layout == "F":
        return np.asfortranarray(X)
    if layout in ("csr", "csc"):
        X[rng.rand(*X.shape) < 0.5] = 0.0
        return sp.csr_matrix(X) if layout == "csr" else sp.csc_matrix(X)
    return X


def _draw_labels(data, rng, X):
    """Draw classification targets of a random kind and number of classes."""
    n_samples = X.shape[0]
    kind = data.draw(
        st.sampled_from(
            ["int", "str", "bool", "single", "object-int", "Int64", "multilabel"]
        ),
        label="labels",
    )
    if kind == "multilabel":
        return (rng.rand(n_samples, data.draw(st.integers(2, 3))) > 0.5).astype(int)
    if kind == "single":
        return np.full(n_samples, "only")
    n_classes = 2 if kind == "bool" else data.draw(st.integers(2, 4), label="classes")
    codes = rng.randint(0, n_classes, n_samples)
    if kind == "str":
        return np.array(["ant", "bee", "cat", "dog"])[codes]
    if kind == "bool":
        return codes.astype(bool)
    if kind == "object-int":
        return (codes * 5).astype(object)
    if kind == "Int64":
        return pd.array(codes, dtype="Int64")
    return codes - 1


def _draw_estimator(data, kind):
    """Draw an estimator with a random architecture and solver."""
    hidden = data.draw(st.sampled_from([(), (2,), (3,), (2, 2)]), label="hidden")
    if data.draw(st.booleans(), label="per-layer degree"):
        degree = data.draw(
            st.lists(
                st.integers(1, 3), min_size=len(hidden) + 1, max_size=len(hidden) + 1
            )
        )
    else:
        degree = data.draw(st.integers(1, 3), label="degree")
    solver = data.draw(st.sampled_from(["lbfgs", "sgd", "adam"]), label="solver")
    params = dict(
        hidden_layer_sizes=hidden,
        degree=degree,
        activation=data.draw(
            st.sampled_from(["identity", "logistic", "tanh", "relu"]),
            label="activation",
        ),
        interaction_only=data.draw(st.booleans(), label="interaction_only"),
        solver=solver,
        alpha=data.draw(st.sampled_from([0.0, 1e-3, 1.0]), label="alpha"),
        learning_rate_init=data.draw(st.sampled_from([1e-3, 0.1, 10.0]), label="lr"),
        batch_size=data.draw(st.sampled_from(["auto", 1, 4]), label="batch_size"),
        early_stopping=solver != "lbfgs" and data.draw(st.booleans(), label="es"),
        max_iter=3,
        random_state=0,
    )
    if kind == "regressor":
        loss = data.draw(st.sampled_from(["squared_error", "poisson"]), label="loss")
        return PolyNetRegressor(loss=loss, **params)
    return PolyNetClassifier(**params)


def _check_refusal(exc, est):
    """Assert that a refusal is a known, explained error and changed nothing."""
    message = str(exc)
    assert any(text in message for text in EXPECTED_ERRORS), message
    assert not hasattr(est, "coefs_"), "a failed fit left coefficients behind"


def _check_predictions(est, X, y):
    """Assert that the fitted estimator's outputs have the right shape and type."""
    n_samples = X.shape[0]
    if isinstance(est, PolyNetRegressor):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UserWarning)
            predicted = est.predict(X)
        assert predicted.shape == np.shape(y)
        assert predicted.dtype == (np.float32 if X.dtype == np.float32 else np.float64)
        finite = np.isfinite(predicted)
        assert finite.all() or "predictions are not finite" in str(caught[-1].message)
        return

    predicted = est.predict(X)
    proba = est.predict_proba(X)
    log_proba = est.predict_log_proba(X)
    if np.ndim(y) == 2:
        assert predicted.shape == proba.shape == np.shape(y)
        assert set(np.unique(predicted)) <= {0, 1}
        assert ((proba > 0) & (proba < 1)).all()
        return
    assert predicted.shape == (n_samples,)
    assert predicted.dtype == est.classes_.dtype
    assert np.isin(predicted, est.classes_).all()
    assert proba.shape == log_proba.shape == (n_samples, len(est.classes_))
    assert np.isfinite(proba).all() and (proba >= 0).all() and (proba <= 1).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-10)
    assert not np.isnan(log_proba).any()
    np.testing.assert_array_equal(predicted, est.classes_[proba.argmax(axis=1)])


@FUZZ
@given(data=st.data())
def test_fuzz_fit_predict(data):
    """Check that random small problems fit and predict, or fail with a message.

    Draws the estimator kind, shapes, dtypes, sparsity, architecture,
    degrees, activation, solver, step size, sample weights and label set;
    fit and predict must either succeed with outputs of the right shape and
    type (finite, valid probabilities) or raise a ValueError or TypeError
    from the list of explained errors, leaving no coefficients behind.
    """
    kind = data.draw(st.sampled_from(["classifier", "regressor"]), label="kind")
    rng = np.random.RandomState(data.draw(st.integers(0, 2**16), label="seed"))
    n_samples = data.draw(st.integers(1, 25), label="n_samples")
    X = _draw_X(data, rng, n_samples, data.draw(st.integers(1, 4), label="n_features"))
    if kind == "classifier":
        y = _draw_labels(data, rng, X)
    else:
        y = np.abs(rng.randn(n_samples)) * data.draw(st.sampled_from([1.0, 1e6]))
        if data.draw(st.booleans(), label="two outputs"):
            y = np.column_stack([y, y[::-1]])
    sample_weight = None
    if data.draw(st.booleans(), label="weighted"):
        sample_weight = rng.randint(0, 4, n_samples)
    est = _draw_estimator(data, kind)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("error", RuntimeWarning)
        try:
            est.fit(X, y, sample_weight=sample_weight)
        except (ValueError, TypeError) as exc:
            _check_refusal(exc, est)
            return
        assert all(np.isfinite(c).all() for c in est.coefs_)
        for X_test in [X, X * 10]:
            try:
                _check_predictions(est, X_test, y)
            except ValueError as exc:
                assert "The network's output is NaN" in str(exc), str(exc)


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data())
def test_fuzz_partial_fit_stream(data):
    """Check that a random stream of partial_fit batches never corrupts the model.

    Batches may hold a label outside classes, the wrong number of features
    or exploding values; such a batch must be refused with a message and
    leave the coefficients as they were, and the stream then goes on.
    """
    rng = np.random.RandomState(data.draw(st.integers(0, 2**16), label="seed"))
    classes = ["a", "b", "c"][: data.draw(st.integers(1, 3), label="n_classes")]
    clf = PolyNetClassifier(
        data.draw(st.sampled_from([(), (3,)]), label="hidden"),
        degree=data.draw(st.integers(1, 3), label="degree"),
        solver=data.draw(st.sampled_from(["sgd", "adam"]), label="solver"),
        learning_rate_init=data.draw(st.sampled_from([1e-3, 1.0]), label="lr"),
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)
        spoiled = False
        for _ in range(data.draw(st.integers(2, 5), label="n_batches")):
            n_samples = data.draw(st.integers(1, 8), label="batch")
            trouble = data.draw(
                st.sampled_from(["none", "none", "label", "features", "huge"]),
                label="trouble",
            )
            if trouble == "features" and not hasattr(clf, "coefs_"):
                trouble = "none"  # the first fit sets the number of features
            X = rng.randn(n_samples, 3 if trouble != "features" else 2)
            if trouble == "huge":
                X = X * 1e120
            y = np.array(classes)[rng.randint(0, len(classes), n_samples)]
            if trouble == "label":
                y[0] = "zebra"
            before = None
            if hasattr(clf, "coefs_"):
                before = [c.copy() for c in clf.coefs_]
            try:
                first = not hasattr(clf, "classes_")
                clf.partial_fit(X, y, classes=classes if first else None)
            except ValueError as exc:
                message = str(exc)
                # a model spoiled by a huge batch may diverge on any later one
                assert trouble != "none" or spoiled, message
                assert any(
                    text in message
                    for text in ["The fit diverged", "not in classes", "features"]
                ), message
                if before is None:
                    assert not hasattr(clf, "coefs_")
                else:
                    for a, b in zip(clf.coefs_, before):
                        np.testing.assert_array_equal(a, b)
                continue
            assert trouble in ("none", "huge")
            spoiled = spoiled or trouble == "huge"
            proba = clf.predict_proba(rng.randn(4, 3))
            assert proba.shape == (4, len(classes))
            np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-10)
            assert set(clf.predict(rng.randn(4, 3))) <= set(classes)
