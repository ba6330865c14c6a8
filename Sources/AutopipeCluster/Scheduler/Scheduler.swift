import AutopipeData
import Foundation
import Logging

/// The scheduler: accepts connections from any transport, runs `SchedulerCore` under a lock, and sends what it
/// decides after unlocking (so a transport calling back into the scheduler can never deadlock it).
public final class Scheduler: ClusterAcceptor, @unchecked Sendable {
    public let configuration: SchedulerConfiguration
    public let metrics: SchedulerMetrics
    let logger: Logger
    private let lock = NSLock()
    private let sendLock = NSLock()
    private let core: SchedulerCore
    private let epoch = ContinuousClock.now
    private var timer: DispatchSourceTimer?
    private var isShutDown = false
    private let timerQueue = DispatchQueue(label: "autopipe.scheduler.tick")

    public init(configuration: SchedulerConfiguration = SchedulerConfiguration(), logger: Logger? = nil) {
        self.configuration = configuration
        self.logger = logger ?? Logger(label: "autopipe.scheduler")
        metrics = SchedulerMetrics()
        core = SchedulerCore(configuration: configuration, logger: self.logger, metrics: metrics, now: 0)
    }

    /// Seconds since the scheduler started (monotonic).
    public var now: Double {
        epoch.secondsElapsed
    }

    /// Starts the heartbeat / time-out timer (every half heartbeat interval).
    public func start() {
        let timer = DispatchSource.makeTimerSource(queue: timerQueue)
        let interval = max(configuration.heartbeatInterval / 2, 0.01)
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [weak self] in self?.tick() }
        lock.withLock { self.timer = timer }
        timer.resume()
    }

    /// Stops the timer and closes every connection.
    public func shutdown(reason: String = "the scheduler is shutting down") {
        let connections: [any ClusterConnection] = lock.withLock {
            isShutDown = true
            timer?.cancel()
            timer = nil
            return core.peers.values.map(\.connection)
        }
        for c in connections {
            c.send(.goodbye(reason: reason))
            c.close()
        }
    }

    public func tick() {
        perform { core, out in core.tick(now: now, out: &out) }
    }

    public func accept(_ connection: any ClusterConnection) -> any ClusterConnectionDelegate {
        let id: UInt64? = lock.withLock { isShutDown ? nil : core.connected(connection, now: now) }
        guard let id else {
            connection.close()
            return PeerSession(scheduler: nil, id: 0)
        }
        return PeerSession(scheduler: self, id: id)
    }

    /// The state for `/api/status` and the dashboard.
    public func snapshot() -> ClusterSnapshot {
        lock.withLock { core.snapshot(now: now) }
    }

    /// Number of connected workers and their threads (tests and the idle time-out).
    public var workerCount: (workers: Int, threads: Int) {
        lock.withLock { (core.workers.count, core.threadCount) }
    }

    /// Whether no search is connected and no task is queued or running (connected workers do not count: they
    /// wait for work); the idle time-out watches this.
    public var isIdle: Bool {
        lock.withLock { core.searches.isEmpty && core.queuedTotal == 0 && core.workers.values.allSatisfy(\.running.isEmpty) }
    }

    func received(_ id: UInt64, _ message: ClusterMessage) {
        // A dataset's digest is checked before taking the lock: hashing a large dataset must not stall scheduling.
        var digestOK = true
        if case .openSearch(let open) = message { digestOK = ProblemCodec.digest(open.problem) == open.digest }
        perform { core, out in core.received(id, message, now: now, digestOK: digestOK, out: &out) }
    }

    func closed(_ id: UInt64, reason: String?) {
        perform { core, out in core.closed(id, reason: reason, now: now, out: &out) }
    }

    /// Runs `body` on the core, then performs its outbox. The send lock is taken before the state lock is
    /// released, so outboxes go out in the order their decisions were made (a dataset always reaches a worker
    /// before the tasks that need it) while the state lock is never held during I/O. Transports never call back
    /// synchronously from `send` or `close`, so this cannot deadlock.
    private func perform(_ body: (SchedulerCore, inout SchedulerCore.Outbox) -> Void) {
        var out = SchedulerCore.Outbox()
        lock.lock()
        body(core, &out)
        if out.sends.isEmpty && out.closes.isEmpty && out.limits.isEmpty {
            lock.unlock()
            return
        }
        sendLock.lock()
        lock.unlock()
        for (connection, limit) in out.limits { connection.setInboundFrameLimit(limit) }
        for (connection, message) in out.sends { connection.send(message) }
        for connection in out.closes { connection.close() }
        sendLock.unlock()
    }

    /// One connection's events, forwarded to the scheduler with the connection's id.
    final class PeerSession: ClusterConnectionDelegate, @unchecked Sendable {
        weak var scheduler: Scheduler?
        let id: UInt64

        init(scheduler: Scheduler?, id: UInt64) {
            self.scheduler = scheduler
            self.id = id
        }

        func connection(_ connection: any ClusterConnection, received message: ClusterMessage) {
            scheduler?.received(id, message)
        }

        func connectionClosed(_ connection: any ClusterConnection, reason: String?) {
            scheduler?.closed(id, reason: reason)
        }
    }
}
