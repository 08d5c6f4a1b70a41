"""Monomial enumeration and the slice-product expansion with its reverse."""

from itertools import combinations, combinations_with_replacement
from math import comb

import numpy as np


def count_monomials(n_features, degree, interaction_only=False):
    """Return the number of monomials of total degree <= degree, constant included."""
    if interaction_only:
        return sum(comb(n_features, k) for k in range(min(degree, n_features) + 1))
    return comb(n_features + degree, degree)


def monomial_powers(n_features, degree, interaction_only=False):
    """Return the exponent table, shape (n_monomials, n_features).

    Rows are in the order of ``PolynomialFeatures(include_bias=True)``: the
    constant, then degree 1, then each higher degree in lexicographic order of
    the sorted variable indices.
    """
    pick = combinations if interaction_only else combinations_with_replacement
    blocks = [np.zeros((1, n_features), dtype=np.int64)]
    for k in range(1, degree + 1):
        index = np.array(list(pick(range(n_features), k)), dtype=np.intp)
        if index.size == 0:
            break
        block = np.zeros((index.shape[0], n_features), dtype=np.int64)
        # count how often each variable appears in each monomial
        np.add.at(block, (np.repeat(np.arange(index.shape[0]), k), index.ravel()), 1)
        blocks.append(block)
    return np.vstack(blocks)


class SlicePlan:
    """The slice products that build every monomial of one layer.

    The expansion is stored without the constant column: ``phi[:, :n]`` is
    the input itself and each higher degree block follows. Within the block
    of degree k, the monomials whose smallest variable is j form one
    contiguous run ``phi[:, out_start[j]:out_stop]`` equal to
    ``a[:, j] * phi[:, src_start:src_stop]``, where the source run holds the
    degree k-1 monomials whose variables are all >= j (> j when
    interaction_only). Each product is one numpy call, so a batch is built
    with ``n_features * (degree - 1)`` vectorised products and no loop over
    samples or monomials.

    Parameters
    ----------
    n_features : int
        Number of inputs of the layer.
    degree : int
        Highest total degree.
    interaction_only : bool
        Whether only products of distinct variables are kept.

    Attributes
    ----------
    n_monomials : int
        Number of monomials, constant included.
    products : list of tuple of int
        One ``(j, out_start, out_stop, src_start, src_stop)`` per product,
        in forward order, with column offsets into the expansion without its
        constant column.
    """

    def __init__(self, n_features, degree, interaction_only=False):
        self.n_features = n_features
        self.degree = degree
        self.interaction_only = interaction_only
        self.products = []

        # the degree 1 block is the input: starts[j] is where the run of
        # monomials with smallest variable >= j begins in the current block
        block_start = 0
        starts = list(range(n_features)) + [n_features]
        n_columns = n_features
        for _ in range(2, degree + 1):
            next_starts = []
            for j in range(n_features):
                src = starts[j + 1] if interaction_only else starts[j]
                src_stop = starts[n_features]
                next_starts.append(n_columns)
                if src_stop > src:
                    self.products.append(
                        (
                            j,
                            n_columns,
                            n_columns + src_stop - src,
                            block_start + src,
                            block_start + src_stop,
                        )
                    )
                    n_columns += src_stop - src
            next_starts.append(n_columns)

            # positions in the next block are relative to its own start
            block_start = next_starts[0]
            starts = [s - block_start for s in next_starts]
        self.n_monomials = n_columns + 1

    def expand(self, a, out):
        """Fill ``out`` with the non-constant monomials of ``a``; return it.

        ``a`` has shape (n_samples, n_features) and ``out`` shape
        (n_samples, n_monomials - 1).
        """
        out[:, : self.n_features] = a
        for j, out_start, out_stop, src_start, src_stop in self.products:
            np.multiply(
                out[:, src_start:src_stop],
                a[:, j : j + 1],
                out=out[:, out_start:out_stop],
            )
        return out

    def reverse(self, a, phi, grad_phi, out):
        """Return the gradient with respect to ``a`` given the one of ``phi``.

        ``grad_phi`` (n_samples, n_monomials - 1) is consumed: the products
        are walked backwards and each hands its gradient to its source run
        (times a_j, accumulated in place) and to a_j (times the source run,
        summed over the run). No division by a_j happens, so zeros in the
        input are harmless. ``out`` of shape (n_samples, n_features)
        receives the result.
        """
        n = self.n_features
        for j, out_start, out_stop, src_start, src_stop in reversed(self.products):
            grad_run = grad_phi[:, out_start:out_stop]

            # d(a_j * src)/d a_j = src, summed over the run
            grad_phi[:, j] += np.einsum(
                "ij,ij->i", grad_run, phi[:, src_start:src_stop]
            )

            # d(a_j * src)/d src = a_j
            grad_phi[:, src_start:src_stop] += grad_run * a[:, j : j + 1]
        out[...] = grad_phi[:, :n]
        return out
