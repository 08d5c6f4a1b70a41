"""The one place where skpoly imports scikit-learn names that are private."""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    Interval,
    Options,
    StrOptions,
    validate_params,
)
from sklearn.utils.validation import validate_data

__all__ = [
    "Interval",
    "Options",
    "StrOptions",
    "_fit_context",
    "validate_data",
    "validate_params",
]
