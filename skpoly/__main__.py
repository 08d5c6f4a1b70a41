"""Cross-validate skpoly beside its scikit-learn peers: ``python -m skpoly``."""

import argparse
import sys
import time
import warnings

import numpy as np

# scikit-learn and skpoly are imported where they are used, so that --help
# and argument errors answer without the seconds scikit-learn takes to load

BUNDLED = {
    "digits": ("load_digits", "classification"),
    "breast_cancer": ("load_breast_cancer", "classification"),
    "diabetes": ("load_diabetes", "regression"),
}


def models(task, random_state=0):
    """Return (name, pipeline) pairs: skpoly and its untuned peers."""
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    from skpoly import PolyNetClassifier, PolyNetRegressor

    if task == "classification":
        candidates = [
            ("PolyNetClassifier", PolyNetClassifier(random_state=random_state)),
            ("MLPClassifier", MLPClassifier(random_state=random_state)),
            (
                "PolynomialFeatures(2) + LogisticRegression",
                [PolynomialFeatures(2), LogisticRegression(max_iter=1000)],
            ),
        ]
    else:
        candidates = [
            ("PolyNetRegressor", PolyNetRegressor(random_state=random_state)),
            ("MLPRegressor", MLPRegressor(random_state=random_state)),
            ("PolynomialFeatures(2) + Ridge", [PolynomialFeatures(2), Ridge()]),
        ]
    pipelines = []
    for name, steps in candidates:
        steps = steps if isinstance(steps, list) else [steps]
        pipelines.append((name, make_pipeline(StandardScaler(), *steps)))
    return pipelines


def evaluate(X, y, task, *, n_splits=5, random_state=0, progress=None):
    """Return one row (model, mean, std, fit seconds) per model, by CV.

    The folds are shuffled with ``random_state`` and stratified for
    classification; the score is accuracy or R^2. A model that fails
    raises, rather than scoring NaN.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import KFold, StratifiedKFold, cross_validate

    if task == "classification":
        cv = StratifiedKFold(n_splits, shuffle=True, random_state=random_state)
    else:
        cv = KFold(n_splits, shuffle=True, random_state=random_state)
    rows = []
    for name, model in models(task, random_state):
        if progress is not None:
            progress(name)
        with warnings.catch_warnings():
            # the peers' untuned defaults may stop at max_iter; that is the
            # comparison being made, so their warnings are not news here
            warnings.simplefilter("ignore", ConvergenceWarning)
            result = cross_validate(model, X, y, cv=cv, error_score="raise")
        scores = result["test_score"]
        rows.append((name, scores.mean(), scores.std(), result["fit_time"].mean()))
    return rows


def load_csv(path, target, task=None):
    """Return X, y and the task from a CSV file with a header row.

    The task is "classification" when the target column is not numeric or
    holds at most 20 distinct integers, "regression" otherwise, unless
    ``task`` says which. Missing or infinite values, non-numeric feature
    columns and targets that cannot be learned are refused with a message
    naming the column.
    """
    import csv

    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise ValueError(f"{path} is empty; it needs a header row.") from None
        rows = [row for row in reader if row]
    if target not in header:
        raise ValueError(
            f"--target {target!r} is not a column of {path}; its columns are "
            f"{', '.join(header)}."
        )
    if not rows:
        raise ValueError(f"{path} has a header but no data rows.")
    if len(header) < 2:
        raise ValueError(f"{path} has no feature column besides {target!r}.")
    bad = [i for i, row in enumerate(rows, start=2) if len(row) != len(header)]
    if bad:
        raise ValueError(
            f"{path}: line {bad[0]} has a different number of fields than "
            f"the header ({len(header)})."
        )

    # refuse missing values, naming the column and the first line
    table = np.array(rows, dtype=object)
    missing = np.char.strip(table.astype(str)) == ""
    missing |= np.isin(np.char.lower(np.char.strip(table.astype(str))), ["nan", "na"])
    for j in np.flatnonzero(missing.any(axis=0)):
        lines = np.flatnonzero(missing[:, j]) + 2
        raise ValueError(
            f"Column {header[j]!r} of {path} has {len(lines)} missing "
            f"value(s) (first on line {lines[0]}); fill them in or drop those "
            "rows before running skpoly."
        )

    index = header.index(target)
    names = [name for i, name in enumerate(header) if i != index]
    features = np.delete(table, index, axis=1)
    X = np.empty(features.shape)
    for j, name in enumerate(names):
        try:
            X[:, j] = features[:, j].astype(np.float64)
        except ValueError:
            raise ValueError(
                f"Column {name!r} of {path} is not numeric; encode it (for "
                "example one-hot) or drop it before running skpoly."
            ) from None
        if not np.isfinite(X[:, j]).all():
            raise ValueError(
                f"Column {name!r} of {path} holds infinite values; replace "
                "them or drop those rows."
            )

    labels = table[:, index].astype(str)
    try:
        y = labels.astype(np.float64)
        numeric = bool(np.isfinite(y).all())
    except ValueError:
        numeric = False
    if not numeric:
        y = labels
    if len(np.unique(labels)) < 2:
        raise ValueError(
            f"The target column {target!r} of {path} holds a single value; "
            "there is nothing to learn."
        )
    integral = numeric and bool(np.all(np.mod(y, 1) == 0))
    if task is None:
        few = len(np.unique(labels)) <= 20
        task = "classification" if not numeric or (integral and few) else "regression"
    if task == "regression" and not numeric:
        raise ValueError(
            f"--task regression needs a numeric, finite target, but {target!r} "
            "is not."
        )
    if task == "classification" and numeric and not integral:
        raise ValueError(
            f"--task classification needs class labels, but {target!r} holds "
            f"{len(np.unique(labels))} distinct real values; use --task "
            "regression or bin the target."
        )
    return X, y, task


def format_table(rows):
    """Return the results as an aligned text table."""
    header = ("data set", "model", "score (mean +- std)", "fit seconds")
    lines = [
        (data, model, f"{mean:.3f} +- {std:.3f}", f"{seconds:.2f}")
        for data, model, mean, std, seconds in rows
    ]
    widths = [max(len(str(r[i])) for r in [header] + lines) for i in range(4)]
    out = []
    for i, row in enumerate([header] + lines):
        out.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def main(argv=None):
    """Run the comparison and print the table; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m skpoly",
        description=(
            "Cross-validate PolyNet estimators beside MLP and polynomial "
            "features + a linear model, on scikit-learn's bundled data sets "
            "or on your own CSV file."
        ),
    )
    parser.add_argument("--data", help="a CSV file with a header row")
    parser.add_argument("--target", help="the target column of --data")
    parser.add_argument(
        "--task",
        choices=["classification", "regression"],
        help="override the task guessed from the target column",
    )
    parser.add_argument("--cv", type=int, default=5, help="number of folds (5)")
    parser.add_argument(
        "--random-state", type=int, default=0, help="seed of folds and models"
    )
    args = parser.parse_args(argv)
    if (args.data is None) != (args.target is None):
        parser.error("--data and --target go together")
    if args.cv < 2:
        parser.error("--cv needs at least 2 folds")

    if args.data is None:
        import sklearn.datasets

        datasets = []
        for name, (loader, task) in BUNDLED.items():
            X, y = getattr(sklearn.datasets, loader)(return_X_y=True)
            datasets.append((name, X, y, task))
    else:
        try:
            X, y, task = load_csv(args.data, args.target, args.task)
        except (OSError, ValueError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        datasets = [(args.data, X, y, task)]

    rows = []
    start = time.perf_counter()
    for name, X, y, task in datasets:

        def progress(model, name=name, X=X):
            elapsed = time.perf_counter() - start
            print(
                f"[{elapsed:6.1f} s] {name} ({X.shape[0]} x {X.shape[1]}): "
                f"{args.cv}-fold CV of {model}",
                file=sys.stderr,
                flush=True,
            )

        try:
            results = evaluate(
                X,
                y,
                task,
                n_splits=args.cv,
                random_state=args.random_state,
                progress=progress,
            )
        except ValueError as error:
            print(f"error: {name}: {error}", file=sys.stderr)
            return 2
        rows.extend((name,) + row for row in results)

    metric = "accuracy for classification, R^2 for regression"
    print(
        f"\n{args.cv}-fold cross-validation ({metric}); every model is "
        "make_pipeline(StandardScaler(), model) with default parameters; "
        "fit seconds are the mean per fold:\n"
    )
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
