"""The stack of polynomial layers: packing, forward pass and backpropagation."""

import numpy as np

from skpoly._activations import ACTIVATIONS, DERIVATIVES
from skpoly._layers import PolyLayer
from skpoly._losses import LOSSES, OUTPUT_ACTIVATIONS


class PolyNetwork:
    """A polynomial network's structure; the coefficients live outside it.

    All coefficients are stored in one flat vector, so that an optimizer
    updates them with a handful of vectorised operations and L-BFGS sees
    them directly; :meth:`unpack` returns per-layer views into it.

    Parameters
    ----------
    layer_sizes : list of int
        Units of every layer, inputs first and outputs last.
    degrees : list of int
        One degree per transition.
    interaction_only : bool
        Whether monomials are products of distinct units only.
    activation : str
        Hidden activation, a key of ``ACTIVATIONS``.
    loss : str
        A key of ``LOSSES``; it fixes the output activation.
    """

    def __init__(self, layer_sizes, degrees, interaction_only, activation, loss):
        self.layer_sizes = list(layer_sizes)
        self.degrees = list(degrees)
        self.activation = activation
        self.loss = loss
        self.out_activation = OUTPUT_ACTIVATIONS[loss]
        self.layers = [
            PolyLayer(fan_in, fan_out, degree, interaction_only)
            for fan_in, fan_out, degree in zip(
                layer_sizes[:-1], layer_sizes[1:], degrees
            )
        ]
        self.shapes = [(layer.n_monomials, layer.fan_out) for layer in self.layers]
        self.offsets = np.cumsum([0] + [k * n for k, n in self.shapes])
        self.n_params = int(self.offsets[-1])

    def unpack(self, flat):
        """Return the list of (n_monomials, fan_out) views into ``flat``."""
        return [
            flat[start:stop].reshape(shape)
            for start, stop, shape in zip(
                self.offsets[:-1], self.offsets[1:], self.shapes
            )
        ]

    def pack(self, coefs, dtype):
        """Return one flat vector holding copies of ``coefs``."""
        flat = np.empty(self.n_params, dtype=dtype)
        for view, coef in zip(self.unpack(flat), coefs):
            view[...] = coef
        return flat

    def init_params(self, rng, dtype):
        """Return a flat vector of initial coefficients drawn from ``rng``.

        A network without hidden layer is a generalised linear model on the
        monomials: its loss is convex and has no symmetry to break, so it
        starts at zero, as LogisticRegression does, which L-BFGS reaches
        the optimum from in fewer evaluations than from a random start.

        Otherwise each layer draws from :meth:`PolyLayer.init_coef`; a
        network of degree 1 throughout is initialised exactly as
        scikit-learn's MLP would. A hidden layer that feeds a transition of
        degree 2 or more starts with coefficients twice as large: a
        polynomial of units that all sit in the linear part of their
        activation is only a polynomial of the inputs, and L-BFGS then often
        settles in that basin (on two moons, 8 of 20 seeds did, against none
        of 20 with the doubled start).
        """
        # Glorot's factor: 2 for logistic units, 6 otherwise
        factor = 2.0 if self.activation == "logistic" else 6.0
        coefs = []
        for i, layer in enumerate(self.layers):
            coef = layer.init_coef(rng, factor, dtype)
            if i + 1 < len(self.layers) and self.layers[i + 1].degree > 1:
                coef *= 2
            coefs.append(coef.ravel())
        params = np.concatenate(coefs)
        if len(self.layers) == 1:
            # drawn all the same, so that what random_state gives the
            # shuffles and the validation split does not depend on this
            params[...] = 0
        return params

    def row_bytes(self, itemsize, training):
        """Return the workspace bytes one row needs."""
        n = sum(self.layer_sizes[1:]) * (2 if training else 1)
        for i, layer in enumerate(self.layers):
            if layer.expands:
                n += layer.n_monomials - 1
            if training and i > 0:
                n += layer.n_monomials - 1 + (layer.fan_in if layer.expands else 0)
        return n * itemsize

    def workspace(self, n_rows, dtype, training, expand_first=True):
        """Return buffers for batches of up to ``n_rows`` rows.

        ``expand_first=False`` leaves out the first layer's expansion buffer,
        for callers that pass its block to :meth:`forward` themselves.
        """
        return Workspace(self, n_rows, dtype, training, expand_first)

    def forward(self, X, coefs, work, first_block=None):
        """Return the raw output (before the output activation) for ``X``.

        The result is a view into ``work``; ``work.inputs`` keeps the
        monomial block and the activations of every layer for backprop.
        ``first_block``, when given, is the first layer's monomial block of
        ``X``, computed once by :meth:`expand_inputs` and reused.
        """
        n = X.shape[0]
        last = len(self.layers) - 1
        hidden = ACTIVATIONS[self.activation]
        a = X
        for i, layer in enumerate(self.layers):
            phi = work.rows(work.phi[i], n)
            expanded = first_block if i == 0 else None
            phi, z = layer.forward(a, coefs[i], phi, work.z[i][:n], expanded)
            work.inputs[i] = a
            work.blocks[i] = phi
            if i < last:
                hidden(z)
            a = z
        return a

    def expand_inputs(self, X):
        """Return the first layer's monomial block of ``X``, or None if it has none.

        Full-batch solvers call this once per fit: the inputs do not change
        between iterations, so neither does their expansion.
        """
        layer = self.layers[0]
        if not layer.expands:
            return None
        # monomial-major, as the workspace's buffers (see Workspace)
        phi = np.empty((layer.n_monomials - 1, X.shape[0]), dtype=X.dtype).T
        return layer.plan.expand(X, phi)

    def loss_grad(
        self, X, Y, sample_weight, coefs, grads, work, scale, first_block=None
    ):
        """Return scale * the weighted data loss; write its gradient into ``grads``.

        ``grads`` is the list of per-layer views to overwrite; ``scale`` is
        one over the total sample weight of the data the loss is averaged
        over. The penalty is added separately by :meth:`penalty`.
        ``first_block`` is as in :meth:`forward`.
        """
        n = X.shape[0]
        raw = self.forward(X, coefs, work, first_block)

        # loss and its gradient in the raw output, shape (n, n_outputs)
        delta = work.delta[:n]
        loss = LOSSES[self.loss](Y, raw, sample_weight, delta)
        delta *= scale

        # backpropagate through the layers
        derivative = DERIVATIVES[self.activation]
        for i in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[i]
            grad_phi = work.rows(work.grad_phi[i], n)
            grad_a = work.rows(work.grad_a[i], n)
            delta = layer.backward(
                work.inputs[i],
                work.blocks[i],
                coefs[i],
                delta,
                grads[i],
                grad_phi,
                grad_a,
            )
            if delta is not None:
                # through the hidden activation: dLoss/dz = dLoss/da * act'(z)
                derivative(work.inputs[i], delta)
        return loss * scale

    def penalty(self, coefs, grads, alpha, scale):
        """Add the L2 penalty's gradient to ``grads`` and return its value.

        The penalty is 0.5 * alpha * scale * ||W||^2 over every coefficient
        except the constant monomials'.
        """
        if alpha == 0:
            return 0.0
        value = 0.0
        for coef, grad in zip(coefs, grads):
            rest = coef[1:].ravel()
            value += float(rest @ rest)
            grad[1:] += (alpha * scale) * coef[1:]
        return 0.5 * alpha * scale * value

    def predict_raw(self, X, coefs, chunk_rows, dtype, rows=None):
        """Return the raw output for every row of ``X``, computed by chunks.

        ``rows`` turns a chunk (a slice) into a dense array; by default the
        chunk of ``X`` itself.
        """
        n = X.shape[0]
        out = np.empty((n, self.layer_sizes[-1]), dtype=dtype)
        work = self.workspace(min(chunk_rows, n), dtype, training=False)
        for start in range(0, n, chunk_rows):
            stop = min(start + chunk_rows, n)
            block = X[start:stop] if rows is None else rows(X, slice(start, stop))
            out[start:stop] = self.forward(block, coefs, work)
        return out


class Workspace:
    """Preallocated buffers of one network for batches of up to ``n_rows``.

    Batches of fewer rows use the leading rows of each buffer, so one
    workspace serves a whole epoch, the last short batch included. The
    monomial buffers of expanding layers (and their gradients) are stored
    monomial-major: :meth:`rows` returns them as F-contiguous
    (n, n_monomials - 1) arrays, whose columns are contiguous, so that the
    slice products of the expansion run along the samples; every GEMM takes
    them as they are, through BLAS's transpose flag.
    """

    def __init__(self, network, n_rows, dtype, training, expand_first=True):
        layers = network.layers
        self.n_rows = n_rows

        def buffer(width):
            return np.empty((n_rows, width), dtype=dtype)

        def monomial_buffer(width):
            # flat, so that the first n * width entries are an (n, width)
            # F-contiguous array for any n <= n_rows
            return _MonomialBuffer(np.empty(n_rows * width, dtype=dtype), width)

        self.phi = [
            (
                monomial_buffer(layer.n_monomials - 1)
                if layer.expands and (i > 0 or expand_first)
                else None
            )
            for i, layer in enumerate(layers)
        ]
        self.z = [buffer(layer.fan_out) for layer in layers]
        self.inputs = [None] * len(layers)
        self.blocks = [None] * len(layers)
        self.grad_phi = [None] * len(layers)
        self.grad_a = [None] * len(layers)
        self.delta = None
        if training:
            for i, layer in enumerate(layers):
                if i > 0:
                    if layer.expands:
                        self.grad_phi[i] = monomial_buffer(layer.n_monomials - 1)
                        self.grad_a[i] = buffer(layer.fan_in)
                    else:
                        self.grad_phi[i] = buffer(layer.n_monomials - 1)
            self.delta = buffer(network.layer_sizes[-1])

    @staticmethod
    def rows(buf, n):
        """Return the first ``n`` rows of a buffer, or None for no buffer."""
        if buf is None:
            return None
        if isinstance(buf, _MonomialBuffer):
            return buf.flat[: n * buf.width].reshape(buf.width, n).T
        return buf[:n]


class _MonomialBuffer:
    """A flat monomial-major buffer and the number of monomials it holds."""

    def __init__(self, flat, width):
        self.flat = flat
        self.width = width
