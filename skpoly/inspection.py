"""Read the polynomials a fitted polynomial network has learned."""

import math
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from scipy.special import comb, expit, softmax
from sklearn import get_config
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import PolynomialFeatures
from sklearn.utils import check_array, gen_batches
from sklearn.utils.validation import check_is_fitted

from skpoly._compat import Interval, StrOptions, validate_params

__all__ = [
    "NetworkPolynomial",
    "Polynomial",
    "network_polynomial",
    "unit_polynomial",
]

# output link of each out_activation_, applied to the raw outputs
LINKS = {
    "identity": lambda raw: raw,
    "exp": np.exp,
    "logistic": expit,
    "softmax": lambda raw: softmax(raw, axis=1),
}

# constraints shared by unit_polynomial and network_polynomial
SELECTION_CONSTRAINTS = {
    "estimator": "no_validation",
    "threshold": [Interval(Real, 0, None, closed="left")],
    "sort": [StrOptions({"magnitude"}), None],
    "feature_names": ["array-like", None],
}


class Polynomial:
    r"""A polynomial in named variables, one coefficient per monomial.

    :func:`unit_polynomial` and :func:`network_polynomial` return these; you
    may also build one yourself. The monomials are given by their exponents,
    like the ``powers_`` of :class:`~sklearn.preprocessing.PolynomialFeatures`,
    and are named in that class's notation: ``"1"``, ``"x0"``, ``"x0^2"``,
    ``"x0 x1"``.

    Parameters
    ----------
    coef : array-like of shape (n_monomials,)
        The coefficient of each monomial.

    powers : array-like of shape (n_monomials, n_variables)
        The exponent of each variable in each monomial; a row of zeros is the
        constant monomial.

    variable_names : array-like of str of shape (n_variables,), default=None
        The names of the variables. None names them ``x0, x1, ...``.

    Attributes
    ----------
    coef : ndarray of shape (n_monomials,)
        The coefficient of each monomial, as float64.

    powers : ndarray of shape (n_monomials, n_variables)
        The exponents, as int64.

    variable_names : ndarray of str of shape (n_variables,)
        The names of the variables.

    names : ndarray of str of shape (n_monomials,)
        The name of each monomial, in the notation of
        :meth:`~sklearn.preprocessing.PolynomialFeatures.get_feature_names_out`.

    degree : int
        The highest total degree of the monomials held (0 for a constant or
        for a polynomial without monomials).

    See Also
    --------
    unit_polynomial : The polynomial computed by one unit of a network.
    network_polynomial : A whole network as polynomials in its inputs.

    Notes
    -----
    The polynomial is

    .. math::

        p(x) = \sum_{r} c_r \prod_{j} x_j^{e_{rj}},

    with :math:`c` = ``coef`` and :math:`e` = ``powers``.

    Examples
    --------
    >>> from skpoly.inspection import Polynomial
    >>> p = Polynomial([1.0, 2.0, -0.5], [[0], [1], [2]])
    >>> p
    1.000 + 2.000 x0 - 0.500 x0^2
    >>> p.names
    array(['1', 'x0', 'x0^2'], dtype=object)
    >>> p([[0.0], [2.0]])
    array([1., 3.])
    >>> print(p.to_string(precision=1))
    1.0 + 2.0 x0 - 0.5 x0^2
    """

    def __init__(self, coef, powers, variable_names=None):
        coef = np.asarray(coef, dtype=np.float64)
        powers = np.asarray(powers)
        if coef.ndim != 1:
            raise ValueError(
                f"coef must be one-dimensional, one coefficient per monomial; "
                f"got an array of shape {coef.shape}."
            )
        if powers.ndim != 2 or powers.shape[0] != coef.shape[0]:
            raise ValueError(
                f"powers must have shape (n_monomials, n_variables) with "
                f"n_monomials={coef.shape[0]} rows, one per coefficient; got "
                f"an array of shape {powers.shape}."
            )
        if powers.size and (
            powers.min() < 0 or not np.array_equal(powers, np.round(powers))
        ):
            raise ValueError(
                "powers must hold non-negative integer exponents; got values "
                f"from {powers.min()} to {powers.max()}."
            )

        n_variables = powers.shape[1]
        if variable_names is None:
            variable_names = [f"x{j}" for j in range(n_variables)]
        variable_names = np.asarray(variable_names, dtype=object)
        if variable_names.shape != (n_variables,):
            raise ValueError(
                f"variable_names must hold one name per variable, "
                f"{n_variables} in all; got {len(variable_names)} names."
            )

        self.coef = coef
        self.powers = powers.astype(np.int64)
        self.variable_names = variable_names
        self._names = None

    @property
    def names(self):
        if self._names is None:
            self._names = _monomial_names(self.powers, self.variable_names)
        return self._names

    @property
    def degree(self):
        if self.powers.shape[0] == 0:
            return 0
        return int(self.powers.sum(axis=1).max())

    def evaluate(self, X):
        """Evaluate the polynomial on the rows of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_variables)
            The values of the variables, one sample per row, columns in the
            order of :attr:`variable_names`.

        Returns
        -------
        values : ndarray of shape (n_samples,)
            The value of the polynomial on each row.

        Examples
        --------
        >>> from skpoly.inspection import Polynomial
        >>> p = Polynomial([0.5, 3.0], [[0, 0], [1, 1]])
        >>> print(p)
        0.500 + 3.000 x0 x1
        >>> p.evaluate([[1.0, 2.0], [2.0, -1.0]])
        array([ 6.5, -5.5])
        """
        X = _align_columns(X, self.variable_names)
        return _evaluate_monomials(X, self.powers, self.coef[:, None])[:, 0]

    def __call__(self, X):
        """Evaluate the polynomial on the rows of X; see :meth:`evaluate`."""
        return self.evaluate(X)

    def to_string(self, precision=3):
        """Write the polynomial as a formula.

        Parameters
        ----------
        precision : int, default=3
            The number of digits printed after the decimal point.

        Returns
        -------
        formula : str
            The formula, e.g. ``"1.000 + 2.010 x0 - 0.990 x0^2"``: terms in the
            order of :attr:`names`, the constant monomial written as its
            coefficient alone, ``"0"`` when there are no monomials.

        Examples
        --------
        >>> from skpoly.inspection import Polynomial
        >>> p = Polynomial([-1.25, 0.5], [[0], [1]], variable_names=["age"])
        >>> p.to_string(precision=2)
        '-1.25 + 0.50 age'
        """
        if not isinstance(precision, Integral) or precision < 0:
            raise ValueError(
                f"precision must be a non-negative int; got {precision!r}."
            )
        if self.coef.shape[0] == 0:
            return "0"

        terms = []
        names = _monomial_names(self.powers, self.variable_names, readable=True)
        constant = self.powers.sum(axis=1) == 0
        for name, coef, is_constant in zip(names, self.coef, constant):
            number = f"{abs(coef):.{precision}f}"
            term = number if is_constant else f"{number} {name}"
            sign = "-" if np.signbit(coef) and float(number) != 0 else "+"
            if not terms:
                terms.append(term if sign == "+" else f"-{term}")
            else:
                terms.append(f"{sign} {term}")
        return " ".join(terms)

    def __str__(self):
        return self.to_string()

    def __repr__(self):
        return self.to_string()

    def to_frame(self):
        """Return the monomials and their coefficients as a pandas DataFrame.

        Needs pandas, which skpoly does not require otherwise.

        Returns
        -------
        frame : pandas.DataFrame
            One row per monomial, indexed by its name (index name
            ``"monomial"``), with columns ``"degree"`` (total degree of the
            monomial) and ``"coef"``.

        Raises
        ------
        ImportError
            If pandas is not installed.

        Examples
        --------
        >>> from skpoly.inspection import Polynomial
        >>> p = Polynomial([1.0, 2.0, -0.5], [[0], [1], [2]])
        >>> p.to_frame()  # doctest: +NORMALIZE_WHITESPACE
                  degree  coef
        monomial
        1              0   1.0
        x0             1   2.0
        x0^2           2  -0.5
        """
        pd = _import_optional("pandas", "to_frame")
        return pd.DataFrame(
            {"degree": self.powers.sum(axis=1), "coef": self.coef},
            index=pd.Index(
                _monomial_names(self.powers, self.variable_names, readable=True),
                name="monomial",
            ),
        )

    def to_sympy(self):
        """Return the polynomial as a sympy expression.

        Needs sympy, which skpoly does not require otherwise. Each variable
        becomes a ``sympy.Symbol`` named as in :attr:`variable_names`, and each
        coefficient a ``sympy.Float``.

        Returns
        -------
        expression : sympy.Expr
            The polynomial.

        Raises
        ------
        ImportError
            If sympy is not installed.

        Examples
        --------
        >>> from skpoly.inspection import Polynomial
        >>> p = Polynomial([1.0, 2.0, -0.5], [[0], [1], [2]])
        >>> p.to_sympy()  # doctest: +SKIP
        -0.5*x0**2 + 2.0*x0 + 1.0
        """
        sympy = _import_optional("sympy", "to_sympy")
        symbols = [sympy.Symbol(str(name)) for name in self.variable_names]
        terms = []
        for coef, row in zip(self.coef, self.powers):
            factors = [s ** int(p) for s, p in zip(symbols, row) if p > 0]
            terms.append(sympy.Float(float(coef)) * sympy.Mul(*factors))
        return sympy.Add(*terms)


class NetworkPolynomial:
    r"""A polynomial network written out as polynomials in its inputs.

    Returned by :func:`network_polynomial`: one :class:`Polynomial` per output
    unit, each giving that unit's value before the output link (the raw
    output), and the name of the link that turns the raw outputs into
    predictions.

    Parameters
    ----------
    polynomials : list of Polynomial
        One polynomial per output unit, all in the same variables.

    link : {"identity", "exp", "logistic", "softmax"}
        The output link.

    output_names : array-like of str of shape (n_outputs,)
        A name for each output unit.

    Attributes
    ----------
    polynomials : list of Polynomial
        One polynomial per output unit, in the estimator's output order.

    link : str
        The link the estimator applies to the raw outputs:
        ``"identity"`` (squared-error regressor), ``"exp"`` (Poisson
        regressor), ``"logistic"`` (binary or multilabel classifier) or
        ``"softmax"`` (multiclass classifier).

    output_names : ndarray of str of shape (n_outputs,)
        The name of each output: the class label for a multiclass
        classifier's units and for the single unit of a binary classifier
        (whose raw output is the log-odds of that class), the label index
        for a multilabel classifier, and ``"y"`` or ``"y0", "y1", ...`` for
        a regressor.

    variable_names : ndarray of str of shape (n_variables,)
        The names of the inputs.

    degree : int
        The highest total degree of the polynomials.

    See Also
    --------
    network_polynomial : Build this from a fitted network.

    Examples
    --------
    >>> from skpoly.inspection import NetworkPolynomial, Polynomial
    >>> net = NetworkPolynomial(
    ...     [Polynomial([0.5, 2.0], [[0], [1]])], "logistic", ["spam"]
    ... )
    >>> print(net)
    Polynomials of degree 1 in 1 input, before the 'logistic' link:
    spam: 0.500 + 2.000 x0
    >>> net.evaluate([[0.0], [1.0]])
    array([[0.5],
           [2.5]])
    >>> net.evaluate([[0.0]], apply_link=True)
    array([[0.62245933]])
    """

    def __init__(self, polynomials, link, output_names):
        polynomials = list(polynomials)
        if not polynomials:
            raise ValueError("polynomials must hold at least one Polynomial.")
        n_variables = polynomials[0].powers.shape[1]
        if any(p.powers.shape[1] != n_variables for p in polynomials):
            raise ValueError(
                "Every polynomial must be in the same variables; got "
                "polynomials in "
                f"{sorted({p.powers.shape[1] for p in polynomials})} variables."
            )
        if link not in LINKS:
            raise ValueError(f"link must be one of {sorted(LINKS)}; got {link!r}.")
        output_names = np.asarray(output_names, dtype=object)
        if output_names.shape != (len(polynomials),):
            raise ValueError(
                f"output_names must hold one name per polynomial, "
                f"{len(polynomials)} in all; got {len(output_names)} names."
            )

        self.polynomials = polynomials
        self.link = link
        self.output_names = output_names

    @property
    def variable_names(self):
        return self.polynomials[0].variable_names

    @property
    def degree(self):
        return max(p.degree for p in self.polynomials)

    def __len__(self):
        return len(self.polynomials)

    def __getitem__(self, output):
        return self.polynomials[output]

    def __iter__(self):
        return iter(self.polynomials)

    def evaluate(self, X, *, apply_link=False):
        """Evaluate every output polynomial on the rows of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_variables)
            The inputs, columns in the order of :attr:`variable_names`.

        apply_link : bool, default=False
            Whether to pass the raw outputs through :attr:`link`. With it,
            a multiclass classifier's polynomials give ``predict_proba``, a
            binary classifier's the probability of ``classes_[1]``, and a
            regressor's ``predict``.

        Returns
        -------
        values : ndarray of shape (n_samples, n_outputs)
            The raw outputs, or with ``apply_link=True`` the linked ones.

        Examples
        --------
        >>> from skpoly.inspection import NetworkPolynomial, Polynomial
        >>> net = NetworkPolynomial(
        ...     [Polynomial([0.0, 1.0], [[0], [1]]), Polynomial([1.0], [[0]])],
        ...     "softmax",
        ...     ["a", "b"],
        ... )
        >>> net.evaluate([[1.0]], apply_link=True)
        array([[0.5, 0.5]])
        """
        X = _align_columns(X, self.variable_names)
        raw = np.column_stack([p.evaluate(X) for p in self.polynomials])
        return LINKS[self.link](raw) if apply_link else raw

    def __call__(self, X, *, apply_link=False):
        """Evaluate the polynomials on X; see :meth:`evaluate`."""
        return self.evaluate(X, apply_link=apply_link)

    def to_string(self, precision=3):
        """Write the polynomials as formulas, one line per output.

        Parameters
        ----------
        precision : int, default=3
            The number of digits printed after the decimal point.

        Returns
        -------
        formulas : str
            A header naming the degree and the link, then one line
            ``"<output name>: <formula>"`` per output.

        Examples
        --------
        >>> from skpoly.inspection import NetworkPolynomial, Polynomial
        >>> net = NetworkPolynomial(
        ...     [Polynomial([1.0, 2.0], [[0], [1]])], "exp", ["y"]
        ... )
        >>> print(net.to_string(precision=1))
        Polynomials of degree 1 in 1 input, before the 'exp' link:
        y: 1.0 + 2.0 x0
        """
        n_variables = len(self.variable_names)
        inputs = "input" if n_variables == 1 else "inputs"
        lines = [
            f"Polynomials of degree {self.degree} in {n_variables} {inputs}, "
            f"before the {self.link!r} link:"
        ]
        for name, polynomial in zip(self.output_names, self.polynomials):
            lines.append(f"{name}: {polynomial.to_string(precision)}")
        return "\n".join(lines)

    def __str__(self):
        return self.to_string()

    def __repr__(self):
        return self.to_string()

    def to_frame(self):
        """Return the coefficients as a pandas DataFrame, one column per output.

        Needs pandas, which skpoly does not require otherwise.

        Returns
        -------
        frame : pandas.DataFrame
            One row per monomial held by any output (index ``"monomial"``, in
            the order the polynomials list them), a ``"degree"`` column, then
            one column of coefficients per output, named by
            :attr:`output_names`. A monomial an output lacks (dropped by a
            threshold) has coefficient 0 there.

        Raises
        ------
        ImportError
            If pandas is not installed.

        Examples
        --------
        >>> from skpoly.inspection import NetworkPolynomial, Polynomial
        >>> net = NetworkPolynomial(
        ...     [Polynomial([1.0, 2.0], [[0], [1]]), Polynomial([3.0], [[1]])],
        ...     "identity",
        ...     ["y0", "y1"],
        ... )
        >>> net.to_frame()  # doctest: +NORMALIZE_WHITESPACE
                  degree   y0   y1
        monomial
        1              0  1.0  0.0
        x0             1  2.0  3.0
        """
        pd = _import_optional("pandas", "to_frame")

        # union of the monomials, in order of first appearance
        rows = {}
        for polynomial in self.polynomials:
            for row in map(tuple, polynomial.powers):
                rows.setdefault(row, len(rows))
        powers = np.array(list(rows), dtype=np.int64).reshape(
            len(rows), len(self.variable_names)
        )

        # coefficient table, shape (n_monomials, n_outputs)
        coef = np.zeros((len(rows), len(self.polynomials)))
        for k, polynomial in enumerate(self.polynomials):
            index = [rows[row] for row in map(tuple, polynomial.powers)]
            coef[index, k] = polynomial.coef

        frame = pd.DataFrame(
            coef,
            index=pd.Index(
                _monomial_names(powers, self.variable_names, readable=True),
                name="monomial",
            ),
            columns=[str(name) for name in self.output_names],
        )
        frame.insert(0, "degree", powers.sum(axis=1))
        return frame


@validate_params(
    {
        **SELECTION_CONSTRAINTS,
        "layer": [Integral],
        "unit": [Integral],
    },
    prefer_skip_nested_validation=True,
)
def unit_polynomial(
    estimator,
    layer=-1,
    unit=0,
    *,
    threshold=0.0,
    sort=None,
    feature_names=None,
):
    r"""Return the polynomial one unit of a polynomial network computes.

    Each transition of a polynomial network maps the units of one layer to
    the pre-activations of the next by a polynomial per unit; this reads one
    of them off ``coefs_`` and ``powers_``. Its value is the unit's
    pre-activation, before the hidden activation or the output link.

    Parameters
    ----------
    estimator : PolyNetClassifier, PolyNetRegressor or Pipeline
        A fitted polynomial network, or a fitted pipeline whose last step is
        one. For a pipeline, the polynomial is in the inputs of that last
        step, i.e. in the units the preceding steps produce (for example
        standardised features after a ``StandardScaler``).

    layer : int, default=-1
        Which transition to read, as an index into ``coefs_``: 0 maps the
        inputs to the first hidden layer, -1 (the last) maps the last hidden
        layer (or, without hidden layers, the inputs) to the raw outputs.

    unit : int, default=0
        Which unit of the transition's output layer, as a column index into
        ``coefs_[layer]``. For a multiclass classifier's output layer, unit
        ``k`` belongs to ``classes_[k]``; a binary classifier has one output
        unit, the log-odds of ``classes_[1]``.

    threshold : float, default=0.0
        Keep only monomials whose coefficient has magnitude at least
        ``threshold``; the default keeps them all.

    sort : {None, "magnitude"}, default=None
        None lists the monomials in the order of ``powers_`` (that of
        :class:`~sklearn.preprocessing.PolynomialFeatures`: by degree, then
        lexicographically); ``"magnitude"`` by decreasing coefficient
        magnitude.

    feature_names : array-like of str, default=None
        Names for the transition's inputs. None takes them from the
        estimator: for ``layer=0`` its ``feature_names_in_`` (or the output
        names of the pipeline's preceding steps) when it has them, otherwise
        ``x0, x1, ...``; for a later transition, whose inputs are the units
        of a hidden layer, ``h0, h1, ...``.

    Returns
    -------
    polynomial : Polynomial
        The unit's polynomial in the transition's inputs.

    Raises
    ------
    ValueError
        If ``layer`` or ``unit`` is out of range for the estimator, or
        ``feature_names`` holds the wrong number of names.

    See Also
    --------
    network_polynomial : The whole network as one polynomial per output.

    Notes
    -----
    Transition :math:`i` computes, for output unit :math:`k`,

    .. math::

        z_k = \sum_{r} W_{rk} \prod_{j} a_j^{P_{rj}},

    with :math:`W` = ``coefs_[i]``, :math:`P` = ``powers_[i]`` and :math:`a`
    the inputs of the transition; the row of zeros in :math:`P` is the
    constant monomial, whose coefficient is the unit's intercept.

    Examples
    --------
    >>> import numpy as np
    >>> from skpoly import PolyNetRegressor
    >>> from skpoly.inspection import unit_polynomial
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, size=(200, 1))
    >>> y = 1 + 2 * X[:, 0] - 3 * X[:, 0] ** 2
    >>> reg = PolyNetRegressor(
    ...     hidden_layer_sizes=(), degree=2, solver="lbfgs", alpha=0.0
    ... ).fit(X, y)
    >>> p = unit_polynomial(reg)
    >>> p.names
    array(['1', 'x0', 'x0^2'], dtype=object)
    >>> print(p.to_string(precision=2))
    1.00 + 2.00 x0 - 3.00 x0^2
    >>> p.evaluate([[0.5]])  # doctest: +ELLIPSIS
    array([1.2...])
    """
    net = _final_polynet(estimator)
    layer = _check_index(layer, len(net.coefs_), "layer", "transitions")
    coef = net.coefs_[layer]
    unit = _check_index(unit, coef.shape[1], "unit", "units in this layer")

    powers = np.asarray(net.powers_[layer])
    if layer == 0:
        names = _input_names(estimator, net, feature_names, powers.shape[1])
    elif feature_names is None:
        names = [f"h{j}" for j in range(powers.shape[1])]
    else:
        names = _check_names(feature_names, powers.shape[1])

    return _select(coef[:, unit], powers, names, threshold, sort)


@validate_params(
    {
        **SELECTION_CONSTRAINTS,
        "max_monomials": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def network_polynomial(
    estimator,
    *,
    threshold=0.0,
    sort=None,
    feature_names=None,
    max_monomials=100_000,
):
    r"""Write a polynomial network out as one polynomial per output.

    When every hidden activation is the identity, a polynomial network is a
    composition of polynomials, hence itself a polynomial in its inputs; this
    multiplies the layers out exactly. Each output unit's polynomial gives
    its raw value, before the output link (softmax, logistic or exp), which
    the result names.

    Parameters
    ----------
    estimator : PolyNetClassifier, PolyNetRegressor or Pipeline
        A fitted polynomial network with ``activation="identity"`` or no
        hidden layer, or a fitted pipeline whose last step is one. For a
        pipeline, the polynomials are in the inputs of that last step, i.e. in
        the units the preceding steps produce (for example standardised
        features after a ``StandardScaler``).

    threshold : float, default=0.0
        Keep, in each output's polynomial, only monomials whose coefficient
        has magnitude at least ``threshold``; the default keeps them all.

    sort : {None, "magnitude"}, default=None
        None lists the monomials by degree, then lexicographically (the order
        of :class:`~sklearn.preprocessing.PolynomialFeatures`);
        ``"magnitude"`` by decreasing coefficient magnitude.

    feature_names : array-like of str, default=None
        Names for the inputs. None takes the estimator's
        ``feature_names_in_`` (or the output names of the pipeline's
        preceding steps) when it has them, otherwise ``x0, x1, ...``.

    max_monomials : int, default=100_000
        Refuse to expand a network whose polynomials could have more
        monomials than this; the count is checked before anything is
        allocated.

    Returns
    -------
    network : NetworkPolynomial
        One :class:`Polynomial` per output unit, in the estimator's output
        order, with the link in ``network.link``.

    Raises
    ------
    ValueError
        If a hidden activation is not the identity (the network is then not
        a polynomial), or if the polynomials could have more than
        ``max_monomials`` monomials.

    See Also
    --------
    unit_polynomial : The polynomial of one unit, in its layer's inputs.

    Notes
    -----
    A network with transition degrees :math:`d_0, \dots, d_{L-1}` and
    identity hidden activations is a polynomial of total degree at most
    :math:`D = d_0 d_1 \cdots d_{L-1}` in its :math:`n` inputs, so it has at
    most :math:`\binom{n + D}{D}` monomials; that bound, not the count after
    cancellation, is compared with ``max_monomials``. Without hidden layers
    the result is the output transition itself, monomial for monomial
    (``interaction_only`` included).

    The layers are multiplied out one transition at a time, each written in
    nested (Horner) form over its monomials, so that a transition of degree
    :math:`d` costs one product of polynomials per monomial of degree below
    :math:`d` rather than one per monomial. Coefficients are exact up to
    floating-point rounding.

    Examples
    --------
    >>> import numpy as np
    >>> from skpoly import PolyNetRegressor
    >>> from skpoly.inspection import network_polynomial
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, size=(50, 2))
    >>> y = X[:, 0] * X[:, 1]
    >>> reg = PolyNetRegressor(
    ...     hidden_layer_sizes=(3,), activation="identity", degree=(2, 2),
    ...     solver="lbfgs", random_state=0,
    ... ).fit(X, y)
    >>> net = network_polynomial(reg)
    >>> net.link, net.degree, len(net[0].coef)
    ('identity', 4, 15)
    >>> np.allclose(net.evaluate(X)[:, 0], reg.predict(X))
    True
    """
    net = _final_polynet(estimator)

    n_hidden = len(net.coefs_) - 1
    activation = getattr(net, "activation", None)
    if n_hidden and activation != "identity":
        raise ValueError(
            f"network_polynomial needs identity hidden activations, but this "
            f"network has activation={activation!r} on its {n_hidden} hidden "
            f"layer(s), so its outputs are not polynomials in its inputs. Fit "
            f"it with activation='identity' (or hidden_layer_sizes=()), or "
            f"read one transition at a time with unit_polynomial."
        )

    powers = [np.asarray(p) for p in net.powers_]
    n_features = powers[0].shape[1]
    degrees = [int(p.sum(axis=1).max()) for p in powers]
    total_degree = math.prod(degrees)

    # bound the monomial count before allocating anything
    if n_hidden:
        n_monomials = math.comb(n_features + total_degree, total_degree)
    else:
        n_monomials = powers[0].shape[0]
    if n_monomials > max_monomials:
        factors = " * ".join(map(str, degrees)) + " = " if n_hidden else ""
        gigabytes = 8 * n_monomials * net.coefs_[-1].shape[1] / 1e9
        raise ValueError(
            f"The network's polynomials have total degree {factors}"
            f"{total_degree} in {n_features} inputs, which allows "
            f"{n_monomials} monomials, more than max_monomials="
            f"{max_monomials}. Raise max_monomials if about {gigabytes:.3g} "
            f"GB of coefficients is acceptable, or use fewer hidden layers or "
            f"lower degrees."
        )

    # multiply out the transitions
    if n_hidden:
        coef = _expand_network(net.coefs_, powers, n_features)
        powers = _basis_powers(n_features, total_degree)
    else:
        coef, powers = np.asarray(net.coefs_[0], dtype=np.float64), powers[0]

    names = _input_names(estimator, net, feature_names, n_features)
    polynomials = [
        _select(coef[:, k], powers, names, threshold, sort)
        for k in range(coef.shape[1])
    ]
    return NetworkPolynomial(
        polynomials, net.out_activation_, _output_names(net, coef.shape[1])
    )


def _align_columns(X, variable_names):
    """Return X with a DataFrame's columns put in the polynomial's order.

    Columns named after the variables are reordered to match; a DataFrame
    whose columns are not exactly the variables is refused, since its
    values would otherwise be read in the wrong order.
    """
    columns = getattr(X, "columns", None)
    if columns is None:
        return X
    columns = [str(c) for c in columns]
    names = [str(n) for n in variable_names]
    if columns == names:
        return X
    if sorted(columns) != sorted(names):
        missing = sorted(set(names) - set(columns))
        extra = sorted(set(columns) - set(names))
        raise ValueError(
            "X's columns are not the polynomial's variables: missing "
            f"{missing}, unexpected {extra}. Pass a DataFrame with the columns "
            f"{names} (in any order) or a plain array in that order."
        )
    return X[[X.columns[columns.index(n)] for n in names]]


def _display_name(name):
    """Return a variable name that reads unambiguously inside a monomial."""
    name = str(name)
    if name == "1" or any(c in name for c in " ^*+-/()"):
        return f"({name})"
    return name


def _monomial_names(powers, variable_names, readable=False):
    """Return the monomial names of powers, as PolynomialFeatures writes them.

    With ``readable``, a variable whose name holds a space or an operator,
    or is "1" (the constant's name), is written in parentheses so that a
    formula stays unambiguous. Shapes: powers (n_monomials, n_variables) ->
    (n_monomials,) of str.
    """
    names = np.empty(powers.shape[0], dtype=object)
    display = variable_names
    if readable:
        display = [_display_name(name) for name in variable_names]
    for r, row in enumerate(powers):
        factors = [
            name if p == 1 else f"{name}^{p}" for name, p in zip(display, row) if p > 0
        ]
        names[r] = " ".join(factors) if factors else "1"
    return names


def _evaluate_monomials(X, powers, coef):
    """Return Phi(X) @ coef, shapes (n_samples, n_outputs), in row chunks.

    X (n_samples, n_variables), powers (n_monomials, n_variables), coef
    (n_monomials, n_outputs).
    """
    X = check_array(X, dtype=np.float64, ensure_min_samples=0)
    n_variables = powers.shape[1]
    if X.shape[1] != n_variables:
        raise ValueError(
            f"X has {X.shape[1]} columns, but the polynomial is in "
            f"{n_variables} variables; pass one column per variable."
        )

    # chunk rows so that Phi stays within working_memory
    n_monomials = max(powers.shape[0], 1)
    row_bytes = 8 * n_monomials
    chunk = max(1, int(get_config()["working_memory"] * 2**20 // row_bytes))

    out = np.empty((X.shape[0], coef.shape[1]))
    used = [(j, powers[:, j] > 0) for j in range(n_variables)]
    used = [(j, mask) for j, mask in used if mask.any()]
    for rows in gen_batches(X.shape[0], chunk):
        # Phi[:, r] = prod_j x_j ** powers[r, j], shape (chunk, n_monomials)
        phi = np.ones((X[rows].shape[0], powers.shape[0]))
        for j, mask in used:
            phi[:, mask] *= X[rows, j : j + 1] ** powers[mask, j]
        out[rows] = phi @ coef
    return out


def _final_polynet(estimator):
    """Return the fitted polynomial network estimator (a pipeline's last step)."""
    net = estimator[-1] if isinstance(estimator, Pipeline) else estimator
    check_is_fitted(net)
    missing = [
        name
        for name in ("coefs_", "powers_", "out_activation_")
        if not hasattr(net, name)
    ]
    if missing:
        hint = ""
        for attribute in ("best_estimator_", "regressor_", "estimator_"):
            if hasattr(net, attribute):
                hint = (
                    f" Pass its fitted network instead, for example "
                    f"{type(net).__name__}.{attribute}"
                    + (
                        " (whose outputs are in transformed target units)"
                        if attribute == "regressor_"
                        else ""
                    )
                    + "."
                )
                break
        raise TypeError(
            f"skpoly.inspection reads fitted PolyNetClassifier and "
            f"PolyNetRegressor estimators (or pipelines ending in one); got "
            f"{type(net).__name__}, which has no {', '.join(missing)}.{hint}"
        )
    return net


def _check_index(index, size, name, what):
    """Return index in range(size), accepting negative indices like a list."""
    if not -size <= index < size:
        raise ValueError(
            f"{name}={index} is out of range: the estimator has {size} "
            f"{what}, so {name} must be in [{-size}, {size - 1}]."
        )
    return int(index) % size


def _check_names(feature_names, n_variables):
    """Return feature_names as a list of str, checking there are n_variables."""
    names = [str(name) for name in np.asarray(feature_names).ravel()]
    if len(names) != n_variables:
        raise ValueError(
            f"feature_names must hold one name per input of the transition, "
            f"{n_variables} in all; got {len(names)} names."
        )
    return names


def _input_names(estimator, net, feature_names, n_features):
    """Return the names of the network's inputs, from the best source."""
    if feature_names is not None:
        return _check_names(feature_names, n_features)
    if hasattr(net, "feature_names_in_"):
        return [str(name) for name in net.feature_names_in_]

    # the outputs of a pipeline's preceding steps, when they name them
    if isinstance(estimator, Pipeline) and len(estimator) > 1:
        try:
            names = estimator[:-1].get_feature_names_out()
        except (AttributeError, ValueError, TypeError):
            names = None
        if names is not None and len(names) == n_features:
            return [str(name) for name in names]
    return [f"x{j}" for j in range(n_features)]


def _output_names(net, n_outputs):
    """Return a name for each output unit of the network."""
    classes = getattr(net, "classes_", None)
    if classes is None:
        return ["y"] if n_outputs == 1 else [f"y{k}" for k in range(n_outputs)]
    classes = np.asarray(classes).ravel()
    if n_outputs == 1 and len(classes) == 2:
        return [str(classes[1])]
    return [str(label) for label in classes[:n_outputs]]


def _select(coef, powers, names, threshold, sort):
    """Return the Polynomial of the monomials kept by threshold, in sort order."""
    coef = np.asarray(coef, dtype=np.float64)
    keep = np.flatnonzero(np.abs(coef) >= threshold)
    if sort == "magnitude":
        keep = keep[np.argsort(-np.abs(coef[keep]), kind="stable")]
    return Polynomial(coef[keep], powers[keep], variable_names=names)


def _import_optional(module, method):
    """Return the imported optional module, or raise an ImportError saying why."""
    try:
        return __import__(module)
    except ImportError as exc:
        raise ImportError(
            f"{method}() needs {module}, which is not installed; install it "
            f"with `pip install {module}`."
        ) from exc


# ---------------------------------------------------------------------------
# Exact composition of polynomial transitions.
#
# A polynomial in the n inputs of degree <= t is held as its coefficient
# vector over the first n_basis(n, t) monomials of the graded basis (the
# PolynomialFeatures order of degree <= D, include_bias=True); because the
# basis is graded, raising t only appends rows. Sets of polynomials are
# columns of one matrix.


def _n_basis(n, degree):
    """Return the number of monomials of degree <= degree in n variables."""
    return math.comb(n + degree, degree)


def _basis_powers(n, degree):
    """Return the graded basis exponents, shape (n_basis(n, degree), n)."""
    return PolynomialFeatures(degree).fit(np.zeros((1, n))).powers_


def _monomial_index(powers):
    """Return the row of each exponent vector in the graded basis.

    powers (m, n) -> (m,) int64. Within degree d, PolynomialFeatures orders
    monomials by decreasing e_0, then decreasing e_1, and so on; the
    monomials of degree d with e_0 > v number C(d - v - 1 + n - 1, n - 1),
    which, applied position by position, gives the rank without a search.
    """
    powers = np.asarray(powers, dtype=np.int64)
    m, n = powers.shape
    degree = powers.sum(axis=1)

    # rows of every lower degree come first: C(n + d - 1, n) of them
    index = comb(n + degree - 1, n)

    # then those of degree d that beat e in the first differing position
    remaining = degree[:, None] - np.cumsum(powers, axis=1) + powers
    for j in range(n - 1):
        top = remaining[:, j] - powers[:, j] - 1 + n - j - 1
        index = index + comb(top, n - j - 1)
    return np.rint(index).astype(np.int64)


class _Expansion:
    """Multiply polynomials in n inputs, caching the index tables by degree."""

    def __init__(self, n):
        self.n = n
        self._tables = {}

    def _table(self, degree_a, degree_b):
        """Return the basis row of B[a] + B[b], shape (n_basis_a, n_basis_b)."""
        key = (degree_a, degree_b)
        if key not in self._tables:
            basis = _basis_powers(self.n, max(degree_a, degree_b))
            a = basis[: _n_basis(self.n, degree_a)]
            b = basis[: _n_basis(self.n, degree_b)]
            table = np.empty((a.shape[0], b.shape[0]), dtype=np.int64)
            for rows in gen_batches(a.shape[0], max(1, 2**16 // b.shape[0])):
                # exponents of every product, shape (rows * n_basis_b, n)
                sums = (a[rows, None, :] + b[None, :, :]).reshape(-1, self.n)
                table[rows] = _monomial_index(sums).reshape(-1, b.shape[0])
            self._tables[key] = table
        return self._tables[key]

    def multiply(self, S, degree_s, q, degree_q):
        """Return q * S for a polynomial q and polynomials S (columns).

        S (n_basis(degree_s), k), q (n_basis(degree_q),) ->
        (n_basis(degree_s + degree_q), k).
        """
        table = self._table(degree_s, degree_q)
        used = np.flatnonzero(q)
        n_out = _n_basis(self.n, degree_s + degree_q)

        # T[table[a, s], a] = q[s], so that (q * S) = T @ S
        rows = table[:, used].ravel()
        cols = np.repeat(np.arange(table.shape[0]), used.size)
        data = np.tile(q[used], table.shape[0])
        T = sparse.csr_matrix((data, (rows, cols)), shape=(n_out, S.shape[0]))
        return np.asarray(T @ S)


def _expand_network(coefs, powers, n_features):
    """Return the network's raw outputs as polynomials in the inputs.

    -> (n_basis(n_features, D), n_outputs), D the product of the transition
    degrees, for identity hidden activations.
    """
    expansion = _Expansion(n_features)

    # the inputs: x_j is basis row 1 + j, degree 1
    Z = np.zeros((1 + n_features, n_features))
    Z[1:] = np.eye(n_features)
    degree_in = 1

    # each transition multiplies the degree: Z gains rows up to n_basis(D)
    for layer_coef, layer_powers in zip(coefs, powers):
        Z = _expand_transition(Z, degree_in, layer_powers, layer_coef, expansion)
        degree_in *= int(layer_powers.sum(axis=1).max())
    return Z


def _expand_transition(Z, degree_in, powers, coef, expansion):
    """Return P(Z) for one transition, with inputs Z given as polynomials.

    Z (n_basis(degree_in), fan_in), powers (n_monomials, fan_in), coef
    (n_monomials, fan_out) -> (n_basis(degree * degree_in), fan_out).

    Every monomial M of degree k >= 1 is parent(M) * a_j, j its last
    variable, so the transition is a tree of nested sums (Horner form):
    S(M) = coef[M] + sum over children C = M * a_j of a_j * S(C), and
    P(a) = S(1). A child without children contributes a_j * coef[C], a
    linear term; only the other children need a product of polynomials.
    """
    powers = np.asarray(powers, dtype=np.int64)
    coef = np.asarray(coef, dtype=np.float64)
    row_of = {tuple(row): r for r, row in enumerate(powers)}
    children = [[] for _ in range(powers.shape[0])]
    root = None

    # link every monomial to its parent
    for r, row in enumerate(powers):
        nonzero = np.flatnonzero(row)
        if nonzero.size == 0:
            root = r
            continue
        j = nonzero[-1]
        parent = row.copy()
        parent[j] -= 1
        if tuple(parent) not in row_of:
            raise ValueError(
                f"powers_ lacks the monomial {parent.tolist()}, the parent of "
                f"{row.tolist()}; a network's powers_ must hold every "
                f"monomial's divisors, as PolynomialFeatures' do."
            )
        children[row_of[tuple(parent)]].append((j, r))
    if root is None:
        raise ValueError("powers_ lacks the constant monomial, a row of zeros.")

    def nested_sum(node):
        """Return (S(node), degree of S(node) in the inputs)."""
        leaves = [(j, r) for j, r in children[node] if not children[r]]
        inner = [(j, r) for j, r in children[node] if children[r]]
        parts = [(coef[node][None, :], 0)]

        # linear part: sum_j a_j * coef[C], shape (n_basis(degree_in), fan_out)
        if leaves:
            js, rs = zip(*leaves)
            parts.append((Z[:, list(js)] @ coef[list(rs)], degree_in))

        # products a_j * S(C) with the non-leaf children
        for j, r in inner:
            S, degree_s = nested_sum(r)
            parts.append(
                (
                    expansion.multiply(S, degree_s, Z[:, j], degree_in),
                    degree_s + degree_in,
                )
            )

        degree = max(d for _, d in parts)
        total = np.zeros((_n_basis(expansion.n, degree), coef.shape[1]))
        for part, _ in parts:
            total[: part.shape[0]] += part
        return total, degree

    return nested_sum(root)[0]
