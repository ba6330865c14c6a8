import AutopipeData
import Synchronization

/// Outputs of fitted sub-pipelines, shared by the evaluations of a search (scikit-learn's `Pipeline(memory=...)`,
/// TPOT's `memory`): in genetic programming most offspring keep their parents' sub-pipelines, so the preprocessing
/// and stacked models under a new learner were often fitted on the same fold before. An entry holds a
/// sub-pipeline's output on a fold's training rows and test rows (the fitted models are not kept), under a key
/// naming the rows, the seed and the sub-pipeline (`FittedPipeline.fitPredict`).
///
/// Reusing an entry gives bit-identical results (a sub-pipeline's fit depends only on its rows, its seed and its
/// own steps), so what the memo holds changes speed, never results. Bounded by bytes; the least recently used
/// entries go first. Thread-safe.
public final class FitMemo: Sendable {
    /// A sub-pipeline's output on the training rows and on the test rows.
    public struct Outputs: Sendable {
        public let train: Matrix
        public let test: Matrix

        var bytes: Int { (train.values.count + test.values.count) * MemoryLayout<Double>.stride }
    }

    /// Lookups that found an entry, and lookups that did not.
    public struct Statistics: Sendable, Equatable {
        public var hits = 0
        public var misses = 0
    }

    private struct Entry {
        let outputs: Outputs
        var lastUse: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var bytes = 0
        var clock: UInt64 = 0
        var statistics = Statistics()
    }

    /// Entries are evicted (least recently used first) when their outputs take more than this.
    public let budgetBytes: Int
    private let state = Mutex(State())

    public init(budgetBytes: Int) {
        self.budgetBytes = budgetBytes
    }

    public var statistics: Statistics { state.withLock { $0.statistics } }

    /// Bytes held by the entries' outputs.
    public var bytes: Int { state.withLock { $0.bytes } }

    /// The outputs kept under `key`, if any (a hit makes the entry the most recently used).
    func outputs(_ key: String) -> Outputs? {
        state.withLock { s in
            s.clock &+= 1
            guard var entry = s.entries[key] else {
                s.statistics.misses += 1
                return nil
            }
            s.statistics.hits += 1
            entry.lastUse = s.clock
            s.entries[key] = entry
            return entry.outputs
        }
    }

    /// Keeps `outputs` under `key`, evicting the least recently used entries beyond the budget. Outputs larger
    /// than a quarter of the budget are not kept (they would push out everything else).
    func store(_ outputs: Outputs, _ key: String) {
        let size = outputs.bytes
        guard size <= budgetBytes / 4 else { return }
        state.withLock { s in
            s.clock &+= 1
            if let old = s.entries.updateValue(Entry(outputs: outputs, lastUse: s.clock), forKey: key) {
                s.bytes -= old.outputs.bytes
            }
            s.bytes += size
            while s.bytes > budgetBytes, let oldest = s.entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                s.entries.removeValue(forKey: oldest.key)
                s.bytes -= oldest.value.outputs.bytes
            }
        }
    }
}
