"""A per-sample polynomial network trainer in pure Python, the speed baseline.

It trains the network of the reference task (m inputs -> 4 logistic units ->
1 identity unit, degree 2 in both transitions) one sample at a time with
plain lists and floats, accumulating the gradient over a mini-batch and then
taking one plain SGD step: the way the idea was first implemented, written
here from the model's definition only.
"""

import itertools
import math
import random


def monomials(n_inputs, degree):
    """Return the monomials as tuples of variable indices, constant first.

    A variable appears once per unit of its exponent, so x0**2 * x1 is
    (0, 0, 1); the order is by degree, then lexicographic, as in
    PolynomialFeatures.
    """
    out = [()]
    for d in range(1, degree + 1):
        out.extend(itertools.combinations_with_replacement(range(n_inputs), d))
    return out


def _expand(a, monos):
    """Return the monomial values of the list a."""
    phi = []
    for mono in monos:
        value = 1.0
        for j in mono:
            value *= a[j]
        phi.append(value)
    return phi


def _logistic(z):
    """Return 1 / (1 + exp(-z)) without overflow."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class PurePythonPolyNet:
    """m -> n_hidden (logistic) -> 1 (identity), degree 2, squared error.

    Parameters
    ----------
    n_inputs : int
        Number of inputs m.
    n_hidden : int, default=4
        Number of hidden units.
    degree : int, default=2
        Degree of both transitions.
    seed : int, default=0
        Seed of the uniform initialisation.
    """

    def __init__(self, n_inputs, n_hidden=4, degree=2, seed=0):
        rng = random.Random(seed)
        self.monos = [monomials(n_inputs, degree), monomials(n_hidden, degree)]
        sizes = [n_inputs, n_hidden, 1]
        self.coefs = []
        for i, monos in enumerate(self.monos):
            bound = math.sqrt(6.0 / (len(monos) + sizes[i + 1]))
            self.coefs.append(
                [
                    [rng.uniform(-bound, bound) for _ in range(sizes[i + 1])]
                    for _ in monos
                ]
            )

    def _forward(self, x):
        """Return the monomials of both layers, the hidden units and the output."""
        phi0 = _expand(x, self.monos[0])
        hidden = [
            _logistic(sum(p * row[k] for p, row in zip(phi0, self.coefs[0])))
            for k in range(len(self.coefs[0][0]))
        ]
        phi1 = _expand(hidden, self.monos[1])
        out = sum(p * row[0] for p, row in zip(phi1, self.coefs[1]))
        return phi0, hidden, phi1, out

    def predict_one(self, x):
        """Return the network's output for one sample (a list of floats)."""
        return self._forward(x)[3]

    def gradients_one(self, x, y):
        """Return (loss, [grad of coefs[0], grad of coefs[1]]) for one sample.

        The loss is (out - y)**2 / 2.
        """
        phi0, hidden, phi1, out = self._forward(x)
        delta_out = out - y

        # output transition: grad_W = Phi(hidden) * delta
        grad1 = [[p * delta_out] for p in phi1]

        # back through the monomials of the hidden units
        grad_phi1 = [row[0] * delta_out for row in self.coefs[1]]
        grad_hidden = [0.0] * len(hidden)
        for mono, g in zip(self.monos[1], grad_phi1):
            for pos, j in enumerate(mono):
                partial = g
                for q, k in enumerate(mono):
                    if q != pos:
                        partial *= hidden[k]
                grad_hidden[j] += partial

        # through the logistic: delta = grad_a * a * (1 - a)
        deltas = [g * h * (1.0 - h) for g, h in zip(grad_hidden, hidden)]
        grad0 = [[p * d for d in deltas] for p in phi0]
        return 0.5 * delta_out * delta_out, [grad0, grad1]

    def train_epoch(self, X, y, batch_size=10, learning_rate=0.01):
        """Run one epoch of mini-batch SGD over the lists X, y; return mean loss."""
        total = 0.0
        for start in range(0, len(X), batch_size):
            batch = range(start, min(start + batch_size, len(X)))
            acc = [[[0.0] * len(r) for r in W] for W in self.coefs]
            for s in batch:
                loss, grads = self.gradients_one(X[s], y[s])
                total += loss
                for A, G in zip(acc, grads):
                    for ra, rg in zip(A, G):
                        for k in range(len(ra)):
                            ra[k] += rg[k]

            # plain SGD step on the batch mean
            step = learning_rate / len(batch)
            for W, A in zip(self.coefs, acc):
                for rw, ra in zip(W, A):
                    for k in range(len(rw)):
                        rw[k] -= step * ra[k]
        return total / len(X)


def make_task(n_inputs, n_samples=1000, noise=0.01, seed=0):
    """Return X (list of lists) and y (list) of the reference regression task.

    x is uniform on [-1, 1]^m and y = x_0 x_{m-1} + 0.5 x_0 - x_{m-1}^2 / 3
    plus Gaussian noise.
    """
    rng = random.Random(seed)
    X, y = [], []
    for _ in range(n_samples):
        x = [rng.uniform(-1.0, 1.0) for _ in range(n_inputs)]
        first, last = x[0], x[-1]
        X.append(x)
        y.append(first * last + 0.5 * first - last * last / 3 + rng.gauss(0, noise))
    return X, y
