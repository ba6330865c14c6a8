import AutopipeData
import AutopipeSearch
import Foundation
import Testing
@testable import AutopipeCluster

/// Scheduler and worker logic through the in-process transport (no sockets): handshake and security, re-queue on
/// a lost worker, a task that kills two workers, fair shares between searches, a late-joining worker, and the
/// real `Worker` + `RemoteEvaluator` giving exactly the local results.
@Suite(.timeLimit(.minutes(2))) struct SchedulerTests {
    func makeScheduler(token: ClusterToken? = nil, heartbeatTimeout: Double = 15) -> (Scheduler, InProcessHub) {
        let scheduler = Scheduler(configuration: SchedulerConfiguration(token: token, heartbeatInterval: 0.1,
                                                                        heartbeatTimeout: heartbeatTimeout,
                                                                        handshakeTimeout: 2),
                                  logger: ClusterFixtures.quietLogger)
        scheduler.start()
        return (scheduler, InProcessHub(acceptor: scheduler, throughCodec: true))
    }

    // MARK: Handshake and security

    @Test func tokenIsRequiredAndChecked() async throws {
        let token = ClusterFixtures.token()
        let (scheduler, hub) = makeScheduler(token: token)
        defer { scheduler.shutdown() }

        let good = FakeWorker(name: "good", threads: 1, token: token)
        try await good.connect(hub)

        let wrong = FakeWorker(name: "wrong", threads: 1, token: ClusterFixtures.token("not the right token!"))
        await #expect(throws: ClusterError.self) { try await wrong.connect(hub) }

        let none = FakeWorker(name: "none", threads: 1)
        do {
            try await none.connect(hub)
            Issue.record("a worker without a token was accepted")
        } catch let error as ClusterError {
            #expect(error.description.contains("requires a token"))
        }
        #expect(await ClusterFixtures.eventually { scheduler.workerCount.workers == 1 })
    }

    @Test func aSchedulerWithoutTheTokenIsNotTrusted() async throws {
        let (scheduler, hub) = makeScheduler()
        defer { scheduler.shutdown() }
        let worker = FakeWorker(name: "careful", threads: 1, token: ClusterFixtures.token())
        do {
            try await worker.connect(hub)
            Issue.record("connected to a scheduler that cannot prove the token")
        } catch let error as ClusterError {
            #expect(error.description.contains("does not use a token"))
        }
    }

    @Test func garbageAndWrongVersionsAreDroppedOthersKeepWorking() async throws {
        let (scheduler, hub) = makeScheduler()
        defer { scheduler.shutdown() }
        let worker = FakeWorker(name: "w", threads: 2)
        try await worker.connect(hub)
        let client = FakeClient(name: "c")
        try await client.connect(hub)

        final class Recorder: ClusterConnectionDelegate, @unchecked Sendable {
            let lock = NSLock()
            var messages: [ClusterMessage] = []
            var closed: String??
            func connection(_ connection: any ClusterConnection, received message: ClusterMessage) {
                lock.withLock { messages.append(message) }
            }
            func connectionClosed(_ connection: any ClusterConnection, reason: String?) {
                lock.withLock { closed = .some(reason) }
            }
            var isClosed: Bool { lock.withLock { closed != nil } }
        }

        // Garbage bytes.
        let r1 = Recorder()
        hub.connect(delegate: r1, name: "garbage").injectRaw(Array("GET / HTTP/1.1\r\n\r\n".utf8))
        // An oversized frame before authentication.
        let r2 = Recorder()
        hub.connect(delegate: r2, name: "oversized").injectRaw([0x01, 0x00, 0x00, 0x00, 1, 1])
        // A protocol version nobody speaks.
        let r3 = Recorder()
        let c3 = hub.connect(delegate: r3, name: "future")
        c3.send(.hello(Hello(versions: 7...9, role: .worker, name: "future", nonce: HandshakeProof.nonce())))
        // A message out of turn.
        let r4 = Recorder()
        hub.connect(delegate: r4, name: "rude").send(.submitTasks([]))

        #expect(await ClusterFixtures.eventually { r1.isClosed && r2.isClosed && r3.isClosed && r4.isClosed })
        #expect(r3.lock.withLock { r3.messages }.contains {
            if case .reject(let reason) = $0 { return reason.contains("unsupported protocol version") }
            return false
        })
        // The well-behaved peers are still served.
        client.submit(1...20)
        #expect(await ClusterFixtures.eventually { client.finishedCount == 20 })
        #expect(scheduler.workerCount.workers == 1)
    }

    // MARK: Scheduling

    @Test func lostWorkersTasksAreRequeued() async throws {
        let (scheduler, hub) = makeScheduler()
        defer { scheduler.shutdown() }
        // A worker that takes tasks and never answers, then disappears.
        let flaky = FakeWorker(name: "flaky", threads: 3) { _ in .silence }
        try await flaky.connect(hub)
        let client = FakeClient(name: "c")
        try await client.connect(hub)
        client.submit(1...10)
        #expect(await ClusterFixtures.eventually { flaky.receivedCount == 3 })
        let steady = FakeWorker(name: "steady", threads: 2)
        try await steady.connect(hub)
        flaky.link.close()
        #expect(await ClusterFixtures.eventually { client.finishedCount == 10 })
        #expect(client.failureReasons.isEmpty)
        let snapshot = scheduler.snapshot()
        #expect(snapshot.tasks.requeued == 3)
        #expect(snapshot.tasks.done == 10)
        // The three lost tasks ran again on the steady worker.
        #expect(steady.receivedCount == 10)
    }

    @Test func aTaskThatKillsTwoWorkersIsMarkedFailed() async throws {
        let (scheduler, hub) = makeScheduler()
        defer { scheduler.shutdown() }
        let poison = Array("job 3".utf8)
        let client = FakeClient(name: "c")
        try await client.connect(hub)
        var workers: [FakeWorker] = []
        for i in 0..<3 {
            let w = FakeWorker(name: "w\(i)", threads: 1) { task in task.payload == poison ? .die : .result(FakeWorker.okResult) }
            try await w.connect(hub)
            workers.append(w)
        }
        client.submit(1...8)
        #expect(await ClusterFixtures.eventually { client.finishedCount == 8 })
        let failures = client.failureReasons
        #expect(failures.keys.sorted() == [3])
        #expect(failures[3]?.contains("crashed 2 workers") == true)
        #expect(scheduler.snapshot().tasks.poisoned == 1)
        #expect(scheduler.workerCount.workers == 1)
    }

    @Test func searchesGetFairShares() async throws {
        let (scheduler, hub) = makeScheduler()
        defer { scheduler.shutdown() }
        // A worker that holds every task, so the split of its 6 slots is visible.
        let worker = FakeWorker(name: "w", threads: 6) { _ in .silence }
        let a = FakeClient(name: "a"), b = FakeClient(name: "b"), c = FakeClient(name: "c")
        try await a.connect(hub, problem: Array("dataset a".utf8))
        try await b.connect(hub, problem: Array("dataset b".utf8))
        try await c.connect(hub, problem: Array("dataset c".utf8))
        a.submit(1...100)
        b.submit(1...100)
        c.submit(1...5)
        #expect(await ClusterFixtures.eventually { scheduler.snapshot().tasks.queued == 205 })
        try await worker.connect(hub)
        #expect(await ClusterFixtures.eventually { worker.receivedCount == 6 })
        let bySearch = Dictionary(grouping: worker.receivedTasks, by: \.digest).mapValues(\.count)
        #expect(bySearch.values.sorted() == [2, 2, 2])
        // Each dataset was sent once, before its first task.
        #expect(worker.problems.count == 3)
    }

    @Test func aLateWorkerGetsWorkAtOnceAndTheSearchIsToldItWaits() async throws {
        let (scheduler, hub) = makeScheduler()
        defer { scheduler.shutdown() }
        let client = FakeClient(name: "c")
        try await client.connect(hub)
        client.submit(1...30)
        #expect(await ClusterFixtures.eventually { client.lastWorkerCount == 0 })
        try await _Concurrency.Task.sleep(for: .milliseconds(200))
        #expect(client.finishedCount == 0)
        let late = FakeWorker(name: "late", threads: 4)
        try await late.connect(hub)
        #expect(await ClusterFixtures.eventually { client.finishedCount == 30 })
        #expect(client.lastWorkerCount == 1)
    }

    @Test func silentWorkerIsDroppedByHeartbeatTimeout() async throws {
        let (scheduler, hub) = makeScheduler(heartbeatTimeout: 2)
        defer { scheduler.shutdown() }
        // Answers heartbeats until it is given work, then falls silent (a hung or cut-off machine).
        final class Mute: ClusterConnectionDelegate, @unchecked Sendable {
            private let lock = NSLock()
            private var _busy = false
            var busy: Bool {
                get { lock.withLock { _busy } }
                set { lock.withLock { _busy = newValue } }
            }
            func connection(_ connection: any ClusterConnection, received message: ClusterMessage) {
                switch message {
                case .challenge: connection.send(.authenticate(Authenticate(proof: [], threads: 2)))
                case .runTask: busy = true
                case .heartbeat where !busy: connection.send(.heartbeat)
                default: break
                }
            }
            func connectionClosed(_ connection: any ClusterConnection, reason: String?) {}
        }
        let muted = Mute()
        let mute = hub.connect(delegate: muted, name: "mute")
        mute.send(.hello(Hello(role: .worker, name: "mute", nonce: HandshakeProof.nonce())))
        #expect(await ClusterFixtures.eventually { scheduler.workerCount.workers == 1 })
        let client = FakeClient(name: "c")
        try await client.connect(hub)
        client.submit(1...4)
        // (Not `running == 2`: that holds only until the heartbeat timeout, which a loaded test run may outlast.)
        #expect(await ClusterFixtures.eventually { muted.busy })
        // The mute worker never answers nor sends heartbeats: dropped, its tasks re-queued.
        #expect(await ClusterFixtures.eventually { scheduler.workerCount.workers == 0 })
        let steady = FakeWorker(name: "steady", threads: 1)
        try await steady.connect(hub)
        #expect(await ClusterFixtures.eventually { client.finishedCount == 4 })
    }

    @Test func aClosedSearchCancelsItsTasks() async throws {
        let (scheduler, hub) = makeScheduler()
        defer { scheduler.shutdown() }
        let worker = FakeWorker(name: "w", threads: 2) { _ in .silence }
        try await worker.connect(hub)
        let client = FakeClient(name: "c")
        try await client.connect(hub)
        client.submit(1...10)
        #expect(await ClusterFixtures.eventually { worker.receivedCount == 2 })
        client.link.close()
        #expect(await ClusterFixtures.eventually { scheduler.snapshot().searches.isEmpty })
        #expect(scheduler.snapshot().tasks.queued == 0)
    }

    // MARK: Real workers and the remote evaluator

    @Test func remoteEvaluationMatchesLocalEvaluation() async throws {
        let token = ClusterFixtures.token()
        let (scheduler, hub) = makeScheduler(token: token)
        defer { scheduler.shutdown() }
        let problem = try ClusterFixtures.problem()
        let jobs = ClusterFixtures.jobs(24)
        let local = try await LocalEvaluator(problem: problem, jobs: 2).evaluate(jobs) { _ in }

        let workers = (0..<2).map { i in
            Worker(configuration: WorkerConfiguration(name: "w\(i)", threads: 2, token: token),
                   dialer: hub.dialer(name: "w\(i)"), logger: ClusterFixtures.quietLogger)
        }
        let tasks = workers.map { w in _Concurrency.Task { try await w.run() } }
        defer { for w in workers { w.stop() } ; for t in tasks { t.cancel() } }

        let remote = RemoteEvaluator(problem: problem, dialer: hub.dialer(name: "search"),
                                     configuration: ClusterClientConfiguration(name: "t", token: token),
                                     logger: ClusterFixtures.quietLogger)
        let counter = LockedBox(0)
        let first = try await remote.evaluate(jobs) { _ in counter.withLock { $0 += 1 } }
        #expect(ClusterFixtures.sameOutcome(first, local))
        #expect(counter.current == jobs.count)
        // A second generation reuses the cached dataset.
        let second = try await remote.evaluate(Array(jobs.reversed())) { _ in }
        #expect(ClusterFixtures.sameOutcome(second, local.reversed()))
        #expect(workers.map(\.tasksCompleted).reduce(0, +) == 2 * jobs.count)
        #expect(await ClusterFixtures.eventually { scheduler.snapshot().searches.first?.generation == 1 })
        #expect(scheduler.snapshot().searches.first?.front.isEmpty == false)
        remote.close()
    }

    @Test func localThreadsShareTheWorkAndGiveTheSameResults() async throws {
        let (scheduler, hub) = makeScheduler()
        defer { scheduler.shutdown() }
        let problem = try ClusterFixtures.problem()
        let jobs = ClusterFixtures.jobs(16)
        let local = try await LocalEvaluator(problem: problem, jobs: 1).evaluate(jobs) { _ in }
        // No worker at all: the search's own threads do everything.
        let remote = RemoteEvaluator(problem: problem, dialer: hub.dialer(name: "search"),
                                     configuration: ClusterClientConfiguration(name: "t", localJobs: 2),
                                     logger: ClusterFixtures.quietLogger)
        #expect(ClusterFixtures.sameOutcome(try await remote.evaluate(jobs) { _ in }, local))
        // With a worker too.
        let worker = Worker(configuration: WorkerConfiguration(name: "w", threads: 1), dialer: hub.dialer(name: "w"),
                            logger: ClusterFixtures.quietLogger)
        let task = _Concurrency.Task { try await worker.run() }
        defer { worker.stop(); task.cancel() }
        #expect(await ClusterFixtures.eventually { scheduler.workerCount.workers == 1 })
        #expect(ClusterFixtures.sameOutcome(try await remote.evaluate(jobs) { _ in }, local))
    }

    @Test func aLostSchedulerFailsTheSearchWithATypedError() async throws {
        let (scheduler, hub) = makeScheduler()
        let problem = try ClusterFixtures.problem()
        let notes = LockedBox<[String]>([])
        let remote = RemoteEvaluator(problem: problem, dialer: hub.dialer(name: "search"),
                                     configuration: ClusterClientConfiguration(name: "t", reconnectTimeout: 0.5),
                                     logger: ClusterFixtures.quietLogger, notice: { n in notes.withLock { $0.append(n) } })
        let jobs = ClusterFixtures.jobs(4)
        let evaluation = _Concurrency.Task { try await remote.evaluate(jobs) { _ in } }
        #expect(await ClusterFixtures.eventually { scheduler.snapshot().tasks.queued == jobs.count })
        #expect(notes.current.contains { $0.contains("no worker is connected") })
        scheduler.shutdown()
        do {
            _ = try await evaluation.value
            Issue.record("the search did not notice the scheduler was gone")
        } catch let error as ClusterError {
            guard case .schedulerLost = error else { Issue.record("unexpected \(error)"); return }
            #expect(error.description.contains("--resume"))
        }
    }

    @Test func searchAndWorkersSurviveASchedulerRestart() async throws {
        /// Hands new connections to whichever scheduler is current (a restarted scheduler on the same address).
        final class Switch: ClusterAcceptor, @unchecked Sendable {
            let lock = NSLock()
            var current: Scheduler
            init(_ s: Scheduler) { current = s }
            func accept(_ connection: any ClusterConnection) -> any ClusterConnectionDelegate {
                lock.withLock { current }.accept(connection)
            }
        }
        let (first, _) = makeScheduler()
        let switcher = Switch(first)
        let hub = InProcessHub(acceptor: switcher, throughCodec: true)
        let problem = try ClusterFixtures.problem()
        let jobs = ClusterFixtures.jobs(16)
        let local = jobs.map { problem.evaluate($0) }
        let worker = Worker(configuration: WorkerConfiguration(name: "w", threads: 1, reconnectDelay: 0.05...0.2),
                            dialer: hub.dialer(name: "w"), logger: ClusterFixtures.quietLogger)
        // The first three tasks run; the fourth blocks until the first scheduler is gone.
        let started = LockedBox(0)
        let gate = DispatchSemaphore(value: 0)
        worker.beforeTask = { _ in
            if started.withLock({ $0 += 1; return $0 }) == 4 { gate.wait() }
        }
        let workerTask = _Concurrency.Task { try await worker.run() }
        defer { worker.stop(); workerTask.cancel() }
        let notes = LockedBox<[String]>([])
        let remote = RemoteEvaluator(problem: problem, dialer: hub.dialer(name: "search"),
                                     configuration: ClusterClientConfiguration(name: "t", reconnectTimeout: 20),
                                     logger: ClusterFixtures.quietLogger,
                                     notice: { n in notes.withLock { $0.append(n) } })
        let evaluation = _Concurrency.Task { try await remote.evaluate(jobs) { _ in } }
        #expect(await ClusterFixtures.eventually { first.snapshot().tasks.done == 3 && started.current == 4 })
        // The scheduler dies mid-batch; a new one comes up on the same address.
        let (second, _) = makeScheduler()
        defer { second.shutdown() }
        switcher.lock.withLock { switcher.current = second }
        first.shutdown()
        gate.signal()
        let results = try await evaluation.value
        #expect(ClusterFixtures.sameOutcome(results, local))
        #expect(notes.current.contains { $0.contains("reconnected") }, "\(notes.current)")
        #expect(second.snapshot().tasks.done > 0)
    }

    @Test func workerGivesUpAfterDeathTimeout() async throws {
        let worker = Worker(configuration: WorkerConfiguration(name: "w", threads: 1, deathTimeout: 0.5,
                                                               reconnectDelay: 0.05...0.1),
                            dialer: UnreachableDialer(), logger: ClusterFixtures.quietLogger)
        let start = ContinuousClock.now
        await #expect(throws: ClusterError.deathTimeout(address: "nowhere:1", seconds: 0.5)) { try await worker.run() }
        // Generous: a loaded test run can delay the worker's async back-off sleeps many times over.
        #expect(start.secondsElapsed < 30)
    }
}
