"""The one place that knows skpoly's private training-step names."""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning


def make_internal_step(model, X, y):
    """Return a callable running one training step on (X, y), or None.

    The step is what fit's inner loop (``_run_epoch``) calls per batch,
    on buffers set up once as fit sets them up: gathering the shuffled
    rows, ``network.loss_grad`` (forward and backward), ``network.penalty``
    and ``optimizer.update``. It returns None when the engine lacks these.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    network = getattr(model, "_network", None)
    if network is None or not hasattr(network, "loss_grad"):
        return None

    X, Y, _ = model._validate_input(X, y, reset=False, incremental=True)
    n_rows = X.shape[0]
    params = network.pack(model.coefs_, X.dtype)
    coefs = network.unpack(params)
    grad = np.empty_like(params)
    grads = network.unpack(grad)
    work = network.workspace(n_rows, X.dtype, training=True)
    gather = np.empty_like(X)
    optimizer = model._make_optimizer(params)
    order = np.random.default_rng(0).permutation(n_rows)
    scale = 1.0 / n_rows
    alpha = model.alpha

    def step():
        Xb = np.take(X, order, axis=0, out=gather, mode="clip")
        Yb = Y[order]
        loss = network.loss_grad(Xb, Yb, None, coefs, grads, work, scale)
        loss += network.penalty(coefs, grads, alpha, scale)
        optimizer.update(params, grad)
        return loss

    return step
