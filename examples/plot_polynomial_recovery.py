r"""
===============================
Recovering a noisy polynomial
===============================

With no hidden layer, :class:`~skpoly.PolyNetRegressor` is a single
polynomial of its inputs fitted by penalised least squares. Here the data
follow :math:`y = x^2 + 2x + 1` on :math:`x \in [0, 10]`, with noise drawn
uniformly from :math:`[-5, 5]`, and a degree-2 model should give back the
coefficients 1, 2 and 1.
"""

# %%
# The data
# --------

import matplotlib.pyplot as plt
import numpy as np

from skpoly import PolyNetRegressor

rng = np.random.RandomState(0)
x = rng.uniform(0, 10, size=1000)
y = x**2 + 2 * x + 1 + rng.uniform(-5, 5, size=x.shape)
X = x.reshape(-1, 1)

# %%
# The fit
# -------
# The model is fitted on :math:`u = x / 10`, which lies in :math:`[0, 1]`, so
# that the monomials :math:`1, u, u^2` are all of unit order (see
# :ref:`preprocessing`). A tiny ``alpha`` leaves the least-squares solution
# practically unpenalised.

scale = 10.0
model = PolyNetRegressor(
    hidden_layer_sizes=(),
    degree=2,
    solver="lbfgs",
    alpha=1e-8,
    max_iter=500,
    tol=1e-10,
)
model.fit(X / scale, y)

# %%
# Reading the coefficients
# ------------------------
# ``coefs_[0]`` has one row per monomial, in the order given by ``powers_[0]``:
# the constant, then :math:`u`, then :math:`u^2`. Substituting
# :math:`u = x / 10` turns the coefficient of :math:`u^k` into that of
# :math:`x^k` by dividing it by :math:`10^k`.

powers = model.powers_[0][:, 0]
coefs_u = model.coefs_[0][:, 0]
coefs_x = coefs_u / scale**powers
reference = np.polynomial.polynomial.polyfit(x, y, deg=2)

print("monomial   true   skpoly   numpy polyfit")
for power, fitted, ref, true in zip(powers, coefs_x, reference, [1, 2, 1]):
    name = "1" if power == 0 else ("x" if power == 1 else f"x^{power}")
    print(f"{name:>8} {true:6.2f} {fitted:8.3f} {ref:11.3f}")

# %%
# The true coefficients are recovered up to the noise; skpoly and NumPy's
# least-squares fit agree to several digits, as they should for the same
# convex problem.

grid = np.linspace(0, 10, 200).reshape(-1, 1)
fig, ax = plt.subplots(figsize=(7, 4.5))
ax.scatter(x, y, s=6, color="0.6", alpha=0.6, label="noisy samples")
ax.plot(grid, grid**2 + 2 * grid + 1, "k--", lw=2, label="$x^2 + 2x + 1$")
ax.plot(
    grid,
    model.predict(grid / scale),
    color="C1",
    lw=2,
    label=(
        f"skpoly: ${coefs_x[2]:.2f}x^2 + {coefs_x[1]:.2f}x + {coefs_x[0]:.2f}$"
    ),
)
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.legend(loc="upper left")
fig.tight_layout()
plt.show()
