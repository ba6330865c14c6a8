import AutopipeData
import AutopipeOperators
import Foundation

/// `--max-time`: the whole command, final refit and output included, must end within the limit (give or take
/// `tolerance`). A watchdog thread cancels the search's token when the time left is only what the final refit
/// and the output are expected to need (`reserve`, updated after every generation from the best pipeline's
/// measured cost), so running evaluations stop through the operators' cancellation checks.
public final class TimeBudget: @unchecked Sendable {
    public let start: ContinuousClock.Instant
    /// Seconds; nil: no limit (then nothing is ever cancelled by time).
    public let limit: Double?
    /// Cancelled when the search must stop.
    public let token: CancellationToken
    private let lock = NSLock()
    private var reserveSeconds: Double
    private var stopped = false

    /// Time kept for writing the outputs after the refit.
    public static let outputMargin = 0.3

    public init(start: ContinuousClock.Instant, limit: Double?, token: CancellationToken) {
        self.start = start
        self.limit = limit
        self.token = token
        reserveSeconds = Self.outputMargin
        guard limit != nil else { return }
        let thread = Thread { [self] in self.watch() }
        thread.name = "autopipe-time-limit"
        thread.start()
    }

    /// How far past the limit the command may end: 5% of the limit or 2 s, whichever is larger.
    public var tolerance: Double { max(0.05 * (limit ?? 0), 2) }

    public var elapsed: Double { start.secondsElapsed }

    /// Seconds left until the limit (infinite without one).
    public var remaining: Double { limit.map { $0 - elapsed } ?? .infinity }

    /// Sets the time kept for the final refit and output (at most half the limit, so a costly best pipeline
    /// cannot stop the search at once).
    public func setReserve(_ seconds: Double) {
        lock.lock()
        reserveSeconds = min(max(seconds, Self.outputMargin), 0.5 * (limit ?? .infinity))
        lock.unlock()
    }

    public var reserve: Double {
        lock.lock()
        defer { lock.unlock() }
        return reserveSeconds
    }

    /// Whether the search must stop now.
    public var isExhausted: Bool { token.isCancelled || remaining <= reserve }

    /// Seconds the final refit may still take: up to the end of the tolerance less `outputMargin` for writing
    /// the outputs. A search that wound down late (a loaded machine) still leaves the refit most of the tolerance.
    public var refitRemaining: Double {
        guard let limit else { return .infinity }
        return limit + tolerance - Self.outputMargin - elapsed
    }

    /// A token for the final refit that expires after `refitRemaining`.
    public func refitToken() -> CancellationToken {
        guard limit != nil else { return .none }
        return CancellationToken(timeLimit: max(refitRemaining, 0.001))
    }

    /// Ends the watchdog (the search is over).
    public func finish() {
        lock.lock()
        stopped = true
        lock.unlock()
    }

    private func watch() {
        while true {
            lock.lock()
            let done = stopped
            let reserve = reserveSeconds
            lock.unlock()
            if done { return }
            if remaining <= reserve {
                token.cancel()
                return
            }
            Thread.sleep(forTimeInterval: min(0.01, max(remaining - reserve, 0.001)))
        }
    }
}

/// Process CPU time (all threads), for the utilisation report.
public enum ProcessCPU {
    public static var seconds: Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
