"""
================================
Loss curves of the three solvers
================================

:class:`~skpoly.PolyNetClassifier` offers the solvers of scikit-learn's MLP:
full-batch L-BFGS, stochastic gradient descent with momentum, and Adam. Every
solver records the training loss per iteration in ``loss_curve_``; for the
mini-batch solvers an iteration is an epoch, one pass over the data, and for
L-BFGS it is one quasi-Newton step on the whole set.

The model is a degree-2 network with one hidden layer on a subset of the
handwritten digits.
"""

import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skpoly import PolyNetClassifier

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X[:600])
y = y[:600]

solvers = {
    "lbfgs": {"solver": "lbfgs"},
    "sgd, momentum 0.9": {
        "solver": "sgd",
        "learning_rate_init": 0.05,
        "momentum": 0.9,
    },
    "sgd, no momentum": {
        "solver": "sgd",
        "learning_rate_init": 0.05,
        "momentum": 0.0,
    },
    "adam": {"solver": "adam", "learning_rate_init": 0.005},
}

# %%
# Each solver gets the same budget of 60 iterations. That is deliberately too
# few for SGD to meet its tolerance, so scikit-learn's ConvergenceWarning is
# expected here and silenced; the curves show how far each solver got.

fig, ax = plt.subplots(figsize=(7, 4.5))
for label, params in solvers.items():
    model = PolyNetClassifier(
        hidden_layer_sizes=(16,),
        degree=(1, 2),
        alpha=1e-4,
        max_iter=60,
        random_state=0,
        **params,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        model.fit(X, y)
    ax.plot(model.loss_curve_, label=f"{label} ({model.n_iter_} iterations)")

ax.set_yscale("log")
ax.set_xlabel("iteration (an epoch for sgd and adam)")
ax.set_ylabel("training loss")
ax.legend()
fig.tight_layout()
plt.show()
