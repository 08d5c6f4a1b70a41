"""Measure out-of-core training and dask-backed model search, by hand.

Each case runs in a fresh Python process, so that its peak resident memory
(``ru_maxrss``) belongs to that case alone::

    python benchmarks/bench_streaming.py stream      # 10**7 x 20, one epoch
    python benchmarks/bench_streaming.py compare     # streamed vs full fit
    python benchmarks/bench_streaming.py search      # GridSearchCV backends
    python benchmarks/bench_streaming.py all

Options: ``--estimator {polynet,mlp,sgd}`` (default: polynet when skpoly's
estimators import, else mlp), ``--blas-threads N`` to cap BLAS threads with
threadpoolctl, ``--n-samples`` and ``--block-size`` for the stream case.
The numbers in docs/scaling.rst come from these commands. Dask, distributed
and threadpoolctl must be installed (``pip install 'skpoly[dask]'``).
"""

import argparse
import json
import resource
import subprocess
import sys
import time
import warnings

import numpy as np

N_FEATURES = 20


def peak_rss_mib():
    """Return this process's peak resident memory in MiB (Linux: KiB units)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_estimator(name, random_state=0, max_iter=200, width=16):
    """Return a fresh incremental classifier by short name."""
    if name == "polynet":
        from skpoly import PolyNetClassifier

        return PolyNetClassifier(
            (width,),
            degree=2,
            solver="adam",
            random_state=random_state,
            max_iter=max_iter,
        )
    if name == "mlp":
        from sklearn.neural_network import MLPClassifier

        return MLPClassifier(
            (width,),
            solver="adam",
            random_state=random_state,
            max_iter=max_iter,
        )
    from sklearn.linear_model import SGDClassifier

    return SGDClassifier(loss="log_loss", random_state=random_state, max_iter=max_iter)


def default_estimator():
    """Return "polynet" when skpoly's estimators import, else "mlp"."""
    try:
        import skpoly  # noqa: F401
        from skpoly import PolyNetClassifier  # noqa: F401
    except ImportError:
        return "mlp"
    return "polynet"


def make_dask_data(n_samples, block_size, seed=0):
    """Return lazy (X, y): standard normal X and labels from a fixed rule."""
    import dask.array as da

    X = da.random.default_rng(seed).standard_normal(
        (n_samples, N_FEATURES), chunks=(block_size, N_FEATURES)
    )
    # y depends on a product of two inputs, so a polynomial layer helps
    score = X[:, 0] - X[:, 1] + 0.5 * X[:, 2] * X[:, 3] + 0.25 * X[:, 4]
    y = (score > 0).astype(np.int64)
    return X, y


def case_stream(args):
    """One epoch over n_samples x 20 rows generated block by block."""
    from skpoly.streaming import fit_blocks

    X, y = make_dask_data(args.n_samples, args.block_size)
    X_test, y_test = make_dask_data(50_000, 50_000, seed=1)
    X_test, y_test = X_test.compute(), y_test.compute()

    # the cost of producing the blocks alone, without training
    import dask

    start = time.perf_counter()
    for i in range(X.numblocks[0]):
        dask.compute(X.blocks[i], y.blocks[i])
    load_seconds = time.perf_counter() - start
    rss_before = peak_rss_mib()

    est = make_estimator(args.estimator)
    start = time.perf_counter()
    est, history = fit_blocks(
        est,
        X,
        y,
        epochs=1,
        classes=[0, 1],
        random_state=0,
        return_history=True,
    )
    seconds = time.perf_counter() - start
    rss_after_training = peak_rss_mib()
    return {
        "case": "stream",
        "estimator": args.estimator,
        "n_samples": args.n_samples,
        "n_features": N_FEATURES,
        "block_size": args.block_size,
        "data_mib_if_in_memory": args.n_samples * N_FEATURES * 8 / 2**20,
        "block_mib": args.block_size * N_FEATURES * 8 / 2**20,
        "n_samples_trained": history.n_samples[0],
        "load_only_seconds": round(load_seconds, 1),
        "epoch_seconds": round(seconds, 1),
        "rows_per_second": round(args.n_samples / seconds),
        "test_accuracy": round(est.score(X_test, y_test), 4),
        "peak_rss_mib_before_training": round(rss_before),
        "peak_rss_mib_training": round(rss_after_training),
        "peak_rss_mib_with_scoring": round(peak_rss_mib()),
    }


def case_compare(args):
    """Streamed epochs against one fit on the concatenated data."""
    from skpoly.streaming import fit_blocks

    n_samples, block_size, epochs = 200_000, 10_000, 10
    X, y = make_dask_data(n_samples, block_size)
    X_test, y_test = make_dask_data(50_000, 50_000, seed=1)
    X_test, y_test = X_test.compute(), y_test.compute()

    start = time.perf_counter()
    streamed = fit_blocks(
        make_estimator(args.estimator),
        X,
        y,
        epochs=epochs,
        classes=[0, 1],
        random_state=0,
    )
    streamed_seconds = time.perf_counter() - start

    X_full, y_full = X.compute(), y.compute()
    full = make_estimator(args.estimator, max_iter=epochs)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full.fit(X_full, y_full)
    full_seconds = time.perf_counter() - start
    return {
        "case": "compare",
        "estimator": args.estimator,
        "n_samples": n_samples,
        "block_size": block_size,
        "epochs": epochs,
        "streamed_test_accuracy": round(streamed.score(X_test, y_test), 4),
        "full_fit_test_accuracy": round(full.score(X_test, y_test), 4),
        "streamed_seconds": round(streamed_seconds, 1),
        "full_fit_seconds": round(full_seconds, 1),
    }


def case_search(args):
    """GridSearchCV on the default, loky and dask joblib backends."""
    import joblib
    from dask.distributed import Client, LocalCluster
    from sklearn.model_selection import GridSearchCV

    n_samples = 6_000
    X, y = make_dask_data(n_samples, n_samples)
    X, y = X.compute(), y.compute()
    grid = (
        {"degree": [1, 2], "alpha": [1e-4, 1e-2, 1.0]}
        if args.estimator == "polynet"
        else (
            {"hidden_layer_sizes": [(4,), (8,)], "alpha": [1e-4, 1e-2, 1.0]}
            if args.estimator == "mlp"
            else {"alpha": [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0]}
        )
    )
    est = make_estimator(args.estimator, max_iter=30, width=8)
    results = {
        "case": "search",
        "estimator": args.estimator,
        "n_samples": n_samples,
        "n_candidates": 6,
        "cv": 3,
    }

    def run(label, n_jobs):
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            search = GridSearchCV(est, grid, cv=3, n_jobs=n_jobs).fit(X, y)
        results[f"{label}_seconds"] = round(time.perf_counter() - start, 1)
        return search

    default = run("default_n_jobs_1", None)
    loky = run("loky_n_jobs_2", 2)
    start = time.perf_counter()
    with (
        LocalCluster(
            host="127.0.0.1",
            protocol="tcp://",
            dashboard_address="127.0.0.1:0",
            processes=True,
            n_workers=2,
            threads_per_worker=1,
        ) as cluster,
        Client(cluster),
    ):
        results["cluster_start_seconds"] = round(time.perf_counter() - start, 1)
        with joblib.parallel_backend("dask"):
            on_dask = run("dask_2_workers", -1)

    same = all(
        s.best_params_ == default.best_params_
        and np.allclose(
            s.cv_results_["mean_test_score"],
            default.cv_results_["mean_test_score"],
        )
        for s in (loky, on_dask)
    )
    results["same_best_params_and_scores"] = bool(same)
    results["best_params"] = {k: str(v) for k, v in default.best_params_.items()}
    return results


CASES = {"stream": case_stream, "compare": case_compare, "search": case_search}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", choices=[*CASES, "all"])
    parser.add_argument("--estimator", choices=["polynet", "mlp", "sgd"])
    parser.add_argument("--blas-threads", type=int, default=None)
    parser.add_argument("--n-samples", type=int, default=10_000_000)
    parser.add_argument("--block-size", type=int, default=100_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.estimator = args.estimator or default_estimator()

    # run each case in its own process so ru_maxrss is that case's
    if not args.child:
        cases = list(CASES) if args.case == "all" else [args.case]
        for case in cases:
            command = [
                sys.executable,
                __file__,
                case,
                "--child",
                "--estimator",
                args.estimator,
                "--n-samples",
                str(args.n_samples),
                "--block-size",
                str(args.block_size),
            ]
            if args.blas_threads is not None:
                command += ["--blas-threads", str(args.blas_threads)]
            subprocess.run(command, check=True)
        return

    from threadpoolctl import threadpool_info, threadpool_limits

    # load every BLAS library first, so that the limit reaches all of them
    import scipy.linalg  # noqa: F401

    make_estimator(args.estimator)
    with threadpool_limits(limits=args.blas_threads, user_api="blas"):
        result = CASES[args.case](args)
        result["blas_threads"] = [
            pool["num_threads"]
            for pool in threadpool_info()
            if pool["user_api"] == "blas"
        ]
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
