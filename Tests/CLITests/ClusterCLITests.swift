import AutopipeTestSupport
import Foundation
import Testing

/// Cluster mode with real processes on loopback: `autopipe scheduler`, `autopipe worker` and
/// `autopipe search --scheduler` give the same best.json as a local search (everything but the timing block),
/// also when a worker is killed with SIGKILL mid-search, with TLS (mutual) and a token; a wrong token is refused.
/// Small iris searches over a few fast operators (`fastConfig`) keep it quick.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ClusterCLITests {
    /// Fast operators only, so the suite's length does not depend on the slowest registered learners.
    static let fastConfig: String = try! TestSupport.writeTemporaryFile("""
        {"GaussianNB": {"var_smoothing": [1e-9, 1e-6, 1e-3]},
         "BernoulliNB": {"alpha": [0.01, 0.1, 1.0, 10.0], "fit_prior": [true, false], "binarize": [0.0, 0.5, 1.0]},
         "DecisionTreeClassifier": {"criterion": ["gini", "entropy"], "max_depth": [1, 2, 3, 4, 5],
                                    "min_samples_split": [2, 5, 10]},
         "StandardScaler": {}, "MinMaxScaler": {}, "Normalizer": {"norm": ["l1", "l2", "max"]}}
        """, name: "cluster-fast.json")
    static let searchArguments = [TestSupport.datasetPath("iris"), "--target", "species", "--generations", "3",
                                  "--population-size", "12", "--cv", "3", "--seed", "11", "--config", fastConfig,
                                  "--verbosity", "0"]

    /// best.json of a local run, without its timing block (computed once).
    static let localResult: String = {
        let dir = try! TestSupport.temporaryDirectory("cluster-local")
        let r = try! TestSupport.runAutopipe(["search"] + searchArguments + ["--jobs", "2", "--output", "best.json"], in: dir)
        precondition(r.status == 0, r.stderr)
        return comparable(dir.appendingPathComponent("best.json"))
    }()

    /// The document as sorted-key JSON without its timing block (the only part allowed to differ).
    static func comparable(_ url: URL) -> String {
        guard let data = try? Data(contentsOf: url),
              var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return "unreadable \(url.path)" }
        object.removeValue(forKey: "timing")
        guard let out = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "" }
        return String(decoding: out, as: UTF8.self)
    }

    struct Cluster: Sendable {
        let scheduler: BackgroundProcess
        let address: String
        let dashboardPort: Int?
        var workers: [BackgroundProcess] = []

        func stop() {
            for w in workers { w.terminate() }
            scheduler.terminate()
        }
    }

    func startScheduler(_ extra: [String] = [], dashboard: Bool = true) async throws -> Cluster {
        let args = ["scheduler", "--port", "0"] + (dashboard ? ["--dashboard-address", "127.0.0.1:0"] : ["--no-dashboard"]) + extra
        let scheduler = try BackgroundProcess(TestSupport.autopipeExecutable, args)
        guard let line = await scheduler.line(containing: "listening on", timeout: 30),
              let address = line.split(separator: " ").first(where: { $0.hasPrefix("127.0.0.1:") }) else {
            scheduler.terminate()
            throw TestFailure("the scheduler did not start: \(scheduler.stderr)")
        }
        var dashboardPort: Int?
        if dashboard, let d = await scheduler.line(containing: "dashboard at", timeout: 30),
           let url = d.split(separator: " ").last {
            dashboardPort = Int(url.split(separator: ":").last?.trimmingCharacters(in: CharacterSet(charactersIn: "/")) ?? "")
        }
        return Cluster(scheduler: scheduler, address: String(address), dashboardPort: dashboardPort)
    }

    func addWorker(_ cluster: inout Cluster, name: String, threads: Int = 1, _ extra: [String] = []) async throws {
        let worker = try BackgroundProcess(TestSupport.autopipeExecutable,
                                           ["worker", cluster.address, "--nthreads", "\(threads)", "--name", name] + extra)
        cluster.workers.append(worker)
        guard await cluster.scheduler.line(containing: "worker \(name) joined", timeout: 30) != nil else {
            throw TestFailure("worker \(name) did not join: \(worker.stderr)")
        }
    }

    /// Runs autopipe to its exit without holding a thread of the test runner's pool (the suite spends most of its
    /// time waiting for processes; blocking there would starve other suites' async work on a 2-core machine).
    func run(_ arguments: [String], in directory: URL? = nil) async throws -> (status: Int32, stderr: String) {
        let process = try BackgroundProcess(TestSupport.autopipeExecutable, arguments, in: directory)
        let status = await process.exit(timeout: 300) ?? -1
        return (status, process.stderr)
    }

    /// Runs `body` on a thread of its own and waits for its result.
    func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    func status(_ cluster: Cluster) -> [String: Any]? {
        guard let port = cluster.dashboardPort, let r = try? HTTPGet.get(port: port, path: "/api/status") else { return nil }
        return (try? JSONSerialization.jsonObject(with: r.body)) as? [String: Any]
    }

    @Test func clusterSearchMatchesLocalSearch() async throws {
        var cluster = try await startScheduler()
        defer { cluster.stop() }
        try await addWorker(&cluster, name: "alpha")
        try await addWorker(&cluster, name: "beta")
        let dir = try TestSupport.temporaryDirectory("cluster-remote")
        let r = try await run(["search"] + Self.searchArguments + ["--scheduler", cluster.address,
                                                                                 "--output", "best.json"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.comparable(dir.appendingPathComponent("best.json")) == Self.localResult)

        // Both workers took part, and the dashboard renders them with the plots.
        let workers = (status(cluster)?["workers"] as? [[String: Any]]) ?? []
        #expect(workers.count == 2)
        #expect(workers.allSatisfy { ($0["tasks_done"] as? Int ?? 0) > 0 })
        let page = try HTTPGet.get(port: cluster.dashboardPort ?? 0, path: "/", timeout: 30)
        #expect(page.text.contains("<table id=\"workers\">"))
        #expect(page.text.contains("alpha") && page.text.contains("beta"))
        #expect(page.text.contains("<svg id=\"throughput-plot\""))
    }

    @Test func killingAWorkerMidSearchChangesNothing() async throws {
        var cluster = try await startScheduler()
        defer { cluster.stop() }
        // Slowed down so the search is surely still running when the worker dies.
        try await addWorker(&cluster, name: "victim", threads: 2, ["--test-task-delay-ms", "100"])
        try await addWorker(&cluster, name: "survivor", threads: 1, ["--test-task-delay-ms", "100"])
        let dir = try TestSupport.temporaryDirectory("cluster-kill")
        let search = try BackgroundProcess(TestSupport.autopipeExecutable,
                                           ["search"] + Self.searchArguments + ["--scheduler", cluster.address,
                                                                                "--output", "best.json"], in: dir)
        // Wait until the victim is busy, then SIGKILL it (watched from a thread of its own, so the moment does not
        // depend on the test runner's load).
        let watched = cluster, victim = cluster.workers[0]
        let killed = await onOwnThread { () -> Bool in
            let start = Date()
            while Date().timeIntervalSince(start) < 60 {
                let workers = (status(watched)?["workers"] as? [[String: Any]]) ?? []
                if let v = workers.first(where: { $0["name"] as? String == "victim" }),
                   (v["tasks_done"] as? Int ?? 0) >= 2, (v["running"] as? Int ?? 0) > 0 {
                    victim.kill()
                    return true
                }
                usleep(5_000)
            }
            return false
        }
        #expect(killed)
        #expect(await search.exit(timeout: 120) == 0, "\(search.stderr)")
        #expect(Self.comparable(dir.appendingPathComponent("best.json")) == Self.localResult)
        let tasks = (status(cluster)?["tasks"] as? [String: Any]) ?? [:]
        #expect((tasks["requeued"] as? Int ?? 0) >= 1)
        #expect(await cluster.scheduler.line(containing: "lost worker victim", timeout: 5) != nil)
    }

    /// A cluster search killed mid-run (SIGKILL of the search process) resumes from its checkpoint, on the
    /// cluster, and ends with the local run's result.
    @Test func killedClusterSearchResumesFromItsCheckpoint() async throws {
        var cluster = try await startScheduler(dashboard: false)
        defer { cluster.stop() }
        try await addWorker(&cluster, name: "steady", threads: 2, ["--test-task-delay-ms", "100"])
        let dir = try TestSupport.temporaryDirectory("cluster-resume")
        let checkpoint = dir.appendingPathComponent("search.ckpt").path
        let search = try BackgroundProcess(TestSupport.autopipeExecutable,
                                           ["search"] + Self.searchArguments + ["--scheduler", cluster.address,
                                                                                "--checkpoint", checkpoint,
                                                                                "--output", "best.json"], in: dir)
        // SIGKILL as soon as the first checkpoint is written (from a thread of its own, see above).
        let killed = await onOwnThread { () -> Bool in
            let start = Date()
            while search.process.isRunning && Date().timeIntervalSince(start) < 60 {
                if FileManager.default.fileExists(atPath: checkpoint) {
                    search.kill()
                    return true
                }
                usleep(2_000)
            }
            return false
        }
        #expect(killed, "the search ended before it could be killed: \(search.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("best.json").path))
        let resumed = try await run(["search"] + Self.searchArguments
                                                      + ["--scheduler", cluster.address, "--resume", checkpoint,
                                                         "--output", "best.json"], in: dir)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(Self.comparable(dir.appendingPathComponent("best.json")) == Self.localResult)
    }

    @Test func searchWaitsForALateWorker() async throws {
        var cluster = try await startScheduler(dashboard: false)
        defer { cluster.stop() }
        let dir = try TestSupport.temporaryDirectory("cluster-wait")
        let search = try BackgroundProcess(TestSupport.autopipeExecutable,
                                           ["search"] + Self.searchArguments.filter { $0 != "--verbosity" && $0 != "0" }
                                               + ["--scheduler", cluster.address, "--output", "best.json"], in: dir)
        #expect(await search.line(containing: "no worker is connected", timeout: 30) != nil, "\(search.stderr)")
        try await addWorker(&cluster, name: "late", threads: 2)
        #expect(await search.exit(timeout: 120) == 0, "\(search.stderr)")
        #expect(search.stderr.contains("connected; evaluating"))
        #expect(Self.comparable(dir.appendingPathComponent("best.json")) == Self.localResult)
    }

    @Test func wrongTokenIsRefused() async throws {
        let right = try TestSupport.writeTemporaryFile("the-right-token-0123456789\n", name: "token")
        let wrong = try TestSupport.writeTemporaryFile("a-wrong-token-9876543210\n", name: "token")
        chmod(right, 0o600)
        chmod(wrong, 0o600)
        let cluster = try await startScheduler(["--token-file", right], dashboard: false)
        defer { cluster.stop() }
        let worker = try await run(["worker", cluster.address, "--token-file", wrong, "--death-timeout", "5s"])
        #expect(worker.status != 0)
        #expect(worker.stderr.contains("wrong token"), "\(worker.stderr)")
        let noToken = try await run(["worker", cluster.address, "--death-timeout", "5s"])
        #expect(noToken.status != 0)
        #expect(noToken.stderr.contains("requires a token"), "\(noToken.stderr)")
        let search = try await run(["search"] + Self.searchArguments + ["--scheduler", cluster.address,
                                                                                      "--token-file", wrong, "--output", "/dev/null"])
        #expect(search.status != 0)
        #expect(search.stderr.contains("token"), "\(search.stderr)")
        #expect(await cluster.scheduler.line(containing: "authentication failed: wrong token", timeout: 5) != nil)
    }

    @Test func mutualTLSWithTokenMatchesLocalSearch() async throws {
        let pki = try TestCertificates.make()
        let token = try TestSupport.writeTemporaryFile("tls-and-token-0123456789abcdef\n", name: "token")
        chmod(token, 0o600)
        let server = ["--tls-cert", pki.serverCert, "--tls-key", pki.serverKey, "--tls-ca-file", pki.caCert, "--token-file", token]
        let client = ["--tls-cert", pki.clientCert, "--tls-key", pki.clientKey, "--tls-ca-file", pki.caCert, "--token-file", token]
        var cluster = try await startScheduler(server, dashboard: false)
        defer { cluster.stop() }
        #expect(cluster.scheduler.stderr.contains("(token + mutual TLS)"))
        try await addWorker(&cluster, name: "tls-worker", threads: 2, client)
        let dir = try TestSupport.temporaryDirectory("cluster-tls")
        let r = try await run(["search"] + Self.searchArguments + ["--scheduler", cluster.address,
                                                                                 "--output", "best.json"] + client, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.comparable(dir.appendingPathComponent("best.json")) == Self.localResult)
        // A worker with a certificate from another CA is turned away.
        let rogue = try await run(["worker", cluster.address, "--tls-cert", pki.rogueCert, "--tls-key",
                                                 pki.rogueKey, "--tls-ca-file", pki.caCert, "--token-file", token,
                                                 "--death-timeout", "2s"])
        #expect(rogue.status != 0)
    }

    /// The dashboard's endpoints, served by a real scheduler process (in a separate process its answers do not
    /// depend on the load of the test process's own threads).
    @Test func dashboardEndpoints() async throws {
        var cluster = try await startScheduler()
        defer { cluster.stop() }
        try await addWorker(&cluster, name: "dash-worker", threads: 3)
        let port = try #require(cluster.dashboardPort)
        let page = try HTTPGet.get(port: port, path: "/", timeout: 30)
        #expect(page.status == 200)
        #expect(page.headers["content-type"]?.contains("text/html") == true)
        #expect(page.text.contains("<table id=\"workers\">") && page.text.contains("dash-worker"))
        #expect(page.text.contains("<svg"))
        let status = try HTTPGet.get(port: port, path: "/api/status", timeout: 30)
        #expect(status.status == 200)
        let object = (try JSONSerialization.jsonObject(with: status.body)) as? [String: Any] ?? [:]
        #expect(((object["workers"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String } == ["dash-worker"])
        #expect(object["threads"] as? Int == 3)
        #expect(try HTTPGet.get(port: port, path: "/health", timeout: 30).text == "ok\n")
        // Gauges are refreshed by the scheduler's tick (about once a second).
        var metrics = try HTTPGet.get(port: port, path: "/metrics", timeout: 30)
        let start = Date()
        while !metrics.text.contains("autopipe_workers 1") && Date().timeIntervalSince(start) < 20 {
            try await _Concurrency.Task.sleep(for: .milliseconds(200))
            metrics = try HTTPGet.get(port: port, path: "/metrics", timeout: 30)
        }
        #expect(metrics.status == 200)
        #expect(metrics.text.contains("autopipe_workers 1"), "\(metrics.text)")
        #expect(try HTTPGet.get(port: port, path: "/nope", timeout: 30).status == 404)
    }

    @Test func idleSchedulerExits() async throws {
        let start = Date()
        let r = try await run(["scheduler", "--port", "0", "--no-dashboard", "--idle-timeout", "1s"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("idle for 1 s"))
        #expect(Date().timeIntervalSince(start) < 20)
    }

    @Test func networkAddressWithoutAuthenticationIsRefused() async throws {
        let r = try await run(["scheduler", "--host", "0.0.0.0", "--port", "0", "--no-dashboard"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("refusing to listen"))
    }
}

/// A child process whose stderr is collected as it comes, so a test can wait for a line.
final class BackgroundProcess: @unchecked Sendable {
    let process = Process()
    private let lock = NSCondition()
    private var errText = ""
    private var eof = false

    var endOfOutput: Bool {
        lock.lock()
        defer { lock.unlock() }
        return eof
    }

    init(_ executable: URL, _ arguments: [String], in directory: URL? = nil) throws {
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        err.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            if data.isEmpty {
                handle.readabilityHandler = nil
                self.lock.lock()
                self.eof = true
                self.lock.unlock()
                return
            }
            self.lock.lock()
            self.errText += String(decoding: data, as: UTF8.self)
            self.lock.broadcast()
            self.lock.unlock()
        }
        try process.run()
    }

    var stderr: String {
        lock.lock()
        defer { lock.unlock() }
        return errText
    }

    /// The first stderr line containing `text`, waiting up to `timeout` seconds for it.
    func waitForLine(containing text: String, timeout: Double) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        defer { lock.unlock() }
        while true {
            if let line = errText.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            if !lock.wait(until: deadline) { return nil }
        }
    }

    /// The first stderr line containing `text`, waiting up to `timeout` seconds for it, without blocking a thread.
    func line(containing text: String, timeout: Double) async -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let line = stderr.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            if Date() > deadline { return nil }
            try? await _Concurrency.Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits for the exit and the end of its stderr, without blocking a thread; returns the status, or nil after
    /// `timeout` (the process is then killed).
    func exit(timeout: Double) async -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                kill()
                return nil
            }
            try? await _Concurrency.Task.sleep(for: .milliseconds(10))
        }
        let drained = Date().addingTimeInterval(2)
        while !endOfOutput && Date() < drained { try? await _Concurrency.Task.sleep(for: .milliseconds(5)) }
        return process.terminationStatus
    }

    /// Waits for the exit; returns its status, or nil after `timeout` (the process is then killed).
    func wait(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                kill()
                return nil
            }
            usleep(10_000)
        }
        return process.terminationStatus
    }

    func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    func terminate() {
        guard process.isRunning else { return }
        process.terminate()
        if wait(timeout: 5) == nil { kill() }
    }
}
