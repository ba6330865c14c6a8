import ArgumentParser
import AutopipeCluster
import AutopipeOperators
import AutopipeSearch
import Foundation
import Logging

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run a cluster worker: evaluate pipelines for the searches of a scheduler.",
        discussion: """
            The worker receives datasets (checked against their SHA-256 digest, kept in memory) and pipeline \
            documents, never code. When the scheduler goes away it reconnects with backoff until --death-timeout.
            """)

    @Argument(help: ArgumentHelp("The scheduler's address (port 8786 when omitted).", valueName: "HOST:PORT"))
    var scheduler: String

    @Option(name: .long, help: "Evaluations run in parallel (default: all cores).")
    var nthreads: Int?

    @Option(name: .long, help: "Name shown on the dashboard (default: host name and process id).")
    var name: String?

    @OptionGroup var security: ClusterSecurityOptions

    @Option(name: .customLong("death-timeout"), help: ArgumentHelp(
        "Give up after this long without a scheduler (e.g. 60s, 10m; 'never' to keep trying).", valueName: "duration"))
    var deathTimeout: String = "5m"

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning or error.")
    var logLevel: String = "info"

    /// Testing only: sleep this many milliseconds before each evaluation (lets fault-injection tests kill a worker
    /// mid-search). Not shown in --help.
    @Option(name: .customLong("test-task-delay-ms"), help: .hidden)
    var testTaskDelay: Int?

    func validate() throws {
        if let nthreads, nthreads < 1 { throw ValidationError("--nthreads must be at least 1; got \(nthreads).") }
    }

    func run() async throws {
        try await runReportingErrors {
            MemoryTuning.reuseLargeBlocks()
            let level = try ClusterLogging.bootstrap(level: logLevel)
            var logger = Logger(label: "autopipe.worker")
            logger.logLevel = level
            let address = try ClusterAddress.parse(scheduler, defaultPort: 8786, option: "HOST:PORT")
            let token = try security.token { logger.warning("\($0)") }
            let death: Double? = ["never", "none", "0"].contains(deathTimeout.lowercased())
                ? nil : try DurationText.seconds(deathTimeout, option: "--death-timeout")
            let threads = nthreads ?? ProcessInfo.processInfo.activeProcessorCount
            let workerName = name ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
            let dialer = try NIODialer(host: address.host, port: address.port, tls: security.tls)
            let worker = Worker(configuration: WorkerConfiguration(name: workerName, threads: threads, token: token,
                                                                   deathTimeout: death),
                                dialer: dialer, logger: logger)
            if let delay = testTaskDelay, delay > 0 {
                worker.beforeTask = { _ in usleep(useconds_t(delay * 1000)) }
            }
            let log = logger
            let signals = SignalWatcher { signal in
                log.info("received \(signal); leaving the scheduler")
                worker.stop(reason: "worker stopped by \(signal)")
            }
            defer { signals.cancel() }
            try await worker.run()
        }
    }
}
