#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// What a fitted pipeline predicted for some rows: class indices (with a score per class when the learner has
/// one: probabilities, or decision values), or real values.
public enum Predictions: Sendable, Hashable {
    case classes([Int], scores: Matrix?, scoresAreProbabilities: Bool)
    case values([Double])
}

/// Scoring functions, by scikit-learn's scorer names. Every score is "greater is better" (errors are negated).
public enum Metric: String, Codable, Sendable, CaseIterable {
    case accuracy
    case balancedAccuracy = "balanced_accuracy"
    case f1Macro = "f1_macro"
    case rocAUC = "roc_auc"
    case negLogLoss = "neg_log_loss"
    case r2
    case negMeanSquaredError = "neg_mean_squared_error"
    case negMeanAbsoluteError = "neg_mean_absolute_error"

    public var task: Task {
        switch self {
        case .accuracy, .balancedAccuracy, .f1Macro, .rocAUC, .negLogLoss: return .classification
        case .r2, .negMeanSquaredError, .negMeanAbsoluteError: return .regression
        }
    }

    /// The default metric of a task (TPOT's: accuracy, negative mean squared error; autopipe uses r2 for
    /// regression because it reads on one scale across datasets).
    public static func defaultMetric(for task: Task) -> Metric {
        task == .classification ? .accuracy : .r2
    }

    public static func named(_ name: String) -> Metric? { Metric(rawValue: name) }

    /// Metrics that need class probabilities (or scores) from the learner.
    public var needsScores: Bool { self == .rocAUC || self == .negLogLoss }

    public func score(truth: Targets, predictions: Predictions) -> Double {
        switch (truth, predictions) {
        case (.classes(let y, let classCount), .classes(let predicted, let scores, let areProbabilities)):
            switch self {
            case .accuracy: return Metric.accuracy(y, predicted)
            case .balancedAccuracy: return Metric.balancedAccuracy(y, predicted, classCount)
            case .f1Macro: return Metric.f1Macro(y, predicted, classCount)
            case .rocAUC:
                let s = scores ?? Metric.oneHot(predicted, classCount)
                return Metric.rocAUC(y, s, classCount)
            case .negLogLoss:
                let p = (scores != nil && areProbabilities) ? scores! : Metric.oneHot(predicted, classCount)
                return -Metric.logLoss(y, p)
            default: return .nan
            }
        case (.values(let y), .values(let predicted)):
            switch self {
            case .r2: return Metric.r2(y, predicted)
            case .negMeanSquaredError: return -Metric.meanSquaredError(y, predicted)
            case .negMeanAbsoluteError: return -Metric.meanAbsoluteError(y, predicted)
            default: return .nan
            }
        default:
            return .nan
        }
    }

    // MARK: - Classification

    public static func accuracy(_ y: [Int], _ p: [Int]) -> Double {
        guard !y.isEmpty else { return .nan }
        var hits = 0
        for i in y.indices where y[i] == p[i] { hits += 1 }
        return Double(hits) / Double(y.count)
    }

    static func confusion(_ y: [Int], _ p: [Int], _ k: Int) -> (tp: [Double], support: [Double], predicted: [Double]) {
        var tp = [Double](repeating: 0, count: k), support = tp, predicted = tp
        for i in y.indices {
            support[y[i]] += 1
            if p[i] >= 0 && p[i] < k { predicted[p[i]] += 1 }
            if y[i] == p[i] { tp[y[i]] += 1 }
        }
        return (tp, support, predicted)
    }

    /// Mean recall over the classes present in `y` (scikit-learn's `balanced_accuracy_score`).
    public static func balancedAccuracy(_ y: [Int], _ p: [Int], _ k: Int) -> Double {
        let (tp, support, _) = confusion(y, p, k)
        var sum = 0.0, present = 0
        for c in 0..<k where support[c] > 0 {
            sum += tp[c] / support[c]
            present += 1
        }
        return present == 0 ? .nan : sum / Double(present)
    }

    /// Unweighted mean F1 over the classes present in `y` or in the predictions (scikit-learn's `f1_macro`, with
    /// 0 for a class with no true or predicted members).
    public static func f1Macro(_ y: [Int], _ p: [Int], _ k: Int) -> Double {
        let (tp, support, predicted) = confusion(y, p, k)
        var sum = 0.0, labels = 0
        for c in 0..<k where support[c] > 0 || predicted[c] > 0 {
            let denominator = support[c] + predicted[c]
            sum += denominator > 0 ? 2 * tp[c] / denominator : 0
            labels += 1
        }
        return labels == 0 ? .nan : sum / Double(labels)
    }

    /// Area under the ROC curve: binary (scores of class 1), or one-vs-rest macro average over the classes
    /// present (scikit-learn's `roc_auc_ovr`).
    public static func rocAUC(_ y: [Int], _ scores: Matrix, _ k: Int) -> Double {
        if k == 2 {
            return binaryAUC(y.map { $0 == 1 }, scores.column(scores.columns == 1 ? 0 : 1))
        }
        var sum = 0.0, used = 0
        for c in 0..<k {
            let positive = y.map { $0 == c }
            let positives = positive.filter { $0 }.count
            if positives == 0 || positives == y.count { continue }
            sum += binaryAUC(positive, scores.column(c))
            used += 1
        }
        return used == 0 ? .nan : sum / Double(used)
    }

    /// Mann-Whitney form of the AUC with average ranks for ties.
    public static func binaryAUC(_ positive: [Bool], _ score: [Double]) -> Double {
        let n = positive.count
        let order = (0..<n).sorted { score[$0] < score[$1] }
        var ranks = [Double](repeating: 0, count: n)
        var i = 0
        while i < n {
            var j = i
            while j + 1 < n && score[order[j + 1]] == score[order[i]] { j += 1 }
            let rank = Double(i + j) / 2 + 1
            for t in i...j { ranks[order[t]] = rank }
            i = j + 1
        }
        var rankSum = 0.0, positives = 0.0
        for t in 0..<n where positive[t] {
            rankSum += ranks[t]
            positives += 1
        }
        let negatives = Double(n) - positives
        guard positives > 0, negatives > 0 else { return .nan }
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
    }

    /// Cross-entropy with probabilities clipped to [eps, 1 - eps] and rows renormalised (scikit-learn's
    /// `log_loss`).
    public static func logLoss(_ y: [Int], _ p: Matrix) -> Double {
        let eps = 1e-15
        var total = 0.0
        for i in y.indices {
            var rowSum = 0.0
            for c in 0..<p.columns { rowSum += min(max(p[i, c], eps), 1 - eps) }
            let q = min(max(p[i, y[i]], eps), 1 - eps) / rowSum
            total -= log(q)
        }
        return total / Double(y.count)
    }

    static func oneHot(_ predicted: [Int], _ k: Int) -> Matrix {
        var m = Matrix(rows: predicted.count, columns: k)
        for (i, c) in predicted.enumerated() where c >= 0 && c < k { m[i, c] = 1 }
        return m
    }

    // MARK: - Regression

    public static func r2(_ y: [Double], _ p: [Double]) -> Double {
        guard !y.isEmpty else { return .nan }
        let mean = y.reduce(0, +) / Double(y.count)
        var residual = 0.0, total = 0.0
        for i in y.indices {
            residual += (y[i] - p[i]) * (y[i] - p[i])
            total += (y[i] - mean) * (y[i] - mean)
        }
        if total == 0 { return residual == 0 ? 1 : 0 }
        return 1 - residual / total
    }

    public static func meanSquaredError(_ y: [Double], _ p: [Double]) -> Double {
        var s = 0.0
        for i in y.indices { s += (y[i] - p[i]) * (y[i] - p[i]) }
        return s / Double(y.count)
    }

    public static func meanAbsoluteError(_ y: [Double], _ p: [Double]) -> Double {
        var s = 0.0
        for i in y.indices { s += abs(y[i] - p[i]) }
        return s / Double(y.count)
    }
}
