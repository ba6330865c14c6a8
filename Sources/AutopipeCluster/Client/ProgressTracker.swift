import AutopipeSearch

/// What the dashboard shows of a search, worked out from the evaluations it requested: one generation per
/// `evaluate` call, the best score so far, and the Pareto front of (score, operator count) over every pipeline
/// that evaluated without error — the same front the search keeps (TPOT's).
struct ProgressTracker {
    struct Point {
        var score: Double
        var operators: Int
        var key: String
        var text: String
    }

    private(set) var generation = -1
    private(set) var evaluations = 0
    private(set) var front: [Point] = []

    var bestScore: Double { front.map(\.score).max() ?? -.infinity }

    mutating func record(jobs: [EvaluationJob], results: [EvaluationResult]) {
        generation += 1
        evaluations += results.count
        var candidates = front
        for (job, result) in zip(jobs, results) where result.isOK && result.score.isFinite {
            candidates.append(Point(score: result.score, operators: job.pipeline.operatorCount, key: job.key,
                                    text: job.pipeline.description))
        }
        front = candidates.filter { p in
            !candidates.contains { q in
                q.score >= p.score && q.operators <= p.operators && (q.score > p.score || q.operators < p.operators)
            }
        }
        var seen = Set<String>()
        front = front.sorted { ($0.operators, -$0.score, $0.key) < ($1.operators, -$1.score, $1.key) }
            .filter { seen.insert($0.key).inserted }
    }

    func message(metric: String) -> SearchProgress {
        SearchProgress(generation: UInt32(clamping: max(generation, 0)), evaluations: UInt32(clamping: evaluations),
                       bestScore: bestScore, metric: metric,
                       front: front.prefix(50).map { .init(score: $0.score, operators: UInt32(clamping: $0.operators),
                                                           text: String($0.text.prefix(2000))) })
    }
}

extension RemoteEvaluator {
    func reportProgress(jobs: [EvaluationJob], results: [EvaluationResult]) {
        let (message, link): (SearchProgress, SchedulerLink?) = lock.withLock {
            tracker.record(jobs: jobs, results: results)
            return (tracker.message(metric: problem.metric.rawValue), currentLink)
        }
        link?.send(.progress(message))
    }
}
