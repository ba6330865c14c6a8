import AutopipeData
import Synchronization

/// Lets a caller stop a fit: by cancelling it, or by a deadline. Iterative fits call `check()` once per
/// iteration (boosting round, tree node, epoch, coordinate-descent sweep); it costs an atomic load and, with a
/// deadline, one coarse clock read (`CoarseClock`: the deadline is seen at most a clock tick late).
public final class CancellationToken: Sendable {
    private let cancelledFlag = Atomic<Bool>(false)
    /// When the token expires, on `CoarseClock` (nil: no deadline).
    private let deadlineNanoseconds: Int64?
    /// The limit in seconds, for the error message.
    public let limitSeconds: Double?
    /// A token whose cancellation or deadline also stops this one (the search's, above an evaluation's).
    public let parent: CancellationToken?

    /// A token that expires at `deadline` (nil: only when cancelled, or when `parent` stops).
    public init(deadline: ContinuousClock.Instant? = nil, limitSeconds: Double? = nil,
                parent: CancellationToken? = nil) {
        deadlineNanoseconds = deadline.map { CoarseClock.deadline(afterSeconds: ($0 - .now) / .seconds(1)) }
        self.limitSeconds = limitSeconds
        self.parent = parent
    }

    /// A token that expires `seconds` from now (or earlier, when `parent` stops).
    public init(timeLimit seconds: Double, parent: CancellationToken? = nil) {
        deadlineNanoseconds = CoarseClock.deadline(afterSeconds: seconds)
        limitSeconds = seconds
        self.parent = parent
    }

    public static let none = CancellationToken()

    public func cancel() { cancelledFlag.store(true, ordering: .relaxed) }

    public var isCancelled: Bool { cancelledFlag.load(ordering: .relaxed) || (parent?.isCancelled ?? false) }

    public var isExpired: Bool {
        if let deadlineNanoseconds, CoarseClock.nanoseconds() >= deadlineNanoseconds { return true }
        return parent?.isExpired ?? false
    }

    /// Throws `.cancelled` or `.timedOut` when the fit must stop.
    @inline(__always)
    public func check() throws(OperatorError) {
        if cancelledFlag.load(ordering: .relaxed) { throw .cancelled }
        if let deadlineNanoseconds, CoarseClock.nanoseconds() >= deadlineNanoseconds {
            throw .timedOut(seconds: limitSeconds ?? 0)
        }
        if let parent { try parent.check() }
    }
}

/// What a fit needs besides the data: its random seed (`random_state`), its cancellation token and any idle
/// threads it may use.
public struct FitContext: Sendable {
    /// This step's seed: derived from the search seed, the pipeline's identity and the step's position.
    public var seed: UInt64
    public var cancellation: CancellationToken
    /// Idle threads the fit may spread independent pieces of its work over (`IdleHelpers`); nil: none.
    public var helpers: (any IdleHelpers)?

    public init(seed: UInt64 = 0, cancellation: CancellationToken = .none, helpers: (any IdleHelpers)? = nil) {
        self.seed = seed
        self.cancellation = cancellation
        self.helpers = helpers
    }

    /// A fresh generator for this fit.
    public func generator() -> SeededGenerator { SeededGenerator(seed: seed) }

    /// The same context (cancellation, helpers) with another seed.
    public func withSeed(_ seed: UInt64) -> FitContext {
        var context = self
        context.seed = seed
        return context
    }

    /// A context for a sub-fit (an inner model, a tree of an ensemble), with its own seed.
    public func child(_ index: Int) -> FitContext {
        withSeed(StableHash.combine(seed, UInt64(index) &+ 0x5EED))
    }

    @inline(__always)
    public func check() throws(OperatorError) { try cancellation.check() }
}
