import AutopipeOperators
import Foundation

/// A request from outside (Ctrl-C) to stop a search early and still write its result, as `--max-time` does: the
/// generation in progress is cancelled and discarded, and the best pipeline of the completed generations is
/// refitted and written. The result's `stop_reason` is `interrupted`.
public final class SearchInterrupt: @unchecked Sendable {
    private let lock = NSLock()
    private var token: CancellationToken?
    private var requested = false

    public init() {}

    /// Asks the search to stop; returns false when it had already been asked (a second Ctrl-C).
    @discardableResult
    public func interrupt() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !requested else { return false }
        requested = true
        token?.cancel()
        return true
    }

    public var isRequested: Bool {
        lock.lock()
        defer { lock.unlock() }
        return requested
    }

    /// Ties the interrupt to the search's cancellation token (cancelled at once if already requested).
    func attach(_ token: CancellationToken) {
        lock.lock()
        defer { lock.unlock() }
        self.token = token
        if requested { token.cancel() }
    }
}
