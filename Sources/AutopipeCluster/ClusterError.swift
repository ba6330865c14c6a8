/// Why cluster mode could not do what was asked. Every case says what went wrong and with which peer; the
/// command line prints `description` as its one error line.
public enum ClusterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A flag or a file (certificate, key, token) is wrong.
    case configuration(String)
    /// The scheduler refused the connection (wrong token, unsupported version, bad role).
    case rejected(address: String, reason: String)
    /// The handshake went wrong on this side's checks (the scheduler could not prove it knows the token, it
    /// answered with something unexpected).
    case handshake(address: String, reason: String)
    /// No connection could be made.
    case unreachable(address: String, reason: String)
    /// The scheduler went away during a search and did not come back in time. The search's checkpoint (when
    /// `--checkpoint` was given) holds every finished generation; `--resume` continues from it.
    case schedulerLost(address: String, reason: String, waitedSeconds: Double)
    /// A worker gave up after `--death-timeout` without a scheduler.
    case deathTimeout(address: String, seconds: Double)
    /// The peer broke the protocol (a message its role may not send, an unknown task).
    case protocolViolation(String)

    public var description: String {
        switch self {
        case .configuration(let message):
            return message
        case .rejected(let address, let reason):
            return "the scheduler at \(address) refused the connection: \(reason)"
        case .handshake(let address, let reason):
            return "handshake with the scheduler at \(address) failed: \(reason)"
        case .unreachable(let address, let reason):
            return "cannot connect to the scheduler at \(address): \(reason)"
        case .schedulerLost(let address, let reason, let waited):
            return "lost the scheduler at \(address) (\(reason)) and it did not come back within "
                + "\(Int(waited.rounded())) s. Restart it and run the same search again "
                + "(with --resume, if it was started with --checkpoint, to continue where it stopped)."
        case .deathTimeout(let address, let seconds):
            return "no scheduler at \(address) for \(Int(seconds.rounded())) s (--death-timeout); giving up"
        case .protocolViolation(let message):
            return "protocol violation: \(message)"
        }
    }
}
