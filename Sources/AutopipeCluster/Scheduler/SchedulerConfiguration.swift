/// How a scheduler behaves (the transport and dashboard settings live with them).
public struct SchedulerConfiguration: Sendable {
    /// When set, every peer must prove it knows this token.
    public var token: ClusterToken?
    /// Seconds between heartbeats sent to each peer.
    public var heartbeatInterval: Double
    /// A peer silent for this long is considered gone (its tasks are re-queued).
    public var heartbeatTimeout: Double
    /// A connection that has not finished the handshake by then is dropped.
    public var handshakeTimeout: Double
    /// Largest frame accepted from an authenticated peer.
    public var frameLimit: Int
    /// A task lost with this many workers is marked failed instead of being retried.
    public var crashLimit: Int
    /// Throughput samples kept for the dashboard (one per second).
    public var historyLength: Int

    public init(token: ClusterToken? = nil, heartbeatInterval: Double = 1, heartbeatTimeout: Double = 15,
                handshakeTimeout: Double = 10, frameLimit: Int = WireFormat.defaultFrameLimit, crashLimit: Int = 2,
                historyLength: Int = 600) {
        self.token = token
        self.heartbeatInterval = heartbeatInterval
        self.heartbeatTimeout = heartbeatTimeout
        self.handshakeTimeout = handshakeTimeout
        self.frameLimit = frameLimit
        self.crashLimit = crashLimit
        self.historyLength = historyLength
    }
}
