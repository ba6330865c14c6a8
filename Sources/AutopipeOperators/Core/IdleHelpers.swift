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
    /// Runs `body(i)` for i in 0..<count with the context's idle helpers, or in order on this thread.
    public func forEachPiece(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        if let helpers, count > 1 {
            helpers.run(count, body)
        } else {
            for i in 0..<count { body(i) }
        }
    }
}
