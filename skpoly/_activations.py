"""Activations applied in place, and their derivatives from the outputs."""

import numpy as np
from scipy.special import expit, log_softmax, softmax


def inplace_identity(z):
    """Leave ``z`` as it is: the identity needs no work."""


def inplace_logistic(z):
    """Replace ``z`` with expit(z); overflow-safe for any finite input."""
    expit(z, out=z)


def inplace_tanh(z):
    """Replace ``z`` with tanh(z)."""
    np.tanh(z, out=z)


def inplace_relu(z):
    """Replace ``z`` with max(z, 0)."""
    np.maximum(z, 0, out=z)


def inplace_exp(z):
    """Replace ``z`` with exp(z); large inputs give inf, which fit reports."""
    np.exp(z, out=z)


def inplace_softmax(z):
    """Replace each row of ``z`` with its softmax, shifted so nothing overflows."""
    z[...] = softmax(z, axis=1)


def inplace_identity_derivative(a, delta):
    """Leave ``delta`` as it is: the identity's derivative is one."""


def inplace_logistic_derivative(a, delta):
    """Multiply ``delta`` by a * (1 - a), the derivative of expit at a = expit(z)."""
    delta *= a
    delta *= 1 - a


def inplace_tanh_derivative(a, delta):
    """Multiply ``delta`` by 1 - a**2, the derivative of tanh at a = tanh(z)."""
    delta *= 1 - a * a


def inplace_relu_derivative(a, delta):
    """Zero ``delta`` where the unit is off (a == 0)."""
    delta[a <= 0] = 0


def logistic_log_proba(z):
    """Return log expit(z) and log(1 - expit(z)), each without overflow."""
    return -np.logaddexp(0, -z), -np.logaddexp(0, z)


ACTIVATIONS = {
    "identity": inplace_identity,
    "logistic": inplace_logistic,
    "tanh": inplace_tanh,
    "relu": inplace_relu,
    "exp": inplace_exp,
    "softmax": inplace_softmax,
}

DERIVATIVES = {
    "identity": inplace_identity_derivative,
    "logistic": inplace_logistic_derivative,
    "tanh": inplace_tanh_derivative,
    "relu": inplace_relu_derivative,
}

# activations whose outputs are polynomials of their inputs
POLYNOMIAL_ACTIVATIONS = {"identity"}

__all__ = ["ACTIVATIONS", "DERIVATIVES", "log_softmax", "logistic_log_proba"]
