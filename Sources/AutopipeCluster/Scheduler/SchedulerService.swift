import Foundation
import Logging

/// A scheduler with its network listener, dashboard, timer and idle time-out: what `autopipe scheduler` runs.
public final class SchedulerService: @unchecked Sendable {
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        public var tls: TLSFiles
        /// Where to serve the dashboard (nil: no dashboard).
        public var dashboard: ClusterAddress?
        /// Stop after this many seconds with no search connected and no task queued or running.
        public var idleTimeout: Double?
        public var configuration: SchedulerConfiguration

        public init(host: String, port: Int, tls: TLSFiles = TLSFiles(), dashboard: ClusterAddress? = nil,
                    idleTimeout: Double? = nil, configuration: SchedulerConfiguration = SchedulerConfiguration()) {
            self.host = host
            self.port = port
            self.tls = tls
            self.dashboard = dashboard
            self.idleTimeout = idleTimeout
            self.configuration = configuration
        }
    }

    public let options: Options
    public let scheduler: Scheduler
    let logger: Logger
    private let stopSignal = AsyncStream<String>.makeStream()

    public init(options: Options, logger: Logger) {
        self.options = options
        self.logger = logger
        scheduler = Scheduler(configuration: options.configuration, logger: logger)
    }

    /// Serves until `stop()` or the idle time-out. `announce` receives the lines a user or a script waits for:
    /// `listening on HOST:PORT` and `dashboard at http://HOST:PORT/`.
    public func run(announce: (String) -> Void) async throws {
        let server = try await ClusterServer.start(host: options.host, port: options.port, tls: options.tls,
                                                   acceptor: scheduler)
        scheduler.start()
        let address = ClusterAddress(host: server.host, port: server.port)
        let security = [options.configuration.token != nil ? "token" : nil,
                        options.tls.isEnabled ? (options.tls.caFile != nil ? "mutual TLS" : "TLS") : nil]
            .compactMap { $0 }
        announce("autopipe scheduler listening on \(address)"
            + (security.isEmpty ? " (no authentication)" : " (\(security.joined(separator: " + ")))"))
        var dashboard: DashboardServer?
        if let d = options.dashboard {
            if !d.isLoopback {
                logger.warning("the dashboard on \(d) is readable by anyone who can reach it (it has no authentication)")
            }
            do {
                dashboard = try await DashboardServer.start(scheduler: scheduler, host: d.host, port: d.port, logger: logger)
                let shown = ClusterAddress(host: d.host, port: dashboard?.port ?? d.port)
                announce("autopipe dashboard at http://\(shown)/")
            } catch {
                await server.close()
                scheduler.shutdown()
                throw error
            }
        }
        let idleWatch = Task { [scheduler, options, stopSignal] in
            guard let limit = options.idleTimeout else { return }
            var idleSince = ContinuousClock.now
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                if !scheduler.isIdle { idleSince = .now; continue }
                if ContinuousClock.now - idleSince >= .seconds(limit) {
                    stopSignal.continuation.yield("idle for \(Int(limit)) s (--idle-timeout)")
                    return
                }
            }
        }
        var iterator = stopSignal.stream.makeAsyncIterator()
        let reason = await iterator.next() ?? "stopped"
        logger.info("shutting down: \(reason)")
        idleWatch.cancel()
        dashboard?.stop()
        scheduler.shutdown(reason: "the scheduler is shutting down (\(reason))")
        await server.close()
    }

    public func stop(reason: String) {
        stopSignal.continuation.yield(reason)
    }
}
