import AutopipeTestSupport
import Foundation
import NIOCore
import NIOPosix
import Testing
@testable import AutopipeCluster

/// The NIO transport on loopback inside this process: plain TCP with a token, TLS, mutual TLS with a wrong client
/// certificate, and raw garbage on the socket (dropped while the scheduler keeps serving).
@Suite(.serialized, .timeLimit(.minutes(2))) struct LoopbackTransportTests {
    struct Running {
        let scheduler: Scheduler
        let server: ClusterServer
        func stop() async {
            scheduler.shutdown()
            await server.close()
        }
    }

    func start(token: ClusterToken? = nil, tls: TLSFiles = TLSFiles()) async throws -> Running {
        let scheduler = Scheduler(configuration: SchedulerConfiguration(token: token, heartbeatInterval: 0.2),
                                  logger: ClusterFixtures.quietLogger)
        scheduler.start()
        let server = try await ClusterServer.start(host: "127.0.0.1", port: 0, tls: tls, acceptor: scheduler)
        return Running(scheduler: scheduler, server: server)
    }

    func evaluateOnce(port: Int, token: ClusterToken?, tls: TLSFiles) async throws -> Bool {
        let problem = try ClusterFixtures.problem()
        let jobs = ClusterFixtures.jobs(6)
        let dialer = try NIODialer(host: "127.0.0.1", port: port, tls: tls)
        let worker = Worker(configuration: WorkerConfiguration(name: "w", threads: 2, token: token), dialer: dialer,
                            logger: ClusterFixtures.quietLogger)
        let task = _Concurrency.Task { try await worker.run() }
        defer { worker.stop(); task.cancel() }
        let remote = RemoteEvaluator(problem: problem, dialer: dialer,
                                     configuration: ClusterClientConfiguration(name: "t", token: token, reconnectTimeout: 2),
                                     logger: ClusterFixtures.quietLogger)
        defer { remote.close() }
        let results = try await remote.evaluate(jobs) { _ in }
        let local = jobs.map { problem.evaluate($0) }
        return ClusterFixtures.sameOutcome(results, local)
    }

    @Test func tcpWithToken() async throws {
        let token = ClusterFixtures.token()
        let running = try await start(token: token)
        #expect(try await evaluateOnce(port: running.server.port, token: token, tls: TLSFiles()))
        // A wrong token is refused with a reason.
        let dialer = try NIODialer(host: "127.0.0.1", port: running.server.port)
        let intruder = Worker(configuration: WorkerConfiguration(name: "x", threads: 1,
                                                                 token: ClusterFixtures.token("guessed wrong token")),
                              dialer: dialer, logger: ClusterFixtures.quietLogger)
        do {
            try await intruder.run()
            Issue.record("wrong token accepted")
        } catch let error as ClusterError {
            #expect(error.description.contains("token"))
        }
        await running.stop()
    }

    @Test func garbageOnTheSocketIsDroppedAndOthersAreServed() async throws {
        let running = try await start()
        let port = running.server.port
        // An HTTP request on the cluster port, and an oversized frame.
        for payload in [Array("GET / HTTP/1.1\r\n\r\n".utf8), [0x7F, 0xFF, 0xFF, 0xFF, 1, 1, 0, 0]] {
            let fd = try rawSend(port: port, payload)
            // The scheduler closes the connection: read returns 0 (or an error) rather than hanging.
            var buffer = [UInt8](repeating: 0, count: 1024)
            var total = 0
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { break }
                total += n
            }
            close(fd)
            #expect(total < 1024)
        }
        #expect(try await evaluateOnce(port: port, token: nil, tls: TLSFiles()))
        await running.stop()
    }

    @Test func tlsAndMutualTLS() async throws {
        let pki = try TestCertificates.make()
        // Server-only TLS: the client verifies the scheduler against the CA.
        let plain = try await start(tls: TLSFiles(certificate: pki.serverCert, key: pki.serverKey))
        #expect(try await evaluateOnce(port: plain.server.port, token: nil, tls: TLSFiles(caFile: pki.caCert)))
        await plain.stop()

        // Mutual TLS: a client certificate from the CA works...
        let mutual = try await start(tls: TLSFiles(certificate: pki.serverCert, key: pki.serverKey, caFile: pki.caCert))
        let good = TLSFiles(certificate: pki.clientCert, key: pki.clientKey, caFile: pki.caCert)
        #expect(try await evaluateOnce(port: mutual.server.port, token: nil, tls: good))
        // ...one from another CA, or none, is refused.
        for bad in [TLSFiles(certificate: pki.rogueCert, key: pki.rogueKey, caFile: pki.caCert), TLSFiles(caFile: pki.caCert)] {
            let dialer = try NIODialer(host: "127.0.0.1", port: mutual.server.port, tls: bad)
            let worker = Worker(configuration: WorkerConfiguration(name: "rogue", threads: 1, deathTimeout: 1,
                                                                   reconnectDelay: 0.1...0.2),
                                dialer: dialer, logger: ClusterFixtures.quietLogger)
            await #expect(throws: ClusterError.self) { try await worker.run() }
            #expect(mutual.scheduler.workerCount.workers == 0)
        }
        // A plain-TCP peer talking to a TLS scheduler is refused too.
        let dialer = try NIODialer(host: "127.0.0.1", port: mutual.server.port)
        let plainWorker = Worker(configuration: WorkerConfiguration(name: "plain", threads: 1, deathTimeout: 1,
                                                                    reconnectDelay: 0.1...0.2),
                                 dialer: dialer, logger: ClusterFixtures.quietLogger)
        await #expect(throws: ClusterError.self) { try await plainWorker.run() }
        await mutual.stop()
    }

    /// A port in use and an address not on this machine: an error in words naming the option to change.
    @Test func bindFailuresSayWhatToChange() async throws {
        let running = try await start()
        let port = running.server.port
        do {
            let second = try await ClusterServer.start(host: "127.0.0.1", port: port, tls: TLSFiles(),
                                                       acceptor: running.scheduler)
            await second.close()
            Issue.record("a second server listened on port \(port)")
        } catch let error as ClusterError {
            let text = "\(error)"
            #expect(text.contains("cannot listen on 127.0.0.1:\(port): Address already in use"), "\(text)")
            #expect(text.contains("choose another --port"), "\(text)")
            #expect(!text.contains("errno"), "\(text)")
        }
        // 192.0.2.0/24 is reserved for documentation: never an address of this machine.
        await #expect(throws: ClusterError.configuration(
            "cannot listen on 192.0.2.1:0: Cannot assign requested address: the address is not one of this "
                + "machine's; give --host one of its addresses, or 0.0.0.0 for all")) {
            let server = try await ClusterServer.start(host: "192.0.2.1", port: 0, tls: TLSFiles(),
                                                       acceptor: running.scheduler)
            await server.close()
        }
        await running.stop()
    }

    func rawSend(port: Int, _ bytes: [UInt8]) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let r = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(r == 0)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        return fd
    }
}
