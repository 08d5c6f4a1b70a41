"""Time whole fits under one and two BLAS threads, side by side.

Run by hand: ``python benchmarks/bench_fit_threads.py``. Unlike
``run.py --only threads``, which times the engine's step directly, this
goes through ``fit``, so it shows skpoly's own thread rule at work: fits
whose products are small run them on one BLAS thread whatever the caller
allows.
"""

import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from skpoly import PolyNetRegressor

CASES = [
    # (n_features, hidden units, degree, solver, max_iter)
    (50, 64, 2, "adam", 1),
    (64, 100, 1, "adam", 1),
    (30, 16, 2, "lbfgs", 10),
]


def main(repeats=3, n_samples=20000):
    rng = np.random.RandomState(0)
    print("case".ljust(34), "1 thread".rjust(10), "2 threads".rjust(10))
    for m, hidden, degree, solver, max_iter in CASES:
        X = rng.normal(size=(n_samples, m))
        y = X[:, 0] * X[:, 1] + X[:, 2]
        times = {1: [], 2: []}
        for _ in range(repeats):
            for threads in times:
                est = PolyNetRegressor(
                    hidden_layer_sizes=(hidden,),
                    degree=degree,
                    solver=solver,
                    max_iter=max_iter,
                    random_state=0,
                )
                with threadpool_limits(threads), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    start = time.perf_counter()
                    est.fit(X, y)
                    times[threads].append(time.perf_counter() - start)
        name = f"m={m} hidden={hidden} degree={degree} {solver}"
        cells = [f"{np.median(t):.3f} s".rjust(10) for t in times.values()]
        print(name.ljust(34), *cells)


if __name__ == "__main__":
    main()
