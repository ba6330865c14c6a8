import ArgumentParser
import AutopipeCluster
import AutopipeSearch
import Foundation
import Logging

struct SchedulerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "Run the cluster scheduler: searches submit evaluations, workers run them.",
        discussion: """
            Workers connect with `autopipe worker HOST:PORT`; searches with `autopipe search ... --scheduler \
            HOST:PORT`. The scheduler listens on loopback by default; to listen on a network address it needs \
            --token-file or TLS (--tls-cert/--tls-key, plus --tls-ca-file for client certificates), or --insecure. \
            It prints `listening on HOST:PORT` (and the dashboard's URL) on stderr once ready.
            """)

    @Option(name: .long, help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on (0: any free port, printed at start).")
    var port: Int = 8786

    @Option(name: .customLong("dashboard-address"), help: ArgumentHelp(
        "Dashboard (HTML page, /api/status, /health, /metrics; read-only, no authentication): HOST:PORT, or :PORT for the --host address.", valueName: "address"))
    var dashboardAddress: String = ":8787"

    @Flag(name: .customLong("no-dashboard"), help: "Do not serve the dashboard.")
    var noDashboard = false

    @OptionGroup var security: ClusterSecurityOptions

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp(
        "Exit after this long with no search connected and no task left (e.g. 30m; default: never).", valueName: "duration"))
    var idleTimeout: String?

    @Flag(name: .long, help: "Allow a non-loopback --host without a token or TLS (anyone who can reach the port can use the cluster).")
    var insecure = false

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning or error.")
    var logLevel: String = "info"

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port must be in 0...65535; got \(port).") }
    }

    func run() async throws {
        try await runReportingErrors {
            let level = try ClusterLogging.bootstrap(level: logLevel)
            var logger = Logger(label: "autopipe.scheduler")
            logger.logLevel = level
            let token = try security.token { logger.warning("\($0)") }
            let address = ClusterAddress(host: host, port: port)
            if !address.isLoopback && token == nil && !security.tls.isEnabled && !insecure {
                throw ClusterError.configuration("refusing to listen on \(address) without authentication: give "
                    + "--token-file and/or --tls-cert/--tls-key (with --tls-ca-file for client certificates), or "
                    + "--insecure to accept anyone who can reach the port")
            }
            var dashboard: ClusterAddress?
            if !noDashboard {
                var parsed = try ClusterAddress.parse(dashboardAddress, defaultPort: 8787, option: "--dashboard-address")
                if parsed.host.isEmpty { parsed.host = host }
                dashboard = parsed
            }
            let idle = try idleTimeout.map { try DurationText.seconds($0, option: "--idle-timeout") }
            let service = SchedulerService(
                options: .init(host: host, port: port, tls: security.tls, dashboard: dashboard, idleTimeout: idle,
                               configuration: SchedulerConfiguration(token: token)),
                logger: logger)
            let signals = SignalWatcher { service.stop(reason: "received \($0)") }
            defer { signals.cancel() }
            try await service.run { line in Stderr.write(line + "\n") }
        }
    }
}
