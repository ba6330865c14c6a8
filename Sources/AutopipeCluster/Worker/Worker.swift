import AutopipeData
import AutopipeOperators
import AutopipeSearch
import Foundation
import Logging

public struct WorkerConfiguration: Sendable {
    public var name: String
    /// Evaluation slots (`--nthreads`).
    public var threads: Int
    public var token: ClusterToken?
    /// Give up after this long without a scheduler (`--death-timeout`; nil: never).
    public var deathTimeout: Double?
    /// A scheduler silent for this long is considered gone.
    public var heartbeatTimeout: Double
    /// First and longest wait between reconnection attempts (doubling in between).
    public var reconnectDelay: ClosedRange<Double>
    /// Datasets kept in memory (least recently used dropped first).
    public var problemCacheSize: Int
    /// Reusable sub-pipeline outputs (`FitMemo`), shared out among the cached datasets.
    public var memoBytes = EvaluationProblem.defaultMemoBytes

    var memoBytesPerProblem: Int { memoBytes / max(problemCacheSize, 1) }

    public init(name: String, threads: Int, token: ClusterToken? = nil, deathTimeout: Double? = 300,
                heartbeatTimeout: Double = 15, reconnectDelay: ClosedRange<Double> = 0.25...10,
                problemCacheSize: Int = 8) {
        self.name = name
        self.threads = threads
        self.token = token
        self.deathTimeout = deathTimeout
        self.heartbeatTimeout = heartbeatTimeout
        self.reconnectDelay = reconnectDelay
        self.problemCacheSize = problemCacheSize
    }
}

/// A worker: connects to the scheduler, receives datasets (verified against their digest, cached) and tasks
/// (pipeline documents), evaluates them on `threads` threads and streams each result back as it finishes. When
/// the scheduler goes away it cancels what it was running and reconnects with backoff until `deathTimeout`.
public final class Worker: @unchecked Sendable {
    public let configuration: WorkerConfiguration
    let dialer: any ClusterDialer
    let logger: Logger
    let pool: WorkerPool
    private let lock = NSLock()
    private var problems: [[UInt8]: (problem: EvaluationProblem, lastUse: UInt64)] = [:]
    private var badProblems: [[UInt8]: String] = [:]
    private var useCounter: UInt64 = 0
    private var stopped = false
    private var link: SchedulerLink?
    private var session: Session?
    private var completed = 0
    /// Test hook: called on the evaluation thread before each task (a "poison" task can stop the process here).
    public var beforeTask: (@Sendable (EvaluationJob) -> Void)?

    public init(configuration: WorkerConfiguration, dialer: any ClusterDialer, logger: Logger? = nil) {
        self.configuration = configuration
        self.dialer = dialer
        self.logger = logger ?? Logger(label: "autopipe.worker")
        pool = WorkerPool(threads: configuration.threads)
    }

    deinit { pool.shutdown() }

    /// Evaluations finished (sent back or not).
    public var tasksCompleted: Int { lock.withLock { completed } }

    /// Serves the scheduler until `stop()`; throws when refused (wrong token, version) or after `deathTimeout`
    /// without a scheduler.
    public func run() async throws {
        var delay = configuration.reconnectDelay.lowerBound
        var disconnectedSince = ContinuousClock.now
        var announcedWaiting = false
        while !isStopped {
            let link = makeLink()
            do {
                _ = try await link.open(dialer: dialer)
                logger.info(Logger.Message(stringLiteral: "connected to the scheduler at \(dialer.address) as \(configuration.name) "
                    + "with \(configuration.threads) thread\(configuration.threads == 1 ? "" : "s")"))
                delay = configuration.reconnectDelay.lowerBound
                announcedWaiting = false
                let reason = await link.closed()
                endSession()
                if let rejection = link.rejection { throw ClusterError.rejected(address: dialer.address, reason: rejection) }
                if isStopped { break }
                logger.warning("lost the scheduler at \(dialer.address): \(reason); reconnecting")
                disconnectedSince = .now
            } catch let error as ClusterError {
                endSession()
                switch error {
                case .rejected, .handshake, .configuration: throw error
                default:
                    if !announcedWaiting {
                        logger.warning(Logger.Message(stringLiteral: "\(error); retrying"
                            + (configuration.deathTimeout.map { " for up to \(Int($0)) s (--death-timeout)" } ?? "")))
                        announcedWaiting = true
                    }
                }
            }
            if isStopped { break }
            let waited = disconnectedSince.secondsElapsed
            if let limit = configuration.deathTimeout, waited >= limit {
                throw ClusterError.deathTimeout(address: dialer.address, seconds: limit)
            }
            let pause = min(delay, configuration.deathTimeout.map { max($0 - waited, 0.01) } ?? delay)
            // Jittered, and in short steps so `stop()` is honoured at once.
            let wake = ContinuousClock.now + .seconds(pause * Double.random(in: 0.8...1.2))
            while ContinuousClock.now < wake && !isStopped {
                try? await _Concurrency.Task.sleep(for: .milliseconds(50))
            }
            delay = min(delay * 2, configuration.reconnectDelay.upperBound)
        }
    }

    /// Leaves the scheduler (with a goodbye) and makes `run()` return.
    public func stop(reason: String = "worker stopping") {
        let link: SchedulerLink? = lock.withLock {
            stopped = true
            return self.link
        }
        link?.close(reason: reason)
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func makeLink() -> SchedulerLink {
        let link = SchedulerLink(identity: .init(role: .worker, name: configuration.name, token: configuration.token,
                                                 threads: configuration.threads,
                                                 heartbeatTimeout: configuration.heartbeatTimeout),
                                 address: dialer.address, logger: logger)
        let session = Session(worker: self, link: link)
        link.cachedProblems = { [weak self] in self?.cachedDigests ?? [] }
        link.onMessage = { [weak session] message in session?.handle(message) }
        lock.withLock {
            self.link = link
            self.session = session
        }
        return link
    }

    /// Cancels whatever the last connection was running (its results have nowhere to go).
    private func endSession() {
        let session: Session? = lock.withLock {
            defer { self.session = nil; self.link = nil }
            return self.session
        }
        session?.cancelAll()
    }

    var cachedDigests: [[UInt8]] { lock.withLock { problems.keys.sorted { $0.lexicographicallyPrecedes($1) } } }

    // MARK: Datasets

    func store(digest: [UInt8], bytes: [UInt8]) {
        let result: Result<EvaluationProblem, WireError>
        if ProblemCodec.digest(bytes) != digest {
            result = .failure(.invalid(field: "dataset", reason: "the bytes do not match their digest"))
        } else {
            do throws(WireError) { result = .success(try ProblemCodec.decode(bytes, memoBytes: configuration.memoBytesPerProblem)) } catch { result = .failure(error) }
        }
        lock.withLock {
            useCounter += 1
            switch result {
            case .success(let problem):
                problems[digest] = (problem, useCounter)
                badProblems.removeValue(forKey: digest)
                while problems.count > max(configuration.problemCacheSize, 1),
                      let oldest = problems.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
                    problems.removeValue(forKey: oldest)
                }
            case .failure(let error):
                badProblems[digest] = "\(error)"
            }
        }
        switch result {
        case .success(let p):
            logger.info(Logger.Message(stringLiteral: "received dataset \(ProblemCodec.hex(digest, length: 12)): \(p.features.rows) x "
                + "\(p.features.columns), \(p.folds.count) folds, \(p.metric.rawValue)"))
        case .failure(let error):
            logger.error("rejected dataset \(ProblemCodec.hex(digest, length: 12)): \(error)")
        }
    }

    enum ProblemLookup {
        case found(EvaluationProblem)
        case bad(String)
        case missing
    }

    func problem(_ digest: [UInt8]) -> ProblemLookup {
        lock.withLock {
            if let entry = problems[digest] {
                useCounter += 1
                problems[digest]?.lastUse = useCounter
                return .found(entry.problem)
            }
            if let reason = badProblems[digest] { return .bad(reason) }
            return .missing
        }
    }

    func countCompleted() { lock.withLock { completed += 1 } }

    /// One connection's work: the tasks it started, so they can be cancelled when it ends.
    final class Session: @unchecked Sendable {
        let worker: Worker   // strong: queued evaluations keep their worker alive; released when the connection ends
        let link: SchedulerLink
        private let lock = NSLock()
        private var running: [UInt64: CancellationToken] = [:]
        private var ended = false

        init(worker: Worker, link: SchedulerLink) {
            self.worker = worker
            self.link = link
        }

        func handle(_ message: ClusterMessage) {
            switch message {
            case .problemData(let digest, let bytes):
                worker.store(digest: digest, bytes: bytes)
            case .runTask(let task):
                start(task)
            case .cancelTasks(let ids):
                let tokens = lock.withLock { ids.compactMap { running[$0] } }
                for t in tokens { t.cancel() }
            case .heartbeat:
                break
            case .goodbye(let reason):
                worker.logger.info("the scheduler says goodbye: \(reason)")
            default:
                worker.logger.warning("ignored unexpected \(message.type.name) from the scheduler")
            }
        }

        func cancelAll() {
            let tokens: [CancellationToken] = lock.withLock {
                ended = true
                return Array(running.values)
            }
            for t in tokens { t.cancel() }
        }

        private func start(_ task: RunTask) {
            let problem: EvaluationProblem
            switch worker.problem(task.digest) {
            case .found(let p):
                problem = p
            case .bad(let reason):
                reply(task.id, EvaluationResult(key: "", status: .failed(.invalidInput(operator: "dataset", reason: reason)),
                                               foldScores: [], score: -.infinity, seconds: 0))
                return
            case .missing:
                link.send(.needProblem(taskID: task.id, digest: task.digest))
                return
            }
            let job: EvaluationJob
            do throws(WireError) {
                job = try JobCodec.decodeJob(task.payload)
            } catch {
                reply(task.id, EvaluationResult(key: "", status: .failed(.invalidPipeline(reason: "undecodable task: \(error)")),
                                               foldScores: [], score: -.infinity, seconds: 0))
                return
            }
            let token = CancellationToken()
            let accepted: Bool = lock.withLock {
                if ended { return false }
                running[task.id] = token
                return true
            }
            guard accepted else { return }
            let hook = worker.beforeTask
            let helpers = worker.pool.helpers
            worker.pool.submit { [self] in
                hook?(job)
                let result = problem.evaluate(job, cancellation: token, helpers: helpers)
                worker.countCompleted()
                let live: Bool = lock.withLock { running.removeValue(forKey: task.id) != nil && !ended }
                if live { reply(task.id, result) }
            }
        }

        private func reply(_ id: UInt64, _ result: EvaluationResult) {
            link.send(.taskResult(TaskResult(id: id, outcome: JobCodec.outcome(result), payload: JobCodec.encode(result))))
        }
    }
}
