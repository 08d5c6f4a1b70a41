"""Tests of the shared estimator logic: solvers, workflows, records, errors."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skpoly import PolyNetClassifier, PolyNetRegressor


@pytest.fixture
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", ["lbfgs", "sgd", "adam"])
def test_solvers_fit_iris(iris, solver):
    """Check that every solver learns iris to a high training accuracy."""
    X, y = iris
    clf = PolyNetClassifier(
        (8,), solver=solver, learning_rate_init=0.01, max_iter=300, random_state=0
    )
    clf.fit(X, y)
    assert clf.score(X, y) > 0.95
    assert clf.n_iter_ == len(clf.loss_curve_)
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]


def test_pipeline_grid_search_and_cross_validation(iris):
    """Check pipelines with cross_val_score and GridSearchCV(n_jobs=2)."""
    X, y = iris
    model = make_pipeline(
        StandardScaler(), PolyNetClassifier((6,), degree=2, random_state=0)
    )
    scores = cross_val_score(model, X, y, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.85
    search = GridSearchCV(
        model,
        {"polynetclassifier__degree": [1, 2], "polynetclassifier__alpha": [1e-4, 1e-1]},
        cv=3,
        n_jobs=2,
    ).fit(X, y)
    assert search.best_score_ > 0.9
    assert set(search.best_params_) == {
        "polynetclassifier__degree",
        "polynetclassifier__alpha",
    }


def test_same_random_state_gives_identical_coefs(iris):
    """Check that random_state fixes every coefficient bit for bit."""
    X, y = iris
    for solver in ["lbfgs", "adam"]:
        fits = [
            PolyNetClassifier((5,), solver=solver, max_iter=20, random_state=3)
            for _ in range(2)
        ]
        with pytest.warns(ConvergenceWarning):
            coefs = [est.fit(X, y).coefs_ for est in fits]
        for a, b in zip(*coefs):
            np.testing.assert_array_equal(a, b)
    other = PolyNetClassifier((5,), max_iter=20, random_state=4)
    with pytest.warns(ConvergenceWarning):
        other.fit(X, y)
    assert not np.array_equal(other.coefs_[0], fits[0].coefs_[0])


def test_clone_and_pickle_round_trip(iris):
    """Check that clone keeps the parameters and pickle the predictions."""
    X, y = iris
    clf = PolyNetClassifier((4,), degree=[2, 1], alpha=0.01, random_state=0).fit(X, y)
    twin = clone(clf)
    assert twin.get_params() == clf.get_params()
    assert not hasattr(twin, "coefs_")

    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    # the pickle holds the coefficients once, no work buffers
    n_bytes = sum(c.nbytes for c in clf.coefs_)
    assert len(pickle.dumps(clf)) < 3 * n_bytes + 20000


def test_pandas_input_keeps_feature_names(iris):
    """Check feature_names_in_ and the warning for renamed columns at predict."""
    X, y = iris
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    clf = PolyNetClassifier((4,), random_state=0).fit(frame, y)
    np.testing.assert_array_equal(clf.feature_names_in_, ["a", "b", "c", "d"])
    renamed = frame.rename(columns={"a": "z"})
    with pytest.raises(ValueError, match="feature names"):
        clf.predict(renamed)
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        np.testing.assert_array_equal(clf.predict(frame), clf.predict(X))


def test_float32_stays_float32():
    """Check that float32 input trains float32 coefficients and predictions."""
    X, y = make_regression(80, 4, random_state=0)
    X = StandardScaler().fit_transform(X).astype(np.float32)
    y = (y / y.std()).astype(np.float32)
    reg = PolyNetRegressor(
        hidden_layer_sizes=(5,), solver="adam", max_iter=5, random_state=0
    )
    with pytest.warns(ConvergenceWarning):
        reg.fit(X, y)
    assert all(c.dtype == np.float32 for c in reg.coefs_)
    assert reg.predict(X).dtype == np.float32
    reg64 = clone(reg)
    with pytest.warns(ConvergenceWarning):
        reg64.fit(X.astype(np.float64), y)
    assert reg64.coefs_[0].dtype == np.float64
    np.testing.assert_allclose(reg.predict(X), reg64.predict(X), rtol=1e-3, atol=1e-3)


def test_chunked_prediction_and_lbfgs_match_one_chunk():
    """Check that a tiny working_memory (many chunks) changes no result."""
    import sklearn

    X, y = make_classification(300, 5, random_state=0)
    clf = PolyNetClassifier((6,), degree=3, max_iter=30, random_state=0)
    with pytest.warns(ConvergenceWarning):
        clf.fit(X, y)
    proba = clf.predict_proba(X)
    with sklearn.config_context(working_memory=0.01):
        np.testing.assert_allclose(clf.predict_proba(X), proba, rtol=1e-12)
        chunked = clone(clf)
        with pytest.warns(ConvergenceWarning):
            chunked.fit(X, y)
    for a, b in zip(chunked.coefs_, clf.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-8)


def test_per_layer_degrees_and_powers(iris):
    """Check per-transition degrees: coefs_ and powers_ shapes follow them."""
    X, y = iris
    clf = PolyNetClassifier((5, 3), degree=[3, 1, 2], random_state=0).fit(X, y)
    assert clf.degrees_ == (3, 1, 2)
    assert [c.shape for c in clf.coefs_] == [(35, 5), (6, 3), (10, 3)]
    assert [p.shape for p in clf.powers_] == [(35, 4), (6, 5), (10, 3)]
    assert clf.powers_[0].sum(axis=1).max() == 3
    assert clf.n_layers_ == 4 and clf.n_outputs_ == 3
    assert clf.out_activation_ == "softmax"


def test_invalid_parameters_are_named():
    """Check that bad values raise errors naming the parameter."""
    X, y = make_classification(30, 3, n_informative=2, n_redundant=0, random_state=0)
    with pytest.raises(InvalidParameterError, match="'degree' parameter"):
        PolyNetClassifier(degree=0).fit(X, y)
    with pytest.raises(InvalidParameterError, match="'max_grad_norm' parameter"):
        PolyNetClassifier(max_grad_norm=-1.0).fit(X, y)
    with pytest.raises(ValueError, match=r"degree has 1 entries .* 2 transitions"):
        PolyNetClassifier((3,), degree=[2]).fit(X, y)
    with pytest.raises(ValueError, match=r"degree\[0\]=0 .*degree\[1\]=-1"):
        PolyNetClassifier((3,), degree=[0, -1]).fit(X, y)
    with pytest.raises(ValueError, match="hidden_layer_sizes must hold positive"):
        PolyNetClassifier((3, 0)).fit(X, y)


def test_too_many_monomials_refused_before_allocation():
    """Check that an impossible monomial count is refused with the count."""
    X = np.zeros((3, 200))
    with pytest.raises(ValueError, match=r"gives 2872408791 monomials per sample"):
        PolyNetRegressor(hidden_layer_sizes=(), degree=5).fit(X, [0.0, 1.0, 2.0])


def test_partial_fit_is_one_epoch_and_counts_samples(iris):
    """Check that partial_fit runs one epoch and t_ counts the samples seen."""
    X, y = iris
    clf = PolyNetClassifier((5,), solver="sgd", random_state=0)
    for i in range(3):
        clf.partial_fit(X, y, classes=np.unique(y))
        assert clf.n_iter_ == i + 1
        assert clf.t_ == (i + 1) * len(X)
    assert len(clf.loss_curve_) == 3
    with pytest.raises(ValueError, match="classes must be given on the first"):
        PolyNetClassifier(solver="adam").partial_fit(X, y)
    assert not hasattr(PolyNetClassifier(solver="lbfgs"), "partial_fit")


def test_warm_start_continues_and_refuses_a_changed_network(iris):
    """Check that warm_start resumes from coefs_ and names what changed."""
    X, y = iris
    clf = PolyNetClassifier((5,), max_iter=5, warm_start=True, random_state=0)
    with pytest.warns(ConvergenceWarning):
        clf.fit(X, y)
    first_loss = clf.loss_
    with pytest.warns(ConvergenceWarning):
        clf.fit(X, y)
    assert clf.loss_ < first_loss
    clf.set_params(hidden_layer_sizes=(7,))
    with pytest.raises(ValueError, match=r"hidden_layer_sizes \(5,\) -> \(7,\)"):
        clf.fit(X, y)


def test_early_stopping_records_validation_scores(iris):
    """Check that early stopping scores a held-out split and keeps the best."""
    X, y = iris
    clf = PolyNetClassifier(
        (6,),
        solver="adam",
        learning_rate_init=0.01,
        early_stopping=True,
        n_iter_no_change=5,
        max_iter=500,
        random_state=0,
    ).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_ < 500
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_loss_ is None


def test_verbose_prints_progress_and_stop_reason(iris, capsys):
    """Check that verbose prints one line per epoch and why training stopped."""
    X, y = iris
    PolyNetClassifier(
        (4,),
        solver="adam",
        learning_rate_init=0.05,
        tol=1e-2,
        verbose=True,
        random_state=0,
    ).fit(X, y)
    out = capsys.readouterr().out
    assert "Iteration 1, loss = " in out
    assert "Stopped: the loss did not improve" in out


def test_divergence_raises_a_clear_error():
    """Check that an exploding fit raises the divergence error, not NaN."""
    X, y = make_regression(100, 3, random_state=0)
    reg = PolyNetRegressor(
        hidden_layer_sizes=(8,),
        activation="relu",
        degree=4,
        solver="sgd",
        learning_rate_init=10.0,
        random_state=0,
    )
    with pytest.raises(ValueError, match="The fit diverged"):
        reg.fit(X * 100, y * 1e6)


def test_max_grad_norm_tames_exploding_updates():
    """Check that clipping the gradient norm turns a divergent fit into a good one.

    A network of total degree 4 on inputs up to 2 has gradients that grow
    with the fourth power of the inputs; sgd without clipping overflows.
    """
    rng = np.random.RandomState(0)
    X = rng.uniform(-2, 2, size=(200, 2))
    y = X[:, 0] ** 2 - X[:, 1]
    params = dict(
        hidden_layer_sizes=(4,),
        activation="identity",
        degree=2,
        solver="sgd",
        learning_rate_init=0.01,
        max_iter=200,
        random_state=0,
    )
    with pytest.raises(ValueError, match="The fit diverged"):
        PolyNetRegressor(**params).fit(X, y)
    with pytest.warns(ConvergenceWarning):
        reg = PolyNetRegressor(max_grad_norm=0.5, **params).fit(X, y)
    assert all(np.isfinite(c).all() for c in reg.coefs_)
    assert reg.score(X, y) > 0.9


def test_sample_weight_integers_equal_repeated_rows():
    """Check that integer weights give the fit of repeated rows (lbfgs)."""
    X, y = make_classification(60, 4, random_state=0)
    weights = np.random.RandomState(0).randint(0, 3, size=60)
    clf = PolyNetClassifier((), degree=2, alpha=0.1, tol=1e-10, max_iter=2000)
    weighted = clone(clf).fit(X, y, sample_weight=weights)
    repeated = clone(clf).fit(np.repeat(X, weights, axis=0), np.repeat(y, weights))
    np.testing.assert_allclose(
        weighted.predict_proba(X), repeated.predict_proba(X), atol=1e-6
    )


def test_sample_weight_errors():
    """Check the messages for negative, all-zero and misshapen weights."""
    X, y = make_classification(20, 3, n_informative=2, n_redundant=0, random_state=0)
    clf = PolyNetClassifier((2,))
    with pytest.raises(ValueError, match="negative values"):
        clf.fit(X, y, sample_weight=-np.ones(20))
    with pytest.raises(ValueError, match="zero for every sample"):
        clf.fit(X, y, sample_weight=np.zeros(20))
    with pytest.raises(ValueError, match=r"shape \(3,\) but X has 20 samples"):
        clf.fit(X, y, sample_weight=np.ones(3))


def test_polynomial_methods_delegate_to_inspection(iris):
    """Check that the estimator methods return the inspection module's results."""
    from skpoly.inspection import network_polynomial, unit_polynomial

    X, y = iris
    clf = PolyNetClassifier((3,), activation="identity", random_state=0).fit(X, y)
    np.testing.assert_array_equal(
        clf.unit_polynomial(0, 1).coef, unit_polynomial(clf, 0, 1).coef
    )
    np.testing.assert_allclose(
        clf.network_polynomial().evaluate(X), network_polynomial(clf).evaluate(X)
    )
    np.testing.assert_allclose(
        clf.network_polynomial().evaluate(X), clf._predict_raw(X), atol=1e-10
    )


def test_small_products_run_on_one_blas_thread(monkeypatch, iris):
    """Check that mini-batch fits limit BLAS to one thread, and restore it after."""
    from threadpoolctl import threadpool_info

    from skpoly._network import PolyNetwork

    seen = []
    original = PolyNetwork.loss_grad

    def spy(self, *args, **kwargs):
        seen.append(
            {
                lib["num_threads"]
                for lib in threadpool_info()
                if lib["user_api"] == "blas"
            }
        )
        return original(self, *args, **kwargs)

    monkeypatch.setattr(PolyNetwork, "loss_grad", spy)
    before = [lib["num_threads"] for lib in threadpool_info()]
    X, y = iris
    PolyNetClassifier((4,), solver="adam", max_iter=2).partial_fit(
        X, y, classes=[0, 1, 2]
    )
    assert seen and all(threads <= {1} for threads in seen)
    assert [lib["num_threads"] for lib in threadpool_info()] == before


def test_finite_but_exploding_loss_is_divergence():
    """Check that a loss a million times its start raises, even while finite.

    sgd with learning_rate_init=10 on tanh units stays finite (the units
    saturate) while the output layer's coefficients explode.
    """
    X, y = make_regression(200, 5, random_state=0)
    X = StandardScaler().fit_transform(X)
    reg = PolyNetRegressor(solver="sgd", learning_rate_init=10.0, random_state=0)
    with pytest.raises(ValueError, match=r"training loss grew to .* more than 1e\+06"):
        reg.fit(X, y > 0)


def test_targets_near_the_float_range_are_standardised_without_overflow():
    """Check that targets of 1e200 train to finite coefficients and predictions."""
    X, y = make_regression(100, 3, noise=1.0, random_state=0)
    params = dict(hidden_layer_sizes=(), degree=1, alpha=0.0, tol=1e-10, random_state=0)
    reg = PolyNetRegressor(**params).fit(X, y * 1e200)
    assert all(np.isfinite(c).all() for c in reg.coefs_)
    reference = PolyNetRegressor(**params).fit(X, y)
    np.testing.assert_allclose(reg.predict(X) / 1e200, reference.predict(X), rtol=1e-6)


def test_degree_refuses_bools_and_writes_huge_counts_compactly():
    """Check degree=True is refused and astronomic counts stay readable."""
    X, y = make_classification(20, 4, random_state=0)
    with pytest.raises(ValueError, match="degree=True is a bool"):
        PolyNetClassifier(degree=True).fit(X, y)
    with pytest.raises(ValueError, match=r"gives 4.17e\+34 monomials") as info:
        PolyNetClassifier(degree=10**9).fit(X, y)
    assert len(str(info.value)) < 400


def test_continued_fit_keeps_its_dtype():
    """Check that partial_fit on float64 data keeps a float32 model float32."""
    X, y = make_regression(60, 3, random_state=0)
    reg = PolyNetRegressor(solver="adam", max_iter=1)
    with pytest.warns(ConvergenceWarning):
        reg.fit(X.astype(np.float32), y)
    reg.partial_fit(X, y)
    assert all(c.dtype == np.float32 for c in reg.coefs_)
    assert reg.predict(X.astype(np.float32)).dtype == np.float32
