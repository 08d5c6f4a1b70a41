"""
================================
Loss curves of the three solvers
================================

:class:`~skpoly.PolyNetClassifier` offers the solvers of scikit-learn's MLP:
full-batch L-BFGS, stochastic gradient descent with momentum, and Adam. Every
solver records the training loss per iteration in ``loss_curve_``; for the
mini-batch solvers an iteration is an epoch, one pass over the data, and for
L-BFGS it is one quasi-Newton step on the whole set.

The model is a network with one hidden layer of 16 units, affine from the 64
pixels to the hidden layer and quadratic from there to the ten class scores
(``degree=(1, 2)``), trained on 600 of the handwritten digits and tested on
300 others.
"""

import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skpoly import PolyNetClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=600, test_size=300, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

solvers = {
    "lbfgs": {"solver": "lbfgs"},
    "sgd, momentum 0.9": {
        "solver": "sgd",
        "learning_rate": "constant",
        "learning_rate_init": 0.05,
        "momentum": 0.9,
    },
    "sgd, no momentum": {
        "solver": "sgd",
        "learning_rate": "constant",
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
        batch_size=200,
        random_state=0,
        **params,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        model.fit(X_train, y_train)
    accuracy = model.score(X_test, y_test)
    ax.plot(
        model.loss_curve_,
        label=f"{label}: {model.n_iter_} it., test accuracy {accuracy:.3f}",
    )

ax.set_yscale("log")
ax.set_title("training loss, penalty included")
ax.set_xlabel("iteration (an epoch for sgd and adam)")
ax.set_ylabel("training loss")
ax.legend()
fig.tight_layout()
plt.show()

# %%
# L-BFGS uses curvature information and takes the whole training set at every
# step, so on a problem this small it drives the training loss down in a few
# iterations and stops once the gradient falls below ``tol``. Each of its
# iterations costs at least one full pass over the data, sometimes several
# when the line search backtracks. The mini-batch solvers make 3 updates per
# epoch here (batches of 200 rows); plain SGD with a constant step is slowest,
# and momentum or Adam's per-coefficient steps make up much of the gap. On
# large data sets, where one pass is expensive and the first few epochs
# already reach a good model, the balance tips towards ``"adam"``.
