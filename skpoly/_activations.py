"""Hidden activations applied in place, and their derivatives from the outputs.

Output links (softmax, logistic, exp) never run in place: the losses work on
the raw outputs, and prediction applies the link where it is needed.
"""

import numpy as np
from scipy.special import expit


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
    # a multiply by the mask beats a boolean-indexed assignment
    np.multiply(delta, a > 0, out=delta)


def logistic_log_proba(z):
    """Return log expit(z) and log(1 - expit(z)), each without overflow."""
    return -np.logaddexp(0, -z), -np.logaddexp(0, z)


ACTIVATIONS = {
    "identity": inplace_identity,
    "logistic": inplace_logistic,
    "tanh": inplace_tanh,
    "relu": inplace_relu,
}

DERIVATIVES = {
    "identity": inplace_identity_derivative,
    "logistic": inplace_logistic_derivative,
    "tanh": inplace_tanh_derivative,
    "relu": inplace_relu_derivative,
}

__all__ = ["ACTIVATIONS", "DERIVATIVES", "logistic_log_proba"]
