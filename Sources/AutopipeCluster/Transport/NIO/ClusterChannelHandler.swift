import NIOCore
import NIOSSL

/// Bridges a NIO channel to a `ClusterConnection`: decoded messages go to the delegate, `send` writes through the
/// frame encoder. Decoding and TLS errors close the channel with the reason, which the delegate receives.
///
/// `send` and `close` always hop onto the channel's event loop (never run inline), so a caller holding a lock is
/// never called back synchronously.
final class ClusterChannelHandler: ChannelInboundHandler, ClusterConnection, @unchecked Sendable {
    typealias InboundIn = ClusterMessage
    typealias OutboundOut = ClusterMessage

    let channel: any Channel
    let limit: FrameLimit
    let peerAddress: String
    // Touched only on the event loop after `channelActive`; set before the channel is registered.
    var delegate: (any ClusterConnectionDelegate)?
    private var closeReason: String?
    private var notified = false

    init(channel: any Channel, limit: FrameLimit) {
        self.channel = channel
        self.limit = limit
        peerAddress = Self.describe(channel.remoteAddress)
    }

    static func describe(_ address: SocketAddress?) -> String {
        guard let address else { return "unknown" }
        switch address {
        case .v4: return "\(address.ipAddress ?? "?"):\(address.port ?? 0)"
        case .v6: return "[\(address.ipAddress ?? "?")]:\(address.port ?? 0)"
        case .unixDomainSocket: return "unix socket"
        }
    }

    // MARK: ClusterConnection

    func send(_ message: ClusterMessage) {
        let channel = self.channel
        channel.eventLoop.execute {
            channel.writeAndFlush(message, promise: nil)
        }
    }

    func setInboundFrameLimit(_ limit: Int) { self.limit.set(limit) }

    func close() {
        let channel = self.channel
        channel.eventLoop.execute { channel.close(promise: nil) }
    }

    // MARK: ChannelInboundHandler

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        delegate?.connection(self, received: unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        notifyClosed()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        notifyClosed()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if closeReason == nil { closeReason = Self.explain(error) }
        context.close(promise: nil)
    }

    private func notifyClosed() {
        guard !notified else { return }
        notified = true
        let delegate = self.delegate
        self.delegate = nil
        delegate?.connectionClosed(self, reason: closeReason)
    }

    /// A line a person can act on.
    static func explain(_ error: any Error) -> String {
        if let wire = error as? WireError { return wire.description }
        if let tls = error as? NIOSSLError {
            switch tls {
            case .handshakeFailed(let inner):
                return "TLS handshake failed (\(inner)); check the certificates and --tls-ca-file on both sides"
            case .uncleanShutdown:
                return "the peer closed the TLS connection without a TLS close"
            default:
                return "TLS error: \(tls)"
            }
        }
        if let channelError = error as? ChannelError, channelError == .eof { return "connection closed" }
        if error is NIOSSLExtraError { return "TLS error: \(error)" }
        if let io = error as? IOError { return io.description }
        return "\(error)"
    }
}
