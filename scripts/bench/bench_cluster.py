#!/usr/bin/env python3
"""Cluster benchmarks (`make bench-cluster`): prints the figures the cluster issue asks for.

1. Scheduler capacity: no-op tasks through an in-process scheduler and fake workers (autopipe-bench
   cluster-capacity), with /api/status latency measured under that load. Goal: >= 20,000 round trips/s,
   p99 < 10 ms.
2. Loopback overhead, real processes: the same search (a) with `search --jobs 2`, (b) on one worker with
   `--nthreads 2`, (c) on one worker with one thread, (d) on two workers with one thread each. Throughput is
   evaluations per second of the search loop (best.json's timing.search_seconds), so process start-up, CSV loading
   and the final refit do not count. The search uses scripts/bench/cluster_config.json (fast operators, so the bench
   takes a couple of minutes; evaluations of a few tens of ms on digits).
   Goals: (b) >= 90% of (a); (d) >= 1.8x (c). Each configuration runs --repeat times; the best run counts.

Usage: bench_cluster.py [--bin .build/release] [--data datasets/digits.csv] [--config FILE] [--generations 8]
                        [--population 20] [--repeat 2] [--tasks 200000]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_capacity(bench, tasks, codec):
    args = [bench, "cluster-capacity", "--tasks", str(tasks)] + (["--codec"] if codec else [])
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


class Background:
    """A child process whose stderr is read line by line until a marker shows up."""

    def __init__(self, args):
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.lines = []

    def wait_for(self, pattern, timeout=60):
        deadline = time.time() + timeout
        rx = re.compile(pattern)
        while time.time() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                if self.proc.poll() is not None:
                    break
                continue
            self.lines.append(line)
            m = rx.search(line)
            if m:
                return m
        raise RuntimeError("timed out waiting for %r; got:\n%s" % (pattern, "".join(self.lines)))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def search(binary, search_args, extra):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "best.json")
        subprocess.run([binary, "search"] + search_args + extra + ["--output", out, "--verbosity", "0"],
                       check=True, capture_output=True, text=True)
        with open(out) as f:
            doc = json.load(f)
    return doc


def cluster_search(binary, search_args, workers):
    """workers: list of thread counts. Returns (throughput, evaluations, seconds, document)."""
    sched = Background([binary, "scheduler", "--port", "0", "--dashboard-address", "127.0.0.1:0"])
    procs = [sched]
    try:
        addr = sched.wait_for(r"listening on (\S+)").group(1)
        dash = sched.wait_for(r"dashboard at (\S+)").group(1)
        for i, threads in enumerate(workers):
            w = Background([binary, "worker", addr, "--nthreads", str(threads), "--name", "bench-%d" % i])
            procs.append(w)
            sched.wait_for(r"worker bench-%d joined" % i)
        doc = search(binary, search_args, ["--scheduler", addr])
        # One status request while idle, as a smoke check of the dashboard.
        urllib.request.urlopen(dash + "api/status", timeout=5).read()
        return doc
    finally:
        for p in reversed(procs):
            p.stop()


def throughput(doc):
    t = doc["timing"]
    seconds = t.get("search_seconds") or t["seconds"]
    return doc["statistics"]["evaluations"] / seconds, seconds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build", "release"))
    ap.add_argument("--data", default=os.path.join(ROOT, "datasets", "digits.csv"))
    ap.add_argument("--config", default=os.path.join(ROOT, "scripts", "bench", "cluster_config.json"))
    ap.add_argument("--generations", type=int, default=8)
    ap.add_argument("--population", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--tasks", type=int, default=200000)
    a = ap.parse_args()
    autopipe = os.path.join(a.bin, "autopipe")
    bench = os.path.join(a.bin, "autopipe-bench")

    print("== Scheduler capacity (no-op tasks, in-process fake workers: 4 x 8 slots) ==")
    for codec in (False, True):
        r = run_capacity(bench, a.tasks, codec)
        ok = "OK" if r["round_trips_per_second"] >= 20000 else "BELOW GOAL"
        ok99 = "OK" if r["status_p99_ms"] < 10 else "BELOW GOAL"
        print("  %-26s %9.0f task round trips/s (goal >= 20000: %s)" % (r["transport"], r["round_trips_per_second"], ok))
        print("  %-26s /api/status while holding %.0f round trips/s: p50 %.2f ms, p99 %.2f ms, max %.1f ms "
              "(goal p99 < 10 ms: %s; %d requests)" % ("", r["paced_round_trips_per_second"], r["status_p50_ms"],
                                                       r["status_p99_ms"], r["status_max_ms"], ok99, r["status_requests"]))

    search_args = [a.data, "--generations", str(a.generations), "--population-size", str(a.population), "--seed", "5",
                   "--config", a.config]
    print("\n== Loopback overhead (real processes; %s, %d generations of %d; best of %d, runs interleaved) =="
          % (os.path.basename(a.data), a.generations, a.population, a.repeat))
    configs = [
        ("search --jobs 1", lambda: search(autopipe, search_args, ["--jobs", "1"])),
        ("search --jobs 2", lambda: search(autopipe, search_args, ["--jobs", "2"])),
        ("1 worker x 1 thread", lambda: cluster_search(autopipe, search_args, [1])),
        ("1 worker x 2 threads", lambda: cluster_search(autopipe, search_args, [2])),
        ("2 workers x 1 thread", lambda: cluster_search(autopipe, search_args, [1, 1])),
    ]
    runs = {name: [] for name, _ in configs}
    for _ in range(a.repeat):          # interleaved, so a change in machine load hits every configuration alike
        for name, fn in configs:
            runs[name].append(fn())
    best = {name: max(docs, key=lambda d: throughput(d)[0]) for name, docs in runs.items()}
    for name, _ in configs:
        tp, secs = throughput(best[name])
        print("  %-22s %8.1f evaluations/s  (%d evaluations in %.2f s)"
              % (name, tp, best[name]["statistics"]["evaluations"], secs))
    t = {name: throughput(doc)[0] for name, doc in best.items()}
    r1 = t["1 worker x 2 threads"] / t["search --jobs 2"]
    r2 = t["2 workers x 1 thread"] / t["1 worker x 1 thread"]
    print("  1 worker x 2 threads / search --jobs 2:     %.2f  (goal >= 0.90: %s)" % (r1, "OK" if r1 >= 0.9 else "BELOW GOAL"))
    print("  2 workers x 1 thread / 1 worker x 1 thread: %.2fx (goal >= 1.8x: %s)" % (r2, "OK" if r2 >= 1.8 else "BELOW GOAL"))
    print("  for reference: 1 worker x 1 thread / search --jobs 1: %.2f (cluster overhead without parallelism); "
          "search --jobs 2 / --jobs 1: %.2fx (what this machine's free cores allow)"
          % (t["1 worker x 1 thread"] / t["search --jobs 1"], t["search --jobs 2"] / t["search --jobs 1"]))
    reference = {k: v for k, v in best["search --jobs 2"].items() if k != "timing"}
    same = all({k: v for k, v in doc.items() if k != "timing"} == reference for docs in runs.values() for doc in docs)
    print("  results identical to the local run (all but timing): %s" % ("yes" if same else "NO"))
    try:
        load = os.getloadavg()[0]
        print("  machine: %d cores, load average %.1f (the scheduler, workers and search share these cores)"
              % (os.cpu_count() or 0, load))
    except OSError:
        pass
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
