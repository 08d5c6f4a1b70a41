"""Smoke test of the benchmark harness: the quick mode runs and prints its tables.

No timing is asserted: the machines running the tests are shared and noisy.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"


def _import_pure_python():
    sys.path.insert(0, str(BENCH))
    try:
        import pure_python
    finally:
        sys.path.remove(str(BENCH))
    return pure_python


def test_pure_python_baseline_gradient_matches_finite_differences():
    """Check that the pure-Python baseline's gradient is the loss's derivative.

    The speed-up reported against it is only meaningful if it trains the
    same network; a wrong backward pass would be cheaper or dearer.
    """
    pure_python = _import_pure_python()
    X, y = pure_python.make_task(3, n_samples=2, seed=1)
    net = pure_python.PurePythonPolyNet(3, seed=2)
    _, grads = net.gradients_one(X[0], y[0])

    h = 1e-6
    for layer, coef in enumerate(net.coefs):
        for r, row in enumerate(coef):
            for k, value in enumerate(row):
                row[k] = value + h
                up = net.gradients_one(X[0], y[0])[0]
                row[k] = value - h
                down = net.gradients_one(X[0], y[0])[0]
                row[k] = value
                assert (up - down) / (2 * h) == pytest.approx(
                    grads[layer][r][k], abs=1e-7
                )


def test_pure_python_baseline_monomials_follow_polynomial_features():
    """Check that the baseline enumerates PolynomialFeatures' monomials, in order."""
    from sklearn.preprocessing import PolynomialFeatures

    pure_python = _import_pure_python()
    powers = PolynomialFeatures(3).fit([[0.0] * 4]).powers_
    expected = [tuple(j for j in range(4) for _ in range(p[j])) for p in powers]
    assert pure_python.monomials(4, 3) == expected


def test_pure_python_baseline_epoch_lowers_the_loss():
    """Check that SGD epochs of the baseline lower its training loss."""
    pure_python = _import_pure_python()
    X, y = pure_python.make_task(2, n_samples=200)
    net = pure_python.PurePythonPolyNet(2)
    losses = [net.train_epoch(X, y, learning_rate=0.1) for _ in range(5)]
    assert losses[-1] < 0.8 * losses[0]


@pytest.mark.slow
def test_benchmarks_quick_mode_prints_every_table():
    """Check that run.py --quick runs every section and prints its table rows."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT)] + [p for p in [env.get("PYTHONPATH")] if p]
    )
    result = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--quick", "--threads", "1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout

    titles = [
        "Per-epoch speed against pure Python",
        "Degree 1 against MLP, one epoch",
        "No hidden layer, lbfgs, against LogisticRegression",
        "Degree-2 training step against its GEMM floor",
        "float32 against float64",
        "BLAS thread count for one step (wall clock)",
        "Peak memory over the input",
    ]
    for title in titles:
        assert title in out, f"section {title!r} missing from:\n{out}"

    # one data row per case, each with a ratio and a verdict cell
    for row_start in (
        "| m=2 ",
        "| clf digits adam float64",
        "| alpha=1 (C=1)",
        "| adam float64 m=30 K=496 n=64",
        "| predict_proba, 2e+04 x 50",
    ):
        assert row_start in out, f"row {row_start!r} missing from:\n{out}"
    assert "total " in out
