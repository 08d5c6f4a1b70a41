"""Tests of the network engine: backpropagation against finite differences."""

import numpy as np
import pytest

from skpoly._network import PolyNetwork

LOSS_TARGETS = {
    "binary_log_loss": lambda rng, n, k: (rng.uniform(size=(n, k)) > 0.5) * 1.0,
    "log_loss": lambda rng, n, k: np.eye(k)[rng.randint(k, size=n)],
    "squared_error": lambda rng, n, k: rng.normal(size=(n, k)),
    "poisson": lambda rng, n, k: rng.poisson(1.5, size=(n, k)) * 1.0,
}


def _penalised_loss(network, X, Y, sw, params, alpha):
    """Return the penalised loss at params and its backprop gradient."""
    coefs = network.unpack(params)
    grad = np.empty_like(params)
    grads = network.unpack(grad)
    work = network.workspace(X.shape[0], X.dtype, training=True)
    scale = 1.0 / sw.sum()
    loss = network.loss_grad(X, Y, sw, coefs, grads, work, scale)
    loss += network.penalty(coefs, grads, alpha, scale)
    return loss, grad


@pytest.mark.parametrize("loss", sorted(LOSS_TARGETS))
@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
@pytest.mark.parametrize("degree", [1, 2, 3, 4])
@pytest.mark.parametrize("n_hidden", [0, 1, 2, 3])
def test_loss_grad_matches_finite_differences(loss, activation, degree, n_hidden):
    """Check that backprop's gradient of the penalised, weighted loss is exact.

    Central differences in float64 of every coefficient, for every loss,
    activation, degree and depth; the relative error must stay below 1e-6.
    """
    rng = np.random.RandomState(degree * 100 + n_hidden * 10 + len(activation))
    n_outputs = 3 if loss != "binary_log_loss" else 2
    hidden = [3, 2, 3][:n_hidden]
    n_features = 2
    degrees = [degree] * (n_hidden + 1)
    network = PolyNetwork(
        [n_features] + hidden + [n_outputs], degrees, False, activation, loss
    )
    X = rng.uniform(-0.9, 0.9, size=(7, n_features))
    Y = LOSS_TARGETS[loss](rng, 7, n_outputs)
    sw = rng.uniform(0.5, 2.0, size=7)
    params = network.init_params(rng, np.float64)
    if activation == "relu":
        # positive inputs and coefficients keep every relu unit on, away
        # from the kink at 0, and small ones keep stacked powers moderate
        X = np.abs(X) + 0.1
        params = 0.25 * np.abs(params)
    else:
        params *= 0.75
    alpha = 0.3

    loss_value, grad = _penalised_loss(network, X, Y, sw, params, alpha)
    assert np.isfinite(loss_value)

    # central differences, one coefficient at a time
    eps = 1e-6
    numeric = np.empty_like(params)
    for k in range(params.size):
        step = np.zeros_like(params)
        step[k] = eps
        up = _penalised_loss(network, X, Y, sw, params + step, alpha)[0]
        down = _penalised_loss(network, X, Y, sw, params - step, alpha)[0]
        numeric[k] = (up - down) / (2 * eps)
    error = np.linalg.norm(grad - numeric) / max(np.linalg.norm(numeric), 1e-12)
    assert error < 1e-6, error


@pytest.mark.parametrize("interaction_only", [False, True])
def test_loss_grad_interaction_only_matches_finite_differences(interaction_only):
    """Check the gradient when monomials are restricted to distinct inputs."""
    rng = np.random.RandomState(1)
    network = PolyNetwork([4, 3, 2], [3, 2], interaction_only, "tanh", "log_loss")
    X = rng.normal(size=(6, 4))
    Y = np.eye(2)[rng.randint(2, size=6)]
    sw = np.ones(6)
    params = network.init_params(rng, np.float64)
    _, grad = _penalised_loss(network, X, Y, sw, params, 0.1)
    eps = 1e-6
    numeric = np.array(
        [
            (
                _penalised_loss(network, X, Y, sw, params + eps * e, 0.1)[0]
                - _penalised_loss(network, X, Y, sw, params - eps * e, 0.1)[0]
            )
            / (2 * eps)
            for e in np.eye(params.size)
        ]
    )
    assert np.linalg.norm(grad - numeric) < 1e-6 * np.linalg.norm(numeric)


def test_penalty_skips_constant_monomials():
    """Check that alpha penalises every coefficient but the intercept rows."""
    network = PolyNetwork([2, 1], [2], False, "identity", "squared_error")
    params = np.arange(1.0, 7.0)
    coefs = network.unpack(params)
    grad = np.zeros_like(params)
    value = network.penalty(coefs, network.unpack(grad), alpha=2.0, scale=0.5)
    # rows 1..5 hold 2..6: 0.5 * 2 * 0.5 * (4 + 9 + 16 + 25 + 36)
    assert value == pytest.approx(45.0)
    np.testing.assert_allclose(grad, [0, 2, 3, 4, 5, 6])
