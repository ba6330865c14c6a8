import NIOCore
import Synchronization

/// The largest inbound frame a connection accepts right now: small during the handshake, raised once the peer is
/// authenticated. Shared by a connection's decoder and its handler.
public final class FrameLimit: Sendable {
    private let value: Atomic<Int>

    public init(_ limit: Int = WireFormat.handshakeFrameLimit) {
        value = Atomic(limit)
    }

    public var current: Int { value.load(ordering: .relaxed) }

    public func set(_ limit: Int) { value.store(limit, ordering: .relaxed) }
}

/// Length-prefixed frames to `ClusterMessage`s (see `WireFormat`). An oversized length is refused as soon as the
/// four length bytes arrive, before any payload is buffered; a stream that ends inside a frame is an error.
public struct ClusterFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ClusterMessage
    let limit: FrameLimit
    private var sawFrame = false

    public init(limit: FrameLimit = FrameLimit()) {
        self.limit = limit
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let message = try next(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(message))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer,
                                    seenEOF: Bool) throws -> DecodingState {
        while let message = try next(&buffer) {
            context.fireChannelRead(wrapInboundOut(message))
        }
        if buffer.readableBytes > 0 {
            let buffered = buffer.readableBytes
            buffer.moveReaderIndex(forwardBy: buffered)
            throw WireError.truncatedFrame(buffered: buffered)
        }
        return .needMoreData
    }

    /// The next whole message in `buffer`, consuming its bytes; nil when more bytes are needed.
    mutating func next(_ buffer: inout ByteBuffer) throws -> ClusterMessage? {
        guard let size = try WireFormat.frameSize(buffer.readableBytesView.prefix(8), limit: limit.current,
                                                  first: !sawFrame),
              buffer.readableBytes >= size, let bytes = buffer.readBytes(length: size) else { return nil }
        sawFrame = true
        return try WireFormat.decodeFrame(bytes)
    }
}

/// `ClusterMessage`s to frames.
public struct ClusterFrameEncoder: MessageToByteEncoder {
    public typealias OutboundIn = ClusterMessage

    public init() {}

    public func encode(data: ClusterMessage, out: inout ByteBuffer) throws {
        out.writeBytes(WireFormat.frame(data))
    }
}
