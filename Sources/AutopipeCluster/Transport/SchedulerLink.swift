import AutopipeData
import Foundation
import Logging

/// The peer's side of one connection to the scheduler (used by workers and searches): dials, runs the
/// handshake (version, then token proofs both ways), then passes messages on and keeps the link alive with
/// heartbeats, closing it when the scheduler falls silent.
final class SchedulerLink: ClusterConnectionDelegate, @unchecked Sendable {
    struct Identity: Sendable {
        var role: PeerRole
        var name: String
        var token: ClusterToken?
        var threads: Int
        var heartbeatTimeout: Double
    }

    private enum State {
        case idle
        case awaitingChallenge(nonce: [UInt8])
        /// `distrust`: why the scheduler's own proof failed (checked when it welcomes us).
        case awaitingWelcome(distrust: String?)
        case ready
        case closed
    }

    let identity: Identity
    let address: String
    let logger: Logger
    private let lock = NSLock()
    private var state = State.idle
    private var connection: (any ClusterConnection)?
    private var opening: CheckedContinuation<Welcome, any Error>?
    private var closedWaiters: [CheckedContinuation<String, Never>] = []
    private var closeReason: String?
    /// Set when the scheduler rejected this peer after the handshake (a protocol error on this side).
    private(set) var rejection: String?
    private var lastSeen = ContinuousClock.now
    private var timer: DispatchSourceTimer?
    /// Called for every message after the handshake, on the transport's thread (one at a time).
    var onMessage: @Sendable (ClusterMessage) -> Void = { _ in }
    /// Digests to report as cached in `authenticate`.
    var cachedProblems: @Sendable () -> [[UInt8]] = { [] }

    init(identity: Identity, address: String, logger: Logger) {
        self.identity = identity
        self.address = address
        self.logger = logger
    }

    /// Connects and completes the handshake; throws `ClusterError` when refused or unreachable.
    func open(dialer: any ClusterDialer) async throws -> Welcome {
        let nonce = HandshakeProof.nonce()
        lock.withLock { state = .awaitingChallenge(nonce: nonce) }
        let connection: any ClusterConnection
        do {
            connection = try await dialer.connect(delegate: self)
        } catch let error as ClusterError {
            lock.withLock { state = .closed }
            throw error
        } catch {
            lock.withLock { state = .closed }
            throw ClusterError.unreachable(address: address, reason: "\(error)")
        }
        return try await withCheckedThrowingContinuation { continuation in
            let proceed: Bool = lock.withLock {
                if case .closed = state { return false }
                self.connection = connection
                opening = continuation
                return true
            }
            guard proceed else {
                continuation.resume(throwing: ClusterError.unreachable(address: address,
                                                                       reason: closeReason ?? "connection closed"))
                return
            }
            connection.send(.hello(Hello(role: identity.role, name: identity.name, nonce: nonce)))
        }
    }

    func send(_ message: ClusterMessage) {
        lock.withLock { connection }?.send(message)
    }

    /// Closes the link (a goodbye first when `reason` is given).
    func close(reason: String? = nil) {
        guard let c = lock.withLock({ connection }) else { return }
        if let reason { c.send(.goodbye(reason: reason)) }
        c.close()
    }

    /// Waits until the link is closed; returns why.
    func closed() async -> String {
        await withCheckedContinuation { continuation in
            let reason: String? = lock.withLock {
                if case .closed = state { return closeReason ?? "connection closed" }
                closedWaiters.append(continuation)
                return nil
            }
            if let reason { continuation.resume(returning: reason) }
        }
    }

    var isReady: Bool { lock.withLock { if case .ready = state { return true } else { return false } } }

    // MARK: Delegate

    func connection(_ connection: any ClusterConnection, received message: ClusterMessage) {
        lock.withLock { lastSeen = .now }
        let current = lock.withLock { state }
        switch (current, message) {
        case (.ready, .reject(let reason)):
            lock.withLock {
                rejection = reason
                closeReason = "the scheduler dropped this connection: \(reason)"
            }
            connection.close()
        case (.ready, _):
            onMessage(message)
        case (.awaitingChallenge(let nonce), .challenge(let challenge)):
            guard WireFormat.protocolVersions.contains(challenge.version) else {
                fail(.handshake(address: address, reason: "the scheduler chose protocol version \(challenge.version), "
                    + "which this build does not speak"), connection)
                return
            }
            var proof: [UInt8] = []
            var distrust: String?
            if let token = identity.token {
                // Our proof goes first, so a scheduler with another token rejects us with a clear "wrong token" (and
                // logs it); the scheduler's proof is checked before we accept its welcome.
                proof = HandshakeProof.peer(token, role: identity.role, schedulerNonce: challenge.nonce, peerNonce: nonce)
                if !HandshakeProof.verifyScheduler(challenge.proof, token: token, peerNonce: nonce,
                                                   schedulerNonce: challenge.nonce) {
                    distrust = challenge.tokenRequired
                        ? "the scheduler could not prove it knows the token (wrong --token-file on one side)"
                        : "the scheduler does not use a token, but this side was given --token-file"
                }
            } else if challenge.tokenRequired {
                fail(.handshake(address: address, reason: "the scheduler requires a token; give --token-file"),
                     connection)
                return
            }
            lock.withLock { state = .awaitingWelcome(distrust: distrust) }
            connection.send(.authenticate(Authenticate(proof: proof, threads: UInt32(clamping: identity.threads),
                                                       cachedProblems: cachedProblems())))
        case (.awaitingWelcome(let distrust), .welcome(let welcome)):
            if let distrust {
                fail(.handshake(address: address, reason: distrust), connection)
                return
            }
            connection.setInboundFrameLimit(Int(welcome.frameLimit))
            let continuation: CheckedContinuation<Welcome, any Error>? = lock.withLock {
                state = .ready
                defer { opening = nil }
                return opening
            }
            startHeartbeats(every: max(Double(welcome.heartbeatMillis) / 1000, 0.01))
            continuation?.resume(returning: welcome)
        case (_, .reject(let reason)):
            fail(.rejected(address: address, reason: reason), connection)
        case (_, .heartbeat):
            break
        default:
            fail(.handshake(address: address, reason: "unexpected \(message.type.name) during the handshake"), connection)
        }
    }

    func connectionClosed(_ connection: any ClusterConnection, reason: String?) {
        let (continuation, waiters, why): (CheckedContinuation<Welcome, any Error>?, [CheckedContinuation<String, Never>], String) = lock.withLock {
            let why = closeReason ?? reason ?? "connection closed by the scheduler"
            closeReason = why
            state = .closed
            timer?.cancel()
            timer = nil
            let c = opening
            opening = nil
            let w = closedWaiters
            closedWaiters = []
            return (c, w, why)
        }
        continuation?.resume(throwing: ClusterError.unreachable(address: address, reason: why))
        for w in waiters { w.resume(returning: why) }
    }

    private func fail(_ error: ClusterError, _ connection: any ClusterConnection) {
        let continuation: CheckedContinuation<Welcome, any Error>? = lock.withLock {
            closeReason = error.description
            defer { opening = nil }
            return opening
        }
        continuation?.resume(throwing: error)
        connection.close()
    }

    private func startHeartbeats(every interval: Double) {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global())
        timer.schedule(deadline: .now() + interval, repeating: interval)
        let timeout = identity.heartbeatTimeout
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            let (connection, silent): ((any ClusterConnection)?, Double) = self.lock.withLock {
                (self.connection, self.lastSeen.secondsElapsed)
            }
            guard let connection else { return }
            if silent > timeout {
                self.lock.withLock { self.closeReason = "no heartbeat from the scheduler for \(Int(silent)) s" }
                connection.close()
            } else {
                connection.send(.heartbeat)
            }
        }
        lock.withLock { self.timer = timer }
        timer.resume()
    }
}
