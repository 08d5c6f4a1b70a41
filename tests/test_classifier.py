"""Tests of PolyNetClassifier's targets, outputs and partial_fit."""

import numpy as np
import pytest
from scipy.special import logsumexp
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.preprocessing import StandardScaler

from skpoly import PolyNetClassifier


def test_binary_uses_one_logistic_unit_and_string_labels():
    """Check the binary encoding: one logistic unit, labels kept as given."""
    X, y = make_classification(80, 4, random_state=0)
    labels = np.array(["no", "yes"])[y]
    clf = PolyNetClassifier((3,), random_state=0).fit(X, labels)
    assert clf.n_outputs_ == 1 and clf.out_activation_ == "logistic"
    np.testing.assert_array_equal(clf.classes_, ["no", "yes"])
    proba = clf.predict_proba(X)
    assert proba.shape == (80, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    expected = clf.classes_[(proba[:, 1] > 0.5).astype(int)]
    np.testing.assert_array_equal(clf.predict(X), expected)
    assert clf.predict(X).dtype == labels.dtype


def test_multilabel_indicator_targets():
    """Check multilabel y: one logistic unit per label and 0/1 predictions."""
    X, Y = make_multilabel_classification(100, 5, n_classes=3, random_state=0)
    X = StandardScaler().fit_transform(X)
    clf = PolyNetClassifier((6,), random_state=0).fit(X, Y)
    assert clf.out_activation_ == "logistic" and clf.n_outputs_ == 3
    proba = clf.predict_proba(X)
    assert proba.shape == (100, 3)
    np.testing.assert_array_equal(clf.predict(X), (proba > 0.5).astype(int))
    assert clf.score(X, Y) > 0.6


def test_predict_log_proba_is_stable_where_proba_underflows():
    """Check that log-probabilities stay finite where probabilities round to 0."""
    X, y = make_classification(
        60, 3, n_informative=3, n_redundant=0, n_classes=3, random_state=0
    )
    clf = PolyNetClassifier((), degree=1, random_state=0).fit(X, y)
    far = X[:5] * 1e4
    log_proba = clf.predict_log_proba(far)
    assert np.isfinite(log_proba).all()
    # rows are normalised log-probabilities
    np.testing.assert_allclose(logsumexp(log_proba, axis=1), 0.0, atol=1e-10)
    np.testing.assert_allclose(np.exp(log_proba), clf.predict_proba(far), atol=1e-12)


def test_partial_fit_classes_rules():
    """Check the rules for classes= across partial_fit calls."""
    X, y = make_classification(50, 4, random_state=0)
    clf = PolyNetClassifier((3,), solver="sgd", random_state=0)
    clf.partial_fit(X[:20], y[:20], classes=[0, 1, 2])
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.n_outputs_ == 3
    clf.partial_fit(X[20:], y[20:])
    with pytest.raises(ValueError, match=r"classes=\[0, 1\] differs"):
        clf.partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match=r"labels \[7\] that are not in classes_"):
        clf.partial_fit(X[:2], [7, 0])


def test_single_class_predicts_it():
    """Check that a single class is predicted with probability one."""
    X = np.random.RandomState(0).normal(size=(10, 2))
    clf = PolyNetClassifier((2,), random_state=0).fit(X, ["a"] * 10)
    np.testing.assert_array_equal(clf.predict(X[:3]), ["a", "a", "a"])
    np.testing.assert_array_equal(clf.predict_proba(X[:3]), np.ones((3, 1)))


def test_regression_target_is_refused():
    """Check that continuous targets are refused by the classifier."""
    X = np.random.RandomState(0).normal(size=(10, 2))
    with pytest.raises(ValueError, match="Unknown label type"):
        PolyNetClassifier().fit(X, X[:, 0])
