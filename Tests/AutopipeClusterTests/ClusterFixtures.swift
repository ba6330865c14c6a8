import AutopipeData
import AutopipeOperators
import AutopipeSearch
import AutopipeTestSupport
import Foundation
import Logging
import Testing
@testable import AutopipeCluster

/// Problems, jobs and fake peers shared by the cluster tests.
enum ClusterFixtures {
    static func problem(_ name: String = "iris", folds: Int = 3, metric: Metric? = nil) throws -> EvaluationProblem {
        let dataset = try TestSupport.dataset(name)
        let plan = FoldPlan.make(targets: dataset.targets, folds: folds, generator: SeededGenerator(seed: 7))
        return EvaluationProblem(features: dataset.features, targets: dataset.targets, folds: plan,
                                 metric: metric ?? Metric.defaultMetric(for: dataset.task), maxEvalSeconds: 60)
    }

    /// Fast operators only (of each parameter type), so that the tests that evaluate jobs stay light whatever the
    /// standard space holds.
    static let fastSpace: SearchSpace = {
        let json = """
            {"GaussianNB": {"var_smoothing": [1e-9, 1e-6, 1e-3]},
             "BernoulliNB": {"alpha": [0.01, 0.1, 1.0, 10.0], "fit_prior": [true, false], "binarize": [0.0, 0.5]},
             "DecisionTreeClassifier": {"criterion": ["gini", "entropy"], "max_depth": [1, 2, 3, 4, 5],
                                        "min_samples_split": [2, 5, 10]},
             "DecisionTreeRegressor": {"max_depth": [1, 2, 3, 4, 5], "min_samples_leaf": [1, 5, 10]},
             "StandardScaler": {}, "MinMaxScaler": {}, "Normalizer": {"norm": ["l1", "l2", "max"]},
             "SelectPercentile": {"percentile": [25, 50, 75]}}
            """
        do {
            return try SearchSpace.parse(Data(json.utf8), name: "cluster-tests")
        } catch {
            Issue.record("the fast test space does not parse: \(error)")
            return .standard()
        }
    }()

    /// `count` jobs: distinct canonical random pipelines for `task` as jobs of a search seeded `seed`; when the
    /// operator space has fewer distinct pipelines, they repeat under other search seeds (same key, other seed).
    /// From `fastSpace` unless another `space` is given.
    static func jobs(_ count: Int, task: AutopipeData.Task = .classification, seed: UInt64 = 3,
                     space: SearchSpace? = nil) -> [EvaluationJob] {
        let generator = PipelineGenerator(space: space ?? fastSpace, task: task)
        var rng = SeededGenerator(seed: seed)
        var seen = Set<String>()
        var jobs: [EvaluationJob] = []
        var attempts = 0
        while jobs.count < count && attempts < count * 100 {
            attempts += 1
            guard let p = try? generator.randomPipeline(&rng).canonicalized(for: task) else { continue }
            let job = EvaluationJob(pipeline: p, searchSeed: seed)
            if seen.insert(job.key).inserted { jobs.append(job) }
        }
        let distinct = jobs
        var round: UInt64 = 1
        while jobs.count < count, !distinct.isEmpty {
            for j in distinct where jobs.count < count {
                jobs.append(EvaluationJob(pipeline: j.pipeline, searchSeed: seed &+ round))
            }
            round += 1
        }
        return jobs
    }

    /// Results equal except their wall-clock time.
    static func sameOutcome(_ a: [EvaluationResult], _ b: [EvaluationResult]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy {
            $0.key == $1.key && $0.status == $1.status && $0.foldScores == $1.foldScores
                && ($0.score == $1.score || ($0.score.isNaN && $1.score.isNaN))
        }
    }

    static var quietLogger: Logger {
        var l = Logger(label: "test")
        l.logLevel = .critical
        return l
    }

    static func token(_ text: String = "correct horse battery staple") -> ClusterToken {
        ClusterToken(secret: Array(text.utf8))
    }

    /// Polls `condition` until true or `timeout` seconds pass.
    static func eventually(timeout: Double = 30, _ condition: () -> Bool) async -> Bool {
        let start = ContinuousClock.now
        while !condition() {
            if start.secondsElapsed > timeout { return false }
            try? await _Concurrency.Task.sleep(for: .milliseconds(10))
        }
        return true
    }
}

/// A worker whose behaviour per task is scripted: answer at once with a canned result, never answer, or vanish
/// (drop its connection, as a crashed process would).
final class FakeWorker: @unchecked Sendable {
    enum Reply {
        case result(EvaluationResult)
        case silence
        case die
    }

    let link: SchedulerLink
    private let lock = NSLock()
    private(set) var received: [RunTask] = []
    private(set) var problems: [[UInt8]] = []
    var behaviour: @Sendable (RunTask) -> Reply

    init(name: String, threads: Int, token: ClusterToken? = nil,
         behaviour: @escaping @Sendable (RunTask) -> Reply = { _ in .result(FakeWorker.okResult) }) {
        link = SchedulerLink(identity: .init(role: .worker, name: name, token: token, threads: threads,
                                             heartbeatTimeout: 30),
                             address: "in-process", logger: ClusterFixtures.quietLogger)
        self.behaviour = behaviour
        link.onMessage = { [weak self] message in self?.handle(message) }
    }

    static let okResult = EvaluationResult(key: "", status: .ok, foldScores: [0.5, 0.5], score: 0.5, seconds: 0)

    func connect(_ hub: InProcessHub) async throws {
        _ = try await link.open(dialer: hub.dialer(name: "fake-worker"))
    }

    var receivedCount: Int { lock.withLock { received.count } }
    var receivedTasks: [RunTask] { lock.withLock { received } }

    private func handle(_ message: ClusterMessage) {
        switch message {
        case .problemData(let digest, _):
            lock.withLock { problems.append(digest) }
        case .runTask(let task):
            lock.withLock { received.append(task) }
            switch behaviour(task) {
            case .result(let r):
                link.send(.taskResult(TaskResult(id: task.id, outcome: JobCodec.outcome(r), payload: JobCodec.encode(r))))
            case .silence:
                break
            case .die:
                link.close()
            }
        default:
            break
        }
    }
}

/// A search client that speaks the protocol directly (opaque payloads), for scheduler tests.
final class FakeClient: @unchecked Sendable {
    let link: SchedulerLink
    private let lock = NSLock()
    private(set) var results: [UInt64: TaskOutcome] = [:]
    private(set) var failures: [UInt64: String] = [:]
    private(set) var workerCounts: [UInt32] = []

    init(name: String, token: ClusterToken? = nil) {
        link = SchedulerLink(identity: .init(role: .client, name: name, token: token, threads: 0, heartbeatTimeout: 30),
                             address: "in-process", logger: ClusterFixtures.quietLogger)
        link.onMessage = { [weak self] message in self?.handle(message) }
    }

    func connect(_ hub: InProcessHub, problem: [UInt8] = Array("dataset".utf8)) async throws {
        _ = try await link.open(dialer: hub.dialer(name: "fake-client"))
        link.send(.openSearch(OpenSearch(name: "fake", digest: ProblemCodec.digest(problem), problem: problem)))
    }

    func submit(_ ids: ClosedRange<UInt64>) {
        link.send(.submitTasks(ids.map { TaskSubmission(id: $0, payload: Array("job \($0)".utf8)) }))
    }

    var finishedCount: Int { lock.withLock { results.count + failures.count } }
    var failureReasons: [UInt64: String] { lock.withLock { failures } }
    var lastWorkerCount: UInt32? { lock.withLock { workerCounts.last } }

    private func handle(_ message: ClusterMessage) {
        lock.withLock {
            switch message {
            case .taskResult(let r): results[r.id] = r.outcome
            case .taskFailed(let id, let reason): failures[id] = reason
            case .clusterStatus(let workers, _): workerCounts.append(workers)
            default: break
            }
        }
    }
}
