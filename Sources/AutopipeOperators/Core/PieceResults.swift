import Foundation

/// The results of `FitContext.forEachPiece`'s pieces, by index (each piece sets its own slot once).
final class PieceResults<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<Value, any Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<Value, any Error>) {
        lock.lock()
        slots[index] = result
        lock.unlock()
    }

    /// The values in index order, or the first error in index order.
    func values() throws -> [Value] {
        lock.lock()
        defer { lock.unlock() }
        return try slots.map { slot in
            guard let slot else { throw OperatorError.cancelled }
            return try slot.get()
        }
    }
}

/// A value handed to pieces running on other threads, where the caller guarantees they touch disjoint parts
/// of it (as the columns of one buffer).
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
