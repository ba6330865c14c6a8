import AutopipeData
import Synchronization

/// Remembers the neighbours of the last query matrix, so `predict` right after `scores` on the same input (what
/// a pipeline's `predictions` does) does not search twice. Not part of the saved model; thread-safe.
final class NeighborCache: Sendable {
    private struct Entry {
        let query: Matrix
        let indices: [Int32]
        let distances: [Double]
    }

    private let last = Mutex<Entry?>(nil)

    init() {}

    /// The neighbours of `query`, from the cache when it holds the same matrix.
    func neighbors(_ query: Matrix, _ search: NeighborSearch) -> (indices: [Int32], distances: [Double]) {
        if let hit = last.withLock({ entry -> ([Int32], [Double])? in
            guard let entry, entry.query == query else { return nil }
            return (entry.indices, entry.distances)
        }) {
            return hit
        }
        let result = search.neighbors(query)
        last.withLock { $0 = Entry(query: query, indices: result.indices, distances: result.distances) }
        return result
    }
}
