"""Interleaved timing, summaries and table printing shared by the benchmarks."""

import os
import platform
import time
import warnings
from contextlib import contextmanager

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import ThreadpoolController, threadpool_info, threadpool_limits

# the clock the timings read; see use_clock
CLOCK = {"name": "wall", "read": time.perf_counter}


def use_clock(name):
    """Time with the wall clock ("wall") or this thread's CPU time ("cpu").

    The CPU clock leaves out the time other processes of a loaded machine
    hold the core, so it is steadier there; it counts only the calling
    thread, so it is right only under one BLAS thread.
    """
    clocks = {"wall": time.perf_counter, "cpu": time.thread_time}
    CLOCK.update(name=name, read=clocks[name])


def interleave(candidates, repeats, number=1, warmup=1, rewarm=False):
    """Return {name: ndarray of shape (repeats,)} of seconds per call.

    The candidates run in turn (a, b, a, b, ...) so that a slow spell of a
    shared machine hits all of them alike; each sample is the mean over
    `number` back-to-back calls. With rewarm, one untimed call precedes
    each sample, so that it sees the warm caches a loop of calls has,
    not the state the previous candidate left.
    """
    for func in candidates.values():
        for _ in range(warmup):
            func()

    times = {name: np.empty(repeats) for name in candidates}
    for r in range(repeats):
        for name, func in candidates.items():
            if rewarm:
                func()
            clock = CLOCK["read"]
            start = clock()
            for _ in range(number):
                func()
            times[name][r] = (clock() - start) / number
    return times


def fmt_time(seconds):
    """Return seconds as a short string with a unit (us, ms or s)."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    if seconds < 1.0:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"


def fmt_spread(samples):
    """Return "median (min-max)" of an array of seconds."""
    samples = np.asarray(samples)
    lo, med, hi = np.min(samples), np.median(samples), np.max(samples)
    return f"{fmt_time(med)} ({fmt_time(lo)}-{fmt_time(hi)})"


def ratio(numerator, denominator):
    """Return the ratio of the medians of two arrays of seconds."""
    return float(np.median(numerator) / np.median(denominator))


def verdict(value, target, kind="max"):
    """Return "met" or "MISSED by x%" for value against an upper/lower target."""
    if kind == "max":
        ok = value <= target
        miss = value / target - 1.0
    else:
        ok = value >= target
        miss = 1.0 - value / target
    return "met" if ok else f"MISSED by {100 * miss:.0f}%"


@contextmanager
def blas_threads(threads):
    """Limit BLAS to `threads` threads, or leave it as it is for "default"."""
    if threads == "default":
        yield
    else:
        with threadpool_limits(int(threads), user_api="blas"):
            yield


class BlasThreads:
    """Switch the BLAS thread count cheaply, for switching inside timed loops.

    threadpool_limits looks the libraries up on every entry, which costs
    about a millisecond; this looks them up once.
    """

    def __init__(self):
        controller = ThreadpoolController()
        self._libs = [
            lib for lib in controller.lib_controllers if lib.user_api == "blas"
        ]
        self.default = max((lib.num_threads for lib in self._libs), default=1)

    def set(self, threads):
        """Use `threads` BLAS threads ("default": as many as at start)."""
        n = self.default if threads == "default" else int(threads)
        for lib in self._libs:
            lib.set_num_threads(n)


@contextmanager
def quiet():
    """Silence the ConvergenceWarning that a capped max_iter is meant to raise."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def machine_info():
    """Return a dict describing the machine, numpy and the BLAS in use."""
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass

    blas = [
        f"{p.get('internal_api')} {p.get('version')} "
        f"({p.get('architecture')}, {p.get('num_threads')} threads)"
        for p in threadpool_info()
        if p.get("user_api") == "blas"
    ]
    env = {
        key: os.environ.get(key, "<unset>")
        for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS")
    }

    import scipy
    import sklearn

    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
        "blas": "; ".join(blas) or "none found",
        **env,
    }


def grid_table(header, rows):
    """Return an rst grid table (also readable as plain text) of strings."""
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[j]) for row in cells) for j in range(len(header))]

    def line(char):
        return "+" + "+".join(char * (w + 2) for w in widths) + "+"

    def render(row):
        return "|" + "|".join(f" {c:<{w}} " for c, w in zip(row, widths)) + "|"

    out = [line("-"), render(cells[0]), line("=")]
    for row in cells[1:]:
        out += [render(row), line("-")]
    return "\n".join(out)
