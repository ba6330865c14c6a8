#!/usr/bin/env python3
"""Writes the bundled datasets in datasets/ from scikit-learn's bundled data and the palmerpenguins package.

Run: pip install scikit-learn==1.5.2 palmerpenguins==0.1.6 && python3 scripts/make_datasets.py
The CSVs are committed; this script documents exactly where they came from.
"""
import os
import shutil

import numpy as np
import pandas as pd
from sklearn import datasets

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "datasets")


def clean_name(name):
    return name.replace(" ", "_").replace("(", "").replace(")", "")


def write(frame, name):
    path = os.path.join(OUT, name + ".csv")
    frame.to_csv(path, index=False, lineterminator="\n")
    print(f"{path}: {frame.shape[0]} rows x {frame.shape[1]} columns")


def from_bunch(bunch, target_name, target_values=None):
    frame = pd.DataFrame(bunch.data, columns=[clean_name(c) for c in bunch.feature_names])
    frame[target_name] = bunch.target if target_values is None else target_values
    return frame


def main():
    os.makedirs(OUT, exist_ok=True)
    iris = datasets.load_iris()
    write(from_bunch(iris, "species", np.array(iris.target_names)[iris.target]), "iris")
    write(from_bunch(datasets.load_wine(), "class"), "wine")
    write(from_bunch(datasets.load_breast_cancer(), "target"), "breast_cancer")
    digits = datasets.load_digits()
    frame = pd.DataFrame(digits.data.astype(int), columns=digits.feature_names)
    frame["digit"] = digits.target
    write(frame, "digits")
    write(from_bunch(datasets.load_diabetes(scaled=False), "progression"), "diabetes")
    import palmerpenguins
    source = os.path.join(os.path.dirname(palmerpenguins.__file__), "data", "penguins.csv")
    penguins = pd.read_csv(source)
    # Target last: the species.
    columns = [c for c in penguins.columns if c != "species"] + ["species"]
    penguins = penguins[columns]
    path = os.path.join(OUT, "penguins.csv")
    penguins.to_csv(path, index=False, lineterminator="\n", na_rep="NA")
    print(f"{path}: {penguins.shape[0]} rows x {penguins.shape[1]} columns")


if __name__ == "__main__":
    main()
