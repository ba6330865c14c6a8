/// Big-endian binary writing and bounds-checked reading for the wire format. No Foundation, no NIO: the codec
/// built on these is shared by the NIO transport, the in-process transport and the fuzz target.

/// Appends fixed-width integers (big-endian), IEEE doubles (their bit pattern), and length-prefixed strings and
/// byte strings to a byte array.
public struct WireWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func u8(_ v: UInt8) { bytes.append(v) }

    public mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }

    public mutating func u16(_ v: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: v >> 8))
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    public mutating func u32(_ v: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt32(shift))) }
    }

    public mutating func u64(_ v: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
    }

    public mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }

    public mutating func f64(_ v: Double) { u64(v.bitPattern) }

    /// A count or length; callers never write more than `UInt32.max` elements (frames are far smaller).
    public mutating func count(_ n: Int) { u32(UInt32(clamping: n)) }

    public mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            count(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    public mutating func blob(_ b: [UInt8]) {
        count(b.count)
        bytes.append(contentsOf: b)
    }

    /// Bytes with no length prefix (fixed-size fields such as digests and nonces).
    public mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }

    /// Doubles as a count and then their bit patterns, without per-element overhead.
    public mutating func doubles(_ values: [Double]) {
        count(values.count)
        bytes.reserveCapacity(bytes.count + values.count * 8)
        for v in values { u64(v.bitPattern) }
    }
}

/// Why bytes could not be read as a message. Every case names what was expected, so a dropped connection's log
/// line says what was wrong.
public enum WireError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The data ends before a field it announces.
    case truncated(field: String, needed: Int, available: Int)
    /// A field holds a value no peer of this version sends.
    case invalid(field: String, reason: String)
    /// A frame announces more bytes than the receiver accepts.
    case oversized(length: Int, limit: Int)
    /// The frame header carries a format version this build does not read.
    case unsupportedFrameVersion(UInt8)
    case unknownMessageType(UInt8)
    /// Bytes left after the message's last field.
    case trailingBytes(message: String, count: Int)
    /// The connection ended in the middle of a frame.
    case truncatedFrame(buffered: Int)
    /// The first bytes look like another protocol (HTTP, TLS): a misdirected client.
    case foreignProtocol(String)

    public var description: String {
        switch self {
        case .truncated(let field, let needed, let available):
            return "truncated message: '\(field)' needs \(needed) bytes, \(available) left"
        case .invalid(let field, let reason):
            return "invalid '\(field)': \(reason)"
        case .oversized(let length, let limit):
            return "oversized frame: \(length) bytes announced, the limit is \(limit)"
        case .unsupportedFrameVersion(let v):
            return "unsupported frame format version \(v) (this build reads version \(WireFormat.frameVersion))"
        case .unknownMessageType(let t):
            return "unknown message type \(t)"
        case .trailingBytes(let message, let count):
            return "\(count) unexpected bytes after a \(message) message"
        case .truncatedFrame(let buffered):
            return "connection closed in the middle of a frame (\(buffered) bytes buffered)"
        case .foreignProtocol(let what):
            return what
        }
    }
}

/// Reads what `WireWriter` wrote, checking every length against the bytes that are really there before
/// allocating anything (a hostile length cannot make the reader reserve memory it was not sent).
public struct WireReader {
    private let bytes: [UInt8]
    public private(set) var offset: Int
    private let end: Int

    public init(_ bytes: [UInt8], offset: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.end = min(end ?? bytes.count, bytes.count)
    }

    public var remaining: Int { end - offset }

    mutating func need(_ n: Int, _ field: String) throws(WireError) {
        if n < 0 || n > remaining { throw .truncated(field: field, needed: n, available: remaining) }
    }

    public mutating func u8(_ field: String) throws(WireError) -> UInt8 {
        try need(1, field)
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func bool(_ field: String) throws(WireError) -> Bool {
        switch try u8(field) {
        case 0: return false
        case 1: return true
        case let other: throw .invalid(field: field, reason: "a flag is 0 or 1, found \(other)")
        }
    }

    public mutating func u16(_ field: String) throws(WireError) -> UInt16 {
        try need(2, field)
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    public mutating func u32(_ field: String) throws(WireError) -> UInt32 {
        try need(4, field)
        var v: UInt32 = 0
        for i in 0..<4 { v = v << 8 | UInt32(bytes[offset + i]) }
        offset += 4
        return v
    }

    public mutating func u64(_ field: String) throws(WireError) -> UInt64 {
        try need(8, field)
        var v: UInt64 = 0
        for i in 0..<8 { v = v << 8 | UInt64(bytes[offset + i]) }
        offset += 8
        return v
    }

    public mutating func i64(_ field: String) throws(WireError) -> Int64 { Int64(bitPattern: try u64(field)) }

    public mutating func f64(_ field: String) throws(WireError) -> Double { Double(bitPattern: try u64(field)) }

    /// A count of elements each at least `minimumSize` bytes long: rejected unless that many could still follow.
    public mutating func count(_ field: String, minimumSize: Int = 1) throws(WireError) -> Int {
        let n = Int(try u32(field))
        let needed = n.multipliedReportingOverflow(by: max(minimumSize, 0))
        if needed.overflow || needed.partialValue > remaining {
            throw .truncated(field: field, needed: needed.overflow ? Int.max : needed.partialValue, available: remaining)
        }
        return n
    }

    public mutating func raw(_ n: Int, _ field: String) throws(WireError) -> [UInt8] {
        try need(n, field)
        defer { offset += n }
        return Array(bytes[offset..<offset + n])
    }

    public mutating func blob(_ field: String) throws(WireError) -> [UInt8] {
        let n = try count(field)
        return try raw(n, field)
    }

    public mutating func string(_ field: String, maxLength: Int = .max) throws(WireError) -> String {
        let n = try count(field)
        if n > maxLength { throw .invalid(field: field, reason: "\(n) bytes, at most \(maxLength) allowed") }
        try need(n, field)
        defer { offset += n }
        guard let s = String(validating: bytes[offset..<offset + n], as: UTF8.self) else {
            throw .invalid(field: field, reason: "not valid UTF-8")
        }
        return s
    }

    public mutating func doubles(_ field: String) throws(WireError) -> [Double] {
        let n = try count(field, minimumSize: 8)
        var out = [Double]()
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(Double(bitPattern: try u64(field))) }
        return out
    }

    /// Fails unless every byte was read.
    public func finish(_ message: String) throws(WireError) {
        if remaining != 0 { throw .trailingBytes(message: message, count: remaining) }
    }
}
