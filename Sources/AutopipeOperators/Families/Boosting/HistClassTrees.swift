import AutopipeData
import Foundation

/// Grows the k class trees of one multinomial iteration as independent pieces (`FitContext.forEachPiece`), each
/// on a grower of its own taken from a small stock (one per thread at work). Only used when no tree draws from the
/// split generator (max_features 1), so the trees, and the order they join the ensemble in, are the same as
/// grown one after the other.
final class HistClassTrees: @unchecked Sendable {
    private let settings: HistGrowerSettings
    private let lock = NSLock()
    private var idle: [HistTreeGrower]

    init(settings: HistGrowerSettings, first: HistTreeGrower) {
        self.settings = settings
        idle = [first]
    }

    private func take() -> HistTreeGrower {
        lock.lock()
        defer { lock.unlock() }
        return idle.popLast() ?? HistTreeGrower(settings: settings)
    }

    private func give(_ grower: HistTreeGrower) {
        lock.lock()
        idle.append(grower)
        lock.unlock()
    }

    /// The iteration's trees in class order; `raw[i * k + j]` gets tree j's training predictions.
    func grow(gradients: [[Float]], hessians: [[Float]], raw: UnsafeMutableBufferPointer<Double>, k: Int,
              context: FitContext) throws -> [HistTree] {
        let results = PieceResults<HistTree>(count: k)
        let out = UnsafeSendable(raw)
        context.forEachPiece(k, work: settings.n * settings.splittable.count * k) { j in
            let grower = self.take()
            defer { self.give(grower) }
            do {
                var unused = SeededGenerator(seed: 0)
                let tree = try grower.grow(gradients: gradients[j], hessians: hessians[j], generator: &unused,
                                           context: context)
                grower.addLeafValues(tree, to: out.value, k: k, output: j)
                results.set(j, .success(tree))
            } catch {
                results.set(j, .failure(error))
            }
        }
        return try results.values()
    }
}
