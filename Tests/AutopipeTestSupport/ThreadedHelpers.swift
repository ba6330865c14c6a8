import AutopipeOperators
import Foundation

/// `IdleHelpers` for tests: every piece on its own real thread at once (Dispatch's concurrentPerform), so the
/// pieces of a fit finish in any order. A fit must give the same output with these as with none.
public struct ThreadedHelpers: IdleHelpers {
    public init() {}

    public func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        DispatchQueue.concurrentPerform(iterations: count) { body($0) }
    }
}
