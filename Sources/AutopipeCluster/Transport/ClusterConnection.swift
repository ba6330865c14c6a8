/// The transport seen from the application: a connection that sends and receives whole messages. The scheduler,
/// the worker and the search client only use these protocols, so their logic runs the same over NIO TCP (with or
/// without TLS) and over the in-process transport the tests use.
public protocol ClusterConnection: AnyObject, Sendable {
    /// Who is on the other end (`host:port`, or a test name), for logs and the dashboard.
    var peerAddress: String { get }
    /// Queues a message; it is delivered in order after the ones sent before it from the same thread.
    func send(_ message: ClusterMessage)
    /// Raises (or lowers) the largest inbound frame accepted: small until the peer is authenticated.
    func setInboundFrameLimit(_ limit: Int)
    /// Closes the connection; the delegate hears `connectionClosed` once.
    func close()
}

/// Receives one connection's events, one at a time (never concurrently for the same connection).
public protocol ClusterConnectionDelegate: AnyObject, Sendable {
    func connection(_ connection: any ClusterConnection, received message: ClusterMessage)
    /// The connection is gone. `reason` says why when it was not a clean close (a decoding error, a reset).
    func connectionClosed(_ connection: any ClusterConnection, reason: String?)
}

/// Makes outgoing connections (workers and searches to the scheduler).
public protocol ClusterDialer: Sendable {
    /// The scheduler's address as the user wrote it, for messages.
    var address: String { get }
    func connect(delegate: any ClusterConnectionDelegate) async throws -> any ClusterConnection
}

/// Takes incoming connections (the scheduler).
public protocol ClusterAcceptor: AnyObject, Sendable {
    /// Called once per new connection, before any message; returns who receives its events.
    func accept(_ connection: any ClusterConnection) -> any ClusterConnectionDelegate
}
