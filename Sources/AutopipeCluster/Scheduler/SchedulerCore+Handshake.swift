/// The scheduler's side of the handshake: version negotiation, then the token challenge-response.
extension SchedulerCore {
    static let maxThreadsPerWorker = 4096

    func handshake(_ peer: Peer, _ message: ClusterMessage, now: Double, out: inout Outbox) {
        switch (peer.phase, message) {
        case (.awaitingHello, .hello(let hello)):
            let ours = WireFormat.protocolVersions
            let low = max(ours.lowerBound, hello.versions.lowerBound)
            let high = min(ours.upperBound, hello.versions.upperBound)
            guard low <= high else {
                drop(peer, reason: "unsupported protocol version: the peer speaks \(hello.versions.lowerBound)..."
                    + "\(hello.versions.upperBound), this scheduler speaks \(ours.lowerBound)...\(ours.upperBound); "
                    + "run the same autopipe version everywhere", out: &out)
                return
            }
            peer.name = hello.name.isEmpty ? peer.connection.peerAddress : hello.name
            let nonce = HandshakeProof.nonce()
            let proof = configuration.token.map {
                HandshakeProof.scheduler($0, peerNonce: hello.nonce, schedulerNonce: nonce)
            } ?? []
            peer.phase = .awaitingAuthentication(hello: hello, nonce: nonce, version: high)
            out.send(peer.connection, .challenge(Challenge(version: high, nonce: nonce,
                                                           tokenRequired: configuration.token != nil, proof: proof)))
        case (.awaitingAuthentication(let hello, let nonce, _), .authenticate(let auth)):
            if let token = configuration.token {
                guard HandshakeProof.verifyPeer(auth.proof, token: token, role: hello.role, schedulerNonce: nonce,
                                                peerNonce: hello.nonce) else {
                    drop(peer, reason: auth.proof.isEmpty
                            ? "authentication failed: this scheduler requires a token (--token-file)"
                            : "authentication failed: wrong token (give the scheduler's --token-file)", out: &out)
                    return
                }
            }
            let threads = Int(auth.threads)
            if hello.role == .worker && !(1...Self.maxThreadsPerWorker).contains(threads) {
                drop(peer, reason: "a worker needs 1...\(Self.maxThreadsPerWorker) threads, it offered \(threads)",
                     out: &out)
                return
            }
            out.limits.append((peer.connection, configuration.frameLimit))
            out.send(peer.connection, .welcome(Welcome(
                peerID: peer.id, heartbeatMillis: UInt32(configuration.heartbeatInterval * 1000),
                frameLimit: UInt32(clamping: configuration.frameLimit), workers: UInt32(clamping: workers.count),
                threads: UInt32(clamping: threadCount))))
            switch hello.role {
            case .worker:
                peer.phase = .worker
                workerJoined(peer, threads: threads, cached: auth.cachedProblems, now: now, out: &out)
            case .client:
                peer.phase = .client
                logger.info("search client \(peer.name) connected from \(peer.connection.peerAddress)")
            }
        case (_, .goodbye):
            out.closes.append(peer.connection)
        default:
            drop(peer, reason: "expected \(expectedName(peer.phase)) during the handshake, got \(message.type.name)",
                 out: &out)
        }
    }

    private func expectedName(_ phase: Phase) -> String {
        if case .awaitingHello = phase { return "hello" }
        return "authenticate"
    }
}
