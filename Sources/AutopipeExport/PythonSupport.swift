/// The fixed parts of an exported script: autopipe's CSV reading and column encoding, its stacking step, TPOT's
/// builtins, its cross-validation folds and metrics, and the command line. Only numpy, pandas and scikit-learn are
/// imported.
enum PythonSupport {
    static let imports = #"""
        import argparse
        import math
        import sys
        import time

        import numpy as np
        import pandas as pd
        from sklearn.base import BaseEstimator, TransformerMixin, clone, is_classifier
        from sklearn.compose import ColumnTransformer
        from sklearn.pipeline import make_pipeline, make_union
        from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, OrdinalEncoder
        """#

    /// Reading a CSV as autopipe does, and the column encoding of its feature schema.
    static let columns = #"""
        # ---------------------------------------------------------------------------------------------------------
        # Reading the data as autopipe does: its missing-value markers, spaces around fields ignored, numbers in a
        # text column named canonically ('1.50' is '1.5', '2.0' is '2'), rows without a target dropped.

        def canonical_text(value):
            """autopipe's name for a cell of a text column: numbers canonically, other text stripped."""
            if value is None or (isinstance(value, float) and math.isnan(value)):
                return None
            text = str(value).strip()
            try:
                number = float(text)
            except ValueError:
                return text
            if math.isnan(number) or math.isinf(number):
                return text
            if number == round(number) and abs(number) < 1e15:
                return str(int(number))
            return repr(number)


        def read_csv(path, sep):
            text_columns = [name for name, encoding, _ in COLUMNS if encoding != 'numeric']
            if TASK == 'classification':
                text_columns.append(TARGET)
            frame = pd.read_csv(path, sep=sep, na_values=MISSING_MARKERS, keep_default_na=False,
                                skipinitialspace=True, dtype={name: object for name in text_columns},
                                low_memory=False)
            frame.columns = [str(name).strip() for name in frame.columns]
            missing = [name for name, _, _ in COLUMNS if name not in frame.columns]
            if missing:
                sys.exit(f"error: {path} has no column {', '.join(map(repr, missing))}, which the pipeline was "
                         f"trained with")
            for name, encoding, _ in COLUMNS:
                column = frame[name]
                if encoding == 'numeric':
                    if not pd.api.types.is_numeric_dtype(column):
                        try:
                            frame[name] = pd.to_numeric(column.astype(object).map(
                                lambda v: v.strip() if isinstance(v, str) else v))
                        except (ValueError, TypeError):
                            sys.exit(f"error: column {name!r} was numeric in the training data but holds text "
                                     f"in {path}")
                    frame[name] = frame[name].astype(float)
                else:
                    frame[name] = column.astype(object).map(canonical_text)
            return frame


        def encode_target(frame):
            """The rows with a target, and the target: class indices in CLASSES' order, or values."""
            if TARGET not in frame.columns:
                sys.exit(f"error: the data has no target column {TARGET!r}")
            if TASK == 'classification':
                labels = frame[TARGET].astype(object).map(canonical_text)
                keep = labels.notna().to_numpy()
                index = {label: i for i, label in enumerate(CLASSES)}
                unknown = sorted(set(labels[keep]) - set(index))
                if unknown:
                    sys.exit(f"error: target {TARGET!r} has labels the search never saw: {unknown[:5]}")
                return frame[keep], labels[keep].map(index).to_numpy(dtype=np.int64)
            values = pd.to_numeric(frame[TARGET])
            keep = values.notna().to_numpy()
            return frame[keep], values[keep].to_numpy(dtype=float)


        def column_encoder():
            """autopipe's feature schema as a ColumnTransformer: numeric columns pass through (missing values stay
            NaN for the imputer), a text column with few categories becomes one 0/1 column per recorded category
            (a missing or unseen category: all zeros), one with many an ordinal code (missing or unseen: -1); the
            categories are the ones recorded by the search, so nothing is learned from the data here."""
            parts = []
            for name, encoding, categories in COLUMNS:
                if encoding == 'numeric':
                    parts.append((name, 'passthrough', [name]))
                elif encoding == 'one_hot':
                    parts.append((name, OneHotEncoder(categories=[categories], handle_unknown='ignore',
                                                      sparse_output=False, dtype=float), [name]))
                else:
                    parts.append((name, OrdinalEncoder(categories=[categories], handle_unknown='use_encoded_value',
                                                       unknown_value=-1, encoded_missing_value=-1, dtype=float),
                                  [name]))
            return ColumnTransformer(parts, remainder='drop', sparse_threshold=0)
        """#

    static let stacking = #"""
        class StackingEstimator(BaseEstimator, TransformerMixin):
            """autopipe's stacking step (TPOT's StackingEstimator): a learner inside the pipeline adds its outputs
            as features. The output is, in autopipe's order, the learner's class probabilities (classifiers that
            have predict_proba; one column per class of CLASSES, 0 for a class absent from the fit), then its
            prediction (the class index, or the value), then the input."""

            def __init__(self, estimator):
                self.estimator = estimator

            def fit(self, X, y):
                self.estimator_ = clone(self.estimator).fit(X, y)
                return self

            def transform(self, X):
                X = np.asarray(X, dtype=float)
                parts = []
                if is_classifier(self.estimator_) and hasattr(self.estimator_, 'predict_proba'):
                    proba = np.zeros((X.shape[0], len(CLASSES)))
                    proba[:, self.estimator_.classes_.astype(int)] = self.estimator_.predict_proba(X)
                    parts.append(proba)
                parts.append(np.asarray(self.estimator_.predict(X), dtype=float).reshape(-1, 1))
                parts.append(X)
                return np.hstack(parts)
        """#

    static let zeroCount = #"""
        class ZeroCount(BaseEstimator, TransformerMixin):
            """TPOT's ZeroCount: prepends the number of zeros and the number of non-zeros of each row."""

            def fit(self, X, y=None):
                return self

            def transform(self, X):
                X = np.asarray(X, dtype=float)
                non_zero = np.count_nonzero(X, axis=1).reshape(-1, 1).astype(float)
                return np.hstack((X.shape[1] - non_zero, non_zero, X))
        """#

    static let tpotOneHotEncoder = #"""
        class TPOTOneHotEncoder(BaseEstimator, TransformerMixin):
            """TPOT's builtin OneHotEncoder (tpot/builtins/one_hot_encoder.py) as autopipe implements it, dense:
            columns with at most `threshold` distinct values (or all, with categorical_features='all') are encoded,
            a value v as the code int(v + 3); with minimum_fraction, codes rarer than that fraction become 1
            (OTHER); one 0/1 column per code seen in training, then the other columns unchanged. At transform, a
            code at or above max code + 2 becomes 0."""

            def __init__(self, categorical_features='auto', minimum_fraction=None, sparse=True, threshold=10):
                self.categorical_features = categorical_features
                self.minimum_fraction = minimum_fraction
                self.sparse = sparse
                self.threshold = threshold

            @staticmethod
            def _codes(column):
                codes = np.trunc(column + 3).astype(np.int64)
                if np.any(codes < 0):
                    raise ValueError('X needs to contain only non-negative integers.')
                return codes

            def fit(self, X, y=None):
                X = np.asarray(X, dtype=float)
                n, d = X.shape
                self.categorical_ = [c for c in range(d) if self.categorical_features == 'all'
                                     or len(np.unique(X[:, c])) <= self.threshold]
                self.passthrough_ = [c for c in range(d) if c not in self.categorical_]
                self.kept_, self.active_, self.n_values_ = [], [], []
                for c in self.categorical_:
                    codes = self._codes(X[:, c])
                    if self.minimum_fraction is not None:
                        values, counts = np.unique(codes, return_counts=True)
                        kept = values[counts / n >= self.minimum_fraction]
                        codes = np.where(np.isin(codes, kept), codes, 1)
                        self.kept_.append(kept)
                    present = np.unique(codes)
                    self.n_values_.append(int(present[-1]) + 2)
                    self.active_.append(present)
                return self

            def transform(self, X):
                X = np.asarray(X, dtype=float)
                if not self.categorical_:
                    return X
                blocks = []
                for j, c in enumerate(self.categorical_):
                    codes = self._codes(X[:, c])
                    if self.minimum_fraction is not None:
                        codes = np.where(np.isin(codes, self.kept_[j]), codes, 1)
                    codes = np.where(codes >= self.n_values_[j], 0, codes)
                    blocks.append((codes[:, None] == self.active_[j][None, :]).astype(float))
                blocks.append(X[:, self.passthrough_])
                return np.hstack(blocks)
        """#

    /// autopipe's held-out split, subsample and cross-validation folds (its xoshiro256** generator), so `--cv`
    /// scores the pipeline on exactly the folds the search used.
    static let folds = #"""
        # ---------------------------------------------------------------------------------------------------------
        # autopipe's cross-validation folds, reproduced exactly (its xoshiro256** generator seeded from SEED), so
        # --cv on the train.csv of `autopipe search --save-split` uses the folds the search scored with.

        _M64 = (1 << 64) - 1


        def _splitmix(state):
            state = (state + 0x9E3779B97F4A7C15) & _M64
            z = state
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
            return state, z ^ (z >> 31)


        def _combine(a, b):
            return _splitmix(a ^ ((b * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) & _M64))[1]


        def _fnv1a(text):
            h = 0xCBF29CE484222325
            for byte in text.encode('utf-8'):
                h = ((h ^ byte) * 0x100000001B3) & _M64
            return h


        def _rotl(x, k):
            return ((x << k) | (x >> (64 - k))) & _M64


        class _Generator:
            def __init__(self, seed):
                self.s = []
                for _ in range(4):
                    seed, value = _splitmix(seed)
                    self.s.append(value)
                if not any(self.s):
                    self.s[0] = 0x9E3779B97F4A7C15

            def next(self):
                s0, s1, s2, s3 = self.s
                result = (_rotl((s1 * 5) & _M64, 7) * 9) & _M64
                t = (s1 << 17) & _M64
                s2 ^= s0
                s3 ^= s1
                s1 ^= s2
                s0 ^= s3
                s2 ^= t
                s3 = _rotl(s3, 45)
                self.s = [s0, s1, s2, s3]
                return result

            def below(self, bound):
                m = self.next() * bound
                if (m & _M64) < bound:
                    threshold = ((1 << 64) - bound) % bound
                    while (m & _M64) < threshold:
                        m = self.next() * bound
                return m >> 64

            def shuffle(self, items):
                for i in range(len(items) - 1, 0, -1):
                    j = self.below(i + 1)
                    items[i], items[j] = items[j], items[i]

            def derived(self, label):
                return _Generator(_combine(_combine(self.s[0], self.s[1]), _fnv1a(label)))


        def _by_class(y):
            groups = [[] for _ in CLASSES]
            for row, label in enumerate(y):
                groups[label].append(row)
            return groups


        def _held_out(y, test_size, rng):
            """autopipe's TrainTestSplit: the rows kept for training, in order."""
            n = len(y)
            if test_size <= 0:
                return list(range(n))
            total = min(max(math.ceil(n * test_size), 1), n - 1)
            test = []
            if TASK == 'classification':
                groups = _by_class(y)
                exact = [len(rows) * total / n for rows in groups]
                take = [math.floor(e) for e in exact]
                order = sorted(range(len(groups)), key=lambda c: (-(exact[c] - take[c]), c))
                remaining = total - sum(take)
                for c in order:
                    if remaining > 0 and take[c] < len(groups[c]) - 1:
                        take[c] += 1
                        remaining -= 1
                for c, rows in enumerate(groups):
                    if rows:
                        rng.shuffle(rows)
                        test.extend(rows[:min(take[c], len(rows) - 1)])
            else:
                rows = list(range(n))
                rng.shuffle(rows)
                test = rows[:total]
            held = set(test)
            return [row for row in range(n) if row not in held]


        def autopipe_folds(y):
            """(rows searched, test folds): the rows the search evaluated on (all, or its --subsample) and the test
            rows of each fold, as positions in y."""
            root = _Generator(SEED)
            rows = list(range(len(y)))
            if SUBSAMPLE < 1:
                rows = _held_out(y, 1 - SUBSAMPLE, root.derived('subsample'))
            searched = np.asarray(y)[rows]
            rng = root.derived('folds')
            folds = [[] for _ in range(CV_FOLDS)]
            if TASK == 'classification':
                k = 0
                for group in _by_class(searched):
                    rng.shuffle(group)
                    for row in group:
                        folds[k].append(row)
                        k = (k + 1) % CV_FOLDS
            else:
                order = list(range(len(searched)))
                rng.shuffle(order)
                for i, row in enumerate(order):
                    folds[i * CV_FOLDS // max(len(searched), 1)].append(row)
            return np.asarray(rows), [np.asarray(sorted(fold), dtype=np.int64) for fold in folds]
        """#

    static let scoring = #"""
        # ---------------------------------------------------------------------------------------------------------
        # Scores as autopipe computes them (greater is better; errors negated).

        def class_scores(model, X):
            """(scores, are_probabilities): one column per class of CLASSES, or None."""
            if hasattr(model, 'predict_proba'):
                full, values, probabilities = np.zeros((len(X), len(CLASSES))), model.predict_proba(X), True
            elif hasattr(model, 'decision_function'):
                full, values, probabilities = np.zeros((len(X), len(CLASSES))), model.decision_function(X), False
                if values.ndim == 1:
                    values = np.column_stack((-values, values))
            else:
                return None, False
            full[:, model.classes_.astype(int)] = values
            return full, probabilities


        def _binary_auc(positive, score):
            from sklearn.metrics import roc_auc_score
            return roc_auc_score(positive, score)


        def score(y, predicted, scores=None, probabilities=False):
            y, predicted = np.asarray(y), np.asarray(predicted)
            if METRIC == 'accuracy':
                return float(np.mean(y == predicted))
            if METRIC in ('balanced_accuracy', 'f1_macro'):
                values = []
                for c in range(len(CLASSES)):
                    support, hits, chosen = np.sum(y == c), np.sum((y == c) & (predicted == c)), np.sum(predicted == c)
                    if METRIC == 'balanced_accuracy' and support > 0:
                        values.append(hits / support)
                    elif METRIC == 'f1_macro' and support + chosen > 0:
                        values.append(2 * hits / (support + chosen))
                return float(np.mean(values))
            if METRIC in ('roc_auc', 'neg_log_loss'):
                if scores is None or (METRIC == 'neg_log_loss' and not probabilities):
                    scores = np.eye(len(CLASSES))[predicted]
                if METRIC == 'neg_log_loss':
                    p = np.clip(scores, 1e-15, 1 - 1e-15)
                    q = p[np.arange(len(y)), y] / p.sum(axis=1)
                    return float(np.mean(np.log(q)))
                if len(CLASSES) == 2:
                    return float(_binary_auc(y == 1, scores[:, 1]))
                aucs = [_binary_auc(y == c, scores[:, c]) for c in range(len(CLASSES)) if 0 < np.sum(y == c) < len(y)]
                return float(np.mean(aucs))
            if METRIC == 'r2':
                total = np.sum((y - y.mean()) ** 2)
                residual = np.sum((y - predicted) ** 2)
                return float(1 - residual / total) if total > 0 else (1.0 if residual == 0 else 0.0)
            if METRIC == 'neg_mean_squared_error':
                return float(-np.mean((y - predicted) ** 2))
            return float(-np.mean(np.abs(y - predicted)))


        def cross_validate(frame, y):
            """The pipeline's CV score on these rows with autopipe's folds (see autopipe_folds)."""
            rows, folds = autopipe_folds(y)
            X, y = frame.iloc[rows], y[rows]
            fold_scores = []
            for test in folds:
                train = np.setdiff1d(np.arange(len(y)), test)
                model = build_pipeline().fit(X.iloc[train], y[train])
                Xt = X.iloc[test]
                scores, probabilities = class_scores(model, Xt) if TASK == 'classification' else (None, False)
                fold_scores.append(score(y[test], model.predict(Xt), scores, probabilities))
            return float(np.mean(fold_scores)), fold_scores
        """#

    static let main = #"""
        # ---------------------------------------------------------------------------------------------------------

        def write_predictions(model, frame, path, proba):
            """The format of `autopipe predict`: the id columns present, the prediction (original labels), and with
            proba one column per class (probabilities, or decision values when the learner has none)."""
            out = pd.DataFrame({name: frame[name] for name in ID_COLUMNS if name in frame.columns})
            predicted = model.predict(frame)
            if TASK == 'classification':
                out[TARGET] = np.asarray(CLASSES, dtype=object)[np.asarray(predicted, dtype=np.int64)]
                if proba:
                    scores, probabilities = class_scores(model, frame)
                    if scores is None:
                        sys.exit('error: the learner has neither probabilities nor decision values')
                    prefix = 'proba_' if probabilities else 'decision_'
                    for c, label in enumerate(CLASSES):
                        out[prefix + label] = scores[:, c]
            else:
                out[TARGET] = predicted
            out.to_csv(path, index=False)


        def main():
            parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
            parser.add_argument('train', help='CSV to fit on (the columns of the search data, with the target)')
            parser.add_argument('--predict', metavar='CSV', help='CSV to predict (default: the training CSV)')
            parser.add_argument('--output', default='predictions.csv', help='where to write the predictions')
            parser.add_argument('--proba', action='store_true', help='also write one probability column per class')
            parser.add_argument('--cv', action='store_true',
                                help=f'print the {CV_FOLDS}-fold CV {METRIC} on the training CSV (autopipe\'s folds)')
            parser.add_argument('--sep', default=',', help='field delimiter of the CSVs (default: ,)')
            parser.add_argument('--timing', action='store_true', help='print the time of each phase to stderr')
            args = parser.parse_args()

            start = time.perf_counter()
            frame, y = encode_target(read_csv(args.train, args.sep))
            if args.cv:
                mean, folds = cross_validate(frame, y)
                print(f"CV {METRIC}: {mean!r} (folds: {', '.join(repr(s) for s in folds)})")
            fit_start = time.perf_counter()
            model = build_pipeline().fit(frame, y)
            predict_start = time.perf_counter()
            new = frame if args.predict is None else read_csv(args.predict, args.sep)
            write_predictions(model, new, args.output, args.proba)
            end = time.perf_counter()
            if args.timing:
                print(f'timing: read and cv {fit_start - start:.3f} s, fit {predict_start - fit_start:.3f} s, '
                      f'predict (read, predict, write) {end - predict_start:.3f} s', file=sys.stderr)


        if __name__ == '__main__':
            main()
        """#
}
