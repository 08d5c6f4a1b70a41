"""
=========================================
Accuracy against fit time on the digits
=========================================

How does a polynomial network compare, in accuracy and in training time,
with the two scikit-learn models it generalises? This example fits, on the
8x8 handwritten digits (64 features, 10 classes):

- :class:`~skpoly.PolyNetClassifier` with one hidden layer, at degree 1 (an
  MLP) and with a quadratic output transition;
- scikit-learn's :class:`~sklearn.neural_network.MLPClassifier` of the same
  shape;
- :class:`~sklearn.preprocessing.PolynomialFeatures` of degree 2 followed by
  :class:`~sklearn.linear_model.LogisticRegression`, the model skpoly
  computes with no hidden layer.

The timings are of a single run on whatever machine built this page, so
read them as rough proportions, not as a benchmark; :doc:`/benchmarks` has
careful measurements.
"""

import warnings
from time import perf_counter

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from skpoly import PolyNetClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)

common = dict(solver="lbfgs", alpha=1e-3, max_iter=150, random_state=0)
models = {
    "PolyNet, degree 1": PolyNetClassifier(
        hidden_layer_sizes=(32,), degree=1, **common
    ),
    "PolyNet, degree (1, 2)": PolyNetClassifier(
        hidden_layer_sizes=(32,), degree=(1, 2), **common
    ),
    "PolyNet, degree (2, 1)": PolyNetClassifier(
        hidden_layer_sizes=(8,), degree=(2, 1), **common
    ),
    "MLPClassifier": MLPClassifier(hidden_layer_sizes=(32,), **common),
    "PolynomialFeatures + LogisticRegression": make_pipeline(
        PolynomialFeatures(degree=2, include_bias=False),
        StandardScaler(),
        LogisticRegression(C=1.0, max_iter=150),
    ),
}

# %%
# Every model but the last gets the same L-BFGS budget of 150 iterations.
# Some stop at that budget before meeting their tolerance, which is fine for a
# comparison at equal cost, so ConvergenceWarning is silenced here.

results = {}
for name, model in models.items():
    pipe = make_pipeline(StandardScaler(), model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        start = perf_counter()
        pipe.fit(X_train, y_train)
        fit_time = perf_counter() - start
    results[name] = (fit_time, pipe.score(X_test, y_test))
    print(f"{name:>40}: {fit_time:6.2f} s, accuracy {results[name][1]:.3f}")

# %%
# Models further up and to the left are better. The quadratic output layer
# of ``degree=(1, 2)`` sees 32 hidden units, so it has
# :math:`\binom{34}{2} = 561` monomials per class, while ``degree=(2, 1)``
# expands all 64 inputs to 2,145 monomials for each of 8 hidden units. The
# last model is the no-hidden-layer special case, fitted by scikit-learn's
# solver for that convex problem. Which model comes out ahead depends on the
# data; the point of such a plot is to see what each gain in accuracy costs.

fig, ax = plt.subplots(figsize=(8, 5))
for index, (name, (fit_time, accuracy)) in enumerate(results.items()):
    ax.scatter(fit_time, accuracy, s=80, color=f"C{index}")
    ax.annotate(
        name,
        (fit_time, accuracy),
        xytext=(8, 4),
        textcoords="offset points",
        fontsize=9,
    )
ax.set_xscale("log")
ax.set_xlabel("fit time (s, log scale)")
ax.set_ylabel("test accuracy")
ax.margins(x=0.6, y=0.15)
ax.grid(True, alpha=0.3)
fig.tight_layout()
plt.show()
