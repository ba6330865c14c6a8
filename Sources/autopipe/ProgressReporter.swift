import AutopipeData
import AutopipeSearch
import Foundation

/// A one-line progress bar on stderr (only when stderr is a terminal and verbosity is 2 or more): the
/// generation, its finished evaluations, and an estimate of the time left (from the pace so far, and never past
/// `--max-time`).
final class ProgressReporter: @unchecked Sendable {
    private let enabled: Bool
    private let settings: SearchSettings
    private let startedAt: ContinuousClock.Instant
    private let lock = NSLock()
    private var generation = 0
    private var total = 0
    private var done = 0
    private var firstGeneration: Int?
    private var searchStart: ContinuousClock.Instant?
    private var shown = false

    init(enabled: Bool, settings: SearchSettings, startedAt: ContinuousClock.Instant) {
        self.enabled = enabled
        self.settings = settings
        self.startedAt = startedAt
    }

    func start(generation: Int, evaluations: Int) {
        guard enabled else { return }
        lock.lock()
        self.generation = generation
        total = evaluations
        done = 0
        if firstGeneration == nil {
            firstGeneration = generation
            searchStart = .now
        }
        lock.unlock()
        draw()
    }

    func tick() {
        guard enabled else { return }
        lock.lock()
        done += 1
        lock.unlock()
        draw()
    }

    private func draw() {
        lock.lock()
        let width = 30
        let filled = total > 0 ? min(width, done * width / total) : width
        let of = settings.generations.map { "/\($0)" } ?? ""
        let line = "\rGeneration \(generation)\(of) [" + String(repeating: "#", count: filled)
            + String(repeating: ".", count: width - filled) + "] \(done)/\(total)" + (eta().map { "  ETA \($0)" } ?? "")
        shown = true
        lock.unlock()
        Stderr.write(line + "\u{1B}[K")
    }

    /// Time left, from the fraction of generations done so far (called with the lock held).
    private func eta() -> String? {
        var left = Double.infinity
        if let limit = settings.maxTimeSeconds {
            left = limit - startedAt.secondsElapsed
        }
        if let generations = settings.generations, let first = firstGeneration, let searchStart {
            let span = Double(generations - first + 1)
            let fraction = (Double(generation - first) + (total > 0 ? Double(done) / Double(total) : 1)) / span
            let spent = searchStart.secondsElapsed
            if fraction > 0.01 { left = min(left, spent * (1 - fraction) / fraction) }
        }
        return left.isFinite ? DurationText.text(max(left, 0).rounded()) : nil
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
