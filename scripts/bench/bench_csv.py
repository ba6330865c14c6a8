#!/usr/bin/env python3
"""make bench: CSV load speed and peak memory of autopipe next to pandas.read_csv on the same file in the same run.

The file (generated once with numpy into bench-out/) has 1,000,000 rows x 20 numeric columns in the notations real
CSVs mix: 10 columns of full-precision floats (Python's shortest round-trip repr, as pandas' to_csv writes them),
5 columns rounded to 3 decimals, 4 integer columns, and an integer class target.

Each side runs in its own process, loads the file --repeat times (best time counts) and reports its peak resident
set (VmHWM from /proc/self/status) and its resident set before the first load. The page cache is warmed first, so
both sides read from memory. Goals: autopipe at least as fast as pandas (speed ratio >= 1), and autopipe's peak
memory above its baseline under 2x the final Double matrix (rows x columns x 8 bytes).
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "bench-out")
BENCH = os.path.join(ROOT, ".build", "release", "autopipe-bench")


def ensure(module, package):
    try:
        __import__(module)
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=True)


def status_bytes(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def generate(rows, path):
    import numpy as np
    import pandas as pd
    if os.path.exists(path):
        return
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(0)
    chunk = 200_000
    t0 = time.perf_counter()
    tmp = path + ".partial"
    with open(tmp, "w", newline="") as f:
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            frame = pd.DataFrame({f"f{i}": rng.standard_normal(n) * 10 ** (i % 4) for i in range(10)})
            for i in range(10, 15):
                frame[f"r{i}"] = np.round(rng.standard_normal(n) * 100, 3)
            for i in range(15, 19):
                frame[f"i{i}"] = rng.integers(-1000, 100_000, n)
            frame["y"] = rng.integers(0, 3, n)
            frame.to_csv(f, index=False, header=start == 0, lineterminator="\n")
    os.replace(tmp, path)
    print(f"generated {path} ({os.path.getsize(path) / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s")


def pandas_worker(path, repeats):
    """Runs in a child process: loads `path` with pandas and prints one JSON line."""
    import numpy as np
    import pandas as pd
    baseline = status_bytes("VmRSS")
    best = best_cpu = float("inf")
    shape = (0, 0)
    for _ in range(repeats):
        c0 = time.process_time()
        t0 = time.perf_counter()
        frame = pd.read_csv(path)
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
        shape = frame.shape
        del frame
    size = os.path.getsize(path)
    print(json.dumps({"side": "pandas", "version": pd.__version__, "numpy": np.__version__, "seconds": best,
                      "cpu_seconds": best_cpu, "mb_per_second": size / 1e6 / best, "rows": shape[0], "columns": shape[1],
                      "baseline_rss_bytes": baseline, "peak_rss_bytes": status_bytes("VmHWM"),
                      "matrix_bytes": shape[0] * shape[1] * 8}))


def one_core():
    """Pins the calling process (and what it starts) to its first allowed CPU."""
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def run_pair(path, repeat, pinned):
    """autopipe's and pandas' results on `path`; `pinned` runs both on one core (autopipe with one thread)."""
    extra = ["--threads", "1"] if pinned else ["--dataset"]
    hook = one_core if pinned else None
    ours = json.loads(subprocess.run([BENCH, "csv", path, "--repeat", str(repeat)] + extra, check=True,
                                     capture_output=True, text=True, preexec_fn=hook).stdout.splitlines()[-1])
    theirs = json.loads(subprocess.run([sys.executable, __file__, "--pandas-worker", path, "--repeat", str(repeat)],
                                       check=True, capture_output=True, text=True,
                                       preexec_fn=hook).stdout.splitlines()[-1])
    return ours, theirs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--path", help="benchmark this CSV instead of the generated one")
    parser.add_argument("--pandas-worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pandas_worker:
        pandas_worker(args.pandas_worker, args.repeat)
        return
    ensure("numpy", "numpy")
    ensure("pandas", "pandas")
    if not os.path.exists(BENCH):
        sys.exit("build first: swift build -c release --product autopipe-bench")
    path = args.path or os.path.join(OUT, f"csv_bench_{args.rows}x20.csv")
    if not args.path:
        generate(args.rows, path)
    with open(path, "rb") as f:          # warm the page cache so neither side pays for the disk
        while f.read(1 << 24):
            pass
    ours, theirs = run_pair(path, args.repeat, pinned=False)
    ours_one, theirs_one = run_pair(path, args.repeat, pinned=True)
    size = os.path.getsize(path)
    matrix = ours["matrix_bytes"]
    mb = 1 / 1e6
    print(f"CSV load: {path} ({size * mb:.0f} MB, {ours['rows']} rows x {ours['columns']} columns; "
          f"Double matrix {matrix * mb:.0f} MB); best of {args.repeat}; pandas {theirs['version']}")
    print(f"{'':10} {'seconds':>8} {'MB/s':>8} {'CPU s':>7} {'peak RSS MB':>12} {'baseline MB':>12} "
          f"{'load MB':>8} {'load/matrix':>12}")
    for item in (ours, theirs):
        load = item["peak_rss_bytes"] - item["baseline_rss_bytes"]
        print(f"{item['side']:10} {item['seconds']:8.3f} {item['mb_per_second']:8.1f} {item['cpu_seconds']:7.3f} "
              f"{item['peak_rss_bytes'] * mb:12.1f} {item['baseline_rss_bytes'] * mb:12.1f} {load * mb:8.1f} "
              f"{load / max(matrix, 1):12.2f}")
    load_average = os.getloadavg()[0]
    cores = lambda item: item["cpu_seconds"] / max(item["seconds"], 1e-9)
    print(f"(cores busy while loading: autopipe {cores(ours):.1f}, pandas {cores(theirs):.1f}; load average "
          f"{load_average:.1f} on {os.cpu_count()} cores during the run"
          f"{': other work competes, times are noisy' if load_average > 1.5 else ''})")
    print(f"on one core (both pinned to one CPU, autopipe with --threads 1): autopipe {ours_one['seconds']:.3f} s, "
          f"pandas {theirs_one['seconds']:.3f} s, ratio {theirs_one['seconds'] / ours_one['seconds']:.2f}")
    speed = theirs["seconds"] / ours["seconds"]
    memory = (ours["peak_rss_bytes"] - ours["baseline_rss_bytes"]) / max(matrix, 1)
    print(f"speed ratio (pandas time / autopipe time, >= 1 is the goal): {speed:.2f}")
    print(f"autopipe peak memory for loading / Double matrix (< 2 is the goal): {memory:.2f}; "
          f"peak RSS / matrix: {ours['peak_rss_bytes'] / max(matrix, 1):.2f}")
    if "load_and_dataset_seconds" in ours:
        with_dataset = ours["peak_rss_with_dataset_bytes"] - ours["baseline_rss_bytes"]
        print(f"autopipe read + encoded dataset (what the CLI does): {ours['load_and_dataset_seconds']:.3f} s; "
              f"peak memory above baseline {with_dataset * mb:.1f} MB = {with_dataset / max(matrix, 1):.2f} x matrix")


if __name__ == "__main__":
    main()
