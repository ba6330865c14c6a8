import AutopipeData
import COpenBLAS
#if canImport(Glibc)
import Glibc
#endif

/// Brute-force k-nearest-neighbour search with scikit-learn's semantics, shared by KNeighborsClassifier and
/// KNeighborsRegressor.
///
/// - p = 2: squared distances are `||q||^2 + (-2 q.t) + ||t||^2` (that order, clamped at 0), with the middle term
///   from BLAS dgemm over blocks of queries and training rows, exactly as scikit-learn's brute-force `ArgKmin`
///   (used by `algorithm='auto'` when there are more than 15 features or n_neighbors >= n_samples / 2). With 15
///   or fewer features scikit-learn's 'auto' uses a KD-tree, whose distances are plain sums of squared
///   differences; autopipe computes those sums then, so distances agree to the last bit in both regimes.
/// - p = 1: sums of absolute differences in feature order (scikit-learn's ManhattanDistance); other p: sums of
///   |difference|^p, then the p-th root.
/// - Selection: each query keeps a max-heap of its k best candidates, fed training rows in index order with
///   scikit-learn's `heap_push` (a candidate equal to the current k-th distance is rejected), so ties at the
///   boundary keep the lower training index as brute-force scikit-learn does; the k neighbours are then sorted by
///   (distance, index). (A KD-tree visits rows in tree order, so exact ties at the k-th distance may pick a
///   different row there; the fixtures use tie-free data for exact comparisons.)
struct NeighborSearch {
    let train: Matrix
    let k: Int
    let p: Double

    /// Neighbour indices and distances (true distances, not squared), each m x k row-major, sorted by distance.
    func neighbors(_ queries: Matrix, context: CancellationToken? = nil) -> (indices: [Int32], distances: [Double]) {
        let m = queries.rows, n = train.rows, d = train.columns, k = self.k
        guard m > 0 && n > 0 && k > 0 else { return ([], []) }
        var heapValues = [Double](repeating: .infinity, count: m * k)
        var heapIndices = [Int32](repeating: -1, count: m * k)
        let useGemm = p == 2 && (d > 15 || k >= n / 2)
        heapValues.withUnsafeMutableBufferPointer { hv in
            heapIndices.withUnsafeMutableBufferPointer { hi in
                if useGemm {
                    gemmSearch(queries, hv.baseAddress!, hi.baseAddress!)
                } else {
                    directSearch(queries, hv.baseAddress!, hi.baseAddress!)
                }
            }
        }
        // Sort each row by (distance, index) and convert to true distances.
        var order = [Int](repeating: 0, count: k)
        var distances = [Double](repeating: 0, count: m * k)
        var indices = [Int32](repeating: 0, count: m * k)
        for r in 0..<m {
            let base = r * k
            // Distances that overflowed to +inf never enter the heap; such slots take the lowest unused rows.
            if heapIndices[base..<(base + k)].contains(-1) {
                var used = Set(heapIndices[base..<(base + k)])
                var candidate: Int32 = 0
                for j in 0..<k where heapIndices[base + j] < 0 {
                    while used.contains(candidate) { candidate += 1 }
                    heapIndices[base + j] = candidate
                    used.insert(candidate)
                }
            }
            for j in 0..<k { order[j] = j }
            order.sort { a, b in
                let va = heapValues[base + a], vb = heapValues[base + b]
                return va != vb ? va < vb : heapIndices[base + a] < heapIndices[base + b]
            }
            for j in 0..<k {
                let v = heapValues[base + order[j]]
                indices[base + j] = heapIndices[base + order[j]]
                distances[base + j] = p == 2 ? max(v, 0).squareRoot() : (p == 1 ? v : pow(v, 1 / p))
            }
        }
        return (indices, distances)
    }

    /// scikit-learn's `heap_push` (sklearn/utils/_heap.pyx) on a max-heap of `size` entries.
    @inline(__always)
    static func heapPush(_ values: UnsafeMutablePointer<Double>, _ indices: UnsafeMutablePointer<Int32>,
                         _ size: Int, _ value: Double, _ index: Int32) {
        if value >= values[0] { return }
        var current = 0
        while true {
            let left = 2 * current + 1, right = left + 1
            var swap: Int
            if left >= size {
                break
            } else if right >= size {
                if values[left] > value { swap = left } else { break }
            } else if values[left] >= values[right] {
                if value < values[left] { swap = left } else { break }
            } else {
                if value < values[right] { swap = right } else { break }
            }
            values[current] = values[swap]
            indices[current] = indices[swap]
            current = swap
        }
        values[current] = value
        indices[current] = index
    }

    /// Pushes every `row[j]` below the current k-th distance into the heap, in index order.
    @inline(__always)
    static func scan(_ row: UnsafeMutablePointer<Double>, _ count: Int, offset: Int,
                     _ values: UnsafeMutablePointer<Double>, _ indices: UnsafeMutablePointer<Int32>, _ k: Int) {
        var worst = values[0]
        var j = 0
        // Groups of 8 whose minimum is not below the k-th distance are skipped without a branch per element.
        while j + 8 <= count {
            let m0 = min(min(row[j], row[j + 1]), min(row[j + 2], row[j + 3]))
            let m1 = min(min(row[j + 4], row[j + 5]), min(row[j + 6], row[j + 7]))
            if min(m0, m1) < worst {
                for t in j..<(j + 8) where row[t] < worst {
                    heapPush(values, indices, k, row[t], Int32(truncatingIfNeeded: offset + t))
                    worst = values[0]
                }
            }
            j += 8
        }
        while j < count {
            if row[j] < worst {
                heapPush(values, indices, k, row[j], Int32(truncatingIfNeeded: offset + j))
                worst = values[0]
            }
            j += 1
        }
    }

    private static let queryBlock = 128
    private static let trainBlock = 1024

    private func gemmSearch(_ queries: Matrix, _ hv: UnsafeMutablePointer<Double>, _ hi: UnsafeMutablePointer<Int32>) {
        BLAS.ensureConfigured()
        let m = queries.rows, n = train.rows, d = train.columns, k = self.k
        let qb = Self.queryBlock, tb = Self.trainBlock
        var middle = [Double](repeating: 0, count: qb * tb)
        var queryNorms = [Double](repeating: 0, count: m)
        var trainNorms = [Double](repeating: 0, count: n)
        queries.values.withUnsafeBufferPointer { q in
            for r in 0..<m { queryNorms[r] = cblas_ddot(Int32(d), q.baseAddress! + r * d, 1, q.baseAddress! + r * d, 1) }
        }
        train.values.withUnsafeBufferPointer { t in
            for r in 0..<n { trainNorms[r] = cblas_ddot(Int32(d), t.baseAddress! + r * d, 1, t.baseAddress! + r * d, 1) }
        }
        queries.values.withUnsafeBufferPointer { q in
            train.values.withUnsafeBufferPointer { t in
                middle.withUnsafeMutableBufferPointer { mid in
                    var q0 = 0
                    while q0 < m {
                        let qn = min(qb, m - q0)
                        var t0 = 0
                        while t0 < n {
                            let tn = min(tb, n - t0)
                            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(qn), Int32(tn), Int32(d), -2.0,
                                        q.baseAddress! + q0 * d, Int32(d), t.baseAddress! + t0 * d, Int32(d), 0.0,
                                        mid.baseAddress!, Int32(tn))
                            trainNorms.withUnsafeBufferPointer { norms in
                                let tnorm = norms.baseAddress! + t0
                                for i in 0..<qn {
                                    let values = hv + (q0 + i) * k, indices = hi + (q0 + i) * k
                                    let xNorm = queryNorms[q0 + i]
                                    let row = mid.baseAddress! + i * tn
                                    // Pass 1 (vectorised): squared distances, in scikit-learn's order, clamped at 0.
                                    for j in 0..<tn { row[j] = max(0, xNorm + row[j] + tnorm[j]) }
                                    // Pass 2: skip groups of 8 with no candidate below the current k-th distance.
                                    Self.scan(row, tn, offset: t0, values, indices, k)
                                }
                            }
                            t0 += tn
                        }
                        q0 += qn
                    }
                }
            }
        }
    }

    private func directSearch(_ queries: Matrix, _ hv: UnsafeMutablePointer<Double>, _ hi: UnsafeMutablePointer<Int32>) {
        let m = queries.rows, n = train.rows, d = train.columns, k = self.k, p = self.p
        queries.values.withUnsafeBufferPointer { q in
            train.values.withUnsafeBufferPointer { t in
                var distances = [Double](repeating: 0, count: n)
                distances.withUnsafeMutableBufferPointer { dist in
                    let out = dist.baseAddress!
                    for r in 0..<m {
                        let qr = q.baseAddress! + r * d
                        var tr = t.baseAddress!
                        if p == 2 {
                            for j in 0..<n {
                                var s = 0.0
                                for c in 0..<d { let diff = qr[c] - tr[c]; s += diff * diff }
                                out[j] = s
                                tr += d
                            }
                        } else if p == 1 {
                            for j in 0..<n {
                                var s = 0.0
                                for c in 0..<d { s += abs(qr[c] - tr[c]) }
                                out[j] = s
                                tr += d
                            }
                        } else {
                            for j in 0..<n {
                                var s = 0.0
                                for c in 0..<d { s += pow(abs(qr[c] - tr[c]), p) }
                                out[j] = s
                                tr += d
                            }
                        }
                        Self.scan(out, n, offset: 0, hv + r * k, hi + r * k, k)
                    }
                }
            }
        }
    }

    /// scikit-learn's `_get_weights`: nil for uniform; 1/distance, and for a query with a zero distance, weight 1
    /// for its zero-distance neighbours and 0 for the others.
    static func weights(_ distances: [Double], k: Int, distanceWeighted: Bool) -> [Double]? {
        guard distanceWeighted else { return nil }
        var w = distances.map { 1 / $0 }
        let m = distances.count / max(k, 1)
        for r in 0..<m {
            let base = r * k
            var anyInfinite = false
            for j in 0..<k where w[base + j].isInfinite { anyInfinite = true }
            if anyInfinite { for j in 0..<k { w[base + j] = w[base + j].isInfinite ? 1 : 0 } }
        }
        return w
    }
}
