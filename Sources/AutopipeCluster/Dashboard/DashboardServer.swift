import Foundation
import Hummingbird
import Logging
import NIOCore

/// The scheduler's web dashboard (Hummingbird): `/` (HTML that refreshes itself), `/api/status` (JSON),
/// `/health`, `/metrics` (Prometheus text format). Read-only: nothing here changes the scheduler.
public final class DashboardServer: Sendable {
    private let task: Task<Void, any Error>
    /// The bound address (with the real port when port 0 was asked).
    public let host: String
    public let port: Int

    private init(task: Task<Void, any Error>, host: String, port: Int) {
        self.task = task
        self.host = host
        self.port = port
    }

    public static func start(scheduler: Scheduler, host: String, port: Int, logger: Logger) async throws -> DashboardServer {
        let router = Router()
        router.get("/") { _, _ -> Response in
            let html = DashboardPage.render(scheduler.snapshot())
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: html)))
        }
        router.get("/api/status") { _, _ -> Response in
            let start = ContinuousClock.now
            let data = scheduler.snapshot().json()
            let d = ContinuousClock.now - start
            scheduler.metrics.recordStatusLatency(nanoseconds: d.components.seconds * 1_000_000_000
                + d.components.attoseconds / 1_000_000_000)
            return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.get("/health") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("/metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(string: scheduler.metrics.exposition())))
        }
        let bound = AsyncStream<Result<Int, any Error>>.makeStream()
        var quiet = logger
        quiet.logLevel = .critical   // its shutdown chatter is noise; start-up failures are thrown
        let app = Application(router: router,
                              configuration: .init(address: .hostname(host, port: port), serverName: "autopipe"),
                              onServerRunning: { channel in
                                  bound.continuation.yield(.success(channel.localAddress?.port ?? port))
                              },
                              logger: quiet)
        let task = Task {
            do {
                try await app.run()
            } catch {
                bound.continuation.yield(.failure(error))
                throw error
            }
        }
        var iterator = bound.stream.makeAsyncIterator()
        switch await iterator.next() {
        case .success(let actual):
            return DashboardServer(task: task, host: host, port: actual)
        case .failure(let error):
            let reason = BindFailure.reason(error, port: port, portOption: "--dashboard-address",
                                            hostOption: "--dashboard-address")
            throw ClusterError.configuration("cannot serve the dashboard on \(host):\(port): \(reason)")
        case nil:
            throw ClusterError.configuration("the dashboard on \(host):\(port) did not start")
        }
    }

    public func stop() {
        task.cancel()
    }
}
