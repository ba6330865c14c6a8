import Foundation

/// Saves checkpoints on a background thread, in order, so encoding and flushing a large evaluation cache does not
/// hold up the next generation. A checkpoint still on its way when the process is killed is simply not there:
/// the previous one (complete, thanks to `AtomicFile`) is what `--resume` reads.
final class CheckpointWriter: @unchecked Sendable {
    let path: String
    private let queue = DispatchQueue(label: "autopipe-checkpoint")
    private let lock = NSLock()
    private var failure: Error?

    init(path: String) {
        self.path = path
    }

    /// Queues `checkpoint` for writing; throws the error of an earlier write, if any.
    func submit(_ checkpoint: Checkpoint) throws {
        try rethrowFailure()
        queue.async { [self] in
            do {
                try checkpoint.save(to: path)
            } catch {
                lock.lock()
                if failure == nil { failure = error }
                lock.unlock()
            }
        }
    }

    /// Waits for every queued checkpoint to be written.
    func flush() throws {
        queue.sync {}
        try rethrowFailure()
    }

    private func rethrowFailure() throws {
        lock.lock()
        defer { lock.unlock() }
        if let failure { throw failure }
    }
}
