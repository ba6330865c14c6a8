import AutopipeData

/// Small numeric helpers shared by the scalers, written to reproduce numpy / scikit-learn arithmetic.
enum ScalingSupport {
    /// scikit-learn's `_handle_zeros_in_scale`: scales below `10 * eps` (constant features) become 1.
    @inline(__always)
    static func nonZeroScale(_ scale: Double) -> Double {
        scale < 10 * Double.ulpOfOne ? 1 : scale
    }

    /// numpy's `percentile(..., method="linear")` of ascending `sorted` values at `q` in [0, 100], including
    /// numpy's `_lerp` (which interpolates from the upper neighbour when the fraction is at least 0.5).
    static func percentile(sorted: UnsafeBufferPointer<Double>, _ q: Double) -> Double {
        let n = sorted.count
        if n == 0 { return .nan }
        if n == 1 { return sorted[0] }
        let virtualIndex = (q / 100) * Double(n - 1)
        let previous = min(max(virtualIndex.rounded(.down), 0), Double(n - 1))
        let lo = Int(previous)
        let hi = min(lo + 1, n - 1)
        let gamma = virtualIndex - previous
        return lerp(sorted[lo], sorted[hi], gamma)
    }

    /// Median of ascending `sorted` values (mean of the two middle values for an even count, as numpy).
    static func median(sorted: UnsafeBufferPointer<Double>) -> Double {
        let n = sorted.count
        if n == 0 { return .nan }
        if n % 2 == 1 { return sorted[n / 2] }
        return (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }

    /// Applies `x * scale[c] + offset[c]` per column (the form of MinMaxScaler's transform), reading `x` once and
    /// writing a fresh matrix.
    static func affine(_ x: Matrix, scale: [Double], offset: [Double]) -> Matrix {
        let rows = x.rows, columns = x.columns
        let values = [Double](unsafeUninitializedCapacity: rows * columns) { out, count in
            x.values.withUnsafeBufferPointer { v in
                scale.withUnsafeBufferPointer { s in
                    offset.withUnsafeBufferPointer { o in
                        for r in 0..<rows {
                            let base = r * columns
                            for c in 0..<columns { out[base + c] = v[base + c] * s[c] + o[c] }
                        }
                    }
                }
            }
            count = rows * columns
        }
        return Matrix(rows: rows, columns: columns, values: values)
    }

    /// Applies `(x - center[c]) / scale[c]` per column (no centring when `center` is nil), reading `x` once and
    /// writing a fresh matrix.
    static func centerAndDivide(_ x: Matrix, center: [Double]?, scale: [Double]) -> Matrix {
        let rows = x.rows, columns = x.columns
        let values = [Double](unsafeUninitializedCapacity: rows * columns) { out, count in
            x.values.withUnsafeBufferPointer { v in
                scale.withUnsafeBufferPointer { s in
                    if let center {
                        center.withUnsafeBufferPointer { m in
                            for r in 0..<rows {
                                let base = r * columns
                                for c in 0..<columns { out[base + c] = (v[base + c] - m[c]) / s[c] }
                            }
                        }
                    } else {
                        for r in 0..<rows {
                            let base = r * columns
                            for c in 0..<columns { out[base + c] = v[base + c] / s[c] }
                        }
                    }
                }
            }
            count = rows * columns
        }
        return Matrix(rows: rows, columns: columns, values: values)
    }

    /// Sorted copies of the non-NaN values of each column, in one column-major buffer: column `c` occupies
    /// `storage[offsets[c] ..< offsets[c + 1]]`. Checks the context's deadline once per column.
    static func sortedColumns(_ x: Matrix, context: FitContext) throws -> (storage: [Double], offsets: [Int]) {
        let rows = x.rows, columns = x.columns
        var storage = [Double](repeating: 0, count: rows * columns)
        var offsets = [Int](repeating: 0, count: columns + 1)
        try x.values.withUnsafeBufferPointer { v in
            try storage.withUnsafeMutableBufferPointer { s in
                var cursor = 0
                for c in 0..<columns {
                    try context.check()
                    offsets[c] = cursor
                    let start = cursor
                    for r in 0..<rows {
                        let value = v[r * columns + c]
                        if !value.isNaN {
                            s[cursor] = value
                            cursor += 1
                        }
                    }
                    if cursor - start > 1 {
                        var column = UnsafeMutableBufferPointer(rebasing: s[start..<cursor])
                        column.sort()
                    }
                }
                offsets[columns] = cursor
            }
        }
        return (storage, offsets)
    }

    // MARK: Order statistics without sorting

    /// The values of ascending ranks `ranks` (sorted, within 0..<v.count) of the buffer, found by successive
    /// quickselects on shrinking ranges (the buffer is reordered). Linear time on average, as numpy's partition.
    static func orderStatistics(_ v: UnsafeMutableBufferPointer<Double>, ranks: [Int]) -> [Double] {
        var from = 0
        var out: [Double] = []
        out.reserveCapacity(ranks.count)
        for rank in ranks {
            if rank >= from {
                quickselect(v, rank, from, v.count)
                from = rank + 1
            }
            out.append(v[rank])
        }
        return out
    }

    /// Places the element of rank `k` (within lo..<hi) at index k, smaller ones before and larger ones after.
    static func quickselect(_ v: UnsafeMutableBufferPointer<Double>, _ k: Int, _ lower: Int, _ upper: Int) {
        var lo = lower, hi = upper - 1
        var budget = 2 * (Int.bitWidth - (upper - lower).leadingZeroBitCount) + 8
        while hi - lo > 16 {
            budget -= 1
            if budget == 0 {
                // Pathological input: finish by sorting the remaining range.
                var rest = UnsafeMutableBufferPointer(rebasing: v[lo...hi])
                rest.sort()
                return
            }
            // Median of three as pivot.
            let mid = lo + (hi - lo) / 2
            if v[mid] < v[lo] { v.swapAt(mid, lo) }
            if v[hi] < v[lo] { v.swapAt(hi, lo) }
            if v[hi] < v[mid] { v.swapAt(hi, mid) }
            let pivot = v[mid]
            // Hoare partition: equal elements split evenly between the sides.
            var i = lo, j = hi
            while i <= j {
                while v[i] < pivot { i += 1 }
                while v[j] > pivot { j -= 1 }
                if i <= j {
                    v.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j {
                hi = j
            } else if k >= i {
                lo = i
            } else {
                return          // j < k < i: v[k] equals the pivot and is in place
            }
        }
        // Insertion sort of the small remaining range.
        if hi > lo {
            for a in (lo + 1)...hi {
                let value = v[a]
                var b = a - 1
                while b >= lo && v[b] > value {
                    v[b + 1] = v[b]
                    b -= 1
                }
                v[b + 1] = value
            }
        }
    }

    /// The non-NaN values of each column, unsorted, in one column-major buffer (as `sortedColumns`).
    static func columnsWithoutNaN(_ x: Matrix, context: FitContext) throws -> (storage: [Double], offsets: [Int]) {
        let rows = x.rows, columns = x.columns
        var storage = [Double](repeating: 0, count: rows * columns)
        var offsets = [Int](repeating: 0, count: columns + 1)
        try x.values.withUnsafeBufferPointer { v in
            try storage.withUnsafeMutableBufferPointer { s in
                var cursor = 0
                for c in 0..<columns {
                    try context.check()
                    offsets[c] = cursor
                    for r in 0..<rows {
                        let value = v[r * columns + c]
                        if !value.isNaN {
                            s[cursor] = value
                            cursor += 1
                        }
                    }
                }
                offsets[columns] = cursor
            }
        }
        return (storage, offsets)
    }

    /// Ranks and weights of numpy's linear percentile `q` of n values: (lower rank, upper rank, gamma).
    static func percentileRanks(count n: Int, _ q: Double) -> (Int, Int, Double) {
        let virtualIndex = (q / 100) * Double(n - 1)
        let previous = min(max(virtualIndex.rounded(.down), 0), Double(n - 1))
        let lo = Int(previous)
        return (lo, min(lo + 1, n - 1), virtualIndex - previous)
    }

    /// numpy's `_lerp`.
    @inline(__always)
    static func lerp(_ a: Double, _ b: Double, _ gamma: Double) -> Double {
        let diff = b - a
        return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma
    }
}
