#!/usr/bin/env python3
"""Runs TPOT 0.12.2 on a train / held-out split written by `autopipe search --save-split` and writes a JSON with
its fit wall time, pipelines evaluated, evaluations per second and held-out score. Used by bench_search.py (run
with the virtualenv's Python that has TPOT).

Encoding as autopipe does: text feature columns one-hot (categories seen in training), missing values left for
TPOT's own median imputation, class labels as indices.
"""
import argparse
import json
import time
import warnings

import numpy as np
import pandas as pd


def main():
    parser = argparse.ArgumentParser()
    for name in ["--train", "--test", "--target", "--task", "--scoring", "--output"]:
        parser.add_argument(name, required=True)
    for name in ["--generations", "--population", "--cv", "--seed", "--jobs"]:
        parser.add_argument(name, type=int, required=True)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")

    train = pd.read_csv(args.train)
    test = pd.read_csv(args.test)
    y_train, y_test = train.pop(args.target), test.pop(args.target)
    text = [c for c in train.columns if not pd.api.types.is_numeric_dtype(train[c])]
    x_train = pd.get_dummies(train, columns=text, dtype=float)
    x_test = pd.get_dummies(test, columns=text, dtype=float).reindex(columns=x_train.columns, fill_value=0.0)
    x_train, x_test = x_train.to_numpy(dtype=float), x_test.to_numpy(dtype=float)

    from tpot import TPOTClassifier, TPOTRegressor
    common = dict(generations=args.generations, population_size=args.population, cv=args.cv,
                  random_state=args.seed, n_jobs=args.jobs, verbosity=0, scoring=args.scoring)
    if args.task == "classification":
        labels = sorted(set(y_train.astype(str)) | set(y_test.astype(str)))
        index = {label: i for i, label in enumerate(labels)}
        y_train = np.array([index[v] for v in y_train.astype(str)])
        y_test = np.array([index[v] for v in y_test.astype(str)])
        model = TPOTClassifier(**common)
    else:
        y_train, y_test = y_train.to_numpy(dtype=float), y_test.to_numpy(dtype=float)
        model = TPOTRegressor(**common)
    start = time.perf_counter()
    model.fit(x_train, y_train)
    wall = time.perf_counter() - start
    evaluated = len(model.evaluated_individuals_)
    result = {"wall": wall, "evaluations": evaluated, "per_second": evaluated / wall,
              "holdout": float(model.score(x_test, y_test)), "pipeline": str(model.fitted_pipeline_)}
    with open(args.output, "w") as f:
        json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
