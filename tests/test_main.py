"""Tests of the main job, python -m skpoly."""

import subprocess
import sys

import numpy as np
import pytest

from skpoly.__main__ import format_table, load_csv, main


def _write_csv(path, header, rows):
    lines = [",".join(header)] + [",".join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")


def test_csv_classification_job_prints_the_table(tmp_path, capsys):
    """Check the CSV job: task guessed from labels, a row per model, exit 0."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 2))
    label = np.where(X[:, 0] * X[:, 1] > 0, "same", "diff")
    path = tmp_path / "xor.csv"
    _write_csv(path, ["a", "b", "kind"], [(x0, x1, k) for (x0, x1), k in zip(X, label)])

    assert main(["--data", str(path), "--target", "kind", "--cv", "2"]) == 0
    captured = capsys.readouterr()
    assert "2-fold CV of PolyNetClassifier" in captured.err
    table = captured.out
    for model in ["PolyNetClassifier", "MLPClassifier", "LogisticRegression"]:
        assert model in table
    assert table.count(str(path)) == 3


def test_csv_regression_guess_and_override(tmp_path):
    """Check that a real-valued target is regression and --task overrides it."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 2))
    path = tmp_path / "reg.csv"
    _write_csv(path, ["x0", "x1", "y"], np.column_stack([X, X[:, 0] ** 2]))
    _, y, task = load_csv(str(path), "y")
    assert task == "regression"
    np.testing.assert_allclose(y, X[:, 0] ** 2, rtol=1e-12)
    path2 = tmp_path / "int.csv"
    _write_csv(path2, ["x0", "y"], [(i * 0.5, i % 3) for i in range(30)])
    assert load_csv(str(path2), "y")[2] == "classification"
    assert load_csv(str(path2), "y", task="regression")[2] == "regression"


def test_csv_errors_name_the_problem(tmp_path, capsys):
    """Check the messages for a missing column and a non-numeric feature."""
    path = tmp_path / "bad.csv"
    _write_csv(path, ["a", "b", "y"], [(1, "red", 0), (2, "blue", 1)])
    with pytest.raises(ValueError, match="'nope' is not a column"):
        load_csv(str(path), "nope")
    with pytest.raises(ValueError, match="Column 'b' .* is not numeric"):
        load_csv(str(path), "y")
    assert main(["--data", str(path), "--target", "y"]) == 2
    assert "is not numeric" in capsys.readouterr().err
    assert main(["--data", str(tmp_path / "missing.csv"), "--target", "y"]) == 2


def test_format_table_aligns_columns():
    """Check the table layout: header, rule, one aligned line per row."""
    text = format_table(
        [("d", "model-a", 0.5, 0.01, 1.234), ("d", "m", 1.0, 0.0, 10.0)]
    )
    lines = text.splitlines()
    assert lines[0].startswith("data set") and set(lines[1]) <= {"-", " "}
    assert "0.500 +- 0.010" in lines[2] and "1.23" in lines[2]
    assert lines[2].index("0.500") == lines[3].index("1.000")


def test_module_runs_as_a_script_with_help():
    """Check that python -m skpoly is wired up (its --help exits 0)."""
    result = subprocess.run(
        [sys.executable, "-m", "skpoly", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert "--target" in result.stdout


@pytest.mark.parametrize(
    "text, task, message",
    [
        (
            "a,b,y\n1,2,0\n3,,1\n",
            None,
            r"Column 'b' .* has 1 missing value\(s\) \(first on line 3\)",
        ),
        ("a,b,y\n1,2,0\n3,NaN,1\n", None, r"Column 'b' .* has 1 missing value"),
        ("a,y\n1,0.5\n2,\n3,2.7\n", None, r"Column 'y' .* missing value"),
        ("a,b,y\n1,2,0\n3,inf,1\n", None, "Column 'b' .* holds infinite values"),
        ("a,b,y\n1,2,1\n3,4,1\n", None, "holds a single value"),
        ("y\n1\n2\n", None, "no feature column besides 'y'"),
        ("a,y\n1,0.5\n2,1.5\n3,2.7\n", "classification", "needs class labels"),
        ("a,y\n1,x\n2,z\n", "regression", "needs a numeric, finite target"),
    ],
)
def test_csv_refuses_data_it_cannot_learn(tmp_path, text, task, message):
    """Check that missing, infinite or unlearnable values are named, never scored."""
    path = tmp_path / "data.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        load_csv(str(path), "y", task=task)
