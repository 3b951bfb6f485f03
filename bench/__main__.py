"""Run the benchmarks and print tables.

    python -m bench                 # expansion table (W2-W5, 10 inputs Q=5,6,7), under a minute
    python -m bench expand --full   # with the slow references (plain sympy, sympy's ring)
    python -m bench core            # cold path, a 784-256-256-10 network, import time
    python -m bench pde             # PDE constraint checks
    python -m bench fit             # Super Space features, exact fits, weight recovery
    python -m bench pwl             # exact linear regions of relu networks
    python -m bench all

Rows are printed as they finish.  Timings are medians on one core (BLAS
threads pinned to 1 before numpy is imported).  With ``--full``, references
run in a subprocess and are cut off after ``--timeout`` seconds (60 by
default).
"""

import os

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import sys  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", nargs="?", default="expand",
                    choices=["expand", "core", "pde", "bounds", "fit", "pwl", "approx", "dask",
                             "all"])
    speed = ap.add_mutually_exclusive_group()
    speed.add_argument("--quick", dest="full", action="store_false",
                       help="symnet only, under a minute (the default)")
    speed.add_argument("--full", dest="full", action="store_true",
                       help="also the slow references (minutes)")
    ap.set_defaults(full=False)
    ap.add_argument("--timeout", type=float, default=60.0,
                    help="seconds before a reference is cut off (default 60)")
    ap.add_argument("--repeat", type=int, default=5, help="repeats per timing (median)")
    args = ap.parse_args(argv)
    args.quick = not args.full
    if args.what in ("expand", "all"):
        from .expand_bench import run
        run(quick=args.quick, timeout=args.timeout, repeat=args.repeat)
    if args.what in ("core", "all"):
        from .bench_core import run as run_core
        run_core()
    if args.what in ("pde", "all"):
        import runpy
        runpy.run_path(os.path.join(os.path.dirname(__file__), "bench_pde.py"),
                       run_name="__main__")
    if args.what in ("pwl", "all"):
        from .bench_pwl import main as pwl_main
        pwl_main([])   # its float reference has its own cut-off (bench/bench_pwl.py --timeout)
    if args.what in ("approx", "all"):
        import runpy
        runpy.run_path(os.path.join(os.path.dirname(__file__), "bench_approx.py"),
                       run_name="__main__")
    if args.what in ("bounds", "all"):
        path = os.path.join(os.path.dirname(__file__), "bench_bounds.py")
        if os.path.exists(path):
            import runpy
            runpy.run_path(path, run_name="__main__")
    if args.what in ("fit", "all"):
        from .bench_fit import run as run_fit
        run_fit(quick=args.quick, repeat=args.repeat)
    if args.what == "dask":
        from .bench_dask import run as run_dask
        run_dask(quick=args.quick, repeat=min(args.repeat, 3))
    return 0


if __name__ == "__main__":
    sys.exit(main())
