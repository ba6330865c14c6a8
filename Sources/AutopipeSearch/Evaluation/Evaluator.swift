/// Something that scores pipelines: threads in this process (`LocalEvaluator`), or a cluster of workers.
///
/// Results are returned in the order of `jobs`, whatever order they finish in, so the search that consumes them
/// is deterministic. `onResult` is called as each one finishes (for progress and records).
public protocol Evaluator: Sendable {
    func evaluate(_ jobs: [EvaluationJob], onResult: @escaping @Sendable (EvaluationResult) -> Void) async throws
        -> [EvaluationResult]
}
