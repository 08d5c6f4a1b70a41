"""Tests for block-wise training with skpoly.streaming (no dask needed)."""

import doctest
import math
import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.utils import gen_even_slices

import skpoly.streaming
from skpoly import PolyNetClassifier, PolyNetRegressor
from skpoly.streaming import fit_blocks


class RecordingSGDClassifier(SGDClassifier):
    """SGDClassifier that keeps a copy of what each partial_fit call gets."""

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        if not hasattr(self, "calls_"):
            self.calls_ = []
        self.calls_.append(
            {
                "X": np.array(X, copy=True),
                "y": np.array(y, copy=True),
                "sample_weight": (
                    None if sample_weight is None else np.array(sample_weight)
                ),
                "classes": classes,
            }
        )
        return super().partial_fit(X, y, classes=classes, sample_weight=sample_weight)


def make_classification_data(n_samples=200, n_features=4, seed=0):
    """Return X whose first column is the row index, and 3-class labels."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features))
    X[:, 0] = np.arange(n_samples)
    y = np.digitize(X[:, 1] + X[:, 2], [-0.5, 0.5])
    return X, y


def row_ids(call):
    """Return the row indices a recorded call saw."""
    return call["X"][:, 0].astype(int)


def test_fit_blocks_one_pass_per_epoch():
    """Check that each epoch trains on every row exactly once, one block per
    partial_fit call, and that block order and row order are shuffled."""
    X, y = make_classification_data(n_samples=200)
    est = RecordingSGDClassifier(random_state=0)
    fit_blocks(est, X, y, epochs=3, block_size=30, random_state=0)

    n_blocks = math.ceil(200 / 30)
    assert len(est.calls_) == 3 * n_blocks
    for epoch in range(3):
        calls = est.calls_[epoch * n_blocks : (epoch + 1) * n_blocks]
        assert all(len(row_ids(c)) <= 30 for c in calls)
        seen = np.concatenate([row_ids(c) for c in calls])
        np.testing.assert_array_equal(np.sort(seen), np.arange(200))

    # rows are permuted inside blocks and blocks come in a new order
    first = row_ids(est.calls_[0])
    assert not np.array_equal(first, np.sort(first))
    starts = [
        [row_ids(c).min() for c in est.calls_[e * n_blocks : (e + 1) * n_blocks]]
        for e in range(3)
    ]
    assert starts[0] != sorted(starts[0]) or starts[1] != sorted(starts[1])
    assert starts[0] != starts[1]

    # y and the rows stay paired after the permutation
    for call in est.calls_:
        np.testing.assert_array_equal(call["y"], y[row_ids(call)])


def test_fit_blocks_without_shuffle_equals_manual_loop():
    """Check that shuffle=False is the plain loop over row blocks in order."""
    X, y = make_classification_data()
    streamed = fit_blocks(
        SGDClassifier(random_state=0, shuffle=False),
        X,
        y,
        epochs=2,
        shuffle=False,
    )

    manual = SGDClassifier(random_state=0, shuffle=False)
    for _ in range(2):
        for rows in gen_even_slices(len(X), 10):
            manual.partial_fit(X[rows], y[rows], classes=np.array([0, 1, 2]))
    np.testing.assert_array_equal(streamed.coef_, manual.coef_)
    np.testing.assert_array_equal(streamed.intercept_, manual.intercept_)


def test_fit_blocks_random_state_reproducible():
    """Check that the same random_state gives the same model and another
    random_state a different one."""
    X, y = make_classification_data()
    est = SGDClassifier(random_state=0)
    a = fit_blocks(clone(est), X, y, epochs=2, random_state=3)
    b = fit_blocks(clone(est), X, y, epochs=2, random_state=3)
    c = fit_blocks(clone(est), X, y, epochs=2, random_state=4)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert not np.allclose(a.coef_, c.coef_)


def test_fit_blocks_computes_classes_for_first_call():
    """Check that the first partial_fit call gets every label even when the
    first block lacks some, and later calls get none."""
    X, y = make_classification_data(n_samples=90)
    order = np.argsort(y, kind="stable")
    X, y = X[order], y[order]
    est = RecordingSGDClassifier(random_state=0)
    fit_blocks(est, X, y, epochs=1, block_size=30, shuffle=False)

    assert len(np.unique(est.calls_[0]["y"])) == 1
    np.testing.assert_array_equal(est.calls_[0]["classes"], [0, 1, 2])
    assert all(call["classes"] is None for call in est.calls_[1:])
    np.testing.assert_array_equal(est.classes_, [0, 1, 2])


def test_fit_blocks_classes_given_are_used():
    """Check that classes= reaches partial_fit unchanged, unseen labels too."""
    X, y = make_classification_data()
    est = fit_blocks(
        SGDClassifier(random_state=0), X, y, epochs=1, classes=[0, 1, 2, 7]
    )
    np.testing.assert_array_equal(est.classes_, [0, 1, 2, 7])


def test_fit_blocks_sample_weight_follows_rows():
    """Check that each block's weights belong to the block's rows."""
    X, y = make_classification_data()
    weights = 1.0 + np.arange(len(X)) / 100
    est = RecordingSGDClassifier(random_state=0)
    fit_blocks(est, X, y, epochs=2, sample_weight=weights, random_state=0)
    for call in est.calls_:
        np.testing.assert_array_equal(call["sample_weight"], weights[row_ids(call)])


def test_fit_blocks_sample_weight_changes_model():
    """Check that zero weights train as if those rows were absent."""
    X, y = make_classification_data(n_samples=120)
    weights = np.where(np.arange(120) % 2 == 0, 1.0, 0.0)
    est = SGDClassifier(random_state=0, shuffle=False)
    weighted = fit_blocks(
        clone(est),
        X,
        y,
        epochs=1,
        block_size=40,
        shuffle=False,
        sample_weight=weights,
    )
    plain = fit_blocks(clone(est), X, y, epochs=1, block_size=40, shuffle=False)
    assert not np.allclose(weighted.coef_, plain.coef_)


def test_fit_blocks_callable_called_once_per_epoch():
    """Check that a callable is called once per epoch, once more to find the
    labels when classes is not given, and that 3-tuples carry weights."""
    X, y = make_classification_data(n_samples=100)
    weights = np.linspace(0.5, 1.5, 100)
    n_calls = []

    def make_blocks():
        n_calls.append(1)
        for rows in gen_even_slices(100, 4):
            yield X[rows], y[rows], weights[rows]

    est = RecordingSGDClassifier(random_state=0)
    fit_blocks(est, make_blocks, epochs=3, random_state=0)
    assert len(n_calls) == 4
    assert len(est.calls_) == 12
    for call in est.calls_:
        np.testing.assert_array_equal(call["sample_weight"], weights[row_ids(call)])

    n_calls.clear()
    fit_blocks(clone(est), make_blocks, epochs=3, classes=[0, 1, 2])
    assert len(n_calls) == 3


def test_fit_blocks_rejects_iterator():
    """Check that a one-shot iterator is refused with a hint to wrap it."""
    X, y = make_classification_data()
    blocks = iter([(X[:50], y[:50]), (X[50:], y[50:])])
    with pytest.raises(TypeError, match="pass a callable"):
        fit_blocks(SGDClassifier(), blocks, classes=[0, 1, 2])


def test_fit_blocks_bad_block_from_callable():
    """Check that a callable yielding bare arrays gets a clear error."""
    X, y = make_classification_data()
    with pytest.raises(TypeError, match="Block 0 from the callable"):
        fit_blocks(SGDClassifier(), lambda: [X], classes=[0, 1, 2])


def test_fit_blocks_validation_blocks_held_out():
    """Check that held-out blocks are never trained on and are recorded."""
    X, y = make_classification_data(n_samples=200)
    est = RecordingSGDClassifier(random_state=0)
    _, history = fit_blocks(
        est,
        X,
        y,
        epochs=2,
        block_size=20,
        validation_fraction=0.25,
        random_state=0,
        return_history=True,
        n_iter_no_change=10,
    )
    held_out = history.validation_blocks
    assert len(held_out) == math.ceil(0.25 * 10)
    held_rows = np.concatenate([np.arange(20 * b, 20 * b + 20) for b in held_out])
    trained = np.concatenate([row_ids(c) for c in est.calls_])
    assert np.intersect1d(trained, held_rows).size == 0
    assert len(trained) == 2 * (200 - len(held_rows))
    assert len(history.validation_score) == 2
    assert history.n_samples == [200 - len(held_rows)] * 2


def scripted_scorer(scores):
    """Return a scorer that hands out the given scores in turn."""
    values = iter(scores)

    def scorer(estimator, X, y):
        return next(values)

    return scorer


@pytest.mark.parametrize(
    "estimator",
    [
        pytest.param(SGDClassifier(random_state=0), id="sgd"),
        pytest.param(MLPClassifier((4,), random_state=0), id="mlp"),
        pytest.param(
            PolyNetClassifier((4,), solver="adam", random_state=0), id="polynet"
        ),
    ],
)
def test_fit_blocks_early_stopping_restores_best(estimator):
    """Check that training stops after n_iter_no_change epochs without a gain
    of tol, that the best epoch's model is put back, and that it trains on
    from there as the uninterrupted model does."""
    X, y = make_classification_data()
    X[:, 0] /= len(X)
    X_val, y_val = make_classification_data(seed=1)
    scores = [0.5, 0.7, 0.705, 0.69, 0.7, 0.9]
    est, history = fit_blocks(
        clone(estimator),
        X,
        y,
        epochs=6,
        random_state=0,
        validation=(X_val, y_val),
        scoring=scripted_scorer(scores),
        n_iter_no_change=3,
        tol=0.01,
        return_history=True,
    )
    assert history.n_epochs == 5
    assert history.stopped_early
    assert history.validation_score == scores[:5]
    assert history.best_epoch == 2
    assert history.best_validation_score == 0.705
    assert history.restored_best

    # the same run cut after the best epoch gives the restored model
    at_best = fit_blocks(clone(estimator), X, y, epochs=3, random_state=0)
    np.testing.assert_array_equal(flat_coefs(est), flat_coefs(at_best))
    assert est.t_ == at_best.t_

    # both go on identically, optimizer state included
    est.partial_fit(X, y)
    at_best.partial_fit(X, y)
    np.testing.assert_array_equal(flat_coefs(est), flat_coefs(at_best))


def flat_coefs(est):
    """Return every coefficient of a linear model or a network, flattened."""
    if hasattr(est, "coefs_"):
        return np.concatenate([coef.ravel() for coef in est.coefs_])
    return np.r_[est.coef_.ravel(), est.intercept_]


def test_fit_blocks_restore_best_false_keeps_last():
    """Check that restore_best=False keeps the last epoch's model."""
    X, y = make_classification_data()
    X_val, y_val = make_classification_data(seed=1)
    est, history = fit_blocks(
        SGDClassifier(random_state=0),
        X,
        y,
        epochs=4,
        random_state=0,
        validation=(X_val, y_val),
        scoring=scripted_scorer([0.9, 0.1, 0.1, 0.1]),
        n_iter_no_change=2,
        restore_best=False,
        return_history=True,
    )
    assert history.n_epochs == 3 and not history.restored_best
    last = fit_blocks(SGDClassifier(random_state=0), X, y, epochs=3, random_state=0)
    np.testing.assert_array_equal(est.coef_, last.coef_)


def test_fit_blocks_records_mlp_loss():
    """Check that train_loss is the row-weighted mean of loss_ per call."""
    X, y = make_classification_data(n_samples=90)
    X = X[:, 1:]
    est = MLPClassifier((5,), solver="adam", random_state=0)
    _, history = fit_blocks(
        clone(est),
        X,
        y,
        epochs=2,
        block_size=40,
        shuffle=False,
        return_history=True,
    )

    manual, expected = clone(est), []
    for _ in range(2):
        losses = []
        for rows in (slice(0, 40), slice(40, 80), slice(80, 90)):
            manual.partial_fit(X[rows], y[rows], classes=[0, 1, 2])
            losses.append(manual.loss_ * (rows.stop - rows.start))
        expected.append(sum(losses) / 90)
    np.testing.assert_allclose(history.train_loss, expected)
    assert history.train_loss[1] < history.train_loss[0]


def test_fit_blocks_train_loss_nan_without_loss_attribute():
    """Check that an estimator without loss_ gets NaN losses, not zeros."""
    X, y = make_classification_data()
    _, history = fit_blocks(
        SGDClassifier(random_state=0), X, y, epochs=2, return_history=True
    )
    assert np.isnan(history.train_loss).all()


def test_fit_blocks_keeps_dataframe_feature_names():
    """Check that blocks of a DataFrame stay DataFrames."""
    pd = pytest.importorskip("pandas")
    X, y = make_classification_data()
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    est = fit_blocks(SGDClassifier(random_state=0), frame, pd.Series(y))
    np.testing.assert_array_equal(est.feature_names_in_, frame.columns)


def test_fit_blocks_regressor_needs_no_classes():
    """Check that a regressor needs no classes and is not given any."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.01 * rng.normal(size=300)
    est = fit_blocks(SGDRegressor(random_state=0), X, y, epochs=20, random_state=0)
    np.testing.assert_allclose(est.coef_, [1.0, -2.0, 0.5], atol=0.05)


def test_fit_blocks_verbose_prints_epochs(capsys):
    """Check that verbose prints one line per epoch and the stop reason."""
    X, y = make_classification_data()
    X_val, y_val = make_classification_data(seed=1)
    fit_blocks(
        SGDClassifier(random_state=0),
        X,
        y,
        epochs=3,
        verbose=True,
        validation=(X_val, y_val),
        n_iter_no_change=5,
    )
    out = capsys.readouterr().out
    assert out.count("Epoch ") == 3
    assert "Epoch 2/3: 200 samples" in out and "validation score" in out
    assert "Stopped after the last of 3 epochs." in out


@pytest.mark.parametrize(
    "params, message",
    [
        ({"epochs": 0}, "'epochs' parameter of fit_blocks"),
        ({"block_size": 2.5}, "'block_size' parameter of fit_blocks"),
        ({"tol": -1.0}, "'tol' parameter of fit_blocks"),
        ({"validation_fraction": 1.0}, "'validation_fraction' parameter"),
        ({"n_iter_no_change": 0}, "'n_iter_no_change' parameter"),
        ({"shuffle": "yes"}, "'shuffle' parameter of fit_blocks"),
    ],
)
def test_fit_blocks_invalid_param_named(params, message):
    """Check that an out-of-range parameter is named in the error."""
    X, y = make_classification_data()
    with pytest.raises(ValueError, match=message):
        fit_blocks(SGDClassifier(), X, y, **params)


def test_fit_blocks_invalid_combinations_listed_together():
    """Check that conflicting parameters are all named in one error."""
    X, y = make_classification_data()
    with pytest.raises(ValueError, match="set only one of them.*tuple of 1"):
        fit_blocks(SGDClassifier(), X, y, validation=(X,), validation_fraction=0.1)
    with pytest.raises(ValueError, match="leaving none to train on"):
        fit_blocks(SGDClassifier(), X, y, block_size=150, validation_fraction=0.6)
    with pytest.raises(ValueError, match="validation_fraction needs blocks"):
        fit_blocks(
            SGDClassifier(),
            lambda: [(X, y)],
            classes=[0, 1, 2],
            validation_fraction=0.2,
        )
    with pytest.raises(ValueError, match="block_size=10 has no effect"):
        fit_blocks(SGDClassifier(), lambda: [(X, y)], block_size=10)
    with pytest.raises(ValueError, match="pass y=None and sample_weight=None"):
        fit_blocks(SGDClassifier(), lambda: [(X, y)], y)


def test_fit_blocks_rejects_estimator_without_partial_fit():
    """Check that an estimator without partial_fit is refused by name."""
    from sklearn.linear_model import LogisticRegression

    X, y = make_classification_data()
    with pytest.raises(TypeError, match="LogisticRegression has no partial_fit"):
        fit_blocks(LogisticRegression(), X, y)


class CountingRegressor(RegressorMixin, BaseEstimator):
    """Incremental mean of y whose partial_fit takes no sample_weight."""

    def partial_fit(self, X, y):
        self.n_seen_ = getattr(self, "n_seen_", 0) + len(y)
        self.total_ = getattr(self, "total_", 0.0) + float(np.sum(y))
        return self

    def predict(self, X):
        return np.full(len(X), self.total_ / self.n_seen_)


def test_fit_blocks_sample_weight_unsupported():
    """Check that weights for a partial_fit without sample_weight raise, and
    that such an estimator trains fine without them."""
    X, y = make_classification_data()
    with pytest.raises(TypeError, match="takes no sample_weight parameter"):
        fit_blocks(CountingRegressor(), X, y, sample_weight=np.ones(len(X)))
    est = fit_blocks(CountingRegressor(), X, y, epochs=2)
    assert est.n_seen_ == 2 * len(X)
    np.testing.assert_allclose(est.predict(X[:1]), y.mean())


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(
    "make_estimator",
    [
        pytest.param(lambda: SGDClassifier(random_state=0), id="sgd"),
        pytest.param(
            lambda: MLPClassifier((16,), random_state=0, max_iter=30),
            id="mlp",
        ),
        pytest.param(
            lambda: PolyNetClassifier(
                (8,), degree=2, solver="adam", random_state=0, max_iter=30
            ),
            id="polynet",
        ),
    ],
)
def test_fit_blocks_matches_full_fit(make_estimator):
    """Check that streaming the data in blocks scores within a few points of
    fitting on all of it at once."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(3000, 5))
    y = (X[:, 0] - X[:, 1] + 0.5 * X[:, 2] ** 2 > 0.3).astype(int)
    X_train, y_train, X_test, y_test = X[:2000], y[:2000], X[2000:], y[2000:]
    epochs = getattr(make_estimator(), "max_iter", 30)
    epochs = min(epochs, 30)

    full = make_estimator()
    if hasattr(full, "max_iter"):
        full.set_params(max_iter=epochs)
    full.fit(X_train, y_train)
    streamed = fit_blocks(
        make_estimator(),
        X_train,
        y_train,
        epochs=epochs,
        block_size=250,
        random_state=0,
    )
    assert abs(full.score(X_test, y_test) - streamed.score(X_test, y_test)) < 0.04
    assert streamed.score(X_test, y_test) > 0.75


def test_streaming_doctests():
    """Check that the module's docstring examples run and print what they say."""
    results = doctest.testmod(
        skpoly.streaming, optionflags=doctest.ELLIPSIS, verbose=False
    )
    assert results.attempted > 0
    assert results.failed == 0


# partial_fit semantics that fit_blocks relies on. scikit-learn's MLP models
# are the reference the tests are checked against; skpoly's must match them.


def incremental_estimators():
    """Return factories of incremental estimators, tagged by task."""
    return [
        pytest.param(MLPClassifier, "classifier", id="mlp-classifier"),
        pytest.param(MLPRegressor, "regressor", id="mlp-regressor"),
        pytest.param(
            PolyNetClassifier,
            "classifier",
            id="polynet-classifier",
        ),
        pytest.param(
            PolyNetRegressor,
            "regressor",
            id="polynet-regressor",
        ),
    ]


def make_task_data(task, n_samples=60, seed=0):
    """Return small seeded data for a classifier or a regressor."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, 3))
    if task == "classifier":
        return X, np.digitize(X[:, 0] + X[:, 1], [-0.5, 0.5])
    return X, X[:, 0] - 2 * X[:, 1] + 0.1 * rng.normal(size=n_samples)


def first_call_params(task):
    """Return the extra partial_fit arguments of a first call."""
    return {"classes": np.array([0, 1, 2])} if task == "classifier" else {}


def assert_same_coefs(a, b):
    """Assert that two fitted networks have the same coefficients."""
    assert len(a.coefs_) == len(b.coefs_)
    for coef_a, coef_b in zip(a.coefs_, b.coefs_):
        np.testing.assert_allclose(coef_a, coef_b, rtol=1e-10, atol=1e-12)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("Estimator, task", incremental_estimators())
def test_partial_fit_one_epoch_per_call(Estimator, task, solver):
    """Check that k partial_fit calls on the same data are k epochs of fit,
    optimizer state included, and that t_ and loss_curve_ count them."""
    X, y = make_task_data(task)
    params = dict(
        hidden_layer_sizes=(4,),
        solver=solver,
        batch_size=16,
        shuffle=False,
        random_state=0,
    )
    incremental = Estimator(**params)
    for _ in range(3):
        incremental.partial_fit(X, y, **first_call_params(task))
    full = Estimator(max_iter=3, **params).fit(X, y)

    assert_same_coefs(incremental, full)
    assert incremental.t_ == 3 * len(X)
    assert len(incremental.loss_curve_) == 3
    np.testing.assert_allclose(incremental.loss_curve_, full.loss_curve_)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("Estimator, task", incremental_estimators())
def test_partial_fit_first_call_is_fit_one_epoch(Estimator, task):
    """Check that one partial_fit call with shuffling is fit(max_iter=1)."""
    X, y = make_task_data(task)
    params = dict(hidden_layer_sizes=(4,), solver="adam", batch_size=8, random_state=0)
    once = Estimator(**params).partial_fit(X, y, **first_call_params(task))
    full = Estimator(max_iter=1, **params).fit(X, y)
    assert_same_coefs(once, full)


@pytest.mark.parametrize("Estimator, task", incremental_estimators())
def test_partial_fit_t_counts_samples(Estimator, task):
    """Check that t_ adds the rows of each call, whatever their weights."""
    X, y = make_task_data(task)
    est = Estimator(hidden_layer_sizes=(4,), solver="adam", random_state=0)
    est.partial_fit(X[:30], y[:30], **first_call_params(task))
    assert est.t_ == 30
    est.partial_fit(X[30:50], y[30:50], sample_weight=np.full(20, 3.0))
    est.partial_fit(X[50:], y[50:])
    assert est.t_ == 60


@pytest.mark.parametrize("Estimator, task", incremental_estimators())
def test_partial_fit_sample_weight_honoured(Estimator, task):
    """Check that, in one full-batch epoch, zero weights act as removed rows
    and a weight of 2 as a duplicated row."""
    X, y = make_task_data(task)
    params = dict(
        hidden_layer_sizes=(4,),
        solver="sgd",
        batch_size=len(X) + 10,
        shuffle=False,
        random_state=0,
    )

    def one_epoch(X, y, sample_weight=None):
        with warnings.catch_warnings():
            # a batch_size above n_samples is clipped, with a warning
            warnings.simplefilter("ignore", UserWarning)
            return Estimator(**params).partial_fit(
                X, y, sample_weight=sample_weight, **first_call_params(task)
            )

    weights = np.ones(len(X))
    weights[::3] = 0.0
    kept = weights > 0
    assert_same_coefs(one_epoch(X, y, weights), one_epoch(X[kept], y[kept]))

    weights = np.ones(len(X))
    weights[:5] = 2.0
    duplicated = np.r_[np.arange(len(X)), np.arange(5)]
    assert_same_coefs(one_epoch(X, y, weights), one_epoch(X[duplicated], y[duplicated]))

    unweighted = one_epoch(X, y)
    assert not np.allclose(unweighted.coefs_[0], one_epoch(X, y, weights).coefs_[0])


@pytest.mark.parametrize("Estimator", [MLPClassifier, PolyNetClassifier])
def test_partial_fit_classes_fixed_from_first_call(Estimator):
    """Check that classes_ is set from the first call's classes and kept."""
    check_classes_fixed_from_first_call(Estimator)


def check_classes_fixed_from_first_call(Estimator):
    """Assert the classes_ contract of partial_fit for one classifier."""
    X, y = make_task_data("classifier")
    est = Estimator(hidden_layer_sizes=(4,), solver="adam", random_state=0)
    with pytest.raises(ValueError, match="classes"):
        clone(est).partial_fit(X, y)

    first = y < 2
    est.partial_fit(X[first], y[first], classes=[0, 1, 2])
    np.testing.assert_array_equal(est.classes_, [0, 1, 2])
    assert est.predict_proba(X).shape == (len(X), 3)

    est.partial_fit(X[y == 2], y[y == 2])
    np.testing.assert_array_equal(est.classes_, [0, 1, 2])
    with pytest.raises(ValueError):
        est.partial_fit(X[:3], np.array([0, 1, 5]))
    np.testing.assert_array_equal(est.classes_, [0, 1, 2])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", ["lbfgs", "sgd", "adam"])
@pytest.mark.parametrize("Estimator, task", incremental_estimators())
def test_pickle_size_close_to_coefficients(Estimator, task, solver):
    """Check that a fitted model pickles to about its coefficients' size:
    no cached expansion of the training data and no per-batch work buffers.
    The optimizer's state (at most two coefficient-sized arrays, for adam)
    and a few kilobytes of small attributes are allowed."""
    X, y = make_task_data(task, n_samples=3000)
    noise = np.random.RandomState(1).normal(size=(3000, 5))
    X = np.hstack([X, noise])
    est = Estimator(
        hidden_layer_sizes=(4,), solver=solver, max_iter=5, random_state=0
    ).fit(X, y)

    coef_bytes = sum(coef.nbytes for coef in est.coefs_)
    coef_bytes += sum(b.nbytes for b in getattr(est, "intercepts_", []))
    table_bytes = sum(p.nbytes for p in getattr(est, "powers_", []))
    budget = 3 * coef_bytes + table_bytes + 16_000
    n_bytes = len(pickle.dumps(est))
    # one batch of degree-2 monomials of the 8 inputs: 200 * 45 * 8 = 72 kB
    assert n_bytes < budget, (n_bytes, coef_bytes, table_bytes)
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.predict(X[:20]), est.predict(X[:20]))


def test_fit_blocks_names_solver_without_partial_fit():
    """Check that a PolyNet on lbfgs is refused with the solvers to use."""
    X, y = make_classification_data()
    with pytest.raises(TypeError, match="solver='lbfgs' has none; set solver="):
        fit_blocks(PolyNetClassifier(solver="lbfgs"), X, y)
