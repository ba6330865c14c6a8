import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing
@testable import AutopipeCluster

/// The frame codec without sockets: every message round-trips, the NIO decoder passes NIO's decoder verifier
/// (any split of the input gives the same messages), and malformed input is refused with a reason.
@Suite struct WireCodecTests {
    static let digest = [UInt8](repeating: 7, count: 32)
    static let nonce = [UInt8](0..<32)

    static let samples: [ClusterMessage] = [
        .hello(Hello(role: .worker, name: "w1", nonce: nonce)),
        .hello(Hello(versions: 1...3, role: .client, name: "ünïcode", nonce: nonce)),
        .challenge(Challenge(version: 1, nonce: nonce, tokenRequired: true, proof: [UInt8](repeating: 1, count: 32))),
        .challenge(Challenge(version: 1, nonce: nonce, tokenRequired: false, proof: [])),
        .authenticate(Authenticate(proof: [UInt8](repeating: 9, count: 32), threads: 4, cachedProblems: [digest, digest])),
        .welcome(Welcome(peerID: 42, heartbeatMillis: 1000, frameLimit: 1 << 28, workers: 3, threads: 12)),
        .reject(reason: "authentication failed: wrong token"),
        .heartbeat,
        .goodbye(reason: "bye"),
        .openSearch(OpenSearch(name: "iris", digest: digest, problem: [1, 2, 3])),
        .searchOpened(searchID: 5),
        .submitTasks([TaskSubmission(id: 1, payload: [1]), TaskSubmission(id: .max, payload: [])]),
        .withdrawTasks([1, 2, 3]),
        .taskResult(TaskResult(id: 9, outcome: .timedOut, payload: [0, 1])),
        .taskFailed(id: 9, reason: "crashed two workers"),
        .progress(SearchProgress(generation: 3, evaluations: 90, bestScore: 0.97, metric: "accuracy",
                                 front: [.init(score: 0.97, operators: 2, text: "GaussianNB(input)")])),
        .progress(SearchProgress(generation: 0, evaluations: 0, bestScore: -.infinity, metric: "r2", front: [])),
        .clusterStatus(workers: 2, threads: 8),
        .problemData(digest: digest, bytes: [UInt8](repeating: 3, count: 1000)),
        .runTask(RunTask(id: 77, digest: digest, payload: [4, 5, 6])),
        .cancelTasks([77]),
        .needProblem(taskID: 77, digest: digest),
    ]

    @Test func everyMessageTypeHasASample() {
        #expect(Set(Self.samples.map(\.type)) == Set(MessageType.allCases))
    }

    @Test(arguments: samples)
    func roundTrip(_ message: ClusterMessage) throws {
        let frame = WireFormat.frame(message)
        #expect(try WireFormat.frameSize(frame, limit: .max, first: true) == frame.count)
        #expect(try WireFormat.decodeFrame(frame) == message)
    }

    @Test func decoderVerifier() throws {
        let allocator = ByteBufferAllocator()
        // Each input: one or several whole frames; the verifier also feeds them byte by byte and in random splits.
        var pairs: [(ByteBuffer, [ClusterMessage])] = Self.samples.map { (allocator.buffer(bytes: WireFormat.frame($0)), [$0]) }
        let two = WireFormat.frame(.heartbeat) + WireFormat.frame(.withdrawTasks([4]))
        pairs.append((allocator.buffer(bytes: two), [.heartbeat, .withdrawTasks([4])]))
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) {
            ClusterFrameDecoder(limit: FrameLimit(WireFormat.defaultFrameLimit))
        }
    }

    /// Writes `bytes` into a channel with the decoder and returns what it produced or the error it raised.
    func decode(_ bytes: [UInt8], limit: Int = WireFormat.handshakeFrameLimit, finish: Bool = false)
        -> (messages: [ClusterMessage], error: (any Error)?)
    {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(ClusterFrameDecoder(limit: FrameLimit(limit))))
        var messages: [ClusterMessage] = []
        var failure: (any Error)?
        do {
            try channel.writeInbound(channel.allocator.buffer(bytes: bytes))
            if finish { _ = try channel.finish() }
        } catch {
            failure = error
        }
        while let m = try? channel.readInbound(as: ClusterMessage.self) { messages.append(m) }
        _ = try? channel.finish()
        return (messages, failure)
    }

    @Test func embeddedChannelDecodesSplitFrames() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(ClusterFrameDecoder()))
        let frame = WireFormat.frame(.goodbye(reason: "done"))
        try channel.writeInbound(channel.allocator.buffer(bytes: Array(frame[0..<3])))
        #expect(try channel.readInbound(as: ClusterMessage.self) == nil)
        try channel.writeInbound(channel.allocator.buffer(bytes: Array(frame[3...])))
        #expect(try channel.readInbound(as: ClusterMessage.self) == .goodbye(reason: "done"))
        #expect(try channel.finish().isClean)
    }

    @Test func oversizedFrameIsRefusedBeforeItsPayloadArrives() {
        // Only the four length bytes: the decoder must not wait for 100 MB.
        let result = decode([0x06, 0x00, 0x00, 0x00])
        #expect(result.error as? WireError == .oversized(length: 0x0600_0000, limit: WireFormat.handshakeFrameLimit))
    }

    @Test func frameLimitRisesAfterAuthentication() {
        let big = WireFormat.frame(.problemData(digest: Self.digest, bytes: [UInt8](repeating: 0, count: 100_000)))
        #expect(decode(big).error != nil)
        #expect(decode(big, limit: WireFormat.defaultFrameLimit).messages.count == 1)
    }

    @Test func truncatedFrameAtEndOfStream() {
        let frame = WireFormat.frame(.reject(reason: "no"))
        let result = decode(Array(frame.dropLast(2)), finish: true)
        #expect(result.messages.isEmpty)
        #expect(result.error as? WireError == .truncatedFrame(buffered: frame.count - 2))
    }

    @Test func malformedFramesAreRejectedWithAReason() {
        func frame(version: UInt8 = 1, type: UInt8, payload: [UInt8]) -> [UInt8] {
            let n = UInt32(payload.count + 2)
            return [UInt8(n >> 24), UInt8(n >> 16 & 255), UInt8(n >> 8 & 255), UInt8(n & 255), version, type] + payload
        }
        #expect(decode(frame(version: 9, type: 6, payload: [])).error as? WireError == .unsupportedFrameVersion(9))
        #expect(decode(frame(type: 200, payload: [])).error as? WireError == .unknownMessageType(200))
        #expect(decode(frame(type: 6, payload: [1])).error as? WireError == .trailingBytes(message: "heartbeat", count: 1))
        #expect(decode([0, 0, 0, 1, 1]).error as? WireError != nil)   // length 1 < header
        // A hello without the magic: not an autopipe peer.
        #expect(decode(frame(type: 1, payload: Array("not-the-magic-at-all".utf8))).error != nil)
        // A string announcing more bytes than the frame holds.
        #expect(decode(frame(type: 5, payload: [0, 0, 0x10, 0, 65])).error as? WireError
            == .truncated(field: "reason", needed: 4096, available: 1))
        // An array count that would need more bytes than are there must not allocate.
        #expect(decode(frame(type: 13, payload: [0xFF, 0xFF, 0xFF, 0xFF])).error != nil)
        // Invalid UTF-8 in a name.
        let badHello = WireFormat.magic + [0, 1, 0, 1, 1, 0, 0, 0, 2, 0xC3, 0x28] + [0, 0, 0, 32] + Self.nonce
        #expect(decode(frame(type: 1, payload: badHello)).error as? WireError
            == .invalid(field: "name", reason: "not valid UTF-8"))
    }

    @Test func foreignProtocolsAreNamed() {
        let http = decode(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)).error as? WireError
        #expect(http?.description.contains("HTTP") == true)
        let tls = decode([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00]).error as? WireError
        #expect(tls?.description.contains("TLS") == true)
    }

    @Test func garbageNeverTraps() {
        // Pseudo-random garbage of many lengths (the fuzz target does far more; this keeps a quick guard in CI).
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for length in 0..<400 {
            var bytes: [UInt8] = []
            for _ in 0..<length {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes.append(UInt8(truncatingIfNeeded: state >> 33))
            }
            if length > 6 { bytes[0] = 0; bytes[1] = 0; bytes[2] = 0; bytes[3] = UInt8(min(length - 4, 255)); bytes[4] = 1 }
            var parser = FrameParser(limit: 1 << 20)
            parser.append(bytes)
            _ = try? parser.next()
        }
    }
}
