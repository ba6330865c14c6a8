import AutopipeData
import AutopipeOperators
import AutopipeSearch
import Foundation
import Logging

public struct ClusterClientConfiguration: Sendable {
    /// The search's name on the dashboard.
    public var name: String
    public var token: ClusterToken?
    /// Threads of this process that also evaluate (`search --jobs` with `--scheduler`); 0: only the workers.
    public var localJobs: Int
    public var heartbeatTimeout: Double
    /// How long to keep trying when the scheduler goes away during a search before failing with
    /// `ClusterError.schedulerLost`.
    public var reconnectTimeout: Double

    public init(name: String, token: ClusterToken? = nil, localJobs: Int = 0, heartbeatTimeout: Double = 15,
                reconnectTimeout: Double = 30) {
        self.name = name
        self.token = token
        self.localJobs = localJobs
        self.heartbeatTimeout = heartbeatTimeout
        self.reconnectTimeout = reconnectTimeout
    }
}

/// Evaluates a search's pipelines on the cluster's workers (and, with `localJobs`, on threads of this process
/// too). Implements `Evaluator`: results come back in job order whatever order they finish in and whichever
/// worker ran them, and every evaluation is a pure function of (pipeline, seed, dataset), so the search is
/// byte-identical to a local run — through re-queues after lost workers, and through reconnections.
///
/// It also reports the search's progress to the scheduler for the dashboard (generation, best score, Pareto
/// front), derived from what it evaluates: each `evaluate` call is one generation.
public final class RemoteEvaluator: Evaluator, @unchecked Sendable {
    public let problem: EvaluationProblem
    public let configuration: ClusterClientConfiguration
    public let cancellation: CancellationToken
    let dialer: any ClusterDialer
    let logger: Logger
    let notice: @Sendable (String) -> Void
    let problemBytes: [UInt8]
    let digest: [UInt8]
    private let localPool: WorkerPool?
    let lock = NSLock()
    private var link: SchedulerLink?
    private var batch: Batch?
    private var nextTaskID: UInt64 = 0
    private var workersOnline: (workers: Int, threads: Int)?
    private var waitingAnnounced = false
    private var reconnecting = false
    private var closed = false
    var tracker = ProgressTracker()
    /// The link in use (read under `lock`).
    var currentLink: SchedulerLink? { link }

    /// - Parameter notice: one-line messages for the user (waiting for workers, reconnecting).
    public init(problem: EvaluationProblem, dialer: any ClusterDialer, configuration: ClusterClientConfiguration,
                cancellation: CancellationToken = CancellationToken(), logger: Logger? = nil,
                notice: @escaping @Sendable (String) -> Void = { _ in }) {
        self.problem = problem
        self.dialer = dialer
        self.configuration = configuration
        self.cancellation = cancellation
        self.logger = logger ?? Logger(label: "autopipe.search")
        self.notice = notice
        problemBytes = ProblemCodec.encode(problem)
        digest = ProblemCodec.digest(problemBytes)
        localPool = configuration.localJobs > 0 ? WorkerPool(threads: configuration.localJobs) : nil
    }

    deinit {
        localPool?.shutdown()
        link?.close(reason: "search finished")
    }

    /// Leaves the scheduler.
    public func close() {
        let link: SchedulerLink? = lock.withLock {
            closed = true
            return self.link
        }
        link?.close(reason: "search finished")
    }

    public func evaluate(_ jobs: [EvaluationJob], onResult: @escaping @Sendable (EvaluationResult) -> Void) async throws
        -> [EvaluationResult]
    {
        if jobs.isEmpty {
            reportProgress(jobs: [], results: [])
            return []
        }
        let connected = try await ensureConnected()
        let batch: Batch = lock.withLock {
            let b = Batch(jobs: jobs, firstID: nextTaskID + 1, onResult: onResult)
            nextTaskID += UInt64(jobs.count)
            self.batch = b
            return b
        }
        if connected { submit(batch, indices: Array(jobs.indices)) }
        announceWaitingIfNeeded()
        startLocal(batch)
        let watchdog = startCancellationWatch(batch)
        let results = try await withTaskCancellationHandler {
            try await batch.wait()
        } onCancel: {
            batch.fail(CancellationError())
        }
        watchdog.cancel()
        lock.withLock { if self.batch === batch { self.batch = nil } }
        reportProgress(jobs: jobs, results: results)
        return results
    }

    // MARK: Connection

    /// Connects (and opens the search) unless already connected. Returns false when only local threads will
    /// evaluate (the scheduler is unreachable and `localJobs` > 0).
    private func ensureConnected() async throws -> Bool {
        if lock.withLock({ link?.isReady ?? false }) { return true }
        let start = ContinuousClock.now
        var delay = 0.25
        while true {
            do {
                try await connect()
                return true
            } catch let error as ClusterError {
                switch error {
                case .rejected, .handshake, .configuration: throw error
                default: break
                }
                if configuration.localJobs > 0 {
                    notice("\(error); evaluating on this machine's \(configuration.localJobs) thread"
                        + "\(configuration.localJobs == 1 ? "" : "s") only")
                    return false
                }
                if start.secondsElapsed >= configuration.reconnectTimeout { throw error }
            }
            try await _Concurrency.Task.sleep(for: .seconds(delay))
            delay = min(delay * 2, 5)
        }
    }

    private func connect() async throws {
        let link = SchedulerLink(identity: .init(role: .client, name: configuration.name, token: configuration.token,
                                                 threads: 0, heartbeatTimeout: configuration.heartbeatTimeout),
                                 address: dialer.address, logger: logger)
        link.onMessage = { [weak self] message in self?.handle(message) }
        let welcome = try await link.open(dialer: dialer)
        if problemBytes.count + 1024 > Int(welcome.frameLimit) {
            link.close(reason: "dataset too large")
            throw ClusterError.configuration("the dataset is \(problemBytes.count >> 20) MiB encoded, more than the "
                + "\(welcome.frameLimit >> 20) MiB frames the scheduler accepts")
        }
        lock.withLock {
            self.link = link
            workersOnline = (Int(welcome.workers), Int(welcome.threads))
        }
        link.send(.openSearch(OpenSearch(name: configuration.name, digest: digest, problem: problemBytes)))
        _Concurrency.Task { [weak self, link] in
            let reason = await link.closed()
            self?.linkClosed(link, reason: reason)
        }
    }

    private func linkClosed(_ closedLink: SchedulerLink, reason: String) {
        let (active, shouldReconnect): (Batch?, Bool) = lock.withLock {
            guard link === closedLink else { return (nil, false) }
            link = nil
            workersOnline = nil
            if closed || reconnecting { return (nil, false) }
            reconnecting = batch != nil
            return (batch, batch != nil)
        }
        guard shouldReconnect, let active else { return }
        if let rejection = closedLink.rejection {
            active.fail(ClusterError.rejected(address: dialer.address, reason: rejection))
            lock.withLock { reconnecting = false }
            return
        }
        notice("lost the scheduler at \(dialer.address) (\(reason)); reconnecting for up to "
            + "\(Int(configuration.reconnectTimeout)) s")
        _Concurrency.Task { await self.reconnect(active, reason: reason) }
    }

    /// Reconnects and resubmits what the batch still needs; fails the batch after `reconnectTimeout`.
    private func reconnect(_ batch: Batch, reason: String) async {
        let start = ContinuousClock.now
        var delay = 0.25
        defer { lock.withLock { reconnecting = false } }
        while !batch.isFinished {
            do {
                try await connect()
                notice("reconnected to the scheduler at \(dialer.address)")
                submit(batch, indices: batch.pendingIndices)
                return
            } catch let error as ClusterError {
                if case .rejected = error { batch.fail(error); return }
                if case .handshake = error { batch.fail(error); return }
            } catch {}
            let waited = start.secondsElapsed
            if waited >= configuration.reconnectTimeout {
                if configuration.localJobs > 0 {
                    notice("the scheduler did not come back; finishing on this machine")
                    return
                }
                batch.fail(ClusterError.schedulerLost(address: dialer.address, reason: reason, waitedSeconds: waited))
                return
            }
            try? await _Concurrency.Task.sleep(for: .seconds(min(delay, max(configuration.reconnectTimeout - waited, 0.05))))
            delay = min(delay * 2, 5)
        }
    }

    /// Sends tasks in frames of at most a few MiB.
    private func submit(_ batch: Batch, indices: [Int]) {
        guard let link = lock.withLock({ link }) else { return }
        var chunk: [TaskSubmission] = []
        var bytes = 0
        for i in indices {
            let payload = batch.payload(i)
            chunk.append(TaskSubmission(id: batch.firstID + UInt64(i), payload: payload))
            bytes += payload.count + 16
            if bytes > 4 << 20 {
                link.send(.submitTasks(chunk))
                chunk = []
                bytes = 0
            }
        }
        if !chunk.isEmpty { link.send(.submitTasks(chunk)) }
    }

    func handle(_ message: ClusterMessage) {
        switch message {
        case .taskResult(let r):
            guard let batch = lock.withLock({ batch }), let index = batch.index(of: r.id) else { return }
            do throws(WireError) {
                batch.complete(index, try JobCodec.decodeResult(r.payload, key: batch.jobs[index].key))
            } catch {
                batch.complete(index, EvaluationResult(
                    key: batch.jobs[index].key,
                    status: .failed(.invalidModel(reason: "the worker's result could not be read: \(error)")),
                    foldScores: [], score: -.infinity, seconds: 0))
            }
        case .taskFailed(let id, let reason):
            guard let batch = lock.withLock({ batch }), let index = batch.index(of: id) else { return }
            logger.warning("a pipeline was marked failed by the scheduler: \(reason)")
            batch.complete(index, EvaluationResult(key: batch.jobs[index].key, status: .failed(.invalidPipeline(reason: reason)),
                                                   foldScores: [], score: -.infinity, seconds: 0))
        case .clusterStatus(let workers, let threads):
            let before = lock.withLock { () -> Int? in
                defer { workersOnline = (Int(workers), Int(threads)) }
                return workersOnline?.workers
            }
            if workers > 0, before == 0 || waitingAnnounced {
                lock.withLock { waitingAnnounced = false }
                notice("\(workers) worker\(workers == 1 ? "" : "s") (\(threads) thread\(threads == 1 ? "" : "s")) connected; evaluating")
            }
            announceWaitingIfNeeded()
        case .searchOpened, .heartbeat:
            break
        case .goodbye(let reason):
            logger.info("the scheduler says goodbye: \(reason)")
        default:
            logger.warning("ignored unexpected \(message.type.name) from the scheduler")
        }
    }

    private func announceWaitingIfNeeded() {
        let announce: Bool = lock.withLock {
            guard configuration.localJobs == 0, batch != nil, let online = workersOnline, online.workers == 0,
                  !waitingAnnounced else { return false }
            waitingAnnounced = true
            return true
        }
        if announce {
            notice("no worker is connected to the scheduler at \(dialer.address); waiting for one "
                + "(start it with: autopipe worker \(dialer.address))")
        }
    }

    // MARK: Local threads and cancellation

    /// Each local thread takes the last job nobody finished, withdraws it from the scheduler's queue and runs it;
    /// whichever copy finishes first counts (both give the same result).
    private func startLocal(_ batch: Batch) {
        guard let pool = localPool else { return }
        let helpers = pool.helpers
        for _ in 0..<pool.threadCount {
            pool.submit { [self] in
                while let index = batch.takeLocal() {
                    lock.withLock { link }?.send(.withdrawTasks([batch.firstID + UInt64(index)]))
                    batch.complete(index, problem.evaluate(batch.jobs[index], cancellation: cancellation,
                                                            helpers: helpers))
                }
            }
        }
    }

    /// Ends the batch with `cancelled` results once the search's cancellation token fires.
    private func startCancellationWatch(_ batch: Batch) -> _Concurrency.Task<Void, Never> {
        _Concurrency.Task { [cancellation, weak self] in
            while !batch.isFinished && !_Concurrency.Task.isCancelled {
                if cancellation.isCancelled || cancellation.isExpired {
                    let pending = batch.pendingIndices
                    self?.lock.withLock { self?.link }?.send(.withdrawTasks(pending.map { batch.firstID + UInt64($0) }))
                    // As a local evaluation under the same token would end.
                    let status: EvaluationStatus = cancellation.isCancelled
                        ? .failed(.cancelled) : .timedOut(seconds: cancellation.limitSeconds ?? 0)
                    for i in pending {
                        batch.complete(i, EvaluationResult(key: batch.jobs[i].key, status: status,
                                                           foldScores: [], score: -.infinity, seconds: 0))
                    }
                    return
                }
                try? await _Concurrency.Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
