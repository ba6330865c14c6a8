/// The frame layout and the limits every peer enforces.
///
/// A frame is
///
///     u32  length    big-endian; bytes that follow (version + type + payload), at least 2
///     u8   version   frame format version (1)
///     u8   type      message type (see `MessageType`)
///     ...  payload   the message's fields: big-endian integers, IEEE-754 doubles by bit pattern, u32-length
///                    prefixed UTF-8 strings and byte strings, u32-count prefixed arrays
///
/// Before a connection is authenticated a peer accepts frames of at most `handshakeFrameLimit` bytes, so an
/// unauthenticated peer can never make it buffer more than that; afterwards at most the configured maximum
/// (`defaultFrameLimit`). The first message on a connection is always `hello`, whose layout is frozen across
/// protocol versions so that any two builds can at least agree that they disagree.
public enum WireFormat {
    public static let frameVersion: UInt8 = 1
    /// Protocol versions this build speaks (message semantics; negotiated in the handshake). 2: a job's seed is
    /// the search seed, which each step combines with its sub-pipeline's identity (version 1 workers derived
    /// seeds from the whole pipeline, so they would score differently).
    public static let protocolVersions: ClosedRange<UInt16> = 2...2
    /// `hello` starts with these bytes: a misdirected client is recognised at once.
    public static let magic: [UInt8] = Array("autopipe-cluster".utf8)
    public static let headerSize = 6
    public static let handshakeFrameLimit = 64 * 1024
    public static let defaultFrameLimit = 256 * 1024 * 1024
    public static let nonceSize = 32
    public static let digestSize = 32
    public static let proofSize = 32

    /// Reads a frame header from the start of `bytes` (at least 4 bytes), checking the announced length against
    /// `limit`. Returns the full frame size (header included) or nil when fewer than 4 bytes are there.
    public static func frameSize(_ bytes: some Collection<UInt8>, limit: Int, first: Bool) throws(WireError) -> Int? {
        guard bytes.count >= 4 else {
            if first, let foreign = foreignProtocol(Array(bytes)) { throw foreign }
            return nil
        }
        var length = 0
        for b in bytes.prefix(4) { length = length << 8 | Int(b) }
        if length < 2 || length > limit {
            if first, let foreign = foreignProtocol(Array(bytes.prefix(8))) { throw foreign }
            if length < 2 { throw .invalid(field: "frame length", reason: "\(length) is shorter than a frame header") }
            throw .oversized(length: length, limit: limit)
        }
        return length + 4
    }

    /// Recognises the first bytes of an HTTP request or a TLS handshake, for a clear log line.
    static func foreignProtocol(_ head: [UInt8]) -> WireError? {
        if head.count >= 2, head[0] == 0x16, head[1] == 0x03 {
            return .foreignProtocol("the peer started a TLS handshake, but this endpoint does not use TLS "
                + "(give the same --tls-* options to both ends)")
        }
        let text = String(decoding: head.prefix(5), as: UTF8.self)
        for verb in ["GET ", "POST", "HEAD", "PUT ", "OPTIO", "PRI "] where text.hasPrefix(verb) || verb.hasPrefix(text) && text.count >= 3 {
            return .foreignProtocol("the peer sent an HTTP request; this is the cluster port, not the dashboard")
        }
        return nil
    }

    /// Encodes one message as a complete frame.
    public static func frame(_ message: ClusterMessage) -> [UInt8] {
        var w = WireWriter(capacity: 64)
        w.u32(0)
        w.u8(frameVersion)
        w.u8(message.type.rawValue)
        message.encodePayload(into: &w)
        var bytes = w.bytes
        let length = UInt32(truncatingIfNeeded: bytes.count - 4)
        bytes[0] = UInt8(truncatingIfNeeded: length >> 24)
        bytes[1] = UInt8(truncatingIfNeeded: length >> 16)
        bytes[2] = UInt8(truncatingIfNeeded: length >> 8)
        bytes[3] = UInt8(truncatingIfNeeded: length)
        return bytes
    }

    /// Decodes one complete frame (header included, exactly `frameSize` bytes).
    public static func decodeFrame(_ bytes: [UInt8]) throws(WireError) -> ClusterMessage {
        var r = WireReader(bytes)
        _ = try r.u32("frame length")
        let version = try r.u8("frame version")
        guard version == frameVersion else { throw .unsupportedFrameVersion(version) }
        let rawType = try r.u8("message type")
        guard let type = MessageType(rawValue: rawType) else { throw .unknownMessageType(rawType) }
        let message = try ClusterMessage.decodePayload(type, &r)
        try r.finish(type.name)
        return message
    }
}

/// Splits a byte stream into messages: the transport-independent half of the frame decoder (the NIO decoder and
/// the fuzz target both drive it).
public struct FrameParser: Sendable {
    public var limit: Int
    private var buffer: [UInt8] = []
    private var sawFrame = false

    public init(limit: Int = WireFormat.handshakeFrameLimit) {
        self.limit = limit
    }

    public var bufferedCount: Int { buffer.count }

    public mutating func append(_ bytes: some Sequence<UInt8>) { buffer.append(contentsOf: bytes) }

    /// The next complete message, or nil when more bytes are needed.
    public mutating func next() throws(WireError) -> ClusterMessage? {
        guard let size = try WireFormat.frameSize(buffer, limit: limit, first: !sawFrame), buffer.count >= size else {
            return nil
        }
        let frame = Array(buffer[0..<size])
        buffer.removeFirst(size)
        sawFrame = true
        return try WireFormat.decodeFrame(frame)
    }

    /// At end of stream: fails when a partial frame is left.
    public func finish() throws(WireError) {
        if !buffer.isEmpty { throw .truncatedFrame(buffered: buffer.count) }
    }
}
