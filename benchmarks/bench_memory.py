"""Peak memory of predict_proba and fit on many rows, each in a fresh process.

Run as a script, ``python bench_memory.py CASE N_ROWS [WORKING_MEMORY_MB]
[tracemalloc]``, it prints one JSON line; `memory_table` starts one such
process per case.
"""

import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
import warnings

N_FEATURES = 50
HIDDEN = (32,)
LIMIT_MB = 300.0
CASES = ("predict_proba", "fit_adam", "fit_lbfgs")


def _maxrss_mb():
    """Return this process's peak resident set size so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _make_data(n_rows, seed=0):
    """Return X (n_rows, N_FEATURES) float64 and binary y, built in place."""
    import numpy as np

    rng = np.random.default_rng(seed)
    X = np.empty((n_rows, N_FEATURES))
    y = np.empty(n_rows, dtype=np.int64)
    for start in range(0, n_rows, 65536):
        block = X[start : start + 65536]
        rng.standard_normal(out=block)
        y[start : start + 65536] = block[:, 0] * block[:, 1] + block[:, 2] > 0
    return X, y


def measure(case, n_rows, trace=False, working_memory=None):
    """Return a dict: the peak memory rise of one case over the data itself.

    working_memory (MB) sets scikit-learn's option of that name, which
    sizes skpoly's row chunks; None leaves the default.
    """
    import sklearn
    from sklearn.exceptions import ConvergenceWarning

    from threadpoolctl import threadpool_limits

    from skpoly import PolyNetClassifier

    warnings.simplefilter("ignore", ConvergenceWarning)
    X, y = _make_data(n_rows)
    params = dict(hidden_layer_sizes=HIDDEN, degree=2, batch_size=200, random_state=0)
    if case == "predict_proba":
        model = PolyNetClassifier(solver="adam", max_iter=2, **params)
        model.fit(X[:2000], y[:2000])
        run = lambda: model.predict_proba(X)
    elif case == "fit_adam":
        model = PolyNetClassifier(solver="adam", max_iter=1, **params)
        run = lambda: model.fit(X, y)
    elif case == "fit_lbfgs":
        model = PolyNetClassifier(solver="lbfgs", max_iter=2, **params)
        run = lambda: model.fit(X, y)
    else:
        raise ValueError(f"case={case!r} is not one of {CASES}.")

    if working_memory is not None:
        sklearn.set_config(working_memory=working_memory)
    before = _maxrss_mb()
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    # one BLAS thread: memory does not depend on it, and two threads on a
    # loaded two-core machine can take ten times as long
    with threadpool_limits(1):
        run()
    seconds = time.perf_counter() - start
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    after = _maxrss_mb()

    n_params = sum(c.size for c in model.coefs_)
    state = {"predict_proba": 0, "fit_adam": 3, "fit_lbfgs": 22}[case]
    return {
        "case": case,
        "n_rows": n_rows,
        "working_memory": sklearn.get_config()["working_memory"],
        "seconds": seconds,
        "input_mb": (X.nbytes + y.nbytes) / 2**20,
        "rss_before_mb": before,
        "rise_mb": after - before,
        "traced_peak_mb": traced,
        # coefficients, plus gradients and adam's two moments, or the
        # packed vectors and 10 history pairs of L-BFGS-B
        "allowance_mb": LIMIT_MB + n_params * 8 * (1 + state) / 2**20,
    }


def _run(case, n_rows, working_memory, trace):
    """Return the JSON dict one fresh process prints for one case."""
    here = os.path.dirname(os.path.abspath(__file__))
    cmd = [sys.executable, os.path.join(here, "bench_memory.py"), case, str(n_rows)]
    cmd.append(str(working_memory or "default"))
    if trace:
        cmd.append("tracemalloc")
    out = subprocess.check_output(cmd, env=dict(os.environ))
    return json.loads(out.splitlines()[-1])


def memory_table(quick=False, small_working_memory=64):
    """Return (header, rows): each case measured in a fresh subprocess.

    Besides the default working_memory, the full run measures the chunked
    cases again with working_memory=small_working_memory, to show what
    the chunk size costs in time and saves in memory.
    """
    n_rows = 2 * 10**4 if quick else 10**6
    runs = [(case, None) for case in CASES]
    if not quick:
        runs += [("predict_proba", small_working_memory)]
        runs += [("fit_lbfgs", small_working_memory)]

    rows = []
    for case, working_memory in runs:
        res = _run(case, n_rows, working_memory, trace=False)
        excess = res["rise_mb"] - res["allowance_mb"]
        rows.append(
            [
                f"{case}, {n_rows:.0e} x {N_FEATURES}",
                f"{res['working_memory']} MB",
                f"{res['seconds']:.2f} s",
                f"{res['input_mb']:.0f} MB",
                f"{res['rise_mb']:.0f} MB",
                f"{res['allowance_mb']:.0f} MB",
                "met" if excess <= 0 else f"MISSED by {excess:.0f} MB",
            ]
        )
    header = [
        f"degree 2, hidden {HIDDEN}",
        "working_memory",
        "time",
        "input",
        "peak RSS rise",
        "allowed",
        "verdict",
    ]
    return header, rows


if __name__ == "__main__":
    case, n_rows = sys.argv[1], int(sys.argv[2])
    working_memory = None
    if len(sys.argv) > 3 and sys.argv[3] != "default":
        working_memory = int(sys.argv[3])
    trace = sys.argv[-1] == "tracemalloc"
    print(json.dumps(measure(case, n_rows, trace, working_memory)))
