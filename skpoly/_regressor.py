"""PolyNetRegressor: a polynomial network trained with squared error or Poisson loss."""

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.metaestimators import available_if

from skpoly._base import BasePolyNet, fill_parameters
from skpoly._classifier import _stochastic
from skpoly._compat import StrOptions, _fit_context, validate_data


class PolyNetRegressor(RegressorMixin, BasePolyNet):
    r"""Polynomial neural network regressor.

    A feed-forward network in which every transition is a full polynomial of
    the previous layer's units: each unit of the next layer receives one
    learned coefficient for every monomial of total degree at most
    ``degree`` (the constant monomial acting as its bias) and then an
    activation. With ``degree=1`` this is exactly
    :class:`~sklearn.neural_network.MLPRegressor`; with no hidden layer and
    the squared error it is ridge regression on polynomial features. The
    output is the identity of the last transition (``loss="squared_error"``)
    or its exponential (``loss="poisson"``).

    Parameters
    ----------
    loss : {"squared_error", "poisson"}, default="squared_error"
        The loss: half the squared error summed over the outputs, or half
        the Poisson deviance of an exponential output (targets >= 0).

    %(shared_parameters)s

    Attributes
    ----------
    coefs_ : list of ndarray of shape (n_monomials, fan_out)
        The coefficients of each transition. Rows follow ``powers_``; row 0
        is the constant monomial, the intercepts.

    powers_ : list of ndarray of shape (n_monomials, fan_in)
        The exponents of each transition's monomials, in the order of
        :class:`~sklearn.preprocessing.PolynomialFeatures`.

    degrees_ : tuple of int
        The degree of each transition.

    n_layers_ : int
        Number of layers, inputs and outputs included.

    n_outputs_ : int
        Number of outputs.

    out_activation_ : str
        "identity" for the squared error, "exp" for the Poisson loss.

    loss_ : float
        The final training loss, penalty included.

    best_loss_ : float or None
        The lowest training loss seen (None under early stopping).

    loss_curve_ : list of float
        The training loss after each epoch or lbfgs iteration.

    validation_scores_ : list of float or None
        R^2 on the validation split after each epoch, under early stopping;
        None otherwise.

    best_validation_score_ : float or None
        The best of ``validation_scores_``.

    n_iter_ : int
        Number of epochs or lbfgs iterations run.

    t_ : int
        Number of training samples seen.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit, when they are all strings.

    See Also
    --------
    PolyNetClassifier : The same network for classification.
    sklearn.neural_network.MLPRegressor : The degree-1 special case.

    Notes
    -----
    With the squared error the minimised objective is

    .. math::

        \frac{1}{2 n} \sum_i \lVert y_i - f(x_i) \rVert^2
        + \frac{\alpha}{2 n} \lVert W \rVert^2,

    the penalty running over every coefficient except the constant
    monomials' (sample weights replace :math:`1/n` by normalised weights).
    Without hidden layer its minimiser is ``Ridge(alpha=alpha)`` fitted on
    ``PolynomialFeatures(degree)`` features.

    With the squared error, training runs on targets standardised to zero
    mean and unit variance, so that neither the initialisation nor ``alpha``
    depend on the targets' units; at the end of each fit the output layer is
    rescaled, so ``coefs_`` and predictions are in the targets' own units.
    ``loss_`` and ``loss_curve_`` are in standardised units. Without hidden
    layer this rescaling leaves the optimum unchanged (the Ridge identity
    above holds exactly).

    Examples
    --------
    >>> import numpy as np
    >>> from skpoly import PolyNetRegressor
    >>> rng = np.random.RandomState(0)
    >>> x = rng.uniform(0, 10, size=(1000, 1))
    >>> y = x[:, 0] ** 2 + 2 * x[:, 0] + 1 + rng.uniform(-0.5, 0.5, 1000)
    >>> reg = PolyNetRegressor(
    ...     hidden_layer_sizes=(), degree=2, alpha=0.01, random_state=0
    ... )
    >>> print(reg.fit(x, y).unit_polynomial().to_string(precision=2))
    1.01 + 2.00 x0 + 1.00 x0^2
    >>> reg.predict([[3.0]]).round(2)
    array([16.01])
    """

    _parameter_constraints: dict = {
        **BasePolyNet._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(16,),
        activation="logistic",
        *,
        degree=None,
        interaction_only=False,
        solver="lbfgs",
        alpha=3.0,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=500,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        max_grad_norm=None,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            degree=degree,
            interaction_only=interaction_only,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            max_grad_norm=max_grad_norm,
        )
        self.loss = loss

    def _validate_input(self, X, y, reset, incremental):
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            y_numeric=True,
            dtype=(np.float64, np.float32),
            reset=reset,
        )
        if sp.issparse(X):
            X = X.tocsr()
        Y = np.asarray(y, dtype=X.dtype)
        if reset:
            self._y_ndim = Y.ndim
        if Y.ndim == 1:
            Y = Y.reshape(-1, 1)
        if self.loss == "poisson" and (Y < 0).any():
            raise ValueError(
                "loss='poisson' needs targets >= 0, but y has negative values; "
                "use loss='squared_error' or shift the targets."
            )
        return X, Y, self.loss

    def _training_targets(self, Y, sample_weight, first):
        # standardise squared-error targets, fixing the scale on the first fit
        if first:
            n_outputs = Y.shape[1]
            self._y_mean = np.zeros(n_outputs, dtype=Y.dtype)
            self._y_scale = np.ones(n_outputs, dtype=Y.dtype)
            if self.loss == "squared_error":
                # divide by the largest magnitude first, so that squaring
                # targets near the float range cannot overflow
                top = np.abs(Y).max(axis=0)
                top = np.where(top > 0, top, 1.0)
                mean = np.average(Y / top, axis=0, weights=sample_weight)
                var = np.average((Y / top - mean) ** 2, axis=0, weights=sample_weight)
                scale = top * np.sqrt(var)
                self._y_mean[...] = top * mean
                self._y_scale[...] = np.where(scale > 0, scale, 1.0)
        return (Y - self._y_mean) / self._y_scale

    def _rescale_output(self, coefs, to_training):
        # the output layer is affine in its coefficients: z_user = s z + m
        out = coefs[-1]
        if to_training:
            out[0] -= self._y_mean
            out /= self._y_scale
        else:
            out *= self._y_scale
            out[0] += self._y_mean

    def _validation_score(self, X, Y, sample_weight):
        predicted = self._link(self._predict_raw(X, check_input=False))
        if not np.isfinite(predicted).all():
            # an overflowing prediction is the worst score, not an error
            return -np.inf
        return r2_score(Y, predicted, sample_weight=sample_weight)

    def _link(self, raw):
        """Return predictions from raw outputs: exp for Poisson, else raw."""
        if self.out_activation_ == "exp":
            return np.exp(raw)
        return raw

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to data X and targets y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data. Sparse rows are densified one batch at a time.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The targets.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples; None weighs them equally.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=False)

    @available_if(_stochastic)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Run one epoch of the stochastic solver over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The targets.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples.

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    def predict(self, X):
        """Predict the targets of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predictions, one-dimensional when y was at fit.

        Warns
        -----
        UserWarning
            If some predictions are not finite: the network's polynomials
            overflow float64 (to +-inf, or to NaN where inf - inf occurs), as
            happens for inputs far outside the range of the training data.
            Those predictions are returned as inf or NaN, the others as
            usual, and the warning names how many and the first row.
        """
        with np.errstate(over="ignore"):
            y = self._link(self._predict_raw(X))
        finite = np.isfinite(y).all(axis=1)
        if not finite.all():
            warnings.warn(
                f"{int((~finite).sum())} of the {y.shape[0]} predictions are "
                "not finite (inf or NaN), the first at row "
                f"{int(np.flatnonzero(~finite)[0])}: the network's polynomials "
                "overflow float64 for inputs far outside the range of the "
                "training data. Scale X as the training data was scaled, or "
                "clip it to the training range.",
                UserWarning,
            )
        if self._y_ndim == 1:
            return y.ravel()
        return y

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


PolyNetRegressor.__doc__ = fill_parameters(
    PolyNetRegressor.__doc__, alpha="3.0", activation='"logistic"', hidden="(16,)"
)
