"""
=========================================
Decision boundaries by polynomial degree
=========================================

Three toy problems, two interleaved half moons, a circle inside a circle and
the XOR pattern, each fitted by a small :class:`~skpoly.PolyNetClassifier` of
degree 1, 2 and 3, beside scikit-learn's
:class:`~sklearn.neural_network.MLPClassifier` of the same shape.

Degree 1 is an MLP, so the first and last columns solve the same problem
with different initialisations. From degree 2 on, every transition contains
the products of its inputs: a circle :math:`x_1^2 + x_2^2 = r^2` and the XOR
sign pattern :math:`x_1 x_2 > 0` become a single unit's work: the degree-2
network draws the circle almost exactly and finds the four XOR quadrants.
Degree 3 has more freedom than these problems need, and shows it in regions
far from any data. The number in the lower right corner of each plot is the
accuracy on held-out points.
"""

# %%
# The data
# --------
# Every data set has two features; each is standardised inside the pipeline.

import warnings

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from sklearn.datasets import make_circles, make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skpoly import PolyNetClassifier


def make_xor(n_samples, noise, random_state):
    """Return points in [-1, 1]^2 labelled by the sign of x1 * x2."""
    rng = np.random.RandomState(random_state)
    X = rng.uniform(-1, 1, size=(n_samples, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    return X + noise * rng.normal(size=X.shape), y


datasets = {
    "moons": make_moons(n_samples=200, noise=0.25, random_state=0),
    "circles": make_circles(n_samples=200, noise=0.1, factor=0.5, random_state=1),
    "XOR": make_xor(n_samples=200, noise=0.05, random_state=2),
}

# %%
# The models
# ----------
# One hidden layer of four units, trained by L-BFGS. A small ``alpha``
# keeps the higher degrees from chasing single points.

hidden = (4,)
models = {
    f"PolyNet, degree {degree}": PolyNetClassifier(
        hidden_layer_sizes=hidden,
        activation="tanh",
        degree=degree,
        solver="lbfgs",
        alpha=1e-3,
        max_iter=300,
        random_state=0,
    )
    for degree in (1, 2, 3)
}
models["MLPClassifier"] = MLPClassifier(
    hidden_layer_sizes=hidden,
    activation="tanh",
    solver="lbfgs",
    alpha=1e-3,
    max_iter=300,
    random_state=0,
)

# %%
# Fit and draw
# ------------
# With so small an ``alpha`` a few of these networks are still creeping towards
# a minimum after 300 L-BFGS iterations, in a way that changes nothing visible
# in the plots. The ConvergenceWarning they raise is expected, and silenced.

# points in strong red and blue over the lighter probability shading; the
# faint ones are the held-out points the score is computed on
points = ListedColormap(["#b2182b", "#2166ac"])
fig, axes = plt.subplots(
    len(datasets), len(models), figsize=(12, 9), sharex="row", sharey="row"
)
for row, (data_name, (X, y)) in enumerate(datasets.items()):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    for col, (model_name, model) in enumerate(models.items()):
        ax = axes[row, col]
        clf = make_pipeline(StandardScaler(), model)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=ConvergenceWarning)
            clf.fit(X_train, y_train)
        score = clf.score(X_test, y_test)

        DecisionBoundaryDisplay.from_estimator(
            clf,
            X,
            response_method="predict_proba",
            cmap="RdBu",
            alpha=0.6,
            ax=ax,
            grid_resolution=120,
        )
        ax.scatter(*X_train.T, c=y_train, cmap=points, edgecolor="k", s=20)
        ax.scatter(*X_test.T, c=y_test, cmap=points, edgecolor="k", s=20, alpha=0.5)
        ax.text(
            0.97,
            0.03,
            f"{score:.2f}",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=12,
            bbox=dict(facecolor="white", alpha=0.8, edgecolor="none"),
        )
        ax.set_xticks(())
        ax.set_yticks(())
        if row == 0:
            ax.set_title(model_name)
        if col == 0:
            ax.set_ylabel(data_name, fontsize=12)

fig.tight_layout()
plt.show()
