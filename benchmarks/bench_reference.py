"""skpoly against per-sample pure-Python training on the reference task."""

import numpy as np

from _harness import fmt_spread, fmt_time, interleave, quiet, verdict
from pure_python import PurePythonPolyNet, make_task

# seconds per epoch of the original per-sample implementation, as quoted
QUOTED_EPOCH = {2: 2.5, 4: 4.0, 8: 7.7}
SPEEDUP_TARGET = 1e4


def reference_vs_skpoly(quick=False):
    """Return (header, rows): seconds per epoch and the speed-up factors."""
    from skpoly import PolyNetRegressor

    repeats, epochs = (3, 5) if quick else (9, 30)
    sizes = (2,) if quick else (2, 4, 8)

    rows = []
    for m in sizes:
        X_list, y_list = make_task(m)
        X, y = np.array(X_list), np.array(y_list)
        pure = PurePythonPolyNet(m)
        model = PolyNetRegressor(
            hidden_layer_sizes=(4,),
            activation="logistic",
            degree=2,
            solver="sgd",
            momentum=0.0,
            nesterovs_momentum=False,
            learning_rate="constant",
            learning_rate_init=0.01,
            alpha=0.0,
            batch_size=10,
            max_iter=epochs,
            tol=0.0,
            n_iter_no_change=10**6,
            shuffle=True,
            random_state=0,
        )

        def fit_skpoly(model=model, X=X, y=y):
            with quiet():
                model.fit(X, y)

        def epoch_pure(pure=pure, X=X_list, y=y_list):
            pure.train_epoch(X, y, batch_size=10, learning_rate=0.01)

        times = interleave({"skpoly": fit_skpoly, "pure": epoch_pure}, repeats)
        skpoly_epoch = times["skpoly"] / epochs
        factor_quoted = QUOTED_EPOCH[m] / np.median(skpoly_epoch)
        factor_pure = np.median(times["pure"]) / np.median(skpoly_epoch)
        rows.append(
            [
                f"m={m}",
                fmt_time(QUOTED_EPOCH[m]),
                fmt_spread(times["pure"]),
                fmt_spread(skpoly_epoch),
                f"{factor_quoted:,.0f}x",
                f"{factor_pure:,.1f}x",
                verdict(factor_quoted, SPEEDUP_TARGET, kind="min"),
            ]
        )
    header = [
        "m -> 4 -> 1, degree 2, B=10, sgd",
        "quoted original",
        "pure Python (ours)",
        "skpoly epoch",
        "vs quoted",
        "vs pure Python",
        f"verdict (>= {SPEEDUP_TARGET:.0e}x)",
    ]
    return header, rows
