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
        let a = sorted[lo], b = sorted[hi]
        let diff = b - a
        return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma
    }

    /// Median of ascending `sorted` values (mean of the two middle values for an even count, as numpy).
    static func median(sorted: UnsafeBufferPointer<Double>) -> Double {
        let n = sorted.count
        if n == 0 { return .nan }
        if n % 2 == 1 { return sorted[n / 2] }
        return (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }

    /// Applies `x * scale[c] + offset[c]` per column (the form of MinMaxScaler's transform).
    static func affine(_ x: Matrix, scale: [Double], offset: [Double]) -> Matrix {
        var out = x
        let columns = x.columns
        out.values.withUnsafeMutableBufferPointer { v in
            scale.withUnsafeBufferPointer { s in
                offset.withUnsafeBufferPointer { o in
                    for r in 0..<x.rows {
                        let base = r * columns
                        for c in 0..<columns {
                            v[base + c] = v[base + c] * s[c] + o[c]
                        }
                    }
                }
            }
        }
        return out
    }

    /// Applies `(x - center[c]) / scale[c]` per column.
    static func centerAndDivide(_ x: Matrix, center: [Double], scale: [Double]) -> Matrix {
        var out = x
        let columns = x.columns
        out.values.withUnsafeMutableBufferPointer { v in
            center.withUnsafeBufferPointer { m in
                scale.withUnsafeBufferPointer { s in
                    for r in 0..<x.rows {
                        let base = r * columns
                        for c in 0..<columns {
                            v[base + c] = (v[base + c] - m[c]) / s[c]
                        }
                    }
                }
            }
        }
        return out
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
}
