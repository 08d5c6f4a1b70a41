r"""
===============================
Recovering a noisy polynomial
===============================

With no hidden layer, :class:`~skpoly.PolyNetRegressor` is a single
polynomial of its inputs fitted by penalised least squares. Here the data
follow :math:`y = x^2 + 2x + 1` on :math:`x \in [0, 10]`, with noise drawn
uniformly from :math:`[-5, 5]`, and a degree-2 model should give back the
coefficients 1, 2 and 1. :func:`skpoly.inspection.unit_polynomial` reads
them off the fitted model.
"""

# %%
# The data
# --------

import matplotlib.pyplot as plt
import numpy as np

from skpoly import PolyNetRegressor
from skpoly.inspection import unit_polynomial

rng = np.random.RandomState(0)
x = rng.uniform(0, 10, size=1000)
y = x**2 + 2 * x + 1 + rng.uniform(-5, 5, size=x.shape)
X = x.reshape(-1, 1)

# %%
# The fit
# -------
# The model is fitted on the raw input. With a single input and degree 2 the
# monomials :math:`1, x, x^2` span only two orders of magnitude on
# :math:`[0, 10]`, which L-BFGS handles well; for wider ranges or higher
# degrees, scale first (see :ref:`preprocessing`). A tiny ``alpha`` leaves
# the least-squares solution practically unpenalised.

model = PolyNetRegressor(
    hidden_layer_sizes=(),
    degree=2,
    solver="lbfgs",
    alpha=1e-8,
    max_iter=500,
)
model.fit(X, y)

# %%
# Reading the coefficients
# ------------------------
# ``unit_polynomial`` returns the polynomial computed by one output unit of
# one transition; here there is only one of each. It prints as a formula and
# holds the monomials' names and coefficients, which are the rows of
# ``model.coefs_[0]`` in the order of ``model.powers_[0]``.

poly = unit_polynomial(model, feature_names=["x"])
print(poly.to_string(precision=3))

reference = np.polynomial.polynomial.polyfit(x, y, deg=2)
print("\nmonomial   true   skpoly   numpy polyfit")
for name, fitted, ref, true in zip(poly.names, poly.coef, reference, [1, 2, 1]):
    print(f"{name:>8} {true:6.2f} {fitted:8.3f} {ref:11.3f}")

# %%
# The true coefficients are recovered up to the noise, and skpoly agrees with
# NumPy's least-squares fit to several digits, as it should for the same
# convex problem.

grid = np.linspace(0, 10, 200).reshape(-1, 1)
c0, c1, c2 = poly.coef
fig, ax = plt.subplots(figsize=(7, 4.5))
ax.scatter(x, y, s=6, color="0.6", alpha=0.6, label="noisy samples")
ax.plot(grid, grid**2 + 2 * grid + 1, "k--", lw=2, label="$x^2 + 2x + 1$")
ax.plot(
    grid,
    model.predict(grid),
    color="C1",
    lw=2,
    label=f"skpoly: ${c2:.2f}x^2 + {c1:.2f}x + {c0:.2f}$",
)
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.legend(loc="upper left")
fig.tight_layout()
plt.show()
