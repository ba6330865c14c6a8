/// Threads that would otherwise idle, lent to a fit for independent pieces of its work: at the end of a search
/// generation one long fold can be left running while the other evaluation threads have nothing to do.
///
/// The calling thread always takes part and takes pieces in index order, so a fit never waits for a helper that
/// is busy elsewhere; with no idle thread it runs every piece itself, in order. A piece must not depend on which
/// thread runs it or on the other pieces of the same call, so a fit's output is the same with or without help.
public protocol IdleHelpers: Sendable {
    /// Runs `body(i)` exactly once for each i in 0..<count, on this thread and on idle helper threads, and
    /// returns when all have run.
    func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void)
}

extension FitContext {
    /// Below this much work per call (`forEachPiece`'s `work`: about the data cells the pieces visit), waking a
    /// helper costs more than it saves: the pieces run in order on this thread. (Gradient boosting on penguins
    /// asked for help 100 times per fit with pieces of microseconds, and its searches slowed by a quarter.)
    public static let minimumHelpedWork = 1 << 16

    /// Runs `body(i)` for i in 0..<count with the context's idle helpers, or in order on this thread when there
    /// are none or `work` (about the data cells all pieces visit together) is below `minimumHelpedWork`.
    public func forEachPiece(_ count: Int, work: Int, _ body: @escaping @Sendable (Int) -> Void) {
        if let helpers, count > 1, work >= Self.minimumHelpedWork {
            helpers.run(count, body)
        } else {
            for i in 0..<count { body(i) }
        }
    }
}
