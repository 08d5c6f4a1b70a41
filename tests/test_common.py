"""scikit-learn's estimator checks on both estimators, with default parameters."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skpoly import PolyNetClassifier, PolyNetRegressor


@parametrize_with_checks([PolyNetClassifier(), PolyNetRegressor()])
def test_sklearn_compatible_estimator(estimator, check):
    """Check that every scikit-learn estimator check passes."""
    check(estimator)
