import AutopipeCluster
import AutopipeData
import AutopipeTestSupport
import Foundation
import Logging

// autopipe-bench cluster-capacity [--tasks N] [--workers W] [--threads T] [--codec]
//
// Scheduler capacity: one in-process scheduler, W fake workers with T slots each that answer every task at once,
// and a search client that submits N no-op tasks; prints task round trips per second (submit -> worker -> result
// back at the client). Then a second client holds the load at --rate round trips/s (the goal, 20,000) for
// --paced-seconds while a thread requests the dashboard's /api/status over loopback HTTP back to back: its
// latency percentiles are printed too. `--codec` sends every message through the binary frame codec.

/// A peer speaking the protocol directly (no token), for the capacity benchmark.
final class BenchPeer: ClusterConnectionDelegate, @unchecked Sendable {
    enum Role { case worker(threads: Int), client(tasks: Int) }

    let role: Role
    let lock = NSLock()
    var connection: (any ClusterConnection)?
    var received = 0
    let done = DispatchSemaphore(value: 0)
    let ready = DispatchSemaphore(value: 0)
    static let result: [UInt8] = Array(repeating: 1, count: 40)

    init(role: Role) { self.role = role }

    func start(_ hub: InProcessHub, name: String) {
        let c = hub.connect(delegate: self, name: name)
        lock.withLock { connection = c }
        let peerRole: PeerRole
        if case .worker = role { peerRole = .worker } else { peerRole = .client }
        c.send(.hello(Hello(role: peerRole, name: name, nonce: [UInt8](repeating: 0, count: 32))))
    }

    func connection(_ connection: any ClusterConnection, received message: ClusterMessage) {
        switch message {
        case .challenge:
            if case .worker(let threads) = role {
                connection.send(.authenticate(Authenticate(proof: [], threads: UInt32(threads))))
            } else {
                connection.send(.authenticate(Authenticate(proof: [], threads: 0)))
            }
        case .welcome(let w):
            connection.setInboundFrameLimit(Int(w.frameLimit))
            if case .client = role {
                let problem = Array("bench dataset".utf8)
                connection.send(.openSearch(OpenSearch(name: "capacity", digest: ProblemCodec.digest(problem), problem: problem)))
            }
            ready.signal()
        case .runTask(let t):
            connection.send(.taskResult(TaskResult(id: t.id, outcome: .ok, payload: Self.result)))
        case .taskResult, .taskFailed:
            let finished: Bool = lock.withLock {
                received += 1
                if case .client(let n) = role { return received == n }
                return false
            }
            if finished { done.signal() }
        default:
            break
        }
    }

    func connectionClosed(_ connection: any ClusterConnection, reason: String?) {}

    func submit(range: ClosedRange<UInt64>) {
        guard let c = lock.withLock({ connection }) else { return }
        let payload = [UInt8](repeating: 2, count: 120)
        c.send(.submitTasks(range.map { TaskSubmission(id: $0, payload: payload) }))
    }

    func submit(_ count: Int, batch: Int = 1000) {
        guard let c = lock.withLock({ connection }) else { return }
        let payload = [UInt8](repeating: 2, count: 120)
        var next: UInt64 = 1
        while next <= UInt64(count) {
            let end = min(next + UInt64(batch) - 1, UInt64(count))
            c.send(.submitTasks((next...end).map { TaskSubmission(id: $0, payload: payload) }))
            next = end + 1
        }
    }
}

func benchClusterCapacity() throws {
    let tasks = Int(option("--tasks") ?? "200000") ?? 200_000
    let workers = Int(option("--workers") ?? "4") ?? 4
    let threads = Int(option("--threads") ?? "8") ?? 8
    let rate = Int(option("--rate") ?? "20000") ?? 20_000
    let pacedSeconds = Double(option("--paced-seconds") ?? "5") ?? 5
    let codec = arguments.contains("--codec")
    var logger = Logger(label: "bench")
    logger.logLevel = .critical
    let scheduler = Scheduler(configuration: SchedulerConfiguration(), logger: logger)
    scheduler.start()
    let hub = InProcessHub(acceptor: scheduler, throughCodec: codec)

    // The dashboard, polled during the paced phase.
    let dashboardPort = LockedPort()
    let started = DispatchSemaphore(value: 0)
    _Concurrency.Task {
        let d = try await DashboardServer.start(scheduler: scheduler, host: "127.0.0.1", port: 0, logger: logger)
        dashboardPort.set(d.port)
        started.signal()
    }
    started.wait()

    let fakeWorkers = (0..<workers).map { _ in BenchPeer(role: .worker(threads: threads)) }
    for (i, w) in fakeWorkers.enumerated() {
        w.start(hub, name: "fake-\(i)")
        w.ready.wait()
    }

    // Phase 1: as fast as it goes.
    let client = BenchPeer(role: .client(tasks: tasks))
    client.start(hub, name: "bench-client")
    client.ready.wait()
    let start = ContinuousClock.now
    client.submit(tasks)
    client.done.wait()
    let elapsed = start.secondsElapsed

    // Phase 2: the goal load (`--rate` round trips per second, in batches every 10 ms) for `--paced-seconds`, with
    // a thread requesting /api/status back to back.
    let pacedTasks = Int(Double(rate) * pacedSeconds)
    let paced = BenchPeer(role: .client(tasks: pacedTasks))
    paced.start(hub, name: "paced-client")
    paced.ready.wait()
    let polling = LockedFlag()
    let samples = LatencySamples()
    let poller = Thread {
        while polling.isSet {
            let start = ContinuousClock.now
            if (try? HTTPGet.get(port: dashboardPort.get(), path: "/api/status")) != nil {
                samples.add(start.secondsElapsed)
            }
        }
    }
    polling.set(true)
    poller.start()
    let pacedStart = ContinuousClock.now
    let perTick = max(rate / 100, 1)
    var submitted = 0
    var tick = 0
    while submitted < pacedTasks {
        let n = min(perTick, pacedTasks - submitted)
        paced.submit(range: UInt64(submitted + 1)...UInt64(submitted + n))
        submitted += n
        tick += 1
        let due = pacedStart + .milliseconds(10 * tick)
        let wait = (due - ContinuousClock.now).inSeconds
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
    }
    paced.done.wait()
    let pacedElapsed = pacedStart.secondsElapsed
    polling.set(false)
    while !poller.isFinished { usleep(1000) }
    scheduler.shutdown()

    let latencies = samples.sorted
    func percentile(_ p: Double) -> Double {
        latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int(Double(latencies.count - 1) * p))] * 1000
    }
    emit(["benchmark": "scheduler_capacity", "transport": codec ? "in-process + frame codec" : "in-process",
          "tasks": tasks, "workers": workers, "threads_per_worker": threads, "seconds": elapsed,
          "round_trips_per_second": Double(tasks) / elapsed,
          "paced_rate_goal": rate, "paced_round_trips_per_second": Double(pacedTasks) / pacedElapsed,
          "status_requests": latencies.count, "status_p50_ms": percentile(0.5), "status_p99_ms": percentile(0.99),
          "status_max_ms": percentile(1)])
}

final class LockedPort: @unchecked Sendable {
    private let lock = NSLock()
    private var port = 0
    func set(_ p: Int) { lock.withLock { port = p } }
    func get() -> Int { lock.withLock { port } }
}

final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set(_ v: Bool) { lock.withLock { value = v } }
    var isSet: Bool { lock.withLock { value } }
}

final class LatencySamples: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Double] = []
    func add(_ v: Double) { lock.withLock { values.append(v) } }
    var sorted: [Double] { lock.withLock { values.sorted() } }
}
