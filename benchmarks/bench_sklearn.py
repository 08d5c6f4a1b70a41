"""skpoly against scikit-learn: degree 1 against MLP, lbfgs against LogReg."""

import numpy as np
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from _harness import fmt_spread, interleave, quiet, ratio, verdict

MLP_TARGET = 0.8
LOGREG_TARGET = 1.5


def _common_params(solver, epochs):
    """Return the hyperparameters shared by MLP and PolyNet (no early stop)."""
    return dict(
        hidden_layer_sizes=(100,),
        activation="relu",
        solver=solver,
        alpha=1e-4,
        batch_size=200,
        learning_rate_init=1e-3,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=10**6,
        shuffle=True,
        random_state=0,
        momentum=0.9,
        nesterovs_momentum=True,
    )


def degree1_vs_mlp(quick=False, dtypes=(np.float64, np.float32)):
    """Return table rows: an epoch of degree-1 PolyNet against MLP's.

    The time of one epoch is fit(max_iter=E) divided by E, so the set-up of
    fit is shared out over the epochs (for both estimators alike).
    """
    from skpoly import PolyNetClassifier, PolyNetRegressor

    epochs, repeats = (1, 3) if quick else (3, 7)
    digits_X, digits_y, digits_yr = load_digits_set()
    synth = load_synthetic_sets()

    cases = []
    for dtype in dtypes:
        for solver in ("adam", "sgd"):
            cases += [
                ("clf", "digits", solver, dtype, digits_X, digits_y),
                ("reg", "digits", solver, dtype, digits_X, digits_yr),
                ("clf", "synth", solver, dtype, *synth["clf"]),
                ("reg", "synth", solver, dtype, *synth["reg"]),
            ]
    if quick:
        cases = [c for c in cases if c[2] == "adam" and c[3] is np.float64]
        cases = cases[:1] + cases[2:3]

    rows = []
    for kind, data_name, solver, dtype, X, y in cases:
        X = X.astype(dtype)
        params = _common_params(solver, epochs)
        if kind == "clf":
            mlp, poly = MLPClassifier(**params), PolyNetClassifier(degree=1, **params)
        else:
            mlp, poly = MLPRegressor(**params), PolyNetRegressor(degree=1, **params)

        def fit_mlp(mlp=mlp, X=X, y=y):
            with quiet():
                mlp.fit(X, y)

        def fit_poly(poly=poly, X=X, y=y):
            with quiet():
                poly.fit(X, y)

        times = interleave({"mlp": fit_mlp, "poly": fit_poly}, repeats)
        r = ratio(times["poly"], times["mlp"])
        rows.append(
            [
                f"{kind} {data_name} {solver} {np.dtype(dtype).name}",
                fmt_spread(times["poly"] / epochs),
                fmt_spread(times["mlp"] / epochs),
                f"{r:.2f}",
                f"<= {MLP_TARGET}",
                verdict(r, MLP_TARGET),
            ]
        )
    return [
        "case (hidden 100, relu, B=200)",
        "PolyNet epoch",
        "MLP epoch",
        "ratio",
        "target",
        "verdict",
    ], rows


def load_digits_set():
    """Return standardized digits X, its labels, and the labels standardized."""
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    return X, y, (y - y.mean()) / y.std()


def load_synthetic_sets():
    """Return {"clf": (X, y), "reg": (X, y)}, 20000 x 50 synthetic problems."""
    Xc, yc = make_classification(
        n_samples=20000,
        n_features=50,
        n_informative=20,
        n_classes=5,
        random_state=0,
    )
    Xr, yr = make_regression(
        n_samples=20000,
        n_features=50,
        n_informative=20,
        noise=1.0,
        random_state=0,
    )
    return {
        "clf": (StandardScaler().fit_transform(Xc), yc),
        "reg": (StandardScaler().fit_transform(Xr), (yr - yr.mean()) / yr.std()),
    }


def penalised_log_loss(y, proba, coef, alpha):
    """Return mean log-loss + alpha / (2 n_samples) * ||coef||^2.

    This is LogisticRegression's objective divided by C * n_samples with
    C = 1 / alpha, and MLP's (so PolyNet's) training loss; coef excludes the
    intercept.
    """
    return log_loss(y, proba) + alpha * 0.5 * np.sum(coef**2) / len(y)


def lbfgs_vs_logreg(quick=False, alphas=(1.0, 0.01)):
    """Return table rows: PolyNet lbfgs reaching LogisticRegression's loss.

    PolyNet (no hidden layer, degree 2) is fitted on the PCA(30) features;
    LogisticRegression on their PolynomialFeatures(2) expansion, computed
    beforehand and not timed. PolyNet's max_iter is the smallest one whose
    training loss is at most LogisticRegression's.
    """
    from skpoly import PolyNetClassifier

    X, y, _ = load_digits_set()
    Xp = PCA(n_components=30, random_state=0).fit_transform(X)
    Xp = StandardScaler().fit_transform(Xp)
    features = PolynomialFeatures(2, include_bias=False).fit_transform(Xp)
    repeats = 3 if quick else 7
    if quick:
        alphas = alphas[:1]

    rows = []
    for alpha in alphas:
        logreg = LogisticRegression(C=1.0 / alpha, max_iter=5000)

        def fit_logreg(logreg=logreg):
            with quiet():
                logreg.fit(features, y)

        fit_logreg()
        target = penalised_log_loss(
            y, logreg.predict_proba(features), logreg.coef_, alpha
        )

        def make_poly(max_iter, alpha=alpha):
            return PolyNetClassifier(
                hidden_layer_sizes=(),
                degree=2,
                solver="lbfgs",
                alpha=alpha,
                max_iter=max_iter,
                tol=0.0,
                max_fun=10**6,
                random_state=0,
            )

        def poly_loss(max_iter):
            with quiet():
                poly = make_poly(max_iter).fit(Xp, y)
            return penalised_log_loss(
                y, poly.predict_proba(Xp), poly.coefs_[0][1:], alpha
            )

        # smallest max_iter reaching the target: double, then bisect
        hi = 8
        while poly_loss(hi) > target and hi < 4096:
            hi *= 2
        lo = hi // 2
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if poly_loss(mid) <= target:
                hi = mid
            else:
                lo = mid
        reached = poly_loss(hi)
        poly = make_poly(hi)

        def fit_poly(poly=poly):
            with quiet():
                poly.fit(Xp, y)

        times = interleave({"logreg": fit_logreg, "poly": fit_poly}, repeats)
        r = ratio(times["poly"], times["logreg"])
        rows.append(
            [
                f"alpha={alpha:g} (C={1 / alpha:g})",
                f"{target:.6f} / {reached:.6f} ({logreg.n_iter_[0]} / {hi} it)",
                fmt_spread(times["poly"]),
                fmt_spread(times["logreg"]),
                f"{r:.2f}",
                f"<= {LOGREG_TARGET}",
                verdict(r, LOGREG_TARGET) if reached <= target else "NOT REACHED",
            ]
        )
    header = [
        "digits PCA(30), degree 2",
        "loss LogReg / PolyNet (iterations)",
        "PolyNet lbfgs",
        "LogReg lbfgs",
        "ratio",
        "target",
        "verdict",
    ]
    return header, rows
