"""PolyNetClassifier: a polynomial network trained with the log-loss."""

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, log_softmax, softmax
from sklearn.base import ClassifierMixin
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import column_or_1d

from skpoly._activations import logistic_log_proba
from skpoly._base import BasePolyNet, fill_parameters
from skpoly._compat import _fit_context, validate_data


def _stochastic(estimator):
    """Return True, or raise AttributeError for a solver without partial_fit."""
    if estimator.solver not in ("sgd", "adam"):
        raise AttributeError(
            f"partial_fit is only available for the stochastic solvers 'sgd' "
            f"and 'adam', not solver={estimator.solver!r}."
        )
    return True


def _label_array(y, name="y"):
    """Return labels as an array of their own type, or ``y`` unchanged.

    scikit-learn turns pandas' nullable Int64 and boolean labels into floats
    and cannot type an object array of numbers, which would change the type
    of ``classes_`` and of the predictions; convert them first. Missing
    labels (None, NaN, pd.NA) in pandas or object labels raise a ValueError.
    """
    dtype = getattr(y, "dtype", None)
    missing = None
    if dtype is not None and hasattr(y, "isna"):
        missing = np.asarray(y.isna(), dtype=bool)
    elif dtype == object:
        missing = np.array(
            [v is None or (isinstance(v, float) and v != v) for v in y.ravel()]
        )
    if missing is not None and missing.any():
        raise ValueError(
            f"{name} has {int(missing.sum())} missing labels (None, NaN or "
            f"pd.NA), the first at position {int(np.flatnonzero(missing)[0])}; "
            "a classifier needs a label for every sample. Drop those samples "
            "or give them a label."
        )

    numpy_dtype = getattr(dtype, "numpy_dtype", None)
    if numpy_dtype is not None and hasattr(y, "to_numpy"):
        return y.to_numpy(dtype=numpy_dtype)
    if dtype == object:
        values = np.asarray(y)
        numbers = np.array(values.tolist())
        if numbers.dtype.kind in "biuf" and numbers.shape == values.shape:
            return numbers
    return y


def _output_limits(raw):
    """Return raw outputs with +-inf as +-float max; raise where one is NaN.

    An output that overflowed keeps its sign and order, so the links give
    its limit; a NaN (inf - inf inside a polynomial) has no value at all.
    """
    if np.isfinite(raw).all():
        return raw
    undefined = np.isnan(raw).any(axis=1)
    if undefined.any():
        raise ValueError(
            f"The network's output is NaN for {int(undefined.sum())} of the "
            f"{raw.shape[0]} samples, the first at row "
            f"{int(np.flatnonzero(undefined)[0])}: their monomials overflow "
            "float64, as happens for inputs far outside the range of the "
            "training data. Scale X as the training data was scaled, clip it "
            "to the training range, or use a lower degree."
        )
    big = np.finfo(raw.dtype).max
    return np.nan_to_num(raw, posinf=big, neginf=-big)


class PolyNetClassifier(ClassifierMixin, BasePolyNet):
    r"""Polynomial neural network classifier.

    A feed-forward network in which every transition is a full polynomial of
    the previous layer's units: each unit of the next layer receives one
    learned coefficient for every monomial of total degree at most
    ``degree`` (the constant monomial acting as its bias) and then an
    activation. With ``degree=1`` this is exactly
    :class:`~sklearn.neural_network.MLPClassifier`; with no hidden layer it
    is a logistic regression on polynomial features. The log-loss is
    minimised with L-BFGS, SGD or Adam, by backpropagation through the
    activations and the polynomials' Jacobians.

    Parameters
    ----------
    %(shared_parameters)s

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels (for multilabel targets, the label indices).

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
        Number of output units.

    out_activation_ : str
        "logistic" for binary and multilabel targets, "softmax" otherwise.

    loss_ : float
        The final training loss, penalty included.

    best_loss_ : float or None
        The lowest training loss seen (None under early stopping).

    loss_curve_ : list of float
        The training loss after each epoch or lbfgs iteration.

    validation_scores_ : list of float or None
        Accuracy on the validation split after each epoch, under early
        stopping; None otherwise.

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
    PolyNetRegressor : The same network for regression.
    sklearn.neural_network.MLPClassifier : The degree-1 special case.

    Notes
    -----
    Transition :math:`i` maps the activations :math:`a_i` to

    .. math::

        z_{i+1} = \Phi_{d_i}(a_i) W_i, \qquad a_{i+1} = \sigma(z_{i+1}),

    where :math:`\Phi_d(a)` is the row of all monomials of :math:`a` of
    total degree at most :math:`d` (the constant 1 first). Backpropagation
    passes :math:`\delta = \partial L / \partial z_{i+1}` down as
    :math:`\nabla_{W_i} L = \Phi_{d_i}(a_i)^\top \delta` and
    :math:`\nabla_{a_i} L = J_{\Phi}(a_i)^\top W_i \delta`. The loss is the
    mean (sample-weighted) cross-entropy plus
    :math:`\tfrac{\alpha}{2 n} \lVert W \rVert^2` over the non-constant
    coefficients, which makes a network without hidden layer the same
    optimum as ``LogisticRegression(C=1/alpha)`` on polynomial features.

    Inputs should be scaled (for example with StandardScaler): a degree-d
    monomial raises their scale to the power d.

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skpoly import PolyNetClassifier
    >>> X, y = make_moons(200, noise=0.1, random_state=0)
    >>> clf = make_pipeline(StandardScaler(), PolyNetClassifier(random_state=0))
    >>> clf.fit(X, y).predict(X[:4])
    array([0, 1, 1, 0])
    >>> round(clf.score(X, y), 3)
    0.995
    >>> clf[-1].degrees_  # affine hidden layer, quadratic output
    (1, 2)
    """

    def __init__(
        self,
        hidden_layer_sizes=(16,),
        activation="tanh",
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

    def _validate_input(self, X, y, reset, incremental):
        y = _label_array(y)
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=(np.float64, np.float32),
            reset=reset,
        )
        if sp.issparse(X):
            X = X.tocsr()
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        multilabel = type_of_target(y).startswith("multilabel")

        # encode the labels; the first fit fixes classes_
        if reset:
            binarizer = LabelBinarizer()
            if incremental and not multilabel:
                binarizer.fit(self._partial_fit_classes)
            else:
                binarizer.fit(y)
            self._label_binarizer = binarizer
            self.classes_ = binarizer.classes_
        if reset and incremental and not multilabel:
            unseen = np.setdiff1d(np.unique(y), self.classes_)
            if unseen.size:
                raise ValueError(
                    f"y holds labels {unseen.tolist()} that are not in "
                    f"classes={self.classes_.tolist()}; pass every label the "
                    "data will contain in classes= on the first partial_fit "
                    "call."
                )
        elif not reset and not multilabel:
            unseen = np.setdiff1d(np.unique(y), self.classes_)
            if unseen.size:
                how = "partial_fit" if incremental else "fit with warm_start=True"
                raise ValueError(
                    f"y holds labels {unseen.tolist()} that are not in classes_ "
                    f"{self.classes_.tolist()}; {how} keeps the classes of the "
                    "first call. Pass every label in classes= on the first "
                    "partial_fit call, or fit from scratch."
                )
        if multilabel != (self._label_binarizer.y_type_.startswith("multilabel")):
            raise ValueError(
                "y changed between multilabel indicators and plain labels "
                "since the first fit; fit from scratch."
            )
        if len(self.classes_) == 1:
            # a single class: its one logistic unit learns probability one
            Y = np.ones((X.shape[0], 1), dtype=X.dtype)
        else:
            Y = self._label_binarizer.transform(y).astype(X.dtype, copy=False)

        binary = Y.shape[1] == 1 or multilabel
        return X, Y, "binary_log_loss" if binary else "log_loss"

    def _validation_score(self, X, Y, sample_weight):
        raw = self._predict_raw(X, check_input=False)
        if self.out_activation_ == "softmax":
            hit = raw.argmax(axis=1) == Y.argmax(axis=1)
        else:
            hit = ((raw > 0) == (Y > 0.5)).all(axis=1)
        # an output that overflowed to NaN predicts nothing: count a miss
        hit &= ~np.isnan(raw).any(axis=1)
        return float(np.average(hit, weights=sample_weight))

    def _split_stratify(self, Y):
        if self._label_binarizer.y_type_.startswith("multilabel"):
            return None
        return Y.argmax(axis=1) if Y.shape[1] > 1 else Y[:, 0]

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to data X and labels y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data. Sparse rows are densified one batch at a time.

        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            The labels, or a multilabel indicator matrix.

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
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Run one epoch of the stochastic solver over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            The labels, or a multilabel indicator matrix.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples.

        classes : array-like of shape (n_classes,), default=None
            Every label the data will ever contain. Required on the first
            call (except for multilabel indicators); later calls may omit it
            or must repeat the same classes.

        Returns
        -------
        self : object
            The updated estimator.
        """
        if not hasattr(self, "classes_"):
            if classes is None and type_of_target(y).startswith("multilabel"):
                classes = np.arange(np.shape(y)[1])
            if classes is None:
                raise ValueError(
                    "classes must be given on the first call to partial_fit: "
                    "pass classes=<every label the data will contain>, since "
                    "later batches may not show them all."
                )
            classes = _label_array(np.asarray(classes), "classes")
            self._partial_fit_classes = np.unique(classes)
        elif classes is not None and not np.array_equal(
            np.unique(_label_array(np.asarray(classes), "classes")), self.classes_
        ):
            raise ValueError(
                f"classes={np.asarray(classes).tolist()} differs from the "
                f"classes_ {self.classes_.tolist()} of the first partial_fit "
                "call; the classes cannot change between calls."
            )
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    def predict(self, X):
        """Predict the class of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            The predicted labels (a 0/1 indicator matrix for multilabel
            targets).

        Raises
        ------
        ValueError
            If the network's output is NaN for a sample: its monomials
            overflow float64, as happens for inputs far outside the range
            of the training data. Outputs that overflow to +-inf are kept as
            their limits and predict normally.
        """
        raw = self._predict_raw(X)
        if len(self.classes_) == 1:
            return self.classes_.take(np.zeros(raw.shape[0], dtype=np.intp))
        raw = _output_limits(raw)
        if self._label_binarizer.y_type_.startswith("multilabel"):
            return (raw > 0).astype(np.int64)
        if self.out_activation_ == "softmax":
            return self.classes_.take(raw.argmax(axis=1))
        return self.classes_.take((raw[:, 0] > 0).astype(np.intp))

    def predict_proba(self, X):
        """Return the probability of each class for each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities in the order of ``classes_``; for multilabel
            targets, the probability of each label. They are computed in
            float64 from the network's outputs, whatever the input dtype, so
            that small probabilities do not round to zero. An output that
            overflows to +-inf gives its limit (probability 1 or 0, shared
            between tied classes), so every row stays in [0, 1] and sums
            to 1.

        Raises
        ------
        ValueError
            If the network's output is NaN for a sample (see :meth:`predict`).
        """
        raw = self._predict_raw(X).astype(np.float64, copy=False)
        if len(self.classes_) == 1:
            return np.ones_like(raw)
        raw = _output_limits(raw)
        if self.out_activation_ == "softmax":
            with np.errstate(over="ignore"):
                return softmax(raw, axis=1)
        proba = expit(raw)
        if self._label_binarizer.y_type_.startswith("multilabel"):
            # each label is a Bernoulli probability strictly inside (0, 1)
            return np.clip(proba, np.finfo(np.float64).tiny, np.nextafter(1.0, 0))
        return np.hstack([expit(-raw), proba])

    def predict_log_proba(self, X):
        """Return the log-probability of each class for each sample.

        Computed from the raw outputs, so it stays finite where the
        probability rounds to zero.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            The logarithm of :meth:`predict_proba`.
        """
        raw = self._predict_raw(X).astype(np.float64, copy=False)
        if len(self.classes_) == 1:
            return np.zeros_like(raw)
        raw = _output_limits(raw)
        if self.out_activation_ == "softmax":
            with np.errstate(over="ignore"):
                return log_softmax(raw, axis=1)
        log_p, log_q = logistic_log_proba(raw)
        if self._label_binarizer.y_type_.startswith("multilabel"):
            return log_p
        return np.hstack([log_q, log_p])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.target_tags.multi_output = True
        return tags


PolyNetClassifier.__doc__ = fill_parameters(
    PolyNetClassifier.__doc__, alpha="3.0", activation='"tanh"', hidden="(16,)"
)
