r"""One polynomial transition: initialisation, forward pass and backward pass."""

import numpy as np

from skpoly._monomials import SlicePlan, count_monomials, monomial_powers


class PolyLayer:
    r"""The map from ``fan_in`` units to ``fan_out`` units by full polynomials.

    Each output is :math:`z_i = \sum_M w_{M,i} M(a)` over the monomials
    :math:`M` of total degree at most ``degree`` in the inputs ``a``, the
    constant monomial included, so with :math:`\Phi(a)` the row of monomial
    values, :math:`z = \Phi(a) W`. The constant row ``W[0]`` is the
    intercept; the expansion buffers store the other columns only.

    Parameters
    ----------
    fan_in : int
        Number of inputs.
    fan_out : int
        Number of outputs.
    degree : int
        Highest total degree of the monomials.
    interaction_only : bool
        Whether only products of distinct inputs are used.
    """

    def __init__(self, fan_in, fan_out, degree, interaction_only=False):
        self.fan_in = fan_in
        self.fan_out = fan_out
        self.degree = degree
        self.interaction_only = interaction_only
        self.n_monomials = count_monomials(fan_in, degree, interaction_only)
        self.plan = None
        if self.n_monomials - 1 > fan_in:
            self.plan = SlicePlan(fan_in, degree, interaction_only)

    @property
    def expands(self):
        """Whether the layer has monomials beyond its inputs (a plan to run)."""
        return self.plan is not None

    def powers(self):
        """Return the exponent table, shape (n_monomials, fan_in)."""
        return monomial_powers(self.fan_in, self.degree, self.interaction_only)

    def init_coef(self, rng, factor, dtype):
        r"""Return initial coefficients, shape (n_monomials, fan_out).

        For degree 1 this is Glorot's uniform scheme as used by scikit-learn's
        MLP: every coefficient, intercept included, uniform on
        :math:`\pm\sqrt{f / (n_{in} + n_{out})}` with ``f = factor``.

        For higher degrees the same bound is used with :math:`n_{in}` the
        number of non-constant monomials, and each monomial's coefficients are
        further divided by the root of its second moment under standard
        normal inputs, :math:`\prod_j (2 p_j - 1)!!` for exponents
        :math:`p_j`. On standardised inputs every monomial then contributes
        about the same variance to :math:`z`, and the sum keeps the variance
        a degree-1 layer would have, so activations start in their
        responsive range however many monomials there are. Hidden units
        (bounded by tanh or logistic) have smaller moments than standard
        normal inputs, which only makes the start more conservative.
        """
        n_inputs = self.n_monomials - 1
        bound = np.sqrt(factor / (n_inputs + self.fan_out))
        coef = rng.uniform(-bound, bound, (self.n_monomials, self.fan_out))
        if self.degree > 1:
            powers = self.powers()
            moment = np.ones(self.n_monomials)
            for p in range(2, self.degree + 1):
                # E[x^(2p)] = (2p - 1)!! for a standard normal x
                double_factorial = np.prod(np.arange(2 * p - 1, 0, -2))
                moment *= np.where(powers == p, double_factorial, 1).prod(axis=1)
            coef /= np.sqrt(moment)[:, np.newaxis]
        return coef.astype(dtype, copy=False)

    def forward(self, a, coef, phi, out, expanded=None):
        """Return ``out`` = Phi(a) @ coef and the monomial block used.

        ``a`` has shape (n_samples, fan_in); ``phi`` is the expansion buffer
        of shape (n_samples, n_monomials - 1), or None for a layer that does
        not expand (then ``a`` itself serves, without copy). ``expanded``,
        when given, is the already computed monomial block of ``a``.
        """
        # expand a into monomials (a itself when there is nothing to expand)
        if expanded is not None:
            a = expanded
        elif self.plan is not None:
            a = self.plan.expand(a, phi)

        # z = Phi(a) W, shape (n_samples, fan_out); the constant row adds on
        np.dot(a, coef[1:], out=out)
        out += coef[0]
        return a, out

    def backward(self, a, phi, coef, delta, coef_grad, grad_phi=None, grad_a=None):
        """Write dLoss/dcoef into ``coef_grad``; return dLoss/da or None.

        ``delta`` (n_samples, fan_out) is dLoss/dz. ``phi`` is the monomial
        block returned by :meth:`forward`. When ``grad_phi`` of shape
        (n_samples, n_monomials - 1) is given, the gradient with respect to
        the inputs is computed there (and in ``grad_a`` when the layer
        expands) and returned.
        """
        # grad_W = Phi(a).T @ delta, shape (n_monomials, fan_out)
        np.sum(delta, axis=0, out=coef_grad[0])
        np.dot(phi.T, delta, out=coef_grad[1:])
        if grad_phi is None:
            return None

        # grad_Phi = delta @ W.T, shape (n_samples, n_monomials - 1)
        np.dot(delta, coef[1:].T, out=grad_phi)
        if self.plan is None:
            return grad_phi

        # back through the expansion's slice products
        return self.plan.reverse(a, phi, grad_phi, grad_a)
