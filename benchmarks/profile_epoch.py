"""Profile fit epochs of a degree-2 network with pyinstrument.

    python benchmarks/profile_epoch.py [--m 50] [--hidden 100] [--dtype float64]
                                       [--solver adam] [--epochs 3]

Prints pyinstrument's call tree of fit on 5000 rows (25 batches of 200 per
epoch); the numpy calls under each engine function show where a step's time
goes beyond its three GEMMs.
"""

import argparse
import os
import sys
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_step import make_step_model, step_data  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--m", type=int, default=50)
    parser.add_argument("--hidden", type=int, default=100)
    parser.add_argument("--dtype", default="float64")
    parser.add_argument("--solver", default="adam")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--threads", default="1")
    args = parser.parse_args(argv)

    from pyinstrument import Profiler
    from threadpoolctl import threadpool_limits

    X, y = step_data(args.m, args.rows, np.dtype(args.dtype))
    model = make_step_model(args.hidden, args.solver, epochs=args.epochs)
    warnings.simplefilter("ignore", ConvergenceWarning)

    limit = None if args.threads == "default" else int(args.threads)
    with threadpool_limits(limit):
        model.fit(X[:400], y[:400])  # warm up imports and caches
        profiler = Profiler(interval=0.0002)
        profiler.start()
        model.fit(X, y)
        profiler.stop()
    print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
