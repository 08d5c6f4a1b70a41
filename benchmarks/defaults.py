"""Measure candidate default settings on the data sets the defaults must serve.

Run by hand: ``OPENBLAS_NUM_THREADS=1 python benchmarks/defaults.py [NAME ...]``.
Each candidate is cross-validated (5 folds, shuffled with random_state=0, stratified for
classifiers) inside make_pipeline(StandardScaler(), ...), on digits,
breast_cancer, wine, make_moons(500, noise=0.2), XOR (400 points on
[-1, 1]^2), diabetes and make_friedman1(500, noise=1.0); the table gives the
mean score and the mean fit seconds per fold.
"""

import sys
import time
import warnings

import numpy as np
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_wine,
    make_friedman1,
    make_moons,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skpoly import PolyNetClassifier, PolyNetRegressor

# the best untuned peer's score on each data set, measured on this machine
BARS = {
    "digits": 0.981,
    "breast_cancer": 0.979,
    "wine": 0.983,
    "moons": 0.964,
    "xor": 0.99,
    "diabetes": 0.48,
    "friedman1": 0.91,
}


def datasets():
    """Return name -> (X, y, task)."""
    rng = np.random.RandomState(0)
    xor = rng.uniform(-1, 1, size=(400, 2))
    return {
        "digits": load_digits(return_X_y=True) + ("classification",),
        "breast_cancer": load_breast_cancer(return_X_y=True) + ("classification",),
        "wine": load_wine(return_X_y=True) + ("classification",),
        "moons": make_moons(500, noise=0.2, random_state=0) + ("classification",),
        "xor": (xor, (xor[:, 0] * xor[:, 1] > 0).astype(int), "classification"),
        "diabetes": load_diabetes(return_X_y=True) + ("regression",),
        "friedman1": make_friedman1(500, noise=1.0, random_state=0) + ("regression",),
    }


# each candidate is applied to both estimators on top of their defaults;
# "defaults" is what skpoly ships (see the README for its table)
CANDIDATES = {
    "defaults": {},
    "h16": dict(hidden_layer_sizes=(16,)),
    "h20": dict(hidden_layer_sizes=(20,)),
    "h16_a1": dict(alpha=1.0),
    "h16_a10": dict(alpha=10.0),
    "deg2_all": dict(degree=2),
    "deg_2_1": dict(degree=[2, 1]),
    "no_hidden": dict(hidden_layer_sizes=(), degree=2, alpha=1.0),
    "mlp_like": dict(degree=1),
}


def run(params, data):
    """Return name -> (mean score, mean fit seconds) for one candidate."""
    out = {}
    for name, (X, y, task) in data.items():
        if task == "classification":
            cv = StratifiedKFold(5, shuffle=True, random_state=0)
            est = PolyNetClassifier(random_state=0, **params)
        else:
            cv = KFold(5, shuffle=True, random_state=0)
            est = PolyNetRegressor(random_state=0, **params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            res = cross_validate(make_pipeline(StandardScaler(), est), X, y, cv=cv)
        out[name] = (res["test_score"].mean(), res["fit_time"].mean())
    return out


def main(names):
    data = datasets()
    print("candidate".ljust(14), *(n[:10].rjust(11) for n in data), flush=True)
    print("bar".ljust(14), *(f"{BARS[n]:11.3f}" for n in data), flush=True)
    for name in names or CANDIDATES:
        start = time.perf_counter()
        result = run(CANDIDATES[name], data)
        cells = [f"{s:.3f}/{t:4.1f}s" for s, t in result.values()]
        print(
            name.ljust(14),
            *(c.rjust(11) for c in cells),
            f"  total {time.perf_counter() - start:.0f}s",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
