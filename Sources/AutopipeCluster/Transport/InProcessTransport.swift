import Foundation

/// Connections inside one process: each direction is a serial queue delivering messages to the other side's
/// delegate. Used by the tests (scheduler and worker logic without sockets) and the capacity benchmark.
///
/// With `throughCodec`, every message is encoded to a frame and decoded again on the way, with the inbound frame
/// limits applied, so the tests exercise the codec too; `InProcessConnection.injectRaw` sends arbitrary bytes.
public final class InProcessHub: Sendable {
    public let acceptor: any ClusterAcceptor
    public let throughCodec: Bool
    private let counter = LockedBox<Int>(0)

    public init(acceptor: any ClusterAcceptor, throughCodec: Bool = false) {
        self.acceptor = acceptor
        self.throughCodec = throughCodec
    }

    /// A dialer whose connections reach this hub's acceptor.
    public func dialer(name: String = "in-process") -> InProcessDialer { InProcessDialer(hub: self, name: name) }

    /// Connects `delegate` to the acceptor and returns this side's end.
    public func connect(delegate: any ClusterConnectionDelegate, name: String) -> InProcessConnection {
        let n = counter.withLock { value -> Int in
            value += 1
            return value
        }
        let a = InProcessConnection(address: "\(name)#\(n)", throughCodec: throughCodec)
        let b = InProcessConnection(address: "scheduler", throughCodec: throughCodec)
        a.peer = b
        b.peer = a
        a.delegate = delegate
        b.delegate = acceptor.accept(b)
        return a
    }
}

public struct InProcessDialer: ClusterDialer {
    let hub: InProcessHub
    let name: String
    public var address: String { "in-process" }

    public func connect(delegate: any ClusterConnectionDelegate) async throws -> any ClusterConnection {
        hub.connect(delegate: delegate, name: name)
    }
}

/// A dialer that always fails (a scheduler that is down), for reconnection tests.
public struct UnreachableDialer: ClusterDialer {
    public let address: String
    public init(address: String = "nowhere:1") { self.address = address }
    public func connect(delegate: any ClusterConnectionDelegate) async throws -> any ClusterConnection {
        throw ClusterError.unreachable(address: address, reason: "connection refused")
    }
}

/// One end of an in-process connection.
public final class InProcessConnection: ClusterConnection, @unchecked Sendable {
    public let peerAddress: String
    let throughCodec: Bool
    /// Delivers to this end's delegate, in order.
    private let queue: DispatchQueue
    private let lock = NSLock()
    fileprivate var peer: InProcessConnection?
    fileprivate var delegate: (any ClusterConnectionDelegate)?
    private var closed = false
    private var parser = FrameParser()
    /// Set (on `queue`) once a frame failed to decode: nothing more is read.
    private var decodeFailed = false

    init(address: String, throughCodec: Bool) {
        peerAddress = address
        self.throughCodec = throughCodec
        queue = DispatchQueue(label: "autopipe.inprocess.\(address)")
    }

    public func send(_ message: ClusterMessage) {
        guard let peer = lock.withLock({ closed ? nil : peer }) else { return }
        if throughCodec {
            peer.receiveBytes(WireFormat.frame(message))
        } else {
            peer.deliver(message)
        }
    }

    /// Sends raw bytes to the other end (garbage, truncated or oversized frames in tests).
    public func injectRaw(_ bytes: [UInt8]) {
        guard let peer = lock.withLock({ closed ? nil : peer }) else { return }
        peer.receiveBytes(bytes)
    }

    public func setInboundFrameLimit(_ limit: Int) {
        queue.async { self.parser.limit = limit }
    }

    public func close() { close(reason: nil) }

    /// Closes both ends; each delegate hears about it once, after the messages already on their way.
    func close(reason: String?) {
        let other: InProcessConnection?? = lock.withLock {
            if closed { return .none }
            closed = true
            return .some(peer)
        }
        guard case .some(let peer) = other else { return }
        notifyClosed(reason: reason)
        peer?.close(reason: reason ?? "closed by the peer")
    }

    private func notifyClosed(reason: String?) {
        queue.async {
            let delegate = self.lock.withLock { () -> (any ClusterConnectionDelegate)? in
                let d = self.delegate
                self.delegate = nil
                self.peer = nil
                return d
            }
            delegate?.connectionClosed(self, reason: reason)
        }
    }

    private func deliver(_ message: ClusterMessage) {
        queue.async {
            guard let delegate = self.lock.withLock({ self.delegate }) else { return }
            delegate.connection(self, received: message)
        }
    }

    private func receiveBytes(_ bytes: [UInt8]) {
        queue.async {
            guard !self.decodeFailed, let delegate = self.lock.withLock({ self.delegate }) else { return }
            self.parser.append(bytes)
            do {
                while let message = try self.parser.next() {
                    delegate.connection(self, received: message)
                }
            } catch {
                self.decodeFailed = true
                self.close(reason: "\(error)")
            }
        }
    }
}

/// A value behind a lock.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    var current: Value { withLock { $0 } }
}
