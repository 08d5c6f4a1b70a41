"""
=====================================
Searching over degree and penalty
=====================================

Degree and ``alpha`` pull in opposite directions: a higher degree adds
coefficients to fit the data with, a larger ``alpha`` shrinks them. This
example searches both with :class:`~sklearn.model_selection.GridSearchCV` for
a :class:`~skpoly.PolyNetClassifier` in a pipeline, and draws the mean
cross-validated accuracy of every combination as a heatmap.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skpoly import PolyNetClassifier

X, y = make_moons(n_samples=300, noise=0.35, random_state=0)

pipe = make_pipeline(
    StandardScaler(),
    PolyNetClassifier(
        hidden_layer_sizes=(),
        solver="lbfgs",
        max_iter=300,
        random_state=0,
    ),
)

# %%
# With no hidden layer, each model is one polynomial of the two inputs, and
# the degree alone decides how curved the boundary may be. At the highest
# degrees and smallest penalties L-BFGS can use up its 300 iterations on a
# nearly flat objective; that ConvergenceWarning is expected and silenced.

degrees = [1, 2, 3, 4, 5]
alphas = np.logspace(-4, 1, 6)
search = GridSearchCV(
    pipe,
    {"polynetclassifier__degree": degrees, "polynetclassifier__alpha": alphas},
    cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=0),
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", category=ConvergenceWarning)
    search.fit(X, y)
print("best parameters:", search.best_params_)
print(f"best mean accuracy: {search.best_score_:.3f}")

# %%
# ``cv_results_`` holds one entry per combination. Each mean score goes into
# a (degree, alpha) table by looking its parameters up, which does not depend
# on the order in which the search visited the grid.

scores = np.empty((len(degrees), len(alphas)))
results = search.cv_results_
for degree, alpha, score in zip(
    results["param_polynetclassifier__degree"],
    results["param_polynetclassifier__alpha"],
    results["mean_test_score"],
):
    scores[degrees.index(degree), list(alphas).index(alpha)] = score

fig, ax = plt.subplots(figsize=(7.5, 4.5))
image = ax.imshow(scores, cmap="viridis", origin="lower", aspect="auto")
for (row, col), score in np.ndenumerate(scores):
    color = "black" if score > scores.mean() else "white"
    ax.text(col, row, f"{score:.3f}", ha="center", va="center", color=color)
ax.set_xticks(range(len(alphas)), [f"{alpha:g}" for alpha in alphas])
ax.set_yticks(range(len(degrees)), degrees)
ax.set_xlabel("alpha")
ax.set_ylabel("degree")
ax.set_title("mean cross-validated accuracy")
fig.colorbar(image, ax=ax)
fig.tight_layout()
plt.show()
