"""Losses on the raw network output, each with its gradient."""

import numpy as np
from scipy.special import expit, xlogy


def squared_error_loss(y_true, raw, sample_weight, delta):
    """Return sum_i w_i * 0.5 * ||raw_i - y_i||^2; write d/d raw into ``delta``.

    The output link is the identity, so ``raw`` is the prediction.
    """
    np.subtract(raw, y_true, out=delta)
    per_sample = 0.5 * np.einsum("ij,ij->i", delta, delta)
    return _weigh(per_sample, sample_weight, delta)


def poisson_loss(y_true, raw, sample_weight, delta):
    """Return the weighted half Poisson deviance of exp(raw); gradient into ``delta``.

    The deviance is sum_j exp(raw) - y raw + y log y - y, zero at a perfect
    fit; its gradient in raw is exp(raw) - y.
    """
    mean = np.exp(raw)
    np.subtract(mean, y_true, out=delta)
    per_sample = (mean - y_true * raw + xlogy(y_true, y_true) - y_true).sum(axis=1)
    return _weigh(per_sample, sample_weight, delta)


def log_loss(y_true, raw, sample_weight, delta):
    """Return the weighted cross-entropy of softmax(raw); gradient into ``delta``.

    Softmax and logsumexp come from one pass over the rows shifted by their
    maximum, log softmax = raw - max - log(sum(exp(raw - max))), so no
    exponential overflows and no probability is rounded to zero inside a
    logarithm.
    """
    # exp(raw - max) into delta, and the row sums of it, shape (n, 1)
    shift = raw.max(axis=1, keepdims=True)
    np.subtract(raw, shift, out=delta)
    np.exp(delta, out=delta)
    total = delta.sum(axis=1, keepdims=True)

    # loss: logsumexp(raw) * sum(y) - y . raw, per sample
    mass = y_true.sum(axis=1, keepdims=True)
    lse = np.log(total)
    lse += shift
    per_sample = (lse * mass)[:, 0] - np.einsum("ij,ij->i", y_true, raw)

    # gradient: softmax(raw) * sum(y) - y
    np.divide(mass, total, out=total)
    delta *= total
    delta -= y_true
    return _weigh(per_sample, sample_weight, delta)


def binary_log_loss(y_true, raw, sample_weight, delta):
    """Return the weighted cross-entropy of expit(raw); gradient into ``delta``.

    Each column is its own Bernoulli variable: log(1 + exp(raw)) - y raw.
    """
    per_sample = (np.logaddexp(0, raw) - y_true * raw).sum(axis=1)
    expit(raw, out=delta)
    delta -= y_true
    return _weigh(per_sample, sample_weight, delta)


def _weigh(per_sample, sample_weight, delta):
    """Return the weighted sum of ``per_sample``, weighting ``delta``'s rows too."""
    if sample_weight is None:
        return float(per_sample.sum())
    delta *= sample_weight[:, np.newaxis]
    return float(per_sample @ sample_weight)


LOSSES = {
    "squared_error": squared_error_loss,
    "poisson": poisson_loss,
    "log_loss": log_loss,
    "binary_log_loss": binary_log_loss,
}

# the output activation each loss is written for
OUTPUT_ACTIVATIONS = {
    "squared_error": "identity",
    "poisson": "exp",
    "log_loss": "softmax",
    "binary_log_loss": "logistic",
}
