import Foundation

/// The scheduler's state at one moment, as `/api/status` serves it (snake_case JSON) and the dashboard draws it.
public struct ClusterSnapshot: Codable, Sendable {
    public static let currentFormatVersion = 1

    public struct WorkerInfo: Codable, Sendable {
        public var name: String
        public var address: String
        public var threads: Int
        public var running: Int
        public var tasksDone: Int
        public var tasksFailed: Int
        public var lastHeartbeatSecondsAgo: Double
        public var connectedSeconds: Double
    }

    public struct TaskCounts: Codable, Sendable, Hashable {
        public var submitted = 0
        public var queued = 0
        public var running = 0
        /// Evaluations that came back with a score.
        public var done = 0
        /// Evaluations that came back failed or timed out, plus tasks marked failed after crashing workers.
        public var failed = 0
        /// Tasks put back in the queue after their worker was lost.
        public var requeued = 0
        /// Tasks marked failed because they were lost with too many workers.
        public var poisoned = 0
        /// Tasks the search took back (it evaluated them itself).
        public var withdrawn = 0
    }

    public struct RateSample: Codable, Sendable, Hashable {
        public var seconds: Double
        public var tasksPerSecond: Double

        public init(seconds: Double, tasksPerSecond: Double) {
            self.seconds = seconds
            self.tasksPerSecond = tasksPerSecond
        }
    }

    public struct ScorePoint: Codable, Sendable, Hashable {
        public var seconds: Double
        public var generation: Int
        public var score: Double
    }

    public struct FrontPoint: Codable, Sendable, Hashable {
        public var score: Double
        public var operators: Int
        public var pipeline: String
    }

    public struct SearchInfo: Codable, Sendable {
        public var id: UInt64
        public var name: String
        public var address: String
        public var dataset: String
        public var queued: Int
        public var running: Int
        public var done: Int
        public var failed: Int
        public var generation: Int?
        public var evaluations: Int?
        public var metric: String?
        public var bestScore: Double?
        public var bestHistory: [ScorePoint]
        public var front: [FrontPoint]
        public var openedSeconds: Double
    }

    public var formatVersion = ClusterSnapshot.currentFormatVersion
    public var uptimeSeconds: Double
    public var workers: [WorkerInfo]
    public var threads: Int
    public var tasks: TaskCounts
    public var throughput: [RateSample]
    public var searches: [SearchInfo]

    /// Snake-case JSON; non-finite scores as strings ("-inf").
    public func encoded(pretty: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                      nan: "nan")
        return try encoder.encode(self)
    }

    public static func decode(_ data: Data) throws -> ClusterSnapshot {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf",
                                                                        negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(ClusterSnapshot.self, from: data)
    }
}

extension SchedulerCore {
    func snapshot(now: Double) -> ClusterSnapshot {
        var counts = counters
        counts.queued = queuedTotal
        counts.running = workers.values.reduce(0) { $0 + $1.running.count }
        let workerInfos = workers.values.sorted { $0.peer < $1.peer }.map { w in
            ClusterSnapshot.WorkerInfo(
                name: w.name, address: w.address, threads: w.threads, running: w.running.count, tasksDone: w.done,
                tasksFailed: w.failed, lastHeartbeatSecondsAgo: max(0, now - (peers[w.peer]?.lastSeen ?? now)),
                connectedSeconds: now - w.joinedAt)
        }
        let searchInfos = searches.values.sorted { $0.id < $1.id }.map { s in
            ClusterSnapshot.SearchInfo(
                id: s.id, name: s.name, address: s.address, dataset: ProblemCodec.hex(s.digest, length: 12),
                queued: s.queued, running: s.running, done: s.done, failed: s.failed,
                generation: s.progress.map { Int($0.generation) }, evaluations: s.progress.map { Int($0.evaluations) },
                metric: s.progress?.metric, bestScore: s.progress?.bestScore, bestHistory: s.bestHistory,
                front: (s.progress?.front ?? []).map { .init(score: $0.score, operators: Int($0.operators), pipeline: $0.text) },
                openedSeconds: now - s.openedAt)
        }
        return ClusterSnapshot(uptimeSeconds: now - startedAt, workers: workerInfos, threads: threadCount, tasks: counts,
                               throughput: throughput, searches: searchInfos)
    }
}
