import AutopipeOperators

/// How one cross-validation fold of an evaluation ended.
public enum FoldOutcome: Sendable, Hashable {
    case scored(Double, seconds: Double)
    case failed(OperatorError, seconds: Double)
    /// Not run: a fold with a lower index had already failed.
    case skipped

    var seconds: Double {
        switch self {
        case .scored(_, let s), .failed(_, let s): return s
        case .skipped: return 0
        }
    }

    /// The evaluation's result from its folds' outcomes (in fold order), as a fold-by-fold run would give it:
    /// the first failing fold (by index) decides the status and the scores are those of the folds before it.
    /// This is what makes fold-parallel evaluation reproducible: folds above a failure may be cancelled or
    /// skipped, folds below it never are.
    public static func combine(_ outcomes: [FoldOutcome], key: String, wallSeconds: Double) -> EvaluationResult {
        var scores: [Double] = []
        let foldSeconds = outcomes.map(\.seconds)
        for outcome in outcomes {
            switch outcome {
            case .scored(let score, _):
                scores.append(score)
            case .failed(let error, _):
                let status: EvaluationStatus
                if case .timedOut(let limit) = error { status = .timedOut(seconds: limit) } else { status = .failed(error) }
                return EvaluationResult(key: key, status: status, foldScores: scores, score: -.infinity,
                                        seconds: wallSeconds, foldSeconds: foldSeconds)
            case .skipped:
                // Only folds above a failure are skipped, so a skip before any failure means the caller lost one.
                return EvaluationResult(key: key, status: .failed(.invalidPipeline(reason: "a fold was not evaluated")),
                                        foldScores: scores, score: -.infinity, seconds: wallSeconds,
                                        foldSeconds: foldSeconds)
            }
        }
        let mean = scores.reduce(0, +) / Double(max(scores.count, 1))
        return EvaluationResult(key: key, status: .ok, foldScores: scores, score: mean, seconds: wallSeconds,
                                foldSeconds: foldSeconds)
    }
}
