"""Out-of-core training and block-wise prediction for incremental estimators.

The two functions here work with any estimator that has ``partial_fit``
(skpoly's, or scikit-learn's SGD and MLP models) and take their data one row
block at a time: a dask array, an in-memory array split into row blocks, or a
callable that yields ``(X_block, y_block)`` pairs. Dask is optional; it is
imported only when a dask array is passed in.
"""

import copy
import inspect
import math
import sys
import time
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import is_classifier
from sklearn.metrics import check_scoring
from sklearn.utils import Bunch, check_consistent_length, check_random_state
from sklearn.utils import gen_batches, gen_even_slices
from sklearn.utils.multiclass import unique_labels

from skpoly._compat import Interval, StrOptions, validate_params

__all__ = ["fit_blocks", "predict_blocks"]

# in-memory arrays are split into this many row blocks unless block_size is set
DEFAULT_N_BLOCKS = 10

PREDICT_METHODS = (
    "predict",
    "predict_proba",
    "predict_log_proba",
    "decision_function",
)


@validate_params(
    {
        "estimator": "no_validation",
        # X's forms (dask, array-like, callable) are told apart by hand
        "X": "no_validation",
        "y": ["array-like", None],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "classes": ["array-like", None],
        "block_size": [Interval(Integral, 1, None, closed="left"), None],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "validation": [tuple, None],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither"), None],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "scoring": [str, callable, None],
        "restore_best": ["boolean"],
        "sample_weight": ["array-like", None],
        "return_history": ["boolean"],
        "verbose": ["verbose"],
    },
    # the estimator's own partial_fit validates its parameters as usual
    prefer_skip_nested_validation=False,
)
def fit_blocks(
    estimator,
    X,
    y=None,
    *,
    epochs=10,
    classes=None,
    block_size=None,
    shuffle=True,
    random_state=None,
    validation=None,
    validation_fraction=None,
    n_iter_no_change=5,
    tol=1e-4,
    scoring=None,
    restore_best=True,
    sample_weight=None,
    return_history=False,
    verbose=False,
):
    """Train an estimator with ``partial_fit``, one row block at a time.

    Each epoch is one pass over the training blocks: every block is loaded
    (for a dask array, computed) on its own, handed to
    ``estimator.partial_fit`` and released before the next one is loaded, so
    memory stays bounded by one block plus the model, however many rows the
    data has. With ``shuffle=True`` the order of the blocks is drawn afresh
    each epoch and the rows inside each block are permuted, both from
    ``random_state``, so a run is reproducible.

    Training continues from the estimator's current state: ``fit_blocks`` only
    calls ``partial_fit``. Pass a fresh or cloned estimator to start anew.

    Parameters
    ----------
    estimator : estimator instance
        An estimator with a ``partial_fit`` method. It is trained in place.

    X : dask array, array-like or callable
        The training data, in one of three forms:

        - a 2-d dask array: its row chunks are the blocks (rechunked to
          ``block_size`` rows if that is given), and each block is computed
          on its own, together with the matching blocks of ``y`` and
          ``sample_weight`` so that shared work is done once;
        - an in-memory array-like of shape (n_samples, n_features) (NumPy
          array, pandas DataFrame, sparse matrix): split into row blocks of
          ``block_size`` rows, or into 10 blocks of about equal size;
        - a callable taking no argument and returning an iterable of
          ``(X_block, y_block)`` or ``(X_block, y_block, sample_weight_block)``
          tuples. It is called once per epoch, and the blocks are used in the
          order it yields them (so block order is its business; rows inside
          each block are still permuted when ``shuffle=True``).

    y : dask array, array-like or None, default=None
        The targets, aligned with the rows of ``X``. Must be None when ``X`` is
        a callable (the callable yields them), and may be None for an
        unsupervised estimator.

    epochs : int, default=10
        The largest number of passes over the training blocks.

    classes : array-like of shape (n_classes,), default=None
        For a classifier, every class label that can occur, passed to the
        first ``partial_fit`` call. When None and the estimator has no
        ``classes_`` yet, the labels are computed from ``y`` first: with
        ``numpy.unique`` for in-memory ``y``, with one ``dask.array.unique``
        pass for a dask ``y`` (which computes ``y``'s graph once, and so
        ``X``'s too if ``y`` is derived from it), and with one extra pass over
        the stream for a callable. Passing ``classes`` saves that pass.

    block_size : int, default=None
        The number of rows per block. None keeps a dask array's row chunks
        and splits in-memory data into 10 blocks. Not used with a callable.

    shuffle : bool, default=True
        Whether to draw a new block order each epoch and permute the rows of
        each block before ``partial_fit`` sees them.

    random_state : int, RandomState instance or None, default=None
        Seeds the block order, the row permutations and the choice of the
        held-out blocks under ``validation_fraction``. The estimator's own
        ``random_state`` is left alone.

    validation : tuple, default=None
        A held-out set ``(X_val, y_val)`` or ``(X_val, y_val,
        sample_weight_val)`` to score after each epoch. It is held in memory
        (a dask array is computed once). Setting it turns on early stopping.

    validation_fraction : float, default=None
        Instead of ``validation``, hold out this fraction of the blocks
        (rounded up, at least one block, chosen with ``random_state``), load
        them once and score on them after each epoch. They are never trained
        on. Not available when ``X`` is a callable.

    n_iter_no_change : int, default=5
        With a validation set, stop after this many epochs in a row whose
        validation score does not beat the best one so far by at least
        ``tol``.

    tol : float, default=1e-4
        The smallest gain in validation score that counts as an improvement.

    scoring : str, callable or None, default=None
        How to score the validation set: a scikit-learn scorer name, a
        callable ``scorer(estimator, X, y)``, or None for ``estimator.score``.
        Greater is better.

    restore_best : bool, default=True
        With a validation set, put the estimator back in the state it had
        after its best-scoring epoch when training ends. This keeps one copy
        of the model in memory. With False, the estimator keeps the state of
        the last epoch.

    sample_weight : dask array, array-like of shape (n_samples,) or None, \
            default=None
        Weights of the rows of ``X``, passed blockwise to ``partial_fit``
        (and to the scorer for held-out blocks). With a callable, yield
        3-tuples instead.

    return_history : bool, default=False
        Whether to return the per-epoch record along with the estimator.

    verbose : bool or int, default=False
        Whether to print one line per epoch and the reason training stopped.

    Returns
    -------
    estimator : estimator instance
        The estimator passed in, trained.

    history : :class:`~sklearn.utils.Bunch`
        Only when ``return_history=True``. Lists have one entry per epoch run:

        - ``n_samples``: rows trained on in the epoch;
        - ``train_loss``: the row-weighted mean of the estimator's ``loss_``
          over the epoch's blocks, or NaN if the estimator has no ``loss_``;
        - ``validation_score``: the score on the validation set (empty
          without one);
        - ``fit_time``: seconds spent in the epoch, scoring included;
        - ``block_order``: the block indices in the order trained (None for
          a callable).

        and ``n_epochs`` (epochs run), ``best_epoch`` (0-based index of the
        best validation score, or None), ``best_validation_score``,
        ``stopped_early`` (bool), ``restored_best`` (bool) and
        ``validation_blocks`` (indices of the held-out blocks, or None).

    Raises
    ------
    TypeError
        If the estimator has no ``partial_fit``, or the data has a form that
        is not supported.

    ValueError
        If a parameter has an invalid value, or ``X``, ``y`` and
        ``sample_weight`` do not line up.

    See Also
    --------
    predict_blocks : Predict on a dask array block by block.

    Notes
    -----
    Early stopping keeps a deep copy of the estimator after each improving
    epoch. The held-out blocks, like ``validation``, stay in memory for the
    whole run, so the memory bound is one block, the held-out rows and two
    copies of the model.

    Examples
    --------
    >>> import numpy as np
    >>> from skpoly import PolyNetClassifier
    >>> from skpoly.streaming import fit_blocks
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(400, 3))
    >>> y = (X[:, 0] * X[:, 1] > 0).astype(int)
    >>> clf = PolyNetClassifier(
    ...     hidden_layer_sizes=(), degree=2, solver="adam",
    ...     learning_rate_init=0.05, random_state=0,
    ... )
    >>> clf, history = fit_blocks(
    ...     clf, X, y, epochs=5, block_size=50, random_state=0,
    ...     return_history=True,
    ... )
    >>> clf.classes_
    array([0, 1])
    >>> history.n_epochs, history.n_samples
    (5, [400, 400, 400, 400, 400])
    >>> history.train_loss[-1] < history.train_loss[0]
    True
    >>> print(f"{clf.score(X, y):.1f}")
    0.9
    """
    _check_fit_blocks_params(estimator, validation, validation_fraction)
    rng = check_random_state(random_state)
    source = _make_block_source(X, y, sample_weight, block_size)
    if sample_weight is not None:
        _check_partial_fit_accepts(estimator, "sample_weight")

    # choose and load the held-out data
    validation_blocks = None
    if validation_fraction is not None:
        validation_blocks = _choose_validation_blocks(source, validation_fraction, rng)
        validation = source.load(validation_blocks)
    elif validation is not None:
        validation = _load_validation(validation)
    scorer = None
    if validation is not None:
        scorer = check_scoring(estimator, scoring=scoring)

    # a classifier needs every label on its first partial_fit call
    if classes is None and is_classifier(estimator):
        if not hasattr(estimator, "classes_"):
            if verbose:
                print("Computing the class labels with one pass over y.")
            classes = source.unique_labels()
    if classes is not None:
        _check_partial_fit_accepts(estimator, "classes")

    train_blocks = source.training_blocks(validation_blocks)
    history = Bunch(
        n_epochs=0,
        n_samples=[],
        train_loss=[],
        validation_score=[],
        fit_time=[],
        block_order=[],
        best_epoch=None,
        best_validation_score=None,
        stopped_early=False,
        restored_best=False,
        validation_blocks=validation_blocks,
    )
    best_state = None
    n_no_improvement = 0
    first_call = True

    try:
        for epoch in range(epochs):
            start = time.perf_counter()

            # one pass over the training blocks
            order = train_blocks
            if train_blocks is not None and shuffle:
                order = rng.permutation(train_blocks)
            n_samples, train_loss = _train_epoch(
                estimator,
                source,
                order,
                shuffle,
                rng,
                classes if first_call else None,
            )
            first_call = False
            if n_samples == 0:
                raise ValueError(
                    f"Epoch {epoch + 1} found no training rows; pass data "
                    "with at least one row outside the validation blocks."
                )

            # record the epoch
            history.n_epochs += 1
            history.n_samples.append(n_samples)
            history.train_loss.append(train_loss)
            history.block_order.append(None if order is None else np.asarray(order))

            # score the held-out data and decide whether to stop
            stop = False
            if validation is not None:
                score = _score(scorer, estimator, validation)
                history.validation_score.append(score)
                best = history.best_validation_score
                if best is None or score > best + tol:
                    n_no_improvement = 0
                else:
                    n_no_improvement += 1
                if best is None or score > best:
                    history.best_validation_score = score
                    history.best_epoch = epoch
                    if restore_best:
                        best_state = copy.deepcopy(estimator.__dict__)
                if n_no_improvement >= n_iter_no_change:
                    stop = True
            history.fit_time.append(time.perf_counter() - start)
            if verbose:
                _print_epoch(history, epochs)
            if stop:
                history.stopped_early = True
                break
    except KeyboardInterrupt:
        warnings.warn(
            f"Training was interrupted during epoch {history.n_epochs + 1}; "
            "the estimator keeps the state of the last block it saw, or of "
            "the best epoch if restore_best=True and a validation set is set.",
            UserWarning,
        )

    # put back the best epoch's state
    if best_state is not None and history.best_epoch != history.n_epochs - 1:
        estimator.__dict__.clear()
        estimator.__dict__.update(best_state)
        history.restored_best = True

    if verbose:
        _print_stop(history, epochs)
    if return_history:
        return estimator, history
    return estimator


@validate_params(
    {
        "estimator": "no_validation",
        "X": "no_validation",
        "method": [StrOptions(set(PREDICT_METHODS))],
    },
    prefer_skip_nested_validation=True,
)
def predict_blocks(estimator, X, *, method="predict"):
    """Apply a fitted estimator's prediction method to a dask array lazily.

    The result is a dask array with one block per row chunk of ``X``; each
    block is computed by calling ``getattr(estimator, method)`` on the
    matching block of ``X``, so memory stays bounded by one block (per worker)
    and the work runs wherever dask schedules it. Nothing is computed until
    the result is.

    Parameters
    ----------
    estimator : estimator instance
        A fitted estimator. It is sent to the workers with each task graph.

    X : dask array of shape (n_samples, n_features)
        The data to predict on. Column chunks are merged first, so each block
        holds whole rows.

    method : {"predict", "predict_proba", "predict_log_proba", \
            "decision_function"}, default="predict"
        The estimator method to apply.

    Returns
    -------
    y : dask array of shape (n_samples,) or (n_samples, n_outputs)
        The method's output, with ``X``'s row chunks and one chunk along the
        second axis. Its dtype and shape are learnt by calling the method on
        one row of zeros.

    Raises
    ------
    TypeError
        If ``X`` is not a dask array, or the method returns something other
        than a 1-d or 2-d array.

    ValueError
        If ``method`` is not one of the names above or the estimator lacks it.

    See Also
    --------
    fit_blocks : Train with ``partial_fit`` one row block at a time.

    Notes
    -----
    The same can be written with ``dask.array.map_blocks``; for a 1-d output
    the feature axis must be dropped::

        X.map_blocks(est.predict, drop_axis=1, dtype=est.classes_.dtype)

    and for a 2-d output of ``k`` columns the chunks must be given::

        X.map_blocks(
            est.predict_proba, chunks=(X.chunks[0], (k,)), dtype=np.float64
        )

    both on an ``X`` with a single column chunk (``X.rechunk({1: -1})``).

    Examples
    --------
    >>> import numpy as np
    >>> from skpoly import PolyNetClassifier
    >>> from skpoly.streaming import predict_blocks
    >>> X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    >>> clf = PolyNetClassifier(hidden_layer_sizes=(), degree=1).fit(X, [0, 0, 1, 1])
    >>> import dask.array as da  # doctest: +SKIP
    >>> y = predict_blocks(clf, da.from_array(X, chunks=2))  # doctest: +SKIP
    >>> y.chunks  # doctest: +SKIP
    ((2, 2),)
    >>> y.compute()  # doctest: +SKIP
    array([0, 0, 1, 1])
    """
    func = getattr(estimator, method, None)
    if func is None:
        raise ValueError(
            f"{type(estimator).__name__} has no {method} method; pick another "
            "method or another estimator."
        )
    if not _is_dask_array(X):
        raise TypeError(
            f"predict_blocks expects a dask array, got {type(X).__name__}. "
            f"Call estimator.{method}(X) directly on in-memory data, or wrap "
            "it with dask.array.from_array(X, chunks=...)."
        )
    if X.ndim != 2:
        raise ValueError(
            f"X must be 2-d (n_samples, n_features); got a dask array of "
            f"shape {X.shape}. Reshape it first."
        )
    X = X.rechunk({1: -1})

    # learn the output's shape and dtype from one row of zeros
    probe = np.asarray(func(np.zeros((1, X.shape[1]), dtype=X.dtype)))
    if probe.ndim not in (1, 2):
        raise TypeError(
            f"{type(estimator).__name__}.{method} returned an array of "
            f"{probe.ndim} dimensions; predict_blocks handles 1-d and 2-d "
            "outputs only."
        )
    tail = probe.shape[1:]

    def apply_block(block):
        # dask may hand over empty blocks, which estimators reject
        if block.shape[0] == 0:
            return np.empty((0, *tail), dtype=probe.dtype)
        return func(block)

    meta = np.empty((0,) * probe.ndim, dtype=probe.dtype)
    if probe.ndim == 1:
        return X.map_blocks(
            apply_block,
            drop_axis=1,
            chunks=(X.chunks[0],),
            dtype=probe.dtype,
            meta=meta,
        )
    return X.map_blocks(
        apply_block,
        chunks=(X.chunks[0], tail),
        dtype=probe.dtype,
        meta=meta,
    )


def _train_epoch(estimator, source, order, shuffle, rng, classes):
    """Return the rows seen and the mean loss_ of one pass over the blocks."""
    n_samples, loss_sum, has_loss = 0, 0.0, True
    for X_block, y_block, sw_block in source.iter_blocks(order):
        n_rows = X_block.shape[0]
        if n_rows == 0:
            continue
        if shuffle:
            rows = rng.permutation(n_rows)
            X_block = _take_rows(X_block, rows)
            y_block = _take_rows(y_block, rows)
            sw_block = _take_rows(sw_block, rows)

        # classes go with the first call only
        params = {}
        if classes is not None and n_samples == 0:
            params["classes"] = classes
        if sw_block is not None:
            _check_partial_fit_accepts(estimator, "sample_weight")
            params["sample_weight"] = sw_block
        estimator.partial_fit(X_block, y_block, **params)

        # row-weighted mean of the per-call loss
        n_samples += n_rows
        loss = getattr(estimator, "loss_", None)
        if loss is None:
            has_loss = False
        else:
            loss_sum += float(loss) * n_rows
    mean_loss = loss_sum / n_samples if has_loss and n_samples else float("nan")
    return n_samples, mean_loss


def _check_partial_fit_accepts(estimator, name):
    """Raise a TypeError if estimator.partial_fit has no parameter name."""
    if name not in inspect.signature(estimator.partial_fit).parameters:
        raise TypeError(
            f"{name} was given but {type(estimator).__name__}.partial_fit "
            f"takes no {name} parameter; leave {name}=None or use an "
            "estimator that accepts it."
        )


def _check_fit_blocks_params(estimator, validation, validation_fraction):
    """Raise one error listing every check across fit_blocks parameters."""
    if not callable(getattr(estimator, "partial_fit", None)):
        hint = (
            "use an incremental estimator such as skpoly's PolyNetClassifier "
            "with solver='adam', or SGDClassifier."
        )
        if "solver" in getattr(estimator, "get_params", dict)():
            hint = (
                f"its solver={estimator.get_params()['solver']!r} has none; "
                "set solver='adam' or solver='sgd'."
            )
        raise TypeError(
            f"{type(estimator).__name__} has no partial_fit method, so it "
            f"cannot be trained block by block; {hint}"
        )

    problems = []
    if validation_fraction is not None and validation is not None:
        problems.append(
            "validation and validation_fraction were both given; set only "
            "one of them."
        )
    if validation is not None and len(validation) not in (2, 3):
        problems.append(
            "validation must be a tuple (X_val, y_val) or (X_val, y_val, "
            f"sample_weight_val), got a tuple of {len(validation)} items."
        )
    if problems:
        raise ValueError("Invalid fit_blocks parameters: " + " ".join(problems))


def _is_dask_array(obj):
    """Return whether obj is a dask array, without importing dask."""
    da = sys.modules.get("dask.array")
    return da is not None and isinstance(obj, da.Array)


def _take_rows(data, rows):
    """Return the given rows (slice or index array) of data, or None."""
    if data is None:
        return None
    if hasattr(data, "iloc"):
        return data.iloc[rows]
    return data[rows]


def _make_block_source(X, y, sample_weight, block_size):
    """Return the block source for the form of X."""
    if _is_dask_array(X):
        return _DaskBlocks(X, y, sample_weight, block_size)
    if callable(X):
        if y is not None or sample_weight is not None:
            raise ValueError(
                "X is a callable, so it must yield the targets and weights "
                "itself; pass y=None and sample_weight=None and yield "
                "(X_block, y_block) or (X_block, y_block, weight_block) "
                "tuples."
            )
        if block_size is not None:
            raise ValueError(
                f"block_size={block_size} has no effect when X is a "
                "callable, which chooses its own blocks; leave it None."
            )
        return _StreamBlocks(X)
    if inspect.isgenerator(X) or (hasattr(X, "__next__") and iter(X) is X):
        raise TypeError(
            "X is an iterator, which can be used only once; pass a callable "
            "that returns a fresh iterable of blocks for each epoch, e.g. "
            "fit_blocks(est, lambda: make_blocks()) instead."
        )
    return _ArrayBlocks(X, y, sample_weight, block_size)


def _choose_validation_blocks(source, validation_fraction, rng):
    """Return the sorted indices of the blocks held out for validation."""
    if source.n_blocks is None:
        raise ValueError(
            "validation_fraction needs blocks that can be picked by index, "
            "but X is a callable; pass validation=(X_val, y_val) instead."
        )
    n_validation = math.ceil(validation_fraction * source.n_blocks)
    if n_validation >= source.n_blocks:
        raise ValueError(
            f"validation_fraction={validation_fraction} holds out "
            f"{n_validation} of {source.n_blocks} blocks, leaving none to "
            "train on; lower validation_fraction or use smaller blocks."
        )
    return np.sort(rng.choice(source.n_blocks, n_validation, replace=False))


def _load_validation(validation):
    """Return the validation tuple as in-memory data, with None weights."""
    loaded = []
    for part in validation:
        if _is_dask_array(part):
            part = part.compute()
        loaded.append(part)
    if len(loaded) == 2:
        loaded.append(None)
    return tuple(loaded)


def _score(scorer, estimator, validation):
    """Return the scorer's value on the (X, y, sample_weight) tuple."""
    X_val, y_val, sw_val = validation
    if sw_val is None:
        return float(scorer(estimator, X_val, y_val))
    return float(scorer(estimator, X_val, y_val, sample_weight=sw_val))


def _print_epoch(history, epochs):
    """Print the record of the last epoch on one line."""
    epoch = history.n_epochs
    line = (
        f"Epoch {epoch}/{epochs}: {history.n_samples[-1]} samples, "
        f"loss {history.train_loss[-1]:.6g}"
    )
    if history.validation_score:
        line += f", validation score {history.validation_score[-1]:.6g}"
    line += f", {history.fit_time[-1]:.2f} s"
    print(line)


def _print_stop(history, epochs):
    """Print why training stopped."""
    if history.stopped_early:
        print(
            f"Stopped after epoch {history.n_epochs}: the validation score "
            "did not improve by tol for n_iter_no_change epochs."
        )
    elif history.n_epochs == epochs:
        print(f"Stopped after the last of {epochs} epochs.")
    if history.restored_best:
        print(
            f"Restored the state of epoch {history.best_epoch + 1}, "
            f"validation score {history.best_validation_score:.6g}."
        )


class _ArrayBlocks:
    """Row blocks of in-memory data, addressed by block index."""

    def __init__(self, X, y, sample_weight, block_size):
        if not hasattr(X, "shape"):
            X = np.asarray(X)
        if y is not None and not hasattr(y, "shape"):
            y = np.asarray(y)
        if _is_dask_array(y):
            y = y.compute()
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight)
        if len(X.shape) != 2:
            raise ValueError(
                f"X must be 2-d (n_samples, n_features); got shape {X.shape}. "
                "Reshape a single feature with X.reshape(-1, 1)."
            )
        arrays = [a for a in (X, y, sample_weight) if a is not None]
        check_consistent_length(*arrays)

        n_samples = X.shape[0]
        if block_size is None:
            n_blocks = min(DEFAULT_N_BLOCKS, n_samples)
            slices = gen_even_slices(n_samples, max(n_blocks, 1))
        else:
            slices = gen_batches(n_samples, block_size)
        self._slices = list(slices)
        self.n_blocks = len(self._slices)
        self._data = (X, y, sample_weight)

    def training_blocks(self, validation_blocks):
        """Return the indices of the blocks that are not held out."""
        if validation_blocks is None:
            return np.arange(self.n_blocks)
        return np.setdiff1d(np.arange(self.n_blocks), validation_blocks)

    def load(self, indices):
        """Return (X, y, sample_weight) for the rows of the listed blocks."""
        rows = np.concatenate(
            [np.arange(self._slices[i].start, self._slices[i].stop) for i in indices]
        )
        return tuple(_take_rows(a, rows) for a in self._data)

    def iter_blocks(self, order):
        """Yield (X, y, sample_weight) for each block in order."""
        for i in order:
            yield tuple(_take_rows(a, self._slices[i]) for a in self._data)

    def unique_labels(self):
        """Return the sorted class labels of y."""
        _, y, _ = self._data
        if y is None:
            raise ValueError("A classifier needs y; pass the targets as y.")
        return unique_labels(y)


class _DaskBlocks:
    """Row blocks of dask arrays, computed one at a time."""

    def __init__(self, X, y, sample_weight, block_size):
        import dask
        import dask.array as da

        self._compute = dask.compute
        self._da = da
        if X.ndim != 2:
            raise ValueError(
                f"X must be 2-d (n_samples, n_features); got a dask array of "
                f"shape {X.shape}. Reshape it first."
            )

        # whole rows per block, and y and weights chunked like X
        X = X.rechunk({0: block_size, 1: -1} if block_size else {1: -1})
        y = self._align(X, y, "y")
        sample_weight = self._align(X, sample_weight, "sample_weight")
        self.n_blocks = X.numblocks[0]
        self._data = (X, y, sample_weight)

    def _align(self, X, a, name):
        """Return a as a dask array with the row chunks of X, or None."""
        if a is None:
            return None
        if not _is_dask_array(a):
            a = np.asarray(a)
        if a.shape[0] != X.shape[0] and not np.isnan(X.shape[0]):
            raise ValueError(
                f"{name} has {a.shape[0]} rows but X has {X.shape[0]}; pass "
                "arrays with one row per sample."
            )
        if np.isnan(X.shape[0]):
            if not _is_dask_array(a) or a.numblocks[0] != X.numblocks[0]:
                raise ValueError(
                    f"X has unknown chunk sizes, so {name} must be a dask "
                    "array with the same row blocks; call "
                    "X.compute_chunk_sizes() first or build both the same "
                    "way."
                )
            return a
        chunks = (X.chunks[0],) + tuple((n,) for n in a.shape[1:])
        if _is_dask_array(a):
            return a.rechunk(chunks)
        return self._da.from_array(a, chunks=chunks)

    def training_blocks(self, validation_blocks):
        """Return the indices of the blocks that are not held out."""
        if validation_blocks is None:
            return np.arange(self.n_blocks)
        return np.setdiff1d(np.arange(self.n_blocks), validation_blocks)

    def load(self, indices):
        """Return (X, y, sample_weight) computed for the listed blocks."""
        indices = [int(i) for i in indices]
        return self._compute_blocks(indices)

    def iter_blocks(self, order):
        """Yield (X, y, sample_weight) for each block, computing one at a time."""
        # TODO(streaming): block i+1 is computed only after partial_fit on
        # block i returns, so loading and training never overlap and an epoch
        # takes the sum of both times. Computing the next block in the
        # background (a thread, or client.compute on a cluster) would hide the
        # load time at the cost of a second block in memory.
        for i in order:
            yield self._compute_blocks(int(i))

    def _compute_blocks(self, index):
        """Compute the index-th block (or list of blocks) of all arrays."""
        lazy = [a.blocks[index] for a in self._data if a is not None]
        computed = iter(self._compute(*lazy))
        return tuple(None if a is None else next(computed) for a in self._data)

    def unique_labels(self):
        """Return the sorted class labels of y, with one pass over y."""
        _, y, _ = self._data
        if y is None:
            raise ValueError("A classifier needs y; pass the targets as y.")
        if y.ndim == 2 and y.shape[1] > 1:
            raise ValueError(
                f"y has {y.shape[1]} columns, so its labels cannot be found "
                "with one dask.array.unique pass; pass classes= explicitly."
            )
        return self._da.unique(y.ravel()).compute()


class _StreamBlocks:
    """Blocks yielded by a callable, in the order it yields them."""

    n_blocks = None

    def __init__(self, make_blocks):
        self._make_blocks = make_blocks

    def training_blocks(self, validation_blocks):
        """Return None: a stream has no block indices."""
        return None

    def iter_blocks(self, order=None):
        """Yield (X, y, sample_weight) for each block the callable yields."""
        blocks = self._make_blocks()
        for position, block in enumerate(blocks):
            if not isinstance(block, (tuple, list)) or len(block) not in (2, 3):
                raise TypeError(
                    f"Block {position} from the callable is a "
                    f"{type(block).__name__}; each block must be a tuple "
                    "(X_block, y_block) or (X_block, y_block, weight_block)."
                )
            X_block, y_block, *rest = block
            if not hasattr(X_block, "shape"):
                X_block = np.asarray(X_block)
            if y_block is not None and not hasattr(y_block, "shape"):
                y_block = np.asarray(y_block)
            yield X_block, y_block, (rest[0] if rest else None)

    def unique_labels(self):
        """Return the sorted class labels, with one pass over the stream."""
        labels = None
        for _, y_block, _ in self.iter_blocks():
            if y_block is None:
                raise ValueError(
                    "A classifier needs targets; yield (X_block, y_block) " "tuples."
                )
            block_labels = unique_labels(y_block)
            labels = (
                block_labels if labels is None else np.union1d(labels, block_labels)
            )
        if labels is None:
            raise ValueError("The callable yielded no blocks.")
        return labels
