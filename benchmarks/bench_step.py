"""A degree-2 training step against its three-GEMM floor, and thread counts."""

from math import comb

import numpy as np

from _harness import BlasThreads, blas_threads, fmt_spread, fmt_time, interleave
from _harness import quiet, ratio, verdict

STEP_TARGET = 1.3
FLOAT32_TARGET = 1.6
BATCH = 200
# (m inputs, n hidden units)
SHAPES = [(m, n) for n in (64, 100) for m in (30, 50, 64)]


def n_monomials(n_inputs, degree):
    """Return the number of monomials of total degree <= degree in n_inputs."""
    return comb(n_inputs + degree, degree)


def gemm_floor(batch, n_mono, fan_out, dtype, seed=0):
    """Return a callable running the three GEMMs of one step, into fixed buffers.

    forward Phi @ W (batch, fan_out), coefficient gradient Phi.T @ G
    (n_mono, fan_out) and gradient back to the monomials G @ W.T
    (batch, n_mono): 3 * 2 * batch * n_mono * fan_out flops.
    """
    rng = np.random.default_rng(seed)
    phi = rng.standard_normal((batch, n_mono)).astype(dtype)
    coef = rng.standard_normal((n_mono, fan_out)).astype(dtype)
    grad_z = rng.standard_normal((batch, fan_out)).astype(dtype)
    z = np.empty((batch, fan_out), dtype)
    coef_grad = np.empty((n_mono, fan_out), dtype)
    grad_phi = np.empty((batch, n_mono), dtype)

    def run():
        np.matmul(phi, coef, out=z)
        np.matmul(phi.T, grad_z, out=coef_grad)
        np.matmul(grad_z, coef.T, out=grad_phi)

    return run


def step_data(n_inputs, n_rows, dtype, seed=0):
    """Return X uniform on [-1, 1] and a smooth regression target y."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, size=(n_rows, n_inputs)).astype(dtype)
    y = (X[:, 0] * X[:, -1] + 0.5 * X[:, 1]).astype(dtype)
    return X, y


def make_step_model(n_hidden, solver, degree=(2, 1), batch=BATCH, epochs=1):
    """Return an unfitted PolyNetRegressor for the step benchmark."""
    from skpoly import PolyNetRegressor

    return PolyNetRegressor(
        hidden_layer_sizes=(n_hidden,),
        activation="tanh",
        degree=degree,
        solver=solver,
        batch_size=batch,
        learning_rate_init=1e-4,
        momentum=0.9,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=10**6,
        shuffle=True,
        random_state=0,
    )


def partial_fit_step(n_inputs, n_hidden, dtype, solver, degree=(2, 1)):
    """Return a callable: partial_fit on exactly one batch of BATCH rows."""
    X, y = step_data(n_inputs, BATCH, dtype)
    model = make_step_model(n_hidden, solver, degree)
    model.partial_fit(X, y)

    def run():
        model.partial_fit(X, y)

    return run


def internal_step(n_inputs, n_hidden, dtype, solver, degree=(2, 1)):
    """Return a callable running the step fit's inner loop calls per batch.

    It is found by `_engine_step.make_internal_step`, which knows the
    engine's private names; None when this engine offers no such hook.
    """
    from _engine_step import make_internal_step

    X, y = step_data(n_inputs, BATCH, dtype)
    model = make_step_model(n_hidden, solver, degree)
    return make_internal_step(model, X, y)


def epoch_per_batch(n_inputs, n_hidden, dtype, solver, n_batches, degree=(2, 1)):
    """Return a callable: one fit epoch over n_batches batches of BATCH rows."""
    X, y = step_data(n_inputs, BATCH * n_batches, dtype)
    model = make_step_model(n_hidden, solver, degree)

    def run():
        with quiet():
            model.fit(X, y)

    return run


def step_vs_floor(quick=False, threads="default", solvers=("adam", "sgd")):
    """Return (header, rows, (f32_header, f32_rows)): steps against their floor.

    For each solver and shape, every candidate of both dtypes (floor,
    internal step, partial_fit, fit epoch) runs in one interleaved loop, so
    the float32 speed-up compares steps timed side by side too. sgd is
    timed in float64 only.
    """
    repeats, number, n_batches = (5, 2, 5) if quick else (11, 5, 20)
    shapes = SHAPES[:1] + SHAPES[-1:] if quick else SHAPES
    solvers = solvers[:1] if quick else solvers

    rows, f32_rows = [], []
    with blas_threads(threads):
        for solver in solvers:
            dtypes = (np.float64, np.float32) if solver == "adam" else (np.float64,)
            for m, n in shapes:
                n_mono = n_monomials(m, 2)
                candidates = {}
                for dtype in dtypes:
                    dt = np.dtype(dtype).name
                    candidates[("floor", dt)] = gemm_floor(BATCH, n_mono, n, dtype)
                    candidates[("step", dt)] = internal_step(m, n, dtype, solver)
                    candidates[("partial_fit", dt)] = partial_fit_step(
                        m, n, dtype, solver
                    )
                    candidates[("epoch", dt)] = epoch_per_batch(
                        m, n, dtype, solver, n_batches
                    )
                times = interleave(candidates, repeats, number, rewarm=True)

                for dtype in dtypes:
                    dt = np.dtype(dtype).name
                    epoch = times[("epoch", dt)] / n_batches
                    r = ratio(times[("step", dt)], times[("floor", dt)])
                    r_epoch = ratio(epoch, times[("floor", dt)])
                    rows.append(
                        [
                            f"{solver} {dt} m={m} K={n_mono} n={n}",
                            fmt_spread(times[("floor", dt)]),
                            fmt_spread(times[("step", dt)]),
                            fmt_spread(times[("partial_fit", dt)]),
                            fmt_spread(epoch),
                            f"{r:.2f}",
                            f"{r_epoch:.2f}",
                            verdict(r, STEP_TARGET),
                        ]
                    )
                if len(dtypes) == 2:
                    step64 = times[("step", "float64")]
                    step32 = times[("step", "float32")]
                    speedup = ratio(step64, step32)
                    gemm = ratio(
                        times[("floor", "float64")], times[("floor", "float32")]
                    )
                    f32_rows.append(
                        [
                            f"{solver} m={m} K={n_mono} n={n}",
                            fmt_time(np.median(times[("step", "float64")])),
                            fmt_time(np.median(times[("step", "float32")])),
                            f"{speedup:.2f}",
                            f"{gemm:.2f}",
                            verdict(speedup, FLOAT32_TARGET, kind="min"),
                        ]
                    )

    header = [
        f"degree (2, 1), B={BATCH}, threads={threads}",
        "3-GEMM floor",
        "internal step",
        "partial_fit(B rows)",
        "fit epoch / batches",
        "step / floor",
        "epoch / floor",
        f"verdict (step <= {STEP_TARGET})",
    ]
    f32_header = [
        f"degree (2, 1) step, threads={threads}",
        "float64",
        "float32",
        "speed-up",
        "floor speed-up",
        f"verdict (>= {FLOAT32_TARGET})",
    ]
    return header, rows, (f32_header, f32_rows)


# (batch, m inputs, n hidden): the step shapes, then smaller ones
THREAD_SHAPES = [(200, 64, 100), (200, 30, 64), (64, 30, 64), (32, 16, 32), (10, 8, 4)]


def thread_counts(quick=False, counts=(1, 2)):
    """Return (header, rows): one step's median time at each BLAS thread count."""
    repeats, number = (3, 3) if quick else (11, 10)
    shapes = THREAD_SHAPES[::2] if quick else THREAD_SHAPES

    switch = BlasThreads()
    rows = []
    for batch, m, n in shapes:
        X, y = step_data(m, batch, np.float64)
        model = make_step_model(n, "adam", batch=batch)
        step = make_internal_step_or_partial_fit(model, X, y)
        floor = gemm_floor(batch, n_monomials(m, 2), n, np.float64)

        candidates = {}
        for count in counts:
            for name, func in (("step", step), ("floor", floor)):

                def run(func=func, count=count):
                    switch.set(count)
                    for _ in range(number):
                        func()

                candidates[(name, count)] = run
        times = interleave(candidates, repeats)
        switch.set("default")
        cells = [f"B={batch} m={m} K={n_monomials(m, 2)} n={n}"]
        for name in ("step", "floor"):
            for count in counts:
                cells.append(fmt_spread(times[(name, count)] / number))
        best = min(counts, key=lambda c: np.median(times[("step", c)]))
        gain = np.median(times[("step", counts[-1])]) / np.median(
            times[("step", counts[0])]
        )
        cells += [f"{gain:.2f}", str(best)]
        rows.append(cells)

    header = ["float64 adam step, degree (2, 1)"]
    header += [f"step {c} thr" for c in counts] + [f"floor {c} thr" for c in counts]
    header += [f"step {counts[-1]} / {counts[0]} thr", "best"]
    return header, rows


def make_internal_step_or_partial_fit(model, X, y):
    """Return the internal step when the engine offers one, else partial_fit."""
    from _engine_step import make_internal_step

    step = make_internal_step(model, X, y)
    if step is not None:
        return step
    model.partial_fit(X, y)
    return lambda: model.partial_fit(X, y)
