"""Run skpoly's benchmarks and print tables of medians, min-max and ratios.

    python benchmarks/run.py [--quick] [--threads 1|default|both]
                             [--only SECTION,...] [--clock wall|cpu]

Every comparison runs its candidates in turn (a, b, a, b, ...) in this one
process and compares medians, so that a shared machine's noise hits both
sides alike; on a loaded machine, --clock cpu (with --threads 1) reads the
main thread's CPU time instead of the wall clock. The tables are rst grid
tables, pasted as they are into docs/benchmarks.rst. --quick runs a small
subset in under a minute; its timings mean little and are not checked (CI runs it as a smoke test).
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _harness import CLOCK, blas_threads, grid_table, machine_info  # noqa: E402
from _harness import use_clock  # noqa: E402

SECTIONS = ("reference", "mlp", "logreg", "step", "threads", "memory")


def _print_table(title, header, rows):
    print(f"\n{title}\n{'-' * len(title)}\n")
    print(grid_table(header, rows))
    sys.stdout.flush()


def run_section(name, quick, threads):
    """Run one section under one BLAS thread setting and print its tables."""
    import bench_memory
    import bench_reference
    import bench_sklearn
    import bench_step

    tag = f" [threads={threads}]"
    if name == "reference":
        with blas_threads(threads):
            table = bench_reference.reference_vs_skpoly(quick)
        _print_table("Per-epoch speed against pure Python" + tag, *table)
    elif name == "mlp":
        with blas_threads(threads):
            table = bench_sklearn.degree1_vs_mlp(quick)
        _print_table("Degree 1 against MLP, one epoch" + tag, *table)
    elif name == "logreg":
        with blas_threads(threads):
            table = bench_sklearn.lbfgs_vs_logreg(quick)
        _print_table("No hidden layer, lbfgs, against LogisticRegression" + tag, *table)
    elif name == "step":
        header, rows, f32 = bench_step.step_vs_floor(quick, threads)
        title = "Degree-2 training step against its GEMM floor"
        _print_table(title + tag, header, rows)
        _print_table("float32 against float64" + tag, *f32)
    elif name == "threads":
        # two BLAS threads need the wall clock, whatever --clock says
        clock = CLOCK["name"]
        use_clock("wall")
        table = bench_step.thread_counts(quick)
        use_clock(clock)
        _print_table("BLAS thread count for one step (wall clock)", *table)
    elif name == "memory":
        _print_table("Peak memory over the input", *bench_memory.memory_table(quick))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument(
        "--threads",
        choices=("1", "default", "both"),
        default="both",
        help="BLAS threads for the timed sections",
    )
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated sections among {', '.join(SECTIONS)}",
    )
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="wall time, or the main thread's CPU time (needs --threads 1)",
    )
    args = parser.parse_args(argv)
    sections = [s for s in args.only.split(",") if s]
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        parser.error(f"--only got unknown sections {unknown}; choose among {SECTIONS}.")
    thread_settings = ["1", "default"] if args.threads == "both" else [args.threads]
    if args.clock == "cpu" and args.threads != "1":
        parser.error(
            "--clock cpu counts the main thread only, so it needs --threads 1; "
            f"got --threads {args.threads}."
        )
    use_clock(args.clock)

    print("skpoly benchmarks: python " + " ".join(["benchmarks/run.py", *sys.argv[1:]]))
    import skpoly

    print(f"skpoly {skpoly.__version__} from {os.path.dirname(skpoly.__file__)}")
    for key, value in machine_info().items():
        print(f"  {key}: {value}")
    print(f"  clock: {args.clock}; load average at start: {os.getloadavg()}")

    start = time.perf_counter()
    for name in sections:
        settings = thread_settings if name not in ("threads", "memory") else ["default"]
        for threads in settings:
            section_start = time.perf_counter()
            run_section(name, args.quick, threads)
            print(f"({name}: {time.perf_counter() - section_start:.1f} s)")
    print(f"\ntotal {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
