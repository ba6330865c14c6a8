#!/usr/bin/env python3
"""make bench-predict: `autopipe predict` on 1,000,000 rows next to the scikit-learn script `autopipe export` writes
for the same pipeline, in the same run.

Data (generated once with numpy into bench-out/): a CSV of 1,000,000 rows with an id column, 8 numeric features,
a text column with 4 categories (one-hot), a text column with 30 categories (ordinal code), a few missing values,
and a 3-class target; the training CSV is 5,000 more rows of the same distribution.

For each pipeline (a fixed StandardScaler -> LogisticRegression, and what a short default search finds), autopipe
searches on the training CSV (its refit uses the training split, which the script fits on too), then:
- autopipe: the whole `autopipe predict best.json big.csv --output ...` process (load the model, read, encode,
  predict, write), best of --repeat, with its peak resident memory;
- scikit-learn: the exported script's prediction phase (pd.read_csv of the big CSV, the pipeline's predict with
  the column encoding, to_csv), timed inside the script, best of --repeat; its total (fit included) and its
  peak resident memory (the whole script, fit included) are shown too.
The goal is autopipe at least 10x faster than the script's prediction phase.
"""
import argparse
import os
import re
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "bench-out")
AUTOPIPE = os.path.join(ROOT, ".build", "release", "autopipe")


def generate(path, rows, seed):
    import numpy as np
    import pandas as pd
    if os.path.exists(path):
        return
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(seed)
    tmp = path + ".partial"
    t0 = time.perf_counter()
    letters = np.array(["north", "south", "east", "west"], dtype=object)
    codes = np.array([f"code{i:02d}" for i in range(30)], dtype=object)
    weights = rng.standard_normal((3, 8))
    chunk = 200_000
    with open(tmp, "w", newline="") as f:
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            x = rng.standard_normal((n, 8)) * np.array([1, 2, 5, 10, 0.5, 1, 3, 100])
            a = rng.integers(0, 4, n)
            b = rng.integers(0, 30, n)
            logits = (x / np.array([1, 2, 5, 10, 0.5, 1, 3, 100])) @ weights.T
            logits[:, 0] += (a == 1) * 1.5
            logits[:, 1] += (b % 3 == 0) * 1.0
            label = np.argmax(logits + rng.gumbel(size=logits.shape), axis=1)
            frame = pd.DataFrame({"id": np.arange(start, start + n)})
            for i in range(8):
                frame[f"x{i}"] = np.round(x[:, i], 6)
            frame["region"] = letters[a]
            frame["code"] = codes[b]
            frame.loc[rng.random(n) < 0.001, "x3"] = np.nan
            frame["label"] = np.array(["low", "mid", "high"], dtype=object)[label]
            frame.to_csv(f, index=False, header=start == 0, lineterminator="\n")
    os.replace(tmp, path)
    print(f"generated {path} ({os.path.getsize(path) / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s", flush=True)


# Starts the command from a fresh, small interpreter and prints its ru_maxrss (KB). A child's ru_maxrss includes the
# memory it inherited through fork before exec, so measured from this process (numpy, pandas and scikit-learn
# loaded: about 140 MB) every command looked at least that large; from the launcher (about 10 MB) it is the
# command's own peak.
LAUNCHER = ("import os, sys, time\n"
            "t0 = time.perf_counter()\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    null = os.open(os.devnull, os.O_WRONLY)\n"
            "    os.dup2(null, 1)\n"
            "    os.execvp(sys.argv[1], sys.argv[1:])\n"
            "_, status, usage = os.wait4(pid, 0)\n"
            "print(time.perf_counter() - t0, usage.ru_maxrss)\n"
            "sys.exit(os.waitstatus_to_exitcode(status))\n")


def run_measured(command):
    """(wall seconds, peak RSS bytes, stderr) of one child process, both measured by the launcher (from fork to
    exit, so its own start-up is not counted)."""
    process = subprocess.Popen([sys.executable, "-S", "-c", LAUNCHER] + command, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    stdout, stderr = process.communicate()
    stderr = stderr.decode()
    if process.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{stderr}")
    wall, rss = stdout.decode().split()[-2:]
    return float(wall), int(rss) * 1024, stderr


def agreement(a, b):
    import pandas as pd
    x, y = pd.read_csv(a)["label"], pd.read_csv(b)["label"]
    return float((x.to_numpy() == y.to_numpy()).mean())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not os.path.exists(AUTOPIPE):
        sys.exit("build first: swift build -c release --product autopipe")
    big = os.path.join(OUT, f"predict_{args.rows}.csv")
    train = os.path.join(OUT, "predict_train_5000.csv")
    generate(big, args.rows, seed=1)
    generate(train, 5000, seed=2)
    with open(big, "rb") as f:          # warm the page cache so neither side pays for the disk
        while f.read(1 << 24):
            pass
    work = os.path.join(OUT, "predict-bench")
    os.makedirs(work, exist_ok=True)
    config = os.path.join(work, "linear.json")
    with open(config, "w") as f:
        f.write('{"StandardScaler": {}, "LogisticRegression": {"C": [1.0], "solver": ["lbfgs"], "penalty": ["l2"]}}')
    cases = {
        "StandardScaler -> LogisticRegression": ["--config", config, "--template", "StandardScaler-LogisticRegression",
                                                 "--generations", "1", "--population-size", "2"],
        "default search (3 generations x 12)": ["--generations", "3", "--population-size", "12"],
    }
    import sklearn
    size = os.path.getsize(big)
    print(f"predict: {big} ({size / 1e6:.0f} MB, {args.rows} rows); fitted on {train}; best of {args.repeat}; "
          f"scikit-learn {sklearn.__version__}", flush=True)
    print(f"{'pipeline':<40} {'autopipe s':>10} {'peak MB':>8} {'sklearn predict s':>18} {'sklearn total s':>16} "
          f"{'peak MB':>8} {'ratio':>7} {'agree':>7}")
    for index, (label, options) in enumerate(cases.items()):
        best = os.path.join(work, f"best{index}.json")
        script = os.path.join(work, f"pipeline{index}.py")
        split = os.path.join(work, f"split{index}")
        subprocess.run([AUTOPIPE, "search", train, "--target", "label", "--ignore-columns", "id", "--seed", "1",
                        "--verbosity", "0", "--output", best, "--save-split", split] + options, check=True)
        # The script fits on the rows autopipe's refit used (the training split), so both predict with the
        # same model.
        fit_rows = os.path.join(split, "train.csv")
        subprocess.run([AUTOPIPE, "export", best, "--output", script], check=True)
        pipeline = subprocess.run([AUTOPIPE, "export", best, "--format", "json"], check=True, capture_output=True,
                                  text=True).stdout
        text = re.search(r'"pipeline_text" : "(.*)"', pipeline)
        ours_out = os.path.join(work, f"autopipe{index}.csv")
        theirs_out = os.path.join(work, f"sklearn{index}.csv")
        ours, peak = float("inf"), 0
        for _ in range(args.repeat):
            wall, rss, _ = run_measured([AUTOPIPE, "predict", best, big, "--output", ours_out, "--verbosity", "0"])
            ours, peak = min(ours, wall), max(peak, rss)
        theirs = total = float("inf")
        their_peak = 0
        for _ in range(args.repeat):
            wall, rss, stderr = run_measured([sys.executable, script, fit_rows, "--predict", big, "--output", theirs_out,
                                            "--timing"])
            phase = float(re.search(r"predict \(read, predict, write\) ([0-9.]+) s", stderr).group(1))
            theirs, total, their_peak = min(theirs, phase), min(total, wall), max(their_peak, rss)
        print(f"{label:<40} {ours:10.3f} {peak / 1e6:8.0f} {theirs:18.3f} {total:16.3f} {their_peak / 1e6:8.0f} "
              f"{theirs / ours:7.1f} "
              f"{agreement(ours_out, theirs_out):7.4f}", flush=True)
        if text:
            print(f"    {text.group(1)}")
    load = os.getloadavg()[0]
    print(f"ratio = scikit-learn prediction phase / autopipe predict process (>= 10 is the goal); agree = share of "
          f"rows with the same predicted label. Load average {load:.1f} on {os.cpu_count()} cores"
          f"{': other work competes, times are noisy' if load > 1.5 else ''}.")


if __name__ == "__main__":
    main()
