"""Shared estimator logic: validation, initialisation and the fit loops."""

import contextlib
import copy
import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
import scipy.optimize
import scipy.sparse as sp
from sklearn import get_config
from sklearn.base import BaseEstimator, is_regressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_array, check_random_state
from sklearn.utils.validation import check_is_fitted

from skpoly._compat import Interval, Options, StrOptions
from skpoly._monomials import count_monomials
from skpoly._network import PolyNetwork
from skpoly._optimizers import OPTIMIZERS

# refuse a transition with more coefficients plus exponents than this before
# allocating: 2**28 float64 coefficients are 2 GiB, and the optimizers keep
# two more
# TODO(memory): the limit is per transition and ignores that L-BFGS-B keeps
# about 20 float64 vectors of all coefficients (its history), so lbfgs on a
# network near the limit can still exhaust memory, which users see as numpy's
# or scipy's MemoryError mid-fit. Estimating the whole fit's bytes per solver
# and comparing them with a configurable budget would refuse it up front.
MAX_COEFFICIENTS = 2**28
# TODO(cost): sizes under the limit can still be very slow (degree 4 on the
# 64 digits pixels is 814385 monomials a sample, minutes per lbfgs
# iteration), and fit says nothing until it ends. A warning naming the
# monomial count and the flops per epoch above some budget would tell users
# before they wait.

# row chunks of full-batch work (lbfgs, predict) stay within this many MB,
# or working_memory if smaller; lbfgs keeps the first layer's expansion of
# the whole data between iterations when it fits in CACHE_MEGABYTES
CHUNK_MEGABYTES = 64
CACHE_MEGABYTES = 256

# a stochastic fit whose mini-batch loss exceeds this many times its first
# one (or 1, whichever is larger) has diverged
DIVERGENCE_FACTOR = 1e6

_DIVERGED = (
    "The fit diverged: {what} at iteration {iteration}. Scale the inputs "
    "(for example with StandardScaler), lower learning_rate_init or degree, "
    "or set max_grad_norm to clip the updates."
)


# the parameters both estimators share, written once for their docstrings
SHARED_PARAMETERS = """\
hidden_layer_sizes : array-like of shape (n_layers - 2,), default=%(hidden)s
        The number of units in each hidden layer. ``()`` gives no hidden
        layer: a single polynomial map from the inputs to the outputs.

    activation : {"identity", "logistic", "tanh", "relu"}, default=%(activation)s
        Activation of the hidden units.

    degree : int, array-like of int or None, default=None
        Highest total degree of the monomials of each transition. An int
        applies to every transition; a sequence gives one degree per
        transition, ``len(hidden_layer_sizes) + 1`` of them, the output
        transition included. None, the default, makes the hidden transitions
        affine (degree 1) and the output transition quadratic (degree 2),
        whatever the depth: the combination that cross-validated best
        untuned on small benchmark data (see the README). With no hidden
        layer, None is degree 2.

    interaction_only : bool, default=False
        If True, only products of distinct units are used (no powers), as in
        :class:`~sklearn.preprocessing.PolynomialFeatures`.

    solver : {"lbfgs", "sgd", "adam"}, default="lbfgs"
        The optimizer. "lbfgs" minimises the full-batch loss and suits small
        and medium data sets; "sgd" and "adam" run mini-batch epochs and
        offer :meth:`partial_fit`.

    alpha : float, default=%(alpha)s
        Strength of the L2 penalty on every coefficient except those of the
        constant monomials (the intercepts). The penalty added to the mean
        loss is ``alpha / (2 * n_samples) * ||W||^2``, as in
        MLPClassifier/MLPRegressor, so ``alpha`` equals ``1 / C`` of
        LogisticRegression and ``alpha`` of Ridge.

    batch_size : int or "auto", default="auto"
        Mini-batch size of the stochastic solvers; "auto" is
        ``min(200, n_samples)``.

    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Step-size schedule of solver="sgd".

    learning_rate_init : float, default=0.001
        Initial step size of the stochastic solvers.

    power_t : float, default=0.5
        Exponent of the "invscaling" schedule.

    max_iter : int, default=500
        Maximum number of epochs (stochastic solvers) or iterations (lbfgs).

    shuffle : bool, default=True
        Whether to shuffle the samples in each epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds the initial coefficients, the shuffling and the early-stopping
        split. Pass an int for reproducible results.

    tol : float, default=1e-4
        Tolerance of the stopping criteria.

    verbose : bool or int, default=False
        Whether to print progress, one line per epoch or iteration.

    warm_start : bool, default=False
        Whether fit starts from the previous fit's coefficients.

    momentum : float, default=0.9
        Momentum of solver="sgd".

    nesterovs_momentum : bool, default=True
        Whether solver="sgd" uses Nesterov's momentum.

    early_stopping : bool, default=False
        Whether the stochastic solvers stop when the score on a held-out
        validation split stops improving, keeping the best coefficients.

    validation_fraction : float, default=0.1
        Fraction of the training data held out for early stopping.

    beta_1 : float, default=0.9
        Decay of Adam's first moment estimate.

    beta_2 : float, default=0.999
        Decay of Adam's second moment estimate.

    epsilon : float, default=1e-8
        Adam's numerical stability constant.

    n_iter_no_change : int, default=10
        Epochs without improvement by ``tol`` before the stochastic solvers
        stop.

    max_fun : int, default=15000
        Maximum number of loss evaluations of solver="lbfgs".

    max_grad_norm : float or None, default=None
        If set, the stochastic solvers rescale each mini-batch gradient whose
        Euclidean norm exceeds it to that norm, a guard against the exploding
        updates high degrees can produce.
"""


def fill_parameters(doc, **defaults):
    """Return ``doc`` with the shared parameters' text in place of its marker.

    ``defaults`` fills the defaults that differ between the estimators.
    """
    text = SHARED_PARAMETERS
    for name, value in defaults.items():
        text = text.replace(f"%({name})s", value)
    return doc.replace("    %(shared_parameters)s\n", "    " + text)


def _count(n):
    """Return n written exactly, or in scientific notation past a trillion."""
    return str(n) if n < 10**12 else f"{float(n):.3g}"


class BasePolyNet(BaseEstimator, metaclass=ABCMeta):
    """Base class of polynomial networks; use a subclass.

    The subclasses decide the loss, the encoding of targets and the output
    activation; everything else (validation, the solvers, early stopping,
    partial_fit and chunked prediction) is shared here.
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions({"identity", "logistic", "tanh", "relu"})],
        "degree": [Interval(Integral, 1, None, closed="left"), "array-like", None],
        "interaction_only": ["boolean"],
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "max_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
    }

    @abstractmethod
    def __init__(
        self,
        hidden_layer_sizes,
        activation,
        *,
        degree,
        interaction_only,
        solver,
        alpha,
        batch_size,
        learning_rate,
        learning_rate_init,
        power_t,
        max_iter,
        shuffle,
        random_state,
        tol,
        verbose,
        warm_start,
        momentum,
        nesterovs_momentum,
        early_stopping,
        validation_fraction,
        beta_1,
        beta_2,
        epsilon,
        n_iter_no_change,
        max_fun,
        max_grad_norm,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.degree = degree
        self.interaction_only = interaction_only
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.max_grad_norm = max_grad_norm

    # ------------------------------------------------------------------
    # hooks for the subclasses

    @abstractmethod
    def _validate_input(self, X, y, reset, incremental):
        """Return validated X, the encoded targets Y (2-d) and the loss name."""

    @abstractmethod
    def _validation_score(self, X, y, sample_weight):
        """Return the early-stopping score (higher is better) on held-out data."""

    def _split_stratify(self, y):
        """Return the labels to stratify the validation split on, or None."""
        return None

    # ------------------------------------------------------------------
    # validation of the architecture

    def _hidden_sizes(self):
        """Return hidden_layer_sizes as a list of ints, checked."""
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, Integral):
            sizes = [sizes]
        sizes = list(sizes)
        bad = [s for s in sizes if not isinstance(s, Integral) or s < 1]
        if bad:
            raise ValueError(
                f"hidden_layer_sizes must hold positive integers, got {bad!r} "
                f"in {self.hidden_layer_sizes!r}."
            )
        return [int(s) for s in sizes]

    def _degrees(self, n_transitions):
        """Return one degree per transition, collecting every problem."""
        degree = self.degree
        if isinstance(degree, bool):
            raise ValueError(
                f"degree={degree} is a bool; pass an int >= 1, one per "
                "transition, or None."
            )
        if degree is None:
            # affine hidden transitions and a quadratic output transition
            return [1] * (n_transitions - 1) + [2]
        if isinstance(degree, Integral):
            return [int(degree)] * n_transitions
        degrees = list(np.ravel(np.asarray(degree, dtype=object)))
        problems = []
        if len(degrees) != n_transitions:
            problems.append(
                f"degree has {len(degrees)} entries but the network has "
                f"{n_transitions} transitions (len(hidden_layer_sizes) + 1); "
                "give one degree per transition, the output one included"
            )
        for i, d in enumerate(degrees):
            if isinstance(d, bool) or not isinstance(d, Integral) or d < 1:
                problems.append(f"degree[{i}]={d!r} is not an integer >= 1")
        if problems:
            raise ValueError("Invalid degree: " + "; ".join(problems) + ".")
        return [int(d) for d in degrees]

    def _build_network(self, n_features, n_outputs, loss):
        """Return the PolyNetwork for these sizes, refusing oversized layers."""
        hidden = self._hidden_sizes()
        sizes = [n_features] + hidden + [n_outputs]
        degrees = self._degrees(len(sizes) - 1)
        for i, (fan_in, fan_out, degree) in enumerate(
            zip(sizes[:-1], sizes[1:], degrees)
        ):
            n_monomials = count_monomials(fan_in, degree, self.interaction_only)
            # the coefficients and the exponent table (powers_), one row each
            if n_monomials * (fan_out + fan_in) > MAX_COEFFICIENTS:
                raise ValueError(
                    f"degree={degree} on {fan_in} inputs of transition {i} "
                    f"gives {_count(n_monomials)} monomials per sample, "
                    f"{_count(n_monomials * fan_out)} coefficients for "
                    f"{fan_out} units and {_count(n_monomials * fan_in)} "
                    "exponents in powers_: "
                    f"more than the {MAX_COEFFICIENTS} values skpoly "
                    "allocates. Lower degree, use fewer inputs or units, or "
                    "set interaction_only=True."
                )
        return PolyNetwork(sizes, degrees, self.interaction_only, self.activation, loss)

    # ------------------------------------------------------------------
    # fitting

    def _fit(self, X, y, sample_weight=None, incremental=False):
        """Fit the network: the body of fit and partial_fit.

        A call that raises (a divergence, bad data) leaves the estimator as
        it was before it: a diverged partial_fit or warm start keeps the
        earlier coefficients, and a diverged first fit leaves none behind.
        """
        state = dict(vars(self))
        for key in ("loss_curve_", "validation_scores_"):
            if isinstance(state.get(key), list):
                state[key] = list(state[key])
        if state.get("_optimizer") is not None:
            state["_optimizer"] = copy.deepcopy(state["_optimizer"])
        rng = state.get("_random_state")
        rng_state = None if rng is None else rng.get_state()
        try:
            return self._fit_once(X, y, sample_weight, incremental)
        except Exception:
            vars(self).clear()
            vars(self).update(state)
            if rng is not None:
                rng.set_state(rng_state)
            raise

    def _fit_once(self, X, y, sample_weight, incremental):
        """Run one fit or partial_fit call; see :meth:`_fit`."""
        first = not hasattr(self, "coefs_") or not (incremental or self.warm_start)
        X, Y, loss = self._validate_input(X, y, reset=first, incremental=incremental)
        if not first and X.dtype != self.coefs_[0].dtype:
            # a continued fit keeps the dtype of the fit it continues
            X = X.astype(self.coefs_[0].dtype)
            Y = Y.astype(X.dtype)
        sample_weight = self._check_sample_weight(sample_weight, X)
        network = self._build_network(X.shape[1], Y.shape[1], loss)
        if self.solver != "lbfgs":
            self._check_batch_memory(network, X.shape[0])
        if not first:
            self._check_same_architecture(network, incremental)
        if self.solver == "lbfgs":
            X, Y, sample_weight = _merge_duplicate_rows(X, Y, sample_weight)
        Y = self._training_targets(Y, sample_weight, first)

        # initialise coefficients and records, in training units
        params = self._initialise(network, X.dtype, first)
        self._network = network
        self.coefs_ = network.unpack(params)
        if not first:
            self._rescale_output(self.coefs_, to_training=True)

        try:
            with (
                np.errstate(over="ignore", invalid="ignore", divide="ignore"),
                _blas_threads(self._step_flops(network, X)),
            ):
                if self.solver == "lbfgs":
                    self._fit_lbfgs(X, Y, sample_weight, network, params)
                else:
                    self._fit_stochastic(
                        X, Y, sample_weight, network, params, incremental
                    )
        finally:
            self._rescale_output(self.coefs_, to_training=False)
        return self

    def _step_flops(self, network, X):
        """Return the flops of the largest matrix product one step makes."""
        n_samples = X.shape[0]
        if self.solver == "lbfgs":
            rows = self._chunk_rows(network, X.dtype.itemsize, True, n_samples)
        else:
            rows = self._batch_size(n_samples, warn=False)
        return 2 * rows * max(k * n for k, n in network.shapes)

    def _check_batch_memory(self, network, n_samples):
        """Refuse mini-batches whose work buffers exceed MAX_COEFFICIENTS values."""
        rows = 200 if self.batch_size == "auto" else self.batch_size
        rows = min(rows, n_samples)
        per_row = network.row_bytes(1, training=True)
        if rows * per_row > MAX_COEFFICIENTS:
            raise ValueError(
                f"A mini-batch of {rows} samples needs {per_row} work values "
                f"per sample for this network's monomials, {rows * per_row} "
                f"in all: more than the {MAX_COEFFICIENTS} skpoly allocates. "
                f"Set batch_size to at most {max(1, MAX_COEFFICIENTS // per_row)}"
                ", lower degree, or use solver='lbfgs', which works in chunks "
                "sized by working_memory."
            )

    def _training_targets(self, Y, sample_weight, first):
        """Return the targets the network is trained on (as given, by default)."""
        return Y

    def _rescale_output(self, coefs, to_training):
        """Convert the output layer between user and training units in place."""

    def _check_sample_weight(self, sample_weight, X):
        """Return sample_weight as a checked 1-d array of X's dtype, or None."""
        if sample_weight is None:
            return None
        n_samples = X.shape[0]
        if isinstance(sample_weight, Real):
            sample_weight = np.full(n_samples, sample_weight)
        sample_weight = check_array(
            sample_weight,
            ensure_2d=False,
            dtype=X.dtype,
            input_name="sample_weight",
        )
        if sample_weight.ndim != 1 or sample_weight.shape[0] != n_samples:
            raise ValueError(
                f"sample_weight has shape {sample_weight.shape} but X has "
                f"{n_samples} samples; pass one weight per sample."
            )
        if (sample_weight < 0).any():
            raise ValueError("sample_weight has negative values; weights must be >= 0.")
        if not sample_weight.any():
            raise ValueError(
                "sample_weight is zero for every sample, so there is nothing "
                "to fit; give at least one sample a positive weight."
            )
        return sample_weight

    def _check_same_architecture(self, network, incremental):
        """Refuse to continue a fit whose network has changed shape."""
        old = self._network
        changes = []
        if old.layer_sizes[1:-1] != network.layer_sizes[1:-1]:
            changes.append(
                f"hidden_layer_sizes {tuple(old.layer_sizes[1:-1])} -> "
                f"{tuple(network.layer_sizes[1:-1])}"
            )
        if old.layer_sizes[-1] != network.layer_sizes[-1]:
            changes.append(
                f"number of outputs {old.layer_sizes[-1]} -> "
                f"{network.layer_sizes[-1]}"
            )
        if old.degrees != network.degrees:
            changes.append(f"degrees {tuple(old.degrees)} -> {tuple(network.degrees)}")
        if old.layers[0].interaction_only != network.layers[0].interaction_only:
            changes.append("interaction_only")
        if old.loss != network.loss or old.activation != network.activation:
            changes.append("activation or loss")
        if changes:
            how = "partial_fit" if incremental else "warm_start=True"
            raise ValueError(
                f"Cannot continue fitting with {how}: the network changed since "
                f"the last fit ({', '.join(changes)}). Fit from scratch with "
                "warm_start=False (or a fresh estimator for partial_fit)."
            )

    def _initialise(self, network, dtype, first):
        """Return the flat parameter vector, fresh or from the fitted coefs_."""
        if not first:
            return network.pack(self.coefs_, dtype)

        self._random_state = check_random_state(self.random_state)
        params = network.init_params(self._random_state, dtype)
        self.n_layers_ = len(network.layer_sizes)
        self.n_outputs_ = network.layer_sizes[-1]
        self.out_activation_ = network.out_activation
        self.loss_ = None
        self.degrees_ = tuple(network.degrees)
        self.powers_ = [layer.powers() for layer in network.layers]
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_ = []
        self._no_improvement_count = 0
        self._optimizer = None
        self._initial_loss = None
        if self.early_stopping:
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
            self.best_loss_ = None
        else:
            self.validation_scores_ = None
            self.best_validation_score_ = None
            self.best_loss_ = np.inf
        return params

    def _chunk_rows(self, network, itemsize, training, n_rows):
        """Return how many rows a chunk holds within its memory budget.

        The budget is working_memory, capped at CHUNK_MEGABYTES: beyond a
        few tens of megabytes larger chunks only add memory (predict_proba
        on 10**6 x 50 rows at degree 2 ran 4x faster with 64 MB chunks than
        with scikit-learn's default 1024 MB).
        """
        budget = min(get_config()["working_memory"], CHUNK_MEGABYTES) * 2**20
        rows = int(budget // max(network.row_bytes(itemsize, training), 1))
        return max(1, min(rows, n_rows))

    def _fit_lbfgs(self, X, Y, sample_weight, network, params):
        """Minimise the penalised loss over the whole data with L-BFGS-B."""
        n_samples = X.shape[0]
        scale = 1.0 / (n_samples if sample_weight is None else sample_weight.sum())
        coefs = network.unpack(params)
        grad = np.empty_like(params)
        grads = network.unpack(grad)
        dtype = params.dtype
        last = {"loss": np.inf, "x": params.astype(np.float64)}
        n_before = len(self.loss_curve_)
        chunk = self._chunk_rows(network, X.dtype.itemsize, True, n_samples)
        budget = min(get_config()["working_memory"], CACHE_MEGABYTES) * 2**20
        data_loss = _FullBatchLoss(network, X, Y, sample_weight, chunk, budget)

        def loss_grad(x):
            # the optimizer works in float64; the network in X's dtype
            params[...] = x
            loss = data_loss(coefs, grads, scale)
            loss += network.penalty(coefs, grads, self.alpha, scale)
            last["loss"] = loss
            if not np.isfinite(loss):
                # a non-finite value makes the line search back off
                return np.inf, np.zeros_like(x)
            return loss, grad.astype(np.float64)

        def callback(xk):
            last["x"] = xk.copy()
            self.loss_curve_.append(float(last["loss"]))
            if self.verbose:
                self._print_progress(len(self.loss_curve_), last["loss"])

        interrupted = False
        try:
            result = scipy.optimize.minimize(
                loss_grad,
                params.astype(np.float64),
                method="L-BFGS-B",
                jac=True,
                callback=callback,
                options={
                    "maxfun": self.max_fun,
                    "maxiter": self.max_iter,
                    "gtol": self.tol,
                    "ftol": self.tol * 1e-5,
                },
            )
            x, n_iter, loss = result.x, result.nit, result.fun
        except KeyboardInterrupt:
            interrupted = True
            x, n_iter = last["x"], len(self.loss_curve_) - n_before
            # no finished iteration: the coefficients and loss_ stay as they were
            loss = self.loss_curve_[-1] if n_iter else self.loss_

        params[...] = x.astype(dtype)
        self.n_iter_ += n_iter
        self.t_ += n_samples
        if not np.isfinite(params).all() or (
            loss is not None and not np.isfinite(loss)
        ):
            raise ValueError(
                _DIVERGED.format(what="the loss is not finite", iteration=n_iter)
            )
        if loss is not None:
            self.loss_ = float(loss)
            self.best_loss_ = min(self.best_loss_ or np.inf, self.loss_)
        if interrupted:
            warnings.warn(
                f"Training interrupted by the user after {n_iter} L-BFGS "
                "iterations; the estimator keeps the last accepted coefficients.",
                UserWarning,
            )
        elif result.status != 0:
            warnings.warn(
                f"lbfgs stopped before converging after {n_iter} iterations "
                f"({result.message}). Increase max_iter (now {self.max_iter}), "
                f"max_fun (now {self.max_fun}) or tol (now {self.tol}); "
                "unscaled inputs also slow convergence.",
                ConvergenceWarning,
            )
        if self.verbose:
            print(f"Stopped: {result.message if not interrupted else 'interrupted'}")

    def _fit_stochastic(self, X, Y, sample_weight, network, params, incremental):
        """Run mini-batch epochs of sgd or adam, with optional early stopping."""
        n_samples = X.shape[0]
        if self._optimizer is None or not (incremental or self.warm_start):
            self._optimizer = self._make_optimizer(params)
        optimizer = self._optimizer
        rng = self._random_state

        # hold out a validation split for early stopping
        early_stopping = self.early_stopping and not incremental
        X_val = Y_val = sw_val = None
        if early_stopping:
            X, Y, sample_weight, X_val, Y_val, sw_val = self._validation_split(
                X, Y, sample_weight
            )
            n_samples = X.shape[0]

        batch_size = self._batch_size(n_samples)
        coefs = network.unpack(params)
        grad = np.empty_like(params)
        grads = network.unpack(grad)
        work = network.workspace(batch_size, X.dtype, training=True)
        gather = None
        if self.shuffle and not sp.issparse(X):
            gather = np.empty((batch_size, X.shape[1]), dtype=X.dtype)
        epoch_params = params.copy()
        best_params = None

        # epochs: one pass of mini-batch updates over the data
        try:
            for _ in range(self.max_iter):
                order = rng.permutation(n_samples) if self.shuffle else None
                loss = self._run_epoch(
                    X,
                    Y,
                    sample_weight,
                    network,
                    params,
                    coefs,
                    grad,
                    grads,
                    work,
                    gather,
                    order,
                    batch_size,
                    optimizer,
                )
                self.n_iter_ += 1
                self.t_ += n_samples
                self.loss_ = loss
                self.loss_curve_.append(loss)
                if not np.isfinite(params).all():
                    raise ValueError(
                        _DIVERGED.format(
                            what="a coefficient is not finite",
                            iteration=self.n_iter_,
                        )
                    )
                epoch_params[...] = params

                # stop when neither the loss nor the validation score improves
                improved = self._update_no_improvement(
                    loss, early_stopping, X_val, Y_val, sw_val
                )
                if improved and early_stopping:
                    best_params = params.copy()
                optimizer.iteration_ends(self.t_)
                if self.verbose:
                    score = self.validation_scores_[-1] if early_stopping else None
                    self._print_progress(self.n_iter_, loss, score)
                if self._no_improvement_count > self.n_iter_no_change:
                    if optimizer.trigger_stopping(self.verbose):
                        if self.verbose:
                            what = "validation score" if early_stopping else "loss"
                            print(
                                f"Stopped: the {what} did not improve by "
                                f"tol={self.tol} for {self.n_iter_no_change} "
                                "consecutive epochs."
                            )
                        break
                    self._no_improvement_count = 0
                if incremental:
                    break
            else:
                if not incremental:
                    warnings.warn(
                        f"Stochastic optimizer: reached max_iter={self.max_iter} "
                        "epochs before the optimization converged. Increase "
                        "max_iter or tol.",
                        ConvergenceWarning,
                    )
        except KeyboardInterrupt:
            # TODO(interrupt): the optimizer's state (momentum velocity, Adam
            # moments and step count) keeps the updates of the unfinished
            # epoch, since saving it every epoch would cost a copy of it per
            # epoch. Users see no effect on the kept coefficients, but a later
            # partial_fit or warm start resumes from slightly different moments
            # than an uninterrupted run; saving it with epoch_params would fix
            # that.
            params[...] = epoch_params
            warnings.warn(
                f"Training interrupted by the user after {self.n_iter_} epochs; "
                "the estimator keeps the coefficients of the last finished epoch.",
                UserWarning,
            )

        # restore the coefficients of the best validation score
        if early_stopping and best_params is not None:
            params[...] = best_params

    def _run_epoch(
        self,
        X,
        Y,
        sample_weight,
        network,
        params,
        coefs,
        grad,
        grads,
        work,
        gather,
        order,
        batch_size,
        optimizer,
    ):
        """Return the epoch's mean training loss after one pass of updates."""
        n_samples = X.shape[0]
        total_loss = 0.0
        total_weight = 0.0
        for start in range(0, n_samples, batch_size):
            stop = min(start + batch_size, n_samples)

            # the batch: a view when not shuffled, gathered rows otherwise
            if order is None:
                rows = slice(start, stop)
            else:
                rows = order[start:stop]
            if gather is not None:
                Xb = np.take(X, rows, axis=0, out=gather[: stop - start], mode="clip")
            else:
                Xb = _rows(X, rows)
            Yb = Y[rows]
            sw = None if sample_weight is None else sample_weight[rows]
            weight = (stop - start) if sw is None else float(sw.sum())
            if weight == 0:
                continue

            # forward, backward and penalty
            scale = 1.0 / weight
            loss = network.loss_grad(Xb, Yb, sw, coefs, grads, work, scale)
            loss += network.penalty(coefs, grads, self.alpha, scale)
            if not np.isfinite(loss):
                raise ValueError(
                    _DIVERGED.format(
                        what=f"the training loss became {loss}",
                        iteration=self.n_iter_ + 1,
                    )
                )

            # a loss a million times its value at the start is divergence too,
            # even while it is still finite
            if self._initial_loss is None:
                self._initial_loss = loss
            limit = DIVERGENCE_FACTOR * max(self._initial_loss, 1.0)
            if loss > limit:
                raise ValueError(
                    _DIVERGED.format(
                        what=(
                            f"the training loss grew to {loss:.3g}, more than "
                            f"{DIVERGENCE_FACTOR:.0e} times its initial "
                            f"{self._initial_loss:.3g}"
                        ),
                        iteration=self.n_iter_ + 1,
                    )
                )
            total_loss += loss * weight
            total_weight += weight

            # apply the update, clipping the gradient norm if asked
            if self.max_grad_norm is not None:
                norm = float(np.sqrt(grad @ grad))
                if norm > self.max_grad_norm:
                    grad *= self.max_grad_norm / norm
            optimizer.update(params, grad)
        return total_loss / total_weight

    def _make_optimizer(self, params):
        """Return the optimizer the solver names, for these parameters."""
        if self.solver == "sgd":
            return OPTIMIZERS["sgd"](
                params,
                self.learning_rate_init,
                self.learning_rate,
                self.momentum,
                self.nesterovs_momentum,
                self.power_t,
            )
        return OPTIMIZERS["adam"](
            params, self.learning_rate_init, self.beta_1, self.beta_2, self.epsilon
        )

    def _batch_size(self, n_samples, warn=True):
        """Return the mini-batch size for n_samples rows."""
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples and warn:
            warnings.warn(
                f"batch_size={self.batch_size} is larger than the {n_samples} "
                "training samples; using one batch of all of them.",
                UserWarning,
            )
        return max(1, min(self.batch_size, n_samples))

    def _validation_split(self, X, Y, sample_weight):
        """Split off validation_fraction of the rows for early stopping."""
        n_samples = X.shape[0]
        stratify = self._split_stratify(Y)
        n_val = int(np.ceil(self.validation_fraction * n_samples))
        # R^2 is undefined on fewer than two samples; accuracy needs one
        n_min = 2 if is_regressor(self) else 1
        if n_val < n_min or n_samples - n_val < 1:
            raise ValueError(
                f"early_stopping needs a validation split, but "
                f"validation_fraction={self.validation_fraction} of "
                f"{n_samples} samples leaves {n_val} for validation and "
                f"{n_samples - n_val} for training, where at least {n_min} "
                "and 1 are needed. Use more samples, change "
                "validation_fraction or set early_stopping=False."
            )
        if stratify is not None:
            n_classes = len(np.unique(stratify))
            if n_val < n_classes or n_samples - n_val < n_classes:
                raise ValueError(
                    f"early_stopping holds out validation_fraction="
                    f"{self.validation_fraction} of {n_samples} samples "
                    f"({n_val}), too few to hold every one of the {n_classes} "
                    "classes in both the training and the validation split. "
                    "Increase validation_fraction, use more samples or set "
                    "early_stopping=False."
                )
            counts = np.unique(stratify, return_counts=True)[1]
            if counts.min() < 2:
                raise ValueError(
                    "early_stopping splits off a stratified validation set, "
                    "but a class has a single sample, so it cannot appear in "
                    f"both parts (validation_fraction={self.validation_fraction}"
                    "). Use more samples of each class or set "
                    "early_stopping=False."
                )
        seed = self._random_state.randint(np.iinfo(np.int32).max)
        index = np.arange(n_samples)
        train, val = train_test_split(
            index, test_size=n_val, random_state=seed, stratify=stratify
        )
        sw_train = sw_val = None
        if sample_weight is not None:
            sw_train, sw_val = sample_weight[train], sample_weight[val]
            parts = [("training", "fit", sw_train), ("validation", "score", sw_val)]
            for part, verb, sw in parts:
                if not sw.any():
                    raise ValueError(
                        "early_stopping split the data with validation_fraction="
                        f"{self.validation_fraction}, but every sample of the "
                        f"{part} part has sample_weight 0, so there is nothing "
                        f"to {verb}. Give more samples a positive weight, "
                        "change validation_fraction or set early_stopping=False."
                    )
        return X[train], Y[train], sw_train, X[val], Y[val], sw_val

    def _update_no_improvement(self, loss, early_stopping, X_val, Y_val, sw_val):
        """Update the no-improvement count; return whether this epoch is best."""
        if early_stopping:
            score = self._validation_score(X_val, Y_val, sw_val)
            self.validation_scores_.append(score)
            if score == -np.inf or score < self.best_validation_score_ + self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if score > self.best_validation_score_:
                self.best_validation_score_ = score
                return True
            return False

        if loss > self.best_loss_ - self.tol:
            self._no_improvement_count += 1
        else:
            self._no_improvement_count = 0
        if loss < self.best_loss_:
            self.best_loss_ = loss
            return True
        return False

    def _print_progress(self, iteration, loss, score=None):
        """Print one line of training progress."""
        line = f"Iteration {iteration}, loss = {loss:.8f}"
        if score is not None:
            line += f", validation score = {score:.6f}"
        print(line)

    # ------------------------------------------------------------------
    # prediction

    def _predict_raw(self, X, check_input=True):
        """Return the output layer before its link, shape (n_samples, n_outputs_)."""
        check_is_fitted(self, "coefs_")
        if check_input:
            X = self._validate_predict(X)
        dtype = X.dtype
        network = self._network
        coefs = [np.asarray(c, dtype=dtype) for c in self.coefs_]
        chunk = self._chunk_rows(network, dtype.itemsize, False, X.shape[0])
        with np.errstate(over="ignore", invalid="ignore"):
            return network.predict_raw(X, coefs, chunk, dtype, rows=_rows)

    def _validate_predict(self, X):
        """Return X checked against what the estimator was fitted on."""
        from skpoly._compat import validate_data

        X = validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
            reset=False,
        )
        if sp.issparse(X):
            X = X.tocsr()
        return X

    # ------------------------------------------------------------------
    # reading the learned polynomials

    def unit_polynomial(self, layer=-1, unit=0, **kwargs):
        """Return one unit's polynomial in its layer's inputs.

        See :func:`skpoly.inspection.unit_polynomial`, which this calls with
        the estimator.

        Returns
        -------
        polynomial : skpoly.inspection.Polynomial
            The monomials, their coefficients and names.
        """
        from skpoly import inspection

        return inspection.unit_polynomial(self, layer, unit, **kwargs)

    def network_polynomial(self, **kwargs):
        """Return the whole network as explicit polynomials in the inputs.

        See :func:`skpoly.inspection.network_polynomial`, which this calls
        with the estimator; every hidden activation must be the identity.

        Returns
        -------
        polynomials : skpoly.inspection.NetworkPolynomial
            One polynomial per output unit, before the output link.
        """
        from skpoly import inspection

        return inspection.network_polynomial(self, **kwargs)

    def __getstate__(self):
        state = super().__getstate__()
        # coefs_ are views of one flat vector during fit: store them alone
        if "coefs_" in state:
            state["coefs_"] = [np.array(c) for c in state["coefs_"]]
        return state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


# below this many flops a product runs faster on one BLAS thread than on
# several: on the 2-core machines skpoly is benchmarked on, a degree-2
# adam epoch (batches of 200 rows, 1326 monomials, 64 units: 3.4e7 flops a
# product) took 0.65 s on one OpenBLAS thread and 2.3 s on two
SMALL_PRODUCT_FLOPS = 2**28

_THREADPOOLS = []


def _blas_threads(flops):
    """Return a context that runs small products on one BLAS thread.

    threadpoolctl comes with scikit-learn; one controller is built per
    process, on first use, since building it scans the loaded libraries.
    """
    if flops >= SMALL_PRODUCT_FLOPS:
        return contextlib.nullcontext()
    if not _THREADPOOLS:
        from threadpoolctl import ThreadpoolController

        _THREADPOOLS.append(ThreadpoolController())
    return _THREADPOOLS[0].limit(limits=1, user_api="blas")


class _FullBatchLoss:
    """The data loss over all rows, summed over row chunks, for lbfgs.

    The chunks, their workspace and, when it fits in ``cache_bytes``, the
    first layer's monomial expansion of every chunk are prepared once: the
    inputs do not change between L-BFGS iterations, so neither does their
    expansion.
    """

    def __init__(self, network, X, Y, sample_weight, chunk_rows, cache_bytes):
        n = X.shape[0]
        first = network.layers[0]
        cache = first.expands and (
            n * (first.n_monomials - 1) * X.dtype.itemsize <= cache_bytes
        )
        self.network = network
        self.X = X
        self.Y = Y
        self.sample_weight = sample_weight
        self.chunks = []
        for start in range(0, n, chunk_rows):
            rows = slice(start, min(start + chunk_rows, n))
            block = network.expand_inputs(_rows(X, rows)) if cache else None
            self.chunks.append((rows, block))
        self.work = network.workspace(
            min(chunk_rows, n), X.dtype, training=True, expand_first=not cache
        )
        self.total = None
        if len(self.chunks) > 1:
            self.total = np.empty(network.n_params, dtype=X.dtype)

    def __call__(self, coefs, grads, scale):
        """Return scale * the data loss; write its gradient into ``grads``."""
        sw = self.sample_weight
        if self.total is None:
            rows, block = self.chunks[0]
            return self.network.loss_grad(
                _rows(self.X, rows),
                self.Y,
                sw,
                coefs,
                grads,
                self.work,
                scale,
                first_block=block,
            )

        # sum the chunks' losses and gradients
        loss = 0.0
        self.total[...] = 0
        total = self.network.unpack(self.total)
        for rows, block in self.chunks:
            loss += self.network.loss_grad(
                _rows(self.X, rows),
                self.Y[rows],
                None if sw is None else sw[rows],
                coefs,
                grads,
                self.work,
                scale,
                first_block=block,
            )
            for t, g in zip(total, grads):
                t += g
        for t, g in zip(total, grads):
            g[...] = t
        return loss


# merge duplicate rows for lbfgs only below this many input values, so that
# the sort never costs more than a small fraction of one loss evaluation
MERGE_MAX_VALUES = 2**24
MERGE_MAX_SPARSE_ROWS = 100_000


def _merge_duplicate_rows(X, Y, sample_weight):
    """Return the distinct (x, y) rows of the data, weighted by their total weight.

    The full-batch loss is a weighted sum over rows, so identical rows can
    be evaluated once with their weights added up, and rows of zero weight
    dropped. The distinct rows come in sorted order, which makes the fit
    depend only on the weighted data set: not on the order of the rows, nor
    on whether repeats or integer weights express it. Sparse or large data
    is returned unchanged.
    """
    n_samples = X.shape[0]
    if n_samples < 2:
        return X, Y, sample_weight
    if sp.issparse(X):
        if n_samples > MERGE_MAX_SPARSE_ROWS or X.nnz > MERGE_MAX_VALUES:
            return X, Y, sample_weight
        first, inverse = _distinct_sparse_rows(X, Y)
    else:
        if X.size > MERGE_MAX_VALUES:
            return X, Y, sample_weight
        data = np.hstack([X, Y.astype(X.dtype, copy=False)])
        _, first, inverse = np.unique(
            data, axis=0, return_index=True, return_inverse=True
        )
    if len(first) == n_samples and sample_weight is None:
        return X, Y, sample_weight

    # total weight of each distinct row; drop rows that weigh nothing
    weights = np.ones(n_samples) if sample_weight is None else sample_weight
    total = np.bincount(inverse.ravel(), weights=weights, minlength=len(first))
    keep = total > 0
    rows = first[keep]
    return X[rows], Y[rows], total[keep].astype(X.dtype)


def _distinct_sparse_rows(X, Y):
    """Return np.unique-style (first, inverse) for the rows of sparse X with Y.

    Each row is keyed by its canonical CSR content (sorted indices, no
    explicit zeros) and its targets, without densifying anything.
    """
    X = X.tocsr(copy=True)
    X.sum_duplicates()
    X.eliminate_zeros()
    X.sort_indices()
    bounds = zip(X.indptr[:-1], X.indptr[1:])
    keys = np.empty(X.shape[0], dtype=object)
    for i, (start, stop) in enumerate(bounds):
        keys[i] = (
            X.indices[start:stop].tobytes(),
            X.data[start:stop].tobytes(),
            Y[i].tobytes(),
        )
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return first, inverse


def _rows(X, rows):
    """Return rows of X as a dense array (sparse rows are densified here only)."""
    if sp.issparse(X):
        return X[rows].toarray()
    return X[rows]
