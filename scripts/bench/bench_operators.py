#!/usr/bin/env python3
"""make bench-operators: fit+predict time of every autopipe operator next to scikit-learn (n_jobs=1) on the same
data in the same run, and the ratio (scikit-learn time / autopipe time; above 1 means autopipe is faster).

Data: the bundled digits dataset, and generated 20,000 x 20 classification and regression datasets (written to
bench-out/ as CSV so both sides read identical numbers). Parameters: autopipe's defaults (which are
scikit-learn's), read from `autopipe-bench params`, passed to the scikit-learn class of the same name.
"""
import argparse
import importlib
import json
import math
import os
import subprocess
import sys
import time
import warnings

# Convergence and constant-feature warnings of the peers are expected on these data; they would bury the table.
warnings.filterwarnings("ignore")

# scikit-learn with n_jobs=1 and single-threaded BLAS/OpenMP, as autopipe's operators run (one thread each; the
# search parallelises across evaluations). Set before numpy is imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import numpy as np
import pandas as pd

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "bench-out")
BENCH = os.path.join(ROOT, ".build", "release", "autopipe-bench")

# scikit-learn (or reference) implementation of each operator name.
MODULES = {
    "GaussianNB": "sklearn.naive_bayes", "BernoulliNB": "sklearn.naive_bayes", "MultinomialNB": "sklearn.naive_bayes",
    "DecisionTreeClassifier": "sklearn.tree", "DecisionTreeRegressor": "sklearn.tree",
    "ExtraTreesClassifier": "sklearn.ensemble", "ExtraTreesRegressor": "sklearn.ensemble",
    "RandomForestClassifier": "sklearn.ensemble", "RandomForestRegressor": "sklearn.ensemble",
    "GradientBoostingClassifier": "sklearn.ensemble", "GradientBoostingRegressor": "sklearn.ensemble",
    "HistGradientBoostingClassifier": "sklearn.ensemble", "HistGradientBoostingRegressor": "sklearn.ensemble",
    "AdaBoostRegressor": "sklearn.ensemble",
    "KNeighborsClassifier": "sklearn.neighbors", "KNeighborsRegressor": "sklearn.neighbors",
    "LinearSVC": "sklearn.svm", "LinearSVR": "sklearn.svm",
    "LogisticRegression": "sklearn.linear_model", "SGDClassifier": "sklearn.linear_model",
    "SGDRegressor": "sklearn.linear_model", "RidgeCV": "sklearn.linear_model", "ElasticNetCV": "sklearn.linear_model",
    "LassoLarsCV": "sklearn.linear_model", "Ridge": "sklearn.linear_model",
    "MLPClassifier": "sklearn.neural_network",
    "Binarizer": "sklearn.preprocessing", "MaxAbsScaler": "sklearn.preprocessing", "MinMaxScaler": "sklearn.preprocessing",
    "Normalizer": "sklearn.preprocessing", "RobustScaler": "sklearn.preprocessing", "StandardScaler": "sklearn.preprocessing",
    "PolynomialFeatures": "sklearn.preprocessing",  # OneHotEncoder and ZeroCount are TPOT builtins: no peer here
    "SimpleImputer": "sklearn.impute",
    "FastICA": "sklearn.decomposition", "PCA": "sklearn.decomposition",
    "FeatureAgglomeration": "sklearn.cluster", "Nystroem": "sklearn.kernel_approximation",
    "RBFSampler": "sklearn.kernel_approximation",
    "VarianceThreshold": "sklearn.feature_selection", "SelectPercentile": "sklearn.feature_selection",
    "SelectFwe": "sklearn.feature_selection", "RFE": "sklearn.feature_selection",
    "SelectFromModel": "sklearn.feature_selection",
}


def write_datasets():
    os.makedirs(OUT, exist_ok=True)
    from sklearn.datasets import make_classification, make_regression
    paths = {}
    path = os.path.join(OUT, "synthetic_clf_20000x20.csv")
    if not os.path.exists(path):
        X, y = make_classification(n_samples=20000, n_features=20, n_informative=10, n_classes=3, random_state=0)
        frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(20)])
        frame["y"] = y
        frame.to_csv(path, index=False)
    paths["synthetic 20000x20 (classification)"] = path
    path = os.path.join(OUT, "synthetic_reg_20000x20.csv")
    if not os.path.exists(path):
        X, y = make_regression(n_samples=20000, n_features=20, n_informative=10, noise=10, random_state=0)
        frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(20)])
        frame["y"] = y
        frame.to_csv(path, index=False)
    paths["synthetic 20000x20 (regression)"] = path
    return {"digits": os.path.join(ROOT, "datasets", "digits.csv"), **paths}


def write_wide_datasets():
    """The input of TPOT's costliest pipeline on the bundled data: StandardScaler then degree-2 PolynomialFeatures
    (no bias column) of breast_cancer (495 columns) and digits (2,144 columns), on 80% of the rows (one fold of
    five-fold cross-validation)."""
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler
    paths = {}
    for name in ("breast_cancer", "digits"):
        path = os.path.join(OUT, f"{name}_poly.csv")
        if not os.path.exists(path):
            frame = pd.read_csv(os.path.join(ROOT, "datasets", f"{name}.csv"))
            frame = frame.sample(frac=0.8, random_state=0)
            X = frame.iloc[:, :-1].to_numpy(dtype=np.float64)
            X = PolynomialFeatures(include_bias=False).fit_transform(StandardScaler().fit_transform(X))
            out = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
            out["target"] = frame.iloc[:, -1].to_numpy()
            out.to_csv(path, index=False)
        paths[f"{name} poly (StandardScaler, PolynomialFeatures)"] = path
    return paths


def python_value(name, key, value):
    """autopipe spells a few scikit-learn values differently where its parameter table cannot mix types (see the
    operators' doc comments): PCA's iterated_power None is 'auto'; RFE's step >= 1 is an int count."""
    if name == "PCA" and key == "iterated_power" and value is None:
        return "auto"
    if name == "RFE" and key == "step" and isinstance(value, float) and value >= 1:
        return int(value)
    # Fractions written as 1 in JSON (1.0 means all features/samples; scikit-learn reads the int 1 as one).
    if key in ("max_features", "max_samples", "estimator__max_features") and type(value) is int:
        return float(value)
    return value


def sklearn_estimator(name, role, params, task):
    module = importlib.import_module(MODULES[name])
    cls = getattr(module, name)
    params = {k: python_value(name, k, v) for k, v in params.items()}
    if name in ("RFE", "SelectFromModel"):
        from sklearn.ensemble import ExtraTreesClassifier, ExtraTreesRegressor
        inner = ExtraTreesClassifier if task == "classification" else ExtraTreesRegressor
        # autopipe names the inner ExtraTrees' parameters estimator__* (scikit-learn's nested names).
        inner_params = {k[len("estimator__"):]: params.pop(k) for k in list(params) if k.startswith("estimator__")}
        if task != "classification":
            inner_params.pop("criterion", None)
        inner_params.setdefault("n_estimators", 100)
        inner_params.setdefault("max_features", params.pop("max_features", 1.0))
        params["estimator"] = inner(**inner_params, random_state=0)
    if name == "SelectPercentile" or name == "SelectFwe":
        from sklearn.feature_selection import f_classif, f_regression
        params["score_func"] = f_classif if task == "classification" else f_regression
    accepted = (cls(params["estimator"]) if "estimator" in params else cls()).get_params()
    kwargs = {k: v for k, v in params.items() if k in accepted}
    if "random_state" in accepted:
        kwargs["random_state"] = 0
    if "n_jobs" in accepted:
        kwargs["n_jobs"] = 1
    return cls(**kwargs)


def time_sklearn(estimator, X, y, role, repeats, min_seconds):
    """Best of at least `repeats` runs and of as many more as fit in `min_seconds` (as autopipe-bench)."""
    best = None
    runs, spent = 0, 0.0
    while runs < repeats or (spent < min_seconds and runs < 1000):
        runs += 1
        from sklearn.base import clone
        model = clone(estimator)
        t0 = time.perf_counter()
        model.fit(X, y)
        t1 = time.perf_counter()
        if role in ("classifier",):
            model.predict(X)
            if hasattr(model, "predict_proba"):
                model.predict_proba(X)
        elif role == "regressor":
            model.predict(X)
        else:
            model.transform(X)
        t2 = time.perf_counter()
        total = t2 - t0
        spent += total
        if best is None or total < best[0]:
            best = (total, t1 - t0, t2 - t1)
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--operators", help="comma-separated operator names (default: all)")
    parser.add_argument("--repeat", type=int, default=3, help="at least this many runs per operator and side")
    parser.add_argument("--min-seconds", type=float, default=1.0,
                        help="keep repeating (up to 1,000 runs) until this much time was spent, so that operators "
                             "taking milliseconds get a stable best time on both sides")
    parser.add_argument("--datasets", help="comma-separated dataset labels to run (default: all)")
    parser.add_argument("--no-memory", action="store_true", help="skip the random-forest peak-memory check")
    parser.add_argument("--params", help="JSON object of parameters for every operator named (both sides), "
                        "e.g. '{\"learning_rate\": 0.01, \"max_depth\": 4}'")
    parser.add_argument("--wide", action="store_true",
                        help="also breast_cancer and digits after StandardScaler + PolynomialFeatures (495 and "
                             "2,144 columns)")
    args = parser.parse_args()
    overrides = json.loads(args.params) if args.params else {}
    if not os.path.exists(BENCH):
        sys.exit("build first: swift build -c release --product autopipe-bench")
    import sklearn
    params = {}
    for line in subprocess.run([BENCH, "params"], check=True, capture_output=True, text=True).stdout.splitlines():
        item = json.loads(line)
        item["parameters"].update({k: v for k, v in overrides.items() if k in item["parameters"]})
        params[item["operator"]] = item
    wanted = args.operators.split(",") if args.operators else list(params)
    datasets = write_datasets()
    if args.wide:
        datasets.update(write_wide_datasets())
    if args.datasets:
        datasets = {k: v for k, v in datasets.items() if any(d in k for d in args.datasets.split(","))}
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}; best of >= {args.repeat} runs and "
          f">= {args.min_seconds} s per operator and side; "
          f"ratio = scikit-learn time / autopipe time (>1: autopipe faster)")
    ratios = []
    for label, path in datasets.items():
        frame = pd.read_csv(path)
        X = frame.iloc[:, :-1].to_numpy(dtype=np.float64)
        y = frame.iloc[:, -1].to_numpy()
        task = "regression" if "regression" in label else "classification"
        ours = {}
        run = subprocess.run([BENCH, "operators", path, "--operators", ",".join(wanted), "--repeat",
                              str(args.repeat), "--min-seconds", str(args.min_seconds)]
                             + (["--params", args.params] if args.params else []),
                             capture_output=True, text=True)
        for line in run.stdout.splitlines():
            item = json.loads(line)
            ours[item["operator"]] = item
        print(f"\n== {label}: {X.shape[0]} x {X.shape[1]} ==")
        print(f"{'operator':34} {'autopipe s':>11} {'sklearn s':>11} {'ratio':>8}")
        for name in wanted:
            if name not in ours:
                continue
            item = ours[name]
            if "error" in item:
                print(f"{name:34} error: {item['error']}")
                continue
            role = params[name]["role"]
            if name not in MODULES:
                print(f"{name:34} {item['total_seconds']:11.4f} {'(no peer)':>11}")
                continue
            try:
                estimator = sklearn_estimator(name, role, params[name]["parameters"], task)
                theirs = time_sklearn(estimator, X, y, role, args.repeat, args.min_seconds)
            except Exception as error:  # a peer that cannot run this configuration
                print(f"{name:34} {item['total_seconds']:11.4f} sklearn error: {error}")
                continue
            ratio = theirs[0] / max(item["total_seconds"], 1e-9)
            ratios.append((label, name, ratio))
            print(f"{name:34} {item['total_seconds']:11.4f} {theirs[0]:11.4f} {ratio:8.2f}")
    if ratios:
        geo = math.exp(sum(math.log(r) for _, _, r in ratios) / len(ratios))
        slower = [f"{n} on {l.split(' ')[0]} ({r:.2f})" for l, n, r in ratios if r < 1]
        print(f"\nsummary: {len(ratios)} comparisons, geometric mean ratio {geo:.2f}; "
              f"autopipe slower in {len(slower)}" + (": " + ", ".join(slower) if slower else ""))
    if not args.no_memory:
        memory_check(datasets)


def peak_rss_mb(command):
    """Runs `command`, which prints JSON lines carrying `peak_rss_bytes` (VmHWM of its own address space: unlike
    wait4's ru_maxrss, not inflated by this process's memory inherited through fork), and returns the largest, MB."""
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(run.stderr[-500:])
    peaks = [json.loads(line).get("peak_rss_bytes", 0) for line in run.stdout.splitlines() if line.startswith("{")]
    return max(peaks) / 2**20


def memory_check(datasets):
    path = next((p for label, p in datasets.items() if "classification" in label), None)
    if path is None:
        return
    ours = peak_rss_mb([BENCH, "operators", path, "--operators", "RandomForestClassifier", "--repeat", "1"])
    script = ("import os, sys, pandas as pd\nfrom sklearn.ensemble import RandomForestClassifier\n"
              "f = pd.read_csv(sys.argv[1]); X = f.iloc[:, :-1].to_numpy(); y = f.iloc[:, -1].to_numpy()\n"
              "RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1).fit(X, y).predict_proba(X)\n"
              "import json, re\nhwm = re.search(r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read())\n"
              "print(json.dumps({'peak_rss_bytes': int(hwm.group(1)) * 1024}))\n")
    theirs = peak_rss_mb([sys.executable, "-c", script, path])
    print(f"\nmemory: RandomForestClassifier(n_estimators=100) fit+predict on 20000 x 20: peak RSS autopipe "
          f"{ours:.0f} MB (goal < 500 MB), scikit-learn {theirs:.0f} MB (process totals, CSV load included)")


if __name__ == "__main__":
    main()
