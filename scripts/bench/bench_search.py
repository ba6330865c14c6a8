#!/usr/bin/env python3
"""make bench-search: autopipe's search next to TPOT 0.12.2 with the same settings on the same data, in one run.

For each bundled dataset (datasets/*.csv) autopipe runs with TPOT's tutorial setting scaled down (generations 5,
population 20, cv 5, seed 42) and writes the train / held-out split it used (--save-split). TPOT then runs with the
same settings and metric (accuracy, or r2 for regression) on exactly those rows. Per dataset the table shows wall
time, pipelines evaluated per second, held-out score for both, and the ratios (throughput: autopipe / TPOT; score:
autopipe - TPOT). autopipe's CPU utilisation (process CPU time / (search wall time x jobs)) is shown too, and
how busy its evaluation threads were (time running evaluations / (search wall time x jobs)), which unlike CPU
utilisation does not drop when other processes compete for the cores.

TPOT is installed with `pip install tpot==0.12.2` into a virtualenv under bench-out/ that reuses the system
packages (scikit-learn 1.5.2 pinned in scripts/requirements.txt); when that fails, the table has autopipe's
columns only and says why. Wall time is the whole process for autopipe (loading, search, refit) and TPOT's
fit() for TPOT (search and refit; loading excluded).

One seed's held-out score rests on one split (38 test rows on iris: one row is 0.026). `--seeds 42,43,44` runs
every dataset once per seed (each seed its own split, the same for both tools) and adds a summary per dataset:
mean held-out score of each side, the mean difference, wins / ties / losses, and the geometric mean throughput
ratio. Results go to bench-out/search/DATASET/seed-N when more than one seed is given. bench-out/search/results.json
keeps the latest result of every dataset and seed run so far (with its date and settings).
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "bench-out", "search")
AUTOPIPE = os.path.join(ROOT, ".build", "release", "autopipe")
VENV = os.path.join(ROOT, "bench-out", "tpot-venv")
VENV_PYTHON = os.path.join(VENV, "bin", "python")
TPOT_RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tpot_run.py")
DATASETS = ["iris", "wine", "breast_cancer", "digits", "diabetes", "penguins"]
REGRESSION = {"diabetes"}


def tpot_python():
    """The virtualenv's Python with TPOT importable, or (None, reason)."""
    if not os.path.exists(VENV_PYTHON):
        made = subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", VENV],
                              capture_output=True, text=True)
        if made.returncode != 0:
            return None, "cannot create a virtualenv: " + made.stderr.strip()[-300:]
    check = subprocess.run([VENV_PYTHON, "-c", "import tpot; print(tpot.__version__)"], capture_output=True, text=True)
    if check.returncode != 0 or check.stdout.strip() != "0.12.2":
        install = subprocess.run([VENV_PYTHON, "-m", "pip", "install", "-q", "tpot==0.12.2"],
                                 capture_output=True, text=True)
        if install.returncode != 0 and "No module named pip" in install.stderr:
            # A virtualenv left half-made by an interrupted run: make it again.
            subprocess.run([sys.executable, "-m", "venv", "--clear", "--system-site-packages", VENV],
                           capture_output=True, text=True)
            install = subprocess.run([VENV_PYTHON, "-m", "pip", "install", "-q", "tpot==0.12.2"],
                                     capture_output=True, text=True)
        if install.returncode != 0:
            return None, "pip install tpot==0.12.2 failed: " + install.stderr.strip()[-300:]
        check = subprocess.run([VENV_PYTHON, "-c", "import tpot; print(tpot.__version__)"],
                               capture_output=True, text=True)
        if check.returncode != 0:
            return None, "tpot 0.12.2 does not import: " + check.stderr.strip()[-300:]
    return VENV_PYTHON, None


def out_dir(name, seed, args):
    return os.path.join(OUT, name, f"seed-{seed}") if args.several else os.path.join(OUT, name)


def label(name, seed, args):
    return f"{name} seed {seed}" if args.several else name


def run_autopipe(name, seed, args):
    out = out_dir(name, seed, args)
    os.makedirs(out, exist_ok=True)
    result_path = os.path.join(out, "autopipe.json")
    if os.path.exists(result_path):
        os.remove(result_path)
    command = [AUTOPIPE, "search", os.path.join(ROOT, "datasets", f"{name}.csv"),
               "--generations", str(args.generations), "--population-size", str(args.population),
               "--cv", str(args.cv), "--seed", str(seed), "--jobs", str(args.jobs),
               "--save-split", os.path.join(out, "split"), "--output", result_path,
               "--evaluations", os.path.join(out, "autopipe-evaluations.jsonl"), "--verbosity", "0"]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"status {done.returncode}",
                "wall": wall}
    with open(result_path) as f:
        document = json.load(f)
    evaluations = document["statistics"]["evaluations"]
    return {"wall": wall, "evaluations": evaluations, "per_second": evaluations / wall,
            "holdout": document.get("holdout_score"), "metric": document["metric"], "task": document["task"],
            "target": document["target"]["name"], "cpu": document["timing"].get("cpu_utilisation"),
            "busy": document["timing"].get("worker_busy_fraction"),
            "pipeline": document["pipeline_text"]}


def run_tpot(python, name, seed, auto, args):
    out = out_dir(name, seed, args)
    result_path = os.path.join(out, "tpot.json")
    command = [python, TPOT_RUNNER, "--train", os.path.join(out, "split", "train.csv"),
               "--test", os.path.join(out, "split", "test.csv"), "--target", auto["target"], "--task", auto["task"],
               "--scoring", auto["metric"], "--generations", str(args.generations),
               "--population", str(args.population), "--cv", str(args.cv), "--seed", str(seed),
               "--jobs", str(args.jobs), "--output", result_path]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=args.tpot_timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"TPOT took longer than {args.tpot_timeout} s"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    with open(result_path) as f:
        return json.load(f)


def throughput_ratio(auto, tp):
    return (auto["per_second"] / tp["per_second"]) if "per_second" in auto and tp.get("per_second") else None


def score_diff(auto, tp):
    if auto.get("holdout") is None or tp.get("holdout") is None:
        return None
    return auto["holdout"] - tp["holdout"]


def print_seed_summary(rows, args):
    """Per dataset over the seeds both sides finished: mean held-out scores, mean difference, wins / ties /
    losses (a tie: within 1e-9), and the geometric mean of the throughput ratios."""
    print()
    header = (f"{'dataset':<14} {'seeds':>5} | {'autopipe mean':>13} {'TPOT mean':>10} {'mean diff':>10} | "
              f"{'wins':>4} {'ties':>4} {'losses':>6} | {'speed x (geo mean)':>18}")
    print(header)
    print("-" * len(header))
    diffs_all = []
    for name in args.datasets.split(","):
        pairs = [(a, t) for n, _, a, t in rows if n == name and score_diff(a, t) is not None]
        if not pairs:
            print(f"{name:<14} {0:>5} | (no seed finished on both sides)")
            continue
        diffs = [score_diff(a, t) for a, t in pairs]
        diffs_all.extend(diffs)
        ratios = [throughput_ratio(a, t) for a, t in pairs if throughput_ratio(a, t)]
        geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios)) if ratios else None
        mean_a = sum(a["holdout"] for a, _ in pairs) / len(pairs)
        mean_t = sum(t["holdout"] for _, t in pairs) / len(pairs)
        wins = sum(d > 1e-9 for d in diffs)
        losses = sum(d < -1e-9 for d in diffs)
        print(f"{name:<14} {len(pairs):>5} | {mean_a:>13.4f} {mean_t:>10.4f} {sum(diffs) / len(diffs):>+10.4f} | "
              f"{wins:>4} {len(diffs) - wins - losses:>4} {losses:>6} | {fmt(geo, '%18.1f')}")
    if diffs_all:
        print(f"all datasets and seeds: mean score diff {sum(diffs_all) / len(diffs_all):+.4f} "
              f"over {len(diffs_all)} runs")


def fmt(value, pattern):
    return pattern % value if isinstance(value, (int, float)) else "-"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--generations", type=int, default=5)
    parser.add_argument("--population", type=int, default=20)
    parser.add_argument("--cv", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--seeds", help="comma-separated seeds, each run in turn (default: --seed)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--no-tpot", action="store_true", help="run autopipe only")
    parser.add_argument("--tpot-timeout", type=float, default=3600, help="seconds per dataset")
    args = parser.parse_args()
    try:
        args.seed_list = [int(x) for x in args.seeds.split(",")] if args.seeds else [args.seed]
    except ValueError:
        sys.exit(f"--seeds takes comma-separated integers, not {args.seeds!r}")
    args.several = len(args.seed_list) > 1
    if not os.path.exists(AUTOPIPE):
        sys.exit(f"{AUTOPIPE} is missing: run `swift build -c release --product autopipe` (make bench-search does).")
    os.makedirs(OUT, exist_ok=True)

    python, why = (None, "--no-tpot") if args.no_tpot else tpot_python()
    if python is None:
        print(f"TPOT not run: {why}", file=sys.stderr)
    print(f"generations {args.generations}, population {args.population}, cv {args.cv}, "
          f"seed{'s' if args.several else ''} {','.join(map(str, args.seed_list))}, "
          f"jobs {args.jobs}", file=sys.stderr)

    rows = []
    for name in args.datasets.split(","):
        for seed in args.seed_list:
            tag = label(name, seed, args)
            print(f"[{tag}] autopipe ...", file=sys.stderr, flush=True)
            auto = run_autopipe(name, seed, args)
            tp = {"error": why}
            train_csv = os.path.join(out_dir(name, seed, args), "split", "train.csv")
            if python is not None and os.path.exists(train_csv):
                # The target is the last column (autopipe's default); the task and metric as autopipe chose them.
                with open(train_csv) as f:
                    target = f.readline().strip().split(",")[-1]
                task = "regression" if name in REGRESSION else "classification"
                setup = {"target": target, "task": task, "metric": "r2" if task == "regression" else "accuracy"}
                auto.setdefault("metric", setup["metric"])
                print(f"[{tag}] TPOT ...", file=sys.stderr, flush=True)
                tp = run_tpot(python, name, seed, setup, args)
            elif python is not None:
                tp = {"error": "autopipe wrote no split"}
            rows.append((name, seed, auto, tp))
            print(f"[{tag}] autopipe: {auto}\n[{tag}] TPOT: {tp}", file=sys.stderr, flush=True)

    seed_head = f" {'seed':>5}" if args.several else ""
    header = (f"{'dataset':<14}{seed_head} {'metric':<9} | {'autopipe s':>10} {'pipes/s':>8} {'held-out':>8} {'CPU':>5} "
              f"{'busy':>5} | {'TPOT s':>8} {'pipes/s':>8} {'held-out':>8} | {'speed x':>8} {'score diff':>10}")
    print(header)
    print("-" * len(header))
    for name, seed, auto, tp in rows:
        ratio = throughput_ratio(auto, tp)
        diff = score_diff(auto, tp)
        seed_cell = f" {seed:>5}" if args.several else ""
        print(f"{name:<14}{seed_cell} {auto.get('metric', '-'):<9} | {fmt(auto.get('wall'), '%10.1f')} "
              f"{fmt(auto.get('per_second'), '%8.2f')} {fmt(auto.get('holdout'), '%8.4f')} "
              f"{fmt(100 * auto['cpu'] if auto.get('cpu') is not None else None, '%4.0f%%')} "
              f"{fmt(100 * auto['busy'] if auto.get('busy') is not None else None, '%4.0f%%')} | "
              f"{fmt(tp.get('wall'), '%8.1f')} {fmt(tp.get('per_second'), '%8.2f')} {fmt(tp.get('holdout'), '%8.4f')} | "
              f"{fmt(ratio, '%8.1f')} {fmt(diff, '%+10.4f')}")
    if args.several:
        print_seed_summary(rows, args)
    for name, seed, auto, tp in rows:
        if "error" in auto:
            print(f"{label(name, seed, args)}: autopipe failed: {auto['error']}")
        if "error" in tp and tp["error"] != why:
            print(f"{label(name, seed, args)}: TPOT failed: {tp['error']}")
    if python is None:
        print(f"TPOT not run: {why}")
    save_results(rows, args)


def save_results(rows, args):
    """Merges this run into bench-out/search/results.json: one entry per dataset and seed, the latest run's (with
    its date and settings), so a run of one dataset or seed keeps the others' results."""
    path = os.path.join(OUT, "results.json")
    try:
        with open(path) as f:
            kept = json.load(f)
    except (OSError, ValueError):
        kept = []
    if not isinstance(kept, list):
        kept = []
    settings = {"generations": args.generations, "population": args.population, "cv": args.cv, "jobs": args.jobs}
    when = time.strftime("%Y-%m-%dT%H:%M:%S")
    ran = {(n, seed) for n, seed, _, _ in rows}
    merged = [e for e in kept if isinstance(e, dict) and (e.get("dataset"), e.get("seed")) not in ran]
    merged += [{"dataset": n, "seed": seed, "when": when, "settings": settings, "autopipe": a, "tpot": t}
               for n, seed, a, t in rows]
    merged.sort(key=lambda e: (str(e.get("dataset")), e.get("seed") or 0))
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(merged, f, indent=2)
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
