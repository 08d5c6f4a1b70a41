"""Tests of reliability: bad input, divergence, overflow, interrupts, determinism."""

import hashlib
import os
import pickle
import subprocess
import sys
import tracemalloc
import warnings
from concurrent.futures import ThreadPoolExecutor

import joblib
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.preprocessing import StandardScaler

import skpoly
from skpoly import PolyNetClassifier, PolyNetRegressor
from skpoly._network import PolyNetwork
from skpoly._optimizers import AdamOptimizer, SGDOptimizer

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ESTIMATORS = {
    "classifier": PolyNetClassifier,
    "regressor": PolyNetRegressor,
}


def _data(kind, n_samples=40, n_features=3, seed=0):
    """Return small scaled data and targets for an estimator kind."""
    rng = np.random.RandomState(seed)
    X = rng.randn(n_samples, n_features)
    if kind == "classifier":
        return X, (X[:, 0] + X[:, 1] > 0).astype(np.int64)
    return X, X[:, 0] - 0.5 * X[:, 1] ** 2


def _small(kind, **params):
    """Return a small, fast, seeded estimator of the given kind."""
    defaults = dict(
        hidden_layer_sizes=(3,),
        activation="tanh",
        degree=2,
        alpha=1e-3,
        max_iter=15,
        random_state=0,
    )
    return ESTIMATORS[kind](**{**defaults, **params})


def _assert_valid_proba(proba, n_samples, n_classes):
    """Assert that proba is a finite (n_samples, n_classes) stochastic matrix."""
    assert proba.shape == (n_samples, n_classes)
    assert np.isfinite(proba).all()
    assert (proba >= 0).all() and (proba <= 1).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)


# ----------------------------------------------------------------------
# bad input: a clear error naming the problem, or a correct result


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
@pytest.mark.parametrize(
    "value, message",
    [
        (np.nan, "contains NaN"),
        (np.inf, "contains infinity"),
        (-np.inf, "contains infinity"),
    ],
)
@pytest.mark.parametrize("where", ["fit X", "fit y", "predict X", "partial_fit X"])
def test_non_finite_input_is_named(kind, value, message, where):
    """Check that NaN and +-inf in X or y are refused with the input named."""
    X, y = _data(kind)
    bad_X = X.copy()
    bad_X[3, 1] = value
    bad_y = y.astype(np.float64)
    bad_y[5] = value
    est = _small(kind, solver="sgd")
    name = "y" if where == "fit y" else "X"
    with pytest.raises(ValueError, match=f"Input {name} {message}"):
        if where == "fit X":
            est.fit(bad_X, y)
        elif where == "fit y":
            est.fit(X, bad_y)
        elif where == "predict X":
            est.fit(X, y).predict(bad_X)
        elif kind == "classifier":
            est.partial_fit(bad_X, y, classes=[0, 1])
        else:
            est.partial_fit(bad_X, y)


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_non_finite_sample_weight_is_named(value):
    """Check that a NaN or infinite sample weight is refused by name."""
    X, y = _data("classifier")
    weights = np.ones(len(y))
    weights[0] = value
    with pytest.raises(ValueError, match="Input sample_weight contains"):
        _small("classifier").fit(X, y, sample_weight=weights)


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_empty_X_is_refused(kind):
    """Check that X without samples is refused at fit and at predict."""
    X, y = _data(kind)
    with pytest.raises(ValueError, match=r"0 sample\(s\) \(shape=\(0, 3\)\)"):
        _small(kind).fit(np.empty((0, 3)), y[:0])
    est = _small(kind).fit(X, y)
    with pytest.raises(ValueError, match=r"0 sample\(s\) \(shape=\(0, 3\)\)"):
        est.predict(np.empty((0, 3)))


def test_one_sample_classifier_predicts_its_label():
    """Check that one training sample gives a single-class model of its label."""
    X = np.array([[0.3, -1.0]])
    clf = PolyNetClassifier((2,), random_state=0).fit(X, ["only"])
    np.testing.assert_array_equal(clf.classes_, ["only"])
    np.testing.assert_array_equal(clf.predict(np.zeros((3, 2))), ["only"] * 3)
    np.testing.assert_array_equal(clf.predict_proba(np.zeros((3, 2))), np.ones((3, 1)))


@pytest.mark.parametrize("solver", ["lbfgs", "sgd", "adam"])
def test_one_sample_regressor_fits_its_target(solver):
    """Check that a single sample is fitted exactly by a linear model."""
    X, y = np.array([[1.0, 2.0]]), np.array([3.0])
    reg = PolyNetRegressor(
        hidden_layer_sizes=(),
        degree=1,
        alpha=0.0,
        solver=solver,
        learning_rate_init=0.1,
        max_iter=500,
        n_iter_no_change=np.inf,
        random_state=0,
    ).fit(X, y)
    np.testing.assert_allclose(reg.predict(X), y, rtol=1e-9)


def test_one_feature_is_learned():
    """Check that a single feature works: x**2 > 1 is a degree-2 boundary."""
    x = np.linspace(-2, 2, 60).reshape(-1, 1)
    y = (x[:, 0] ** 2 > 1).astype(int)
    clf = PolyNetClassifier((), degree=2, alpha=1e-4, random_state=0).fit(x, y)
    assert clf.coefs_[0].shape == (3, 1)
    assert clf.score(x, y) >= 0.95


@pytest.mark.parametrize("constant", [0.0, 5.0])
def test_constant_feature_changes_nothing_essential(constant):
    """Check that a constant column keeps the fit finite and as accurate."""
    X, y = _data("classifier", n_samples=80)
    with_constant = np.column_stack([X, np.full(len(X), constant)])
    params = dict(hidden_layer_sizes=(), degree=2, alpha=1e-2, tol=1e-10, max_iter=2000)
    plain = PolyNetClassifier(**params).fit(X, y)
    padded = PolyNetClassifier(**params).fit(with_constant, y)
    assert all(np.isfinite(c).all() for c in padded.coefs_)
    assert padded.score(with_constant, y) >= plain.score(X, y) - 0.02
    if constant == 0.0:
        # a zero column adds monomials that are zero: the same model
        np.testing.assert_allclose(
            padded.predict_proba(with_constant), plain.predict_proba(X), atol=1e-4
        )


def test_feature_count_mismatch_is_named():
    """Check that a different number of features is refused at every entry."""
    X, y = _data("classifier")
    clf = _small("classifier", solver="sgd").fit(X, y)
    expected = r"X has 2 features, but PolyNetClassifier is expecting 3 features"
    with pytest.raises(ValueError, match=expected):
        clf.predict(X[:, :2])
    with pytest.raises(ValueError, match=expected):
        clf.predict_proba(X[:, :2])
    with pytest.raises(ValueError, match=expected):
        clf.partial_fit(X[:, :2], y)
    clf.set_params(warm_start=True)
    with pytest.raises(ValueError, match=expected):
        clf.fit(X[:, :2], y)


def test_one_dimensional_X_is_refused():
    """Check that 1-d X is refused with the reshape advice."""
    X, y = _data("classifier")
    with pytest.raises(ValueError, match=r"Expected 2D array, got 1D array"):
        _small("classifier").fit(X[:, 0], y)
    clf = _small("classifier").fit(X, y)
    with pytest.raises(ValueError, match=r"Expected 2D array, got 1D array"):
        clf.predict(X[0])


def test_complex_data_is_refused():
    """Check that complex X or y is refused as complex."""
    X, y = _data("regressor")
    with pytest.raises(ValueError, match="Complex data not supported"):
        _small("regressor").fit(X + 1j, y)
    with pytest.raises(ValueError, match="Complex data not supported"):
        _small("regressor").fit(X, y + 1j)


def test_object_X_of_numbers_equals_float_X():
    """Check that an object array of numbers fits as floats; strings are named."""
    X, y = _data("classifier")
    plain = _small("classifier").fit(X, y)
    boxed = _small("classifier").fit(X.astype(object), y)
    for a, b in zip(plain.coefs_, boxed.coefs_):
        np.testing.assert_array_equal(a, b)
    words = np.full(X.shape, "a", dtype=object)
    with pytest.raises(ValueError, match="could not convert string to float: 'a'"):
        _small("classifier").fit(words, y)


BASE_LABELS = np.array([0, 1, 2, 1, 0, 2] * 10)
XYZ = np.array(["x", "y", "z"])[BASE_LABELS]


@pytest.mark.parametrize(
    "labels, classes",
    [
        (np.array(["ant", "bee", "cat"])[BASE_LABELS], ["ant", "bee", "cat"]),
        (BASE_LABELS * 7 - 3, [-3, 4, 11]),
        (BASE_LABELS.astype(object), [0, 1, 2]),
        (pd.array(BASE_LABELS, dtype="Int64"), [0, 1, 2]),
        (pd.Series(BASE_LABELS * 2, dtype="Int64"), [0, 2, 4]),
        (pd.array(XYZ, dtype="string"), ["x", "y", "z"]),
        (pd.Series(XYZ, dtype="category"), ["x", "y", "z"]),
    ],
    ids=["str", "int", "object-int", "Int64", "Int64-series", "string", "category"],
)
def test_label_types_are_kept(labels, classes):
    """Check that predict returns labels of classes_' kind, the same as for ints."""
    X, _ = _data("classifier", n_samples=60)
    X[:, 0] += BASE_LABELS  # make the classes learnable
    clf = _small("classifier", max_iter=50).fit(X, labels)
    reference = _small("classifier", max_iter=50).fit(X, BASE_LABELS)

    np.testing.assert_array_equal(clf.classes_, classes)
    assert clf.classes_.dtype.kind == np.asarray(classes).dtype.kind
    predicted = clf.predict(X)
    assert predicted.dtype == clf.classes_.dtype
    # the same network, whatever the labels' type
    np.testing.assert_array_equal(predicted, clf.classes_[reference.predict(X)])
    np.testing.assert_array_equal(
        predicted, clf.classes_[clf.predict_proba(X).argmax(axis=1)]
    )


@pytest.mark.parametrize(
    "labels, kind",
    [
        (np.array([True, False] * 20), "b"),
        (pd.array([True, False] * 20, dtype="boolean"), "b"),
        (np.array([True, False] * 20, dtype=object), "b"),
    ],
    ids=["bool", "boolean", "object-bool"],
)
def test_boolean_labels_stay_boolean(labels, kind):
    """Check that boolean labels give boolean classes_ and predictions."""
    X, _ = _data("classifier")
    X[:, 0] += 3 * np.asarray(labels, dtype=float)
    clf = _small("classifier", max_iter=50).fit(X, labels)
    np.testing.assert_array_equal(clf.classes_, [False, True])
    assert clf.classes_.dtype.kind == kind
    predicted = clf.predict(X)
    assert predicted.dtype.kind == kind
    assert (predicted == np.asarray(labels, dtype=bool)).mean() > 0.9


@pytest.mark.parametrize(
    "labels",
    [
        np.array(["a", "b", None, "a"] * 5, dtype=object),
        np.array(["a", "b", np.nan, "a"] * 5, dtype=object),
        pd.array([1, 0, None, 1] * 5, dtype="Int64"),
        pd.array(["a", "b", None, "a"] * 5, dtype="string"),
        pd.Series([True, False, None, True] * 5, dtype="boolean"),
    ],
    ids=["object-None", "object-nan", "Int64-NA", "string-NA", "boolean-NA"],
)
def test_missing_labels_are_named(labels):
    """Check that None, NaN and pd.NA labels raise an error saying where."""
    X, _ = _data("classifier", n_samples=20)
    with pytest.raises(ValueError, match=r"y has 5 missing labels .* position 2"):
        _small("classifier").fit(X, labels)


@pytest.mark.parametrize("label", [7, "only"])
def test_single_class_predicts_it(label):
    """Check that one class is predicted with probability one, in one column."""
    X, _ = _data("classifier")
    clf = _small("classifier").fit(X, [label] * len(X))
    X_new = np.random.RandomState(1).randn(5, 3) * 10
    np.testing.assert_array_equal(clf.predict(X_new), [label] * 5)
    assert clf.predict(X_new).dtype == clf.classes_.dtype
    proba = clf.predict_proba(X_new)
    assert proba.shape == (5, len(clf.classes_)) == (5, 1)
    np.testing.assert_array_equal(proba, 1.0)
    np.testing.assert_array_equal(clf.predict_log_proba(X_new), 0.0)


def test_regression_target_for_the_classifier_is_named():
    """Check that continuous targets given to the classifier are refused."""
    X, y = _data("regressor")
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        _small("classifier").fit(X, y)


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_multilabel_indicator_targets(solver):
    """Check that indicator targets learn one logistic unit per label."""
    X, _ = _data("classifier", n_samples=120)
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] > 0, X[:, 0] + X[:, 2] > 0]).astype(int)
    clf = PolyNetClassifier(
        (6,), solver=solver, learning_rate_init=0.02, max_iter=300, random_state=0
    ).fit(X, Y)
    assert clf.out_activation_ == "logistic" and clf.n_outputs_ == 3
    predicted = clf.predict(X)
    assert predicted.shape == Y.shape and set(np.unique(predicted)) <= {0, 1}
    assert (predicted == Y).all(axis=1).mean() > 0.85
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape and ((proba > 0) & (proba < 1)).all()
    np.testing.assert_array_equal(predicted, (proba > 0.5).astype(int))


@pytest.mark.parametrize("solver", ["lbfgs", "sgd", "adam"])
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_X_equals_dense_fit(solver, fmt):
    """Check that CSR and CSC input train and predict as the dense array does."""
    rng = np.random.RandomState(0)
    X = sp.random(60, 5, density=0.4, format=fmt, random_state=rng)
    y = (X.toarray().sum(axis=1) > 0.5).astype(int)
    params = dict(solver=solver, learning_rate_init=0.01, max_iter=10)
    sparse_fit = _small("classifier", **params).fit(X, y)
    dense_fit = _small("classifier", **params).fit(X.toarray(), y)
    # equal up to the order of floating-point sums
    for a, b in zip(sparse_fit.coefs_, dense_fit.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(
        sparse_fit.predict_proba(X), dense_fit.predict_proba(X.toarray()), rtol=1e-9
    )


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_X_is_densified_one_chunk_at_a_time(monkeypatch, solver, fmt):
    """Check that a large sparse X is never densified whole, only in chunks."""
    n_samples, n_features = 3000, 17
    X = sp.random(n_samples, n_features, density=0.05, format=fmt, random_state=0)
    y = np.arange(n_samples) % 2
    densified = []

    def spy(original):
        def toarray(self, *args, **kwargs):
            if self.shape[1] == n_features:
                densified.append(self.shape[0])
            return original(self, *args, **kwargs)

        return toarray

    for cls in [sp.csr_matrix, sp.csc_matrix, sp.csr_array, sp.csc_array]:
        monkeypatch.setattr(cls, "toarray", spy(cls.toarray))
        monkeypatch.setattr(cls, "todense", spy(cls.todense))

    clf = PolyNetClassifier((4,), degree=2, solver=solver, max_iter=2, random_state=0)
    with sklearn.config_context(working_memory=0.05):
        clf.fit(X, y)
        assert densified and max(densified) <= n_samples // 4
        densified.clear()
        proba = clf.predict_proba(X)
    assert proba.shape == (n_samples, 2)
    # prediction densifies every row once, a chunk at a time
    assert sum(densified) == n_samples
    assert len(densified) >= 4 and max(densified) <= n_samples // 4


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_read_only_memmap_and_fortran_X(tmp_path, solver):
    """Check that memory-mapped read-only and F-ordered X fit as C-ordered X."""
    X, y = _data("classifier", n_samples=60)
    np.save(tmp_path / "X.npy", X)
    mapped = np.load(tmp_path / "X.npy", mmap_mode="r")
    assert not mapped.flags.writeable
    fortran = np.asfortranarray(X)
    params = dict(solver=solver, learning_rate_init=0.01)
    reference = _small("classifier", **params).fit(X, y)
    for X_variant in [mapped, fortran]:
        est = _small("classifier", **params).fit(X_variant, y)
        for a, b in zip(est.coefs_, reference.coefs_):
            np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(
            est.predict_proba(X_variant), reference.predict_proba(X), rtol=1e-12
        )
    np.testing.assert_array_equal(mapped, X)  # the input is untouched


# ----------------------------------------------------------------------
# sample weights


def test_zero_sample_weights_equal_dropping_the_rows():
    """Check that zero weights give the fit of the remaining rows."""
    X, y = _data("regressor", n_samples=50)
    weights = np.where(np.arange(50) % 3 == 0, 0.0, 1.0)
    params = dict(hidden_layer_sizes=(), degree=2, alpha=0.1, tol=1e-12)
    weighted = PolyNetRegressor(**params).fit(X, y, sample_weight=weights)
    kept = weights > 0
    dropped = PolyNetRegressor(**params).fit(X[kept], y[kept])
    np.testing.assert_allclose(weighted.predict(X), dropped.predict(X), atol=1e-6)


def test_integer_sample_weights_equal_repeated_rows_regressor():
    """Check that integer weights give the fit of repeated rows (ridge case)."""
    X, y = _data("regressor", n_samples=40)
    weights = np.random.RandomState(0).randint(1, 4, size=40)
    params = dict(hidden_layer_sizes=(), degree=2, alpha=0.5, tol=1e-12)
    weighted = PolyNetRegressor(**params).fit(X, y, sample_weight=weights)
    repeated = PolyNetRegressor(**params).fit(
        np.repeat(X, weights, axis=0), np.repeat(y, weights)
    )
    for a, b in zip(weighted.coefs_, repeated.coefs_):
        np.testing.assert_allclose(a, b, atol=1e-6)


@pytest.mark.parametrize(
    "weights, message",
    [
        (-np.ones(40), "sample_weight has negative values"),
        (np.zeros(40), "sample_weight is zero for every sample"),
        (np.ones(39), r"sample_weight has shape \(39,\) but X has 40 samples"),
        (np.ones((40, 2)), r"sample_weight has shape \(40, 2\) but X has 40"),
    ],
    ids=["negative", "all-zero", "short", "2-d"],
)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_bad_sample_weights_are_named(weights, message, method):
    """Check that bad weights are refused at fit and at partial_fit."""
    X, y = _data("regressor")
    with pytest.raises(ValueError, match=message):
        getattr(_small("regressor", solver="adam"), method)(X, y, sample_weight=weights)


# ----------------------------------------------------------------------
# early stopping on too little data


@pytest.mark.parametrize(
    "kind, n_samples, labels, message",
    [
        ("classifier", 6, [0, 1, 2] * 2, r"validation_fraction=0.1 of 6 samples \(1\)"),
        ("classifier", 10, [0] * 9 + [1], r"validation_fraction=0.1 of 10 samples"),
        ("regressor", 2, None, r"validation_fraction=0.1 of 2 samples leaves 1"),
        ("regressor", 1, None, r"validation_fraction=0.1 of 1 samples leaves 1"),
    ],
)
def test_early_stopping_on_too_little_data_names_validation_fraction(
    kind, n_samples, labels, message
):
    """Check that a validation split too small to use names validation_fraction."""
    X, y = _data(kind, n_samples=n_samples)
    if labels is not None:
        y = np.array(labels)
    est = _small(kind, solver="adam", early_stopping=True)
    with pytest.raises(ValueError, match=message) as info:
        est.fit(X, y)
    assert "set early_stopping=False" in str(info.value)


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
@pytest.mark.parametrize("seed", [0, 1])
def test_early_stopping_with_a_weightless_split_is_named(kind, seed):
    """Check that a split holding only zero weights is an error, not a crash."""
    X, y = _data(kind, n_samples=40)
    weights = np.zeros(40)
    weights[seed] = 1.0
    est = _small(kind, solver="adam", early_stopping=True, random_state=seed)
    with pytest.raises(ValueError, match=r"part has sample_weight 0"):
        est.fit(X, y, sample_weight=weights)


def test_early_stopping_scores_overflowing_validation_as_worst():
    """Check that validation predictions that overflow score -inf, not crash.

    A sample far out in the validation split made r2_score fail with
    'Input contains infinity', and a -inf score then never counted as no
    improvement, so n_iter_no_change did not stop the fit.
    """
    X = np.random.RandomState(0).randn(20, 1)
    y = X[:, 0] ** 2
    X[4, 0] = 1e120  # its cube overflows; random_state=11 puts it in validation
    reg = PolyNetRegressor(
        hidden_layer_sizes=(),
        degree=3,
        solver="adam",
        learning_rate_init=0.01,
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=3,
        max_iter=50,
        random_state=11,
    ).fit(X, y)
    assert reg.validation_scores_ == [-np.inf] * 4
    assert reg.n_iter_ == 4
    assert all(np.isfinite(c).all() for c in reg.coefs_)
    assert np.isfinite(reg.predict(np.delete(X, 4, axis=0))).all()


# ----------------------------------------------------------------------
# partial_fit and warm_start misuse


def test_partial_fit_label_outside_classes_is_named():
    """Check that labels outside classes= are refused on every call."""
    X, y = _data("classifier")
    message = r"labels \[2\] that are not in classes=\[0, 1\]"
    with pytest.raises(ValueError, match=message):
        _small("classifier", solver="sgd").partial_fit(X, y * 2, classes=[0, 1])
    clf = _small("classifier", solver="sgd").partial_fit(X, y, classes=[0, 1])
    message = r"labels \[5\] that are not in classes_ \[0, 1\]"
    with pytest.raises(ValueError, match=message):
        clf.partial_fit(X, y * 5)


def test_partial_fit_classes_cannot_change_or_be_missing():
    """Check the errors for changed classes and for no classes on the first call."""
    X, y = _data("classifier")
    with pytest.raises(ValueError, match="classes must be given on the first call"):
        _small("classifier", solver="adam").partial_fit(X, y)
    clf = _small("classifier", solver="adam").partial_fit(X, y, classes=[0, 1])
    message = r"classes=\[0, 1, 2\] differs from the classes_"
    with pytest.raises(ValueError, match=message):
        clf.partial_fit(X, y, classes=[0, 1, 2])
    clf.partial_fit(X, y, classes=[1, 0])  # the same set in another order is fine
    assert clf.n_iter_ == 2


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(hidden_layer_sizes=(4,)), r"\(hidden_layer_sizes \(3,\) -> \(4,\)\)"),
        (dict(degree=3), r"\(degrees \(2, 2\) -> \(3, 3\)\)"),
        (dict(degree=[2, 1]), r"\(degrees \(2, 2\) -> \(2, 1\)\)"),
        (dict(interaction_only=True), r"\(interaction_only\)"),
        (dict(activation="relu"), r"\(activation or loss\)"),
    ],
)
@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_warm_start_after_changing_the_network_is_named(change, message, solver):
    """Check that warm_start names exactly what changed in the network."""
    X, y = _data("regressor")
    reg = _small("regressor", solver=solver, warm_start=True).fit(X, y)
    coefs = [c.copy() for c in reg.coefs_]
    reg.set_params(**change)
    prefix = "Cannot continue fitting with warm_start=True: the network changed "
    with pytest.raises(ValueError, match=prefix + "since the last fit " + message):
        reg.fit(X, y)
    for a, b in zip(reg.coefs_, coefs):
        np.testing.assert_array_equal(a, b)


def test_changed_number_of_outputs_is_named():
    """Check that more outputs or more classes on a warm start are refused."""
    X, y = _data("regressor")
    reg = _small("regressor", warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match=r"\(number of outputs 1 -> 2\)"):
        reg.fit(X, np.column_stack([y, y]))
    reg = _small("regressor", solver="sgd").partial_fit(X, y)
    with pytest.raises(ValueError, match=r"\(number of outputs 1 -> 2\)"):
        reg.partial_fit(X, np.column_stack([y, y]))
    X, y = _data("classifier")
    clf = _small("classifier", warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match=r"labels \[2\] that are not in classes_"):
        clf.fit(X, np.arange(len(y)) % 3)


@pytest.mark.parametrize(
    "params, n_features, message",
    [
        (dict(hidden_layer_sizes=(), degree=5), 200, r"gives 2872408791 monomials"),
        (
            dict(hidden_layer_sizes=(10000,), degree=3),
            10,
            r"transition 1 gives 166766685001 monomials",
        ),
        (
            dict(hidden_layer_sizes=(), degree=6),
            60,
            r"90858768 monomials per sample, 90858768 coefficients for 1 units "
            r"and 5451526080 exponents",
        ),
        (
            dict(hidden_layer_sizes=(), degree=6, solver="adam"),
            30,
            r"mini-batch of 200 samples needs 1947793 .* at most 137",
        ),
    ],
    ids=["coefficients", "hidden-transition", "exponents", "mini-batch"],
)
def test_impossible_monomial_counts_are_refused_before_allocation(
    params, n_features, message
):
    """Check that a layer too large for memory is refused, allocating nothing."""
    X = np.zeros((300, n_features))
    reg = PolyNetRegressor(**params)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=message) as info:
            reg.fit(X, np.arange(300.0))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20
    assert "Lower degree" in str(info.value) or "batch_size" in str(info.value)


# ----------------------------------------------------------------------
# training that goes wrong


def _fit_or_diverge(est, X, y):
    """Fit est; return True if it finished, False if it raised the divergence."""
    try:
        est.fit(X, y)
    except ValueError as exc:
        assert str(exc).startswith("The fit diverged: ")
        assert "StandardScaler" in str(exc) and "max_grad_norm" in str(exc)
        with pytest.raises(NotFittedError):
            est.predict(X)
        return False
    assert all(np.isfinite(c).all() for c in est.coefs_)
    assert np.isfinite(est.loss_)
    return True


@pytest.mark.parametrize("activation", ["relu", "tanh", "identity"])
@pytest.mark.parametrize(
    "solver, learning_rate_init", [("sgd", 10.0), ("adam", 100.0), ("lbfgs", 1e-3)]
)
@pytest.mark.parametrize("target", ["binary", "multiclass", "regression"])
def test_wild_training_finishes_finite_or_raises_divergence(
    activation, solver, learning_rate_init, target
):
    """Check that huge steps, raw inputs and degree 4 end finite or in the error.

    A finished fit must give finite predictions and valid probabilities, on
    the training inputs and on inputs 1e3 and 1e6 times larger, or (for a
    classifier whose polynomial overflows to NaN) the error saying so.
    """
    X, y = make_regression(60, 3, random_state=0)
    X = X * 100  # values in the hundreds
    if target == "binary":
        y = (y > 0).astype(int)
    elif target == "multiclass":
        y = np.digitize(y, np.percentile(y, [33, 66]))
    else:
        y = 1e12 + y * 1e10  # targets near 1e12
    kind = "regressor" if target == "regression" else "classifier"
    est = ESTIMATORS[kind](
        hidden_layer_sizes=(4,),
        activation=activation,
        degree=4,
        solver=solver,
        learning_rate_init=learning_rate_init,
        max_iter=8,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        if not _fit_or_diverge(est, X, y):
            return
        for scale in [1.0, 1e3, 1e6]:
            X_far = X * scale
            if kind == "regressor":
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", UserWarning)
                    predicted = est.predict(X_far)
                finite = np.isfinite(predicted)
                assert bool(caught) == (not finite.all())
                if caught:
                    count = f"{(~finite).sum()} of the 60 predictions are not"
                    assert str(caught[0].message).startswith(count)
                continue
            try:
                proba = est.predict_proba(X_far)
            except ValueError as exc:
                assert "The network's output is NaN for" in str(exc)
                continue
            _assert_valid_proba(proba, len(X), len(est.classes_))
            np.testing.assert_array_equal(
                est.predict(X_far), est.classes_[proba.argmax(axis=1)]
            )


def test_divergence_on_unscaled_data_is_the_clear_error():
    """Check that a certain divergence raises the error, not NaN coefficients."""
    X, y = make_regression(50, 3, random_state=0)
    reg = PolyNetRegressor(
        hidden_layer_sizes=(4,),
        activation="identity",
        degree=4,
        solver="sgd",
        learning_rate_init=10.0,
        random_state=0,
    )
    message = r"The fit diverged: the training loss became (inf|nan)"
    with pytest.raises(ValueError, match=message):
        reg.fit(X * 1e3, y * 1e12)
    assert not hasattr(reg, "coefs_")


def test_max_grad_norm_turns_divergence_into_convergence():
    """Check that clipping the gradient norm makes a diverging fit converge."""
    rng = np.random.RandomState(0)
    X = rng.uniform(-3, 3, size=(200, 2))
    y = (X[:, 0] ** 2 - X[:, 1] > 1).astype(int)
    params = dict(
        hidden_layer_sizes=(4,),
        activation="identity",
        degree=3,
        solver="sgd",
        learning_rate_init=0.1,
        momentum=0.0,
        max_iter=50,
        random_state=0,
    )
    with pytest.raises(ValueError, match="The fit diverged"):
        PolyNetClassifier(**params).fit(X, y)
    clf = PolyNetClassifier(max_grad_norm=1.0, **params).fit(X, y)
    assert all(np.isfinite(c).all() for c in clf.coefs_)
    assert clf.score(X, y) > 0.9


def test_failed_fit_leaves_no_garbage_and_keeps_earlier_progress():
    """Check that a diverged call leaves the estimator as it was before it.

    A fit that raised the divergence error used to keep the coefficients it
    had reached (the estimator looked fitted and predicted NaN), and a
    diverged partial_fit lost the earlier calls' coefficients and records.
    """
    X, y = make_regression(60, 3, random_state=0)
    X = StandardScaler().fit_transform(X)
    y = y / y.std()
    reg = PolyNetRegressor(
        hidden_layer_sizes=(4,),
        activation="tanh",
        degree=2,
        solver="sgd",
        batch_size=10,
        learning_rate_init=0.01,
        random_state=0,
    )
    reg.partial_fit(X, y)
    reg.partial_fit(X, y)
    before = pickle.dumps(reg)
    coefs = [c.copy() for c in reg.coefs_]
    velocity = reg._optimizer.velocity.copy()
    predicted = reg.predict(X)

    # a partial_fit whose updates explode part-way through the epoch
    with pytest.raises(ValueError, match="The fit diverged"):
        reg.partial_fit(X * 30, y * 1e150)
    assert reg.n_iter_ == 2 and len(reg.loss_curve_) == 2
    for a, b in zip(reg.coefs_, coefs):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(reg._optimizer.velocity, velocity)
    np.testing.assert_array_equal(reg.predict(X), predicted)

    # and it continues exactly as a copy that never failed
    twin = pickle.loads(before)
    np.testing.assert_array_equal(
        reg.partial_fit(X, y).predict(X), twin.partial_fit(X, y).predict(X)
    )


@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
@pytest.mark.parametrize("solver", ["lbfgs", "sgd", "adam"])
@pytest.mark.parametrize("target", ["multiclass", "binary", "squared_error", "poisson"])
def test_normal_fit_emits_no_runtime_warning(activation, solver, target):
    """Check that fit, predict and scoring leak no RuntimeWarning from numpy."""
    X, y = make_regression(50, 3, random_state=0)
    X = StandardScaler().fit_transform(X)
    y = y / y.std()
    if target == "multiclass":
        est, y = PolyNetClassifier(), np.digitize(y, [-0.5, 0.5])
    elif target == "binary":
        est, y = PolyNetClassifier(), (y > 0).astype(int)
    else:
        est = PolyNetRegressor(loss=target)
        y = np.exp(y / 2) if target == "poisson" else y
    est.set_params(
        hidden_layer_sizes=(4,),
        activation=activation,
        # exp of a polynomial of polynomials grows too fast for a plain fit
        degree=1 if target == "poisson" else 2,
        solver=solver,
        learning_rate_init=0.001,
        max_iter=10,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        est.fit(X, y)
        assert np.isfinite(est.predict(X)).all()
        est.score(X, y)
        if target in ("multiclass", "binary"):
            _assert_valid_proba(est.predict_proba(X * 1e3), 50, len(est.classes_))
            assert np.isfinite(est.predict_log_proba(X)).all()


def _saturated_linear_model(n_classes):
    """Return a degree-1 classifier whose first input drives outputs to +-inf."""
    X, y = _data("classifier", n_samples=30)
    y = np.arange(30) % n_classes
    clf = PolyNetClassifier((), degree=1, max_iter=2, random_state=0).fit(X, y)
    for coef in clf.coefs_:
        coef[...] = 0.0
        coef[1, : max(1, n_classes - 1)] = 1e308
    return clf


def test_overflowed_outputs_give_limit_probabilities():
    """Check that +-inf outputs give probabilities 1/0, ties sharing, no warning."""
    X_far = np.array([[10.0, 0, 0], [-10.0, 0, 0], [1e-300, 0, 0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        multiclass = _saturated_linear_model(3)
        raw = multiclass._predict_raw(X_far)
        assert np.isposinf(raw[0, :2]).all() and np.isneginf(raw[1, :2]).all()
        proba = multiclass.predict_proba(X_far)
        np.testing.assert_allclose(proba, [[0.5, 0.5, 0], [0, 0, 1], [0.5, 0.5, 0]])
        np.testing.assert_array_equal(multiclass.predict(X_far), [0, 2, 0])
        log_proba = multiclass.predict_log_proba(X_far)
        np.testing.assert_allclose(log_proba[0, :2], np.log(0.5))
        assert log_proba[1, 2] == 0 and (log_proba[1, :2] < -1e300).all()

        binary = _saturated_linear_model(2)
        np.testing.assert_array_equal(
            binary.predict_proba(X_far), [[0, 1], [1, 0], [0, 1]]
        )
        np.testing.assert_array_equal(binary.predict(X_far), [1, 0, 1])
        assert np.isfinite(binary.predict_log_proba(X_far)).all()


def test_undefined_outputs_raise_instead_of_garbage():
    """Check that a NaN output (inf - inf) is an error, not a made-up label."""
    X, _ = _data("classifier", n_samples=30)
    clf = PolyNetClassifier(
        (1,), activation="identity", degree=[1, 2], max_iter=2, random_state=0
    ).fit(X, np.arange(30) % 3)
    # hidden a = 1e308 x0; outputs a - a**2, a + a**2 and 2 a + a**2, so
    # x0=10 gives a = inf and inf - inf, x0=0.1 gives a**2 = inf only
    for coef in clf.coefs_:
        coef[...] = 0.0
    clf.coefs_[0][1, 0] = 1e308
    clf.coefs_[1][1:] = [[1.0, 1.0, 2.0], [-1.0, 1.0, 1.0]]
    X_far = np.array([[0.1, 0, 0], [10.0, 0, 0], [1e-300, 0, 0]])
    message = r"output is NaN for 1 of the 3 samples, the first at row 1"
    for method in [clf.predict, clf.predict_proba, clf.predict_log_proba]:
        with pytest.raises(ValueError, match=message):
            method(X_far)
    proba = clf.predict_proba(X_far[[0, 2]])
    np.testing.assert_allclose(proba, [[0, 0.5, 0.5], [0, 0, 1]])


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_overflowed_regression_predictions_warn(loss):
    """Check that a regressor's overflowing predictions come with a warning."""
    X, y = _data("regressor")
    y = np.abs(y)
    reg = PolyNetRegressor(
        loss, hidden_layer_sizes=(), degree=4, max_iter=5, random_state=0
    ).fit(X, y)
    X_far = X[:10].copy()
    X_far[[3, 7]] *= 1e100  # x**4 overflows
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        message = (
            r"2 of the 10 predictions are not finite \(inf or NaN\), the first at row 3"
        )
        with pytest.warns(UserWarning, match=message):
            predicted = reg.predict(X_far)
    assert not np.isfinite(predicted[[3, 7]]).any()
    np.testing.assert_allclose(predicted[[0, 1, 2]], reg.predict(X[:3]))


# ----------------------------------------------------------------------
# keyboard interrupts


def _interrupt_after(monkeypatch, cls, name, n_calls):
    """Make cls.name raise KeyboardInterrupt on call n_calls + 1."""
    original = getattr(cls, name)
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > n_calls:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(cls, name, wrapper)


@pytest.mark.parametrize(
    "solver, cls, name, n_calls, n_epochs",
    [
        ("sgd", SGDOptimizer, "update", 7, 2),
        ("adam", AdamOptimizer, "update", 7, 2),
        ("sgd", PolyNetwork, "loss_grad", 10, 3),
        ("lbfgs", PolyNetwork, "loss_grad", 6, None),
    ],
)
def test_keyboard_interrupt_keeps_the_last_finished_epoch(
    monkeypatch, solver, cls, name, n_calls, n_epochs
):
    """Check that an interrupt warns and keeps the last finished epoch's model."""
    X, y = _data("classifier", n_samples=90)
    params = dict(
        hidden_layer_sizes=(4,),
        solver=solver,
        batch_size=30,
        max_iter=50,
        random_state=0,
    )
    _interrupt_after(monkeypatch, cls, name, n_calls)
    with pytest.warns(UserWarning, match=r"Training interrupted by the user after \d+"):
        clf = PolyNetClassifier(**params).fit(X, y)
    monkeypatch.undo()
    if n_epochs is not None:
        assert clf.n_iter_ == n_epochs
    assert clf.n_iter_ == len(clf.loss_curve_) >= 1

    # the same as a fit stopped after that many epochs (iterations)
    reference = PolyNetClassifier(**{**params, "max_iter": clf.n_iter_}).fit(X, y)
    for a, b in zip(clf.coefs_, reference.coefs_):
        np.testing.assert_array_equal(a, b)
    assert clf.loss_ == reference.loss_
    np.testing.assert_array_equal(clf.predict_proba(X), reference.predict_proba(X))


def test_keyboard_interrupt_in_the_first_iteration_keeps_the_start(monkeypatch):
    """Check that an interrupt before any finished iteration keeps the start.

    lbfgs used to raise 'The fit diverged' here, taking the missing loss as
    infinite.
    """
    X, y = _data("classifier")
    fits = {}
    for solver in ["lbfgs", "adam"]:
        _interrupt_after(monkeypatch, PolyNetwork, "loss_grad", 0)
        with pytest.warns(UserWarning, match="after 0 "):
            fits[solver] = _small("classifier", solver=solver).fit(X, y)
        monkeypatch.undo()
        assert fits[solver].n_iter_ == 0 and fits[solver].loss_ is None
    # both kept the same initial coefficients, drawn from random_state
    for a, b in zip(fits["lbfgs"].coefs_, fits["adam"].coefs_):
        np.testing.assert_array_equal(a, b)
    assert fits["lbfgs"].predict(X).shape == (len(X),)


def test_keyboard_interrupt_during_a_warm_start_counts_its_own_iterations(monkeypatch):
    """Check that an interrupted warm-started lbfgs fit adds only its iterations."""
    X, y = _data("classifier")
    clf = _small("classifier", max_iter=5, warm_start=True).fit(X, y)
    assert clf.n_iter_ == 5
    _interrupt_after(monkeypatch, PolyNetwork, "loss_grad", 8)
    with pytest.warns(UserWarning, match="interrupted"):
        clf.set_params(max_iter=100).fit(X, y)
    assert clf.n_iter_ == len(clf.loss_curve_)
    assert 5 < clf.n_iter_ < 5 + 8


# ----------------------------------------------------------------------
# determinism, persistence and threads


def _path():
    """Return PYTHONPATH with the directory of this skpoly first."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(skpoly.__file__)))
    return os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])


_FIT_SCRIPT = """
import hashlib, sys, warnings
import numpy as np
from sklearn.datasets import make_classification
from skpoly import PolyNetClassifier
warnings.simplefilter("ignore")
X, y = make_classification(80, 4, random_state=0)
for solver in ["lbfgs", "sgd", "adam"]:
    clf = PolyNetClassifier((5,), degree=2, solver=solver, max_iter=15,
                            random_state=42).fit(X, y)
    digest = hashlib.sha256(b"".join(c.tobytes() for c in clf.coefs_))
    print(solver, digest.hexdigest())
"""


def test_same_random_state_is_bit_identical_across_processes():
    """Check that random_state fixes every bit of coefs_, in another process too."""
    here = subprocess.run(
        [sys.executable, "-c", _FIT_SCRIPT],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "123", "PYTHONPATH": _path()},
        timeout=120,
    ).stdout
    X, y = make_classification(80, 4, random_state=0)
    lines = []
    for solver in ["lbfgs", "sgd", "adam"]:
        clf = PolyNetClassifier(
            (5,), degree=2, solver=solver, max_iter=15, random_state=42
        ).fit(X, y)
        digest = hashlib.sha256(b"".join(c.tobytes() for c in clf.coefs_))
        lines.append(f"{solver} {digest.hexdigest()}")
    assert here.split("\n")[:3] == lines
    assert len(set(line.split()[1] for line in lines)) == 3


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_pickle_and_joblib_round_trips_predict_identically(tmp_path, solver):
    """Check that pickle and joblib keep predictions and the optimizer state."""
    X, y = _data("classifier", n_samples=60)
    clf = _small("classifier", solver=solver, degree=[3, 2]).fit(X, y)
    joblib.dump(clf, tmp_path / "model.joblib")
    copies = [pickle.loads(pickle.dumps(clf)), joblib.load(tmp_path / "model.joblib")]
    for restored in copies:
        np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
        np.testing.assert_array_equal(restored.predict(X), clf.predict(X))
    if solver == "adam":
        # training goes on exactly as the original's: optimizer and rng kept
        clf.partial_fit(X, y)
        for restored in copies:
            restored.partial_fit(X, y)
            for a, b in zip(restored.coefs_, clf.coefs_):
                np.testing.assert_array_equal(a, b)


def test_concurrent_predictions_equal_serial_ones():
    """Check that threads predicting with one model get the serial results."""
    X, y = _data("classifier", n_samples=400, n_features=4)
    clf = _small("classifier", hidden_layer_sizes=(6, 4), degree=3).fit(X, y)
    reg = _small("regressor", hidden_layer_sizes=(6,), degree=3).fit(X, X[:, 0] ** 2)
    batches = [X[i::8] * (1 + i) for i in range(8)]
    serial = [(clf.predict_proba(b), reg.predict(b)) for b in batches]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(
            pool.map(lambda b: (clf.predict_proba(b), reg.predict(b)), batches * 3)
        )
    for (proba, predicted), (proba_ref, predicted_ref) in zip(results, serial * 3):
        np.testing.assert_array_equal(proba, proba_ref)
        np.testing.assert_array_equal(predicted, predicted_ref)
