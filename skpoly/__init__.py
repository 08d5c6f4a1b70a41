"""Polynomial neural networks for scikit-learn."""

from skpoly._classifier import PolyNetClassifier
from skpoly._regressor import PolyNetRegressor

__version__ = "0.1.0"

__all__ = ["PolyNetClassifier", "PolyNetRegressor", "__version__"]
