import Foundation

/// A one-line progress bar on stderr (only when stderr is a terminal), counting finished evaluations.
final class ProgressReporter: @unchecked Sendable {
    private let enabled: Bool
    private let perGeneration: Int
    private let lock = NSLock()
    private var done = 0
    private var shown = false
    private let start = Date()

    init(enabled: Bool, perGeneration: Int) {
        self.enabled = enabled
        self.perGeneration = max(perGeneration, 1)
    }

    func tick() {
        guard enabled else { return }
        lock.lock()
        done += 1
        let n = done % perGeneration
        let width = 30
        let filled = min(width, n * width / perGeneration)
        let rate = Double(done) / max(Date().timeIntervalSince(start), 1e-6)
        let line = "\r[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            + "] \(done) evaluated, \(String(format: "%.1f", rate))/s"
        shown = true
        lock.unlock()
        Stderr.write(line)
    }

    func clear() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        if shown {
            Stderr.write("\r\u{1B}[K")
            shown = false
        }
    }
}
