"""Tests for dask arrays in skpoly.streaming and for dask-backed model search."""

import numpy as np
import pytest

da = pytest.importorskip(
    "dask.array", reason="dask is not installed; pip install 'skpoly[dask]'"
)
distributed = pytest.importorskip(
    "distributed", reason="distributed is not installed; pip install 'skpoly[dask]'"
)

import dask  # noqa: E402
import joblib  # noqa: E402
from dask.distributed import Client, LocalCluster, get_task_stream  # noqa: E402
from sklearn.base import clone, is_regressor  # noqa: E402
from sklearn.linear_model import SGDClassifier, SGDRegressor  # noqa: E402
from sklearn.model_selection import (  # noqa: E402
    GridSearchCV,
    KFold,
    cross_val_score,
)
from sklearn.neural_network import MLPClassifier  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from skpoly import PolyNetClassifier, PolyNetRegressor  # noqa: E402
from skpoly.streaming import fit_blocks, predict_blocks  # noqa: E402


@pytest.fixture(autouse=True)
def one_blas_thread():
    """Run each test on one BLAS thread: the in-process workers are threads
    of this process, and each one running a multi-threaded BLAS on tiny
    matrices oversubscribes the cores many times over."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@pytest.fixture
def client():
    """A two-worker in-process cluster on loopback, closed after the test."""
    with (
        LocalCluster(
            host="127.0.0.1",
            protocol="tcp://",
            dashboard_address="127.0.0.1:0",
            processes=False,
            n_workers=2,
            threads_per_worker=1,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def make_data(n_samples=240, n_features=3, seed=0):
    """Return a seeded feature matrix and binary labels."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features))
    y = (X[:, 0] + X[:, 1] ** 2 > 0.5).astype(int)
    return X, y


class RecordingSGDClassifier(SGDClassifier):
    """SGDClassifier that appends to a shared log on each partial_fit call."""

    def __init__(self, log=None, random_state=None):
        super().__init__(random_state=random_state)
        self.log = log

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        self.log.append(("fit", X.shape[0]))
        return super().partial_fit(X, y, classes=classes, sample_weight=sample_weight)


def test_fit_blocks_dask_matches_numpy():
    """Check that a dask array trains exactly like the same numbers in memory
    split at the same rows, whatever the chunks of y and the weights."""
    X, y = make_data()
    weights = np.linspace(0.5, 2.0, len(X))
    X_dask = da.from_array(X, chunks=(30, 2))
    y_dask = da.from_array(y, chunks=45)
    weights_dask = da.from_array(weights, chunks=70)

    est = SGDClassifier(random_state=0)
    in_memory = fit_blocks(
        clone(est),
        X,
        y,
        epochs=3,
        block_size=30,
        random_state=1,
        sample_weight=weights,
    )
    streamed = fit_blocks(
        clone(est),
        X_dask,
        y_dask,
        epochs=3,
        random_state=1,
        sample_weight=weights_dask,
    )
    np.testing.assert_array_equal(streamed.coef_, in_memory.coef_)
    np.testing.assert_array_equal(streamed.classes_, [0, 1])

    # block_size rechunks the dask rows
    rechunked = fit_blocks(
        clone(est),
        da.from_array(X, chunks=100),
        y,
        epochs=3,
        block_size=30,
        random_state=1,
        sample_weight=weights,
    )
    np.testing.assert_array_equal(rechunked.coef_, in_memory.coef_)


def test_fit_blocks_dask_computes_one_block_at_a_time():
    """Check that blocks are computed one at a time, each just before its
    partial_fit call, once per epoch even when y is derived from X, and that
    the labels cost exactly one extra pass when classes is not given."""
    log = []
    n_blocks, block_rows = 6, 25

    def make_block(i):
        log.append(("compute", i))
        return np.random.RandomState(i).normal(size=(block_rows, 3))

    X = da.concatenate(
        [
            da.from_delayed(dask.delayed(make_block)(i), (block_rows, 3), dtype=float)
            for i in range(n_blocks)
        ]
    )
    y = (X[:, 0] + X[:, 1] > 0).astype(int)

    est = RecordingSGDClassifier(log=log, random_state=0)
    fit_blocks(est, X, y, epochs=2, classes=[0, 1], random_state=0)
    kinds = [entry[0] for entry in log]
    assert kinds == ["compute", "fit"] * (2 * n_blocks)
    assert all(entry == ("fit", block_rows) for entry in log[1::2])
    computed = [i for kind, i in log if kind == "compute"]
    assert sorted(computed[:n_blocks]) == list(range(n_blocks))
    assert computed[:n_blocks] != computed[n_blocks:]

    log.clear()
    fit_blocks(clone(est).set_params(log=log), X, y, epochs=1, random_state=0)
    kinds = [entry[0] for entry in log]
    assert kinds == ["compute"] * n_blocks + ["compute", "fit"] * n_blocks


def test_fit_blocks_dask_validation_fraction():
    """Check that held-out dask blocks match the in-memory choice and are
    scored after each epoch."""
    X, y = make_data()
    est = SGDClassifier(random_state=0)
    kwargs = dict(
        epochs=3,
        validation_fraction=0.25,
        random_state=2,
        return_history=True,
        n_iter_no_change=10,
    )
    mem, mem_history = fit_blocks(clone(est), X, y, block_size=40, **kwargs)
    lazy, lazy_history = fit_blocks(
        clone(est),
        da.from_array(X, chunks=40),
        da.from_array(y, chunks=40),
        **kwargs,
    )
    np.testing.assert_array_equal(
        lazy_history.validation_blocks, mem_history.validation_blocks
    )
    assert lazy_history.validation_score == mem_history.validation_score
    assert len(lazy_history.validation_score) == 3
    assert lazy_history.n_samples == [240 - 2 * 40] * 3
    np.testing.assert_array_equal(lazy.coef_, mem.coef_)


def test_fit_blocks_dask_validation_tuple_computed():
    """Check that a dask validation pair is computed and scored."""
    X, y = make_data()
    X_val, y_val = make_data(seed=1)
    _, history = fit_blocks(
        SGDClassifier(random_state=0),
        da.from_array(X, chunks=60),
        y,
        epochs=2,
        random_state=0,
        return_history=True,
        validation=(da.from_array(X_val, chunks=50), da.from_array(y_val)),
    )
    assert len(history.validation_score) == 2
    assert 0.5 < history.best_validation_score <= 1.0


def test_fit_blocks_dask_unknown_chunk_sizes():
    """Check that filtered dask arrays (unknown chunk sizes) train on the
    filtered rows block by block when y is filtered the same way, and that
    in-memory y is refused with a hint."""
    X, y = make_data()
    X_dask, y_dask = da.from_array(X, chunks=60), da.from_array(y, chunks=60)
    keep = X_dask[:, 2] > -0.5
    assert np.isnan(X_dask[keep].shape[0])
    est = fit_blocks(
        SGDClassifier(random_state=0),
        X_dask[keep],
        y_dask[keep],
        epochs=2,
        classes=[0, 1],
        shuffle=False,
    )

    def filtered_blocks():
        for start in range(0, 240, 60):
            rows = slice(start, start + 60)
            mask = X[rows, 2] > -0.5
            yield X[rows][mask], y[rows][mask]

    reference = fit_blocks(
        SGDClassifier(random_state=0),
        filtered_blocks,
        epochs=2,
        classes=[0, 1],
        shuffle=False,
    )
    np.testing.assert_array_equal(est.coef_, reference.coef_)
    with pytest.raises(ValueError, match="compute_chunk_sizes"):
        fit_blocks(SGDClassifier(), X_dask[keep], y[X[:, 2] > -0.5], classes=[0, 1])


def test_fit_blocks_dask_y_length_mismatch():
    """Check that y with the wrong number of rows is refused by name."""
    X, y = make_data()
    with pytest.raises(ValueError, match="y has 239 rows but X has 240"):
        fit_blocks(SGDClassifier(), da.from_array(X, chunks=60), y[:-1])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(
    "estimator, method",
    [
        (PolyNetClassifier((5,), random_state=0), "predict"),
        (PolyNetClassifier((5,), random_state=0), "predict_proba"),
        (PolyNetClassifier((5,), random_state=0), "predict_log_proba"),
        (MLPClassifier((5,), max_iter=50, random_state=0), "predict_proba"),
        (SGDClassifier(random_state=0), "decision_function"),
    ],
)
def test_predict_blocks_matches_predict(estimator, method):
    """Check that predict_blocks gives the in-memory method's output with the
    row chunks of X, empty chunks included."""
    X, y = make_data(n_samples=100)
    y[:10] = 2
    est = clone(estimator).fit(X, y)
    X_dask = da.from_array(X, chunks=((40, 0, 40, 20), (2, 1)))

    result = predict_blocks(est, X_dask, method=method)
    expected = getattr(est, method)(X)
    assert isinstance(result, da.Array)
    assert result.chunks[0] == (40, 0, 40, 20)
    assert result.shape == expected.shape == (100, 3)[: expected.ndim]
    assert result.dtype == expected.dtype
    np.testing.assert_allclose(result.compute(), expected)


def test_predict_blocks_regressor_multioutput():
    """Check that a 2-d regression output keeps its columns."""
    X, _ = make_data(n_samples=80)
    Y = np.column_stack([X.sum(axis=1), X[:, 0] - X[:, 1]])
    est = PolyNetRegressor(hidden_layer_sizes=(), degree=1).fit(X, Y)
    result = predict_blocks(est, da.from_array(X, chunks=30))
    assert result.chunks == ((30, 30, 20), (2,))
    np.testing.assert_allclose(result.compute(), est.predict(X))


def test_predict_blocks_errors():
    """Check that wrong inputs are refused with a hint."""
    X, y = make_data(n_samples=50)
    est = SGDRegressor(random_state=0).fit(X, y)
    with pytest.raises(TypeError, match="expects a dask array"):
        predict_blocks(est, X)
    with pytest.raises(ValueError, match="'method' parameter of predict_blocks"):
        predict_blocks(est, da.from_array(X), method="transform")
    with pytest.raises(ValueError, match="SGDRegressor has no predict_proba"):
        predict_blocks(est, da.from_array(X), method="predict_proba")
    with pytest.raises(ValueError, match="X must be 2-d"):
        predict_blocks(est, da.from_array(X[:, 0]))


def test_streaming_on_cluster(client):
    """Check that training and prediction through a distributed client give
    the same numbers as the local scheduler."""
    X, y = make_data()
    X_dask = da.from_array(X, chunks=40)
    est = fit_blocks(
        SGDClassifier(random_state=0),
        X_dask,
        da.from_array(y, chunks=40),
        epochs=2,
        random_state=0,
    )
    local = fit_blocks(
        SGDClassifier(random_state=0),
        X,
        y,
        epochs=2,
        block_size=40,
        random_state=0,
    )
    np.testing.assert_array_equal(est.coef_, local.coef_)

    proba = predict_blocks(est, X_dask, method="decision_function")
    np.testing.assert_allclose(client.compute(proba).result(), est.decision_function(X))


def search_estimators():
    """Return (estimator, param_grid) cases for the search tests."""
    return [
        pytest.param(
            MLPClassifier(max_iter=40, random_state=0),
            {"hidden_layer_sizes": [(3,), (6,)], "alpha": [1e-4, 1e-1]},
            id="mlp",
        ),
        pytest.param(
            PolyNetClassifier((3,), max_iter=40, random_state=0),
            {"degree": [1, 2], "alpha": [1e-4, 1e-1]},
            id="polynet-classifier",
        ),
        pytest.param(
            PolyNetRegressor(hidden_layer_sizes=(), max_iter=40, random_state=0),
            {"degree": [1, 2], "alpha": [1e-4, 1e-1]},
            id="polynet-regressor",
        ),
    ]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("estimator, param_grid", search_estimators())
def test_grid_search_dask_backend_matches_default(client, estimator, param_grid):
    """Check that GridSearchCV on the dask joblib backend finds the same best
    parameters and cv scores as the default backend."""
    X, y = make_data(n_samples=120)
    if is_regressor(estimator):
        y = X[:, 0] + X[:, 1] ** 2
    cv = KFold(3, shuffle=True, random_state=0)

    default = GridSearchCV(estimator, param_grid, cv=cv).fit(X, y)
    with get_task_stream(client) as tasks, joblib.parallel_backend("dask"):
        on_dask = GridSearchCV(estimator, param_grid, cv=cv, n_jobs=-1).fit(X, y)
    assert len(tasks.data) > 0, "the search did not run on the cluster"

    assert on_dask.best_params_ == default.best_params_
    np.testing.assert_allclose(
        on_dask.cv_results_["mean_test_score"],
        default.cv_results_["mean_test_score"],
        rtol=1e-12,
    )
    # the scores differ between candidates, so equality is informative
    assert np.ptp(default.cv_results_["mean_test_score"]) > 0


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("estimator, param_grid", search_estimators())
def test_cross_val_score_dask_backend_matches_default(client, estimator, param_grid):
    """Check that cross_val_score on the dask joblib backend gives the default
    backend's fold scores."""
    X, y = make_data(n_samples=120)
    if is_regressor(estimator):
        y = X[:, 0] + X[:, 1] ** 2
    cv = KFold(4, shuffle=True, random_state=0)

    default = cross_val_score(estimator, X, y, cv=cv)
    with get_task_stream(client) as tasks, joblib.parallel_backend("dask"):
        on_dask = cross_val_score(estimator, X, y, cv=cv, n_jobs=-1)
    assert len(tasks.data) > 0, "cross_val_score did not run on the cluster"
    np.testing.assert_allclose(on_dask, default, rtol=1e-12)
    assert len(set(default.round(12))) > 1


def test_predict_blocks_docstring_example():
    """Check that predict_blocks' example, skipped without dask, runs here."""
    import doctest

    import skpoly.streaming

    text = skpoly.streaming.predict_blocks.__doc__.replace("# doctest: +SKIP", "")
    test = doctest.DocTestParser().get_doctest(text, {}, "predict_blocks", None, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    failed, attempted = runner.summarize(verbose=False)
    assert (failed, attempted) == (0, 9)
