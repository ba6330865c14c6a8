import AutopipeData

/// The training features as the CART builder reads them, prepared once per fit and shared by every tree of an
/// ensemble.
///
/// scikit-learn's trees work on float32 copies of X (`DTYPE`); so do we, so that thresholds (midpoints of
/// consecutive float32 values, computed in double) and the float32 tie rule are the same. Besides the float32
/// values (column-major), each value gets its rank among the distinct values of its column (`codes`), which lets
/// the splitter sort a node's samples by counting or radix sort, or skip sorting entirely with per-value
/// histograms when a column has few distinct values (digits has at most 17 per column).
///
/// A final class over manually allocated buffers so the builder reads stable pointers; immutable after `init`.
final class TreeTrainingData: @unchecked Sendable {
    let rows: Int
    let columns: Int
    /// float32 values, column-major: element (r, c) at `c * rows + r`.
    let values: UnsafeMutablePointer<Float>
    /// Rank of each value among its column's distinct float32 values (same layout as `values`).
    let codes: UnsafeMutablePointer<UInt32>
    /// The sorted distinct values of every column, concatenated; column c's are at
    /// `distinctStart[c]..<distinctStart[c + 1]`.
    let distinct: UnsafeMutablePointer<Float>
    let distinctStart: [Int]
    /// The largest number of distinct values of any column.
    let maxDistinct: Int

    deinit {
        values.deallocate()
        codes.deallocate()
        distinct.deallocate()
    }

    /// Converts `x` to float32 and ranks every column. Throws when a value does not fit in float32
    /// (scikit-learn: "Input contains infinity or a value too large for dtype('float32')").
    init(_ x: Matrix, operator name: String) throws {
        let n = x.rows, d = x.columns
        rows = n
        columns = d
        var values = [Float](repeating: 0, count: n * d)
        var tooLarge = false
        x.values.withUnsafeBufferPointer { v in
            values.withUnsafeMutableBufferPointer { o in
                for r in 0..<n {
                    let base = r * d
                    for c in 0..<d {
                        let f = Float(v[base + c])
                        if !f.isFinite { tooLarge = true }
                        o[c * n + r] = f
                    }
                }
            }
        }
        if tooLarge {
            throw OperatorError.invalidInput(operator: name,
                                             reason: "Input contains a value too large for dtype('float32').")
        }
        var codes = [UInt32](repeating: 0, count: n * d)
        var distinct: [Float] = []
        var distinctStart = [0]
        var keys = [UInt64](repeating: 0, count: n)
        values.withUnsafeBufferPointer { v in
            codes.withUnsafeMutableBufferPointer { codeOut in
                for c in 0..<d {
                    // Sort (order-preserving bits of the value, row) pairs: one integer sort per column.
                    for r in 0..<n {
                        let bits = v[c * n + r].bitPattern
                        let ordered = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
                        keys[r] = UInt64(ordered) << 32 | UInt64(r)
                    }
                    keys.sort()
                    var code: UInt32 = 0
                    var previous = Float.nan
                    for i in 0..<n {
                        let row = Int(truncatingIfNeeded: keys[i] & 0xFFFF_FFFF)
                        let value = v[c * n + row]
                        if i == 0 || value != previous {   // -0.0 and 0.0 share a code, as they compare equal
                            if i > 0 { code += 1 }
                            distinct.append(value)
                            previous = value
                        }
                        codeOut[c * n + row] = code
                    }
                    distinctStart.append(distinct.count)
                }
            }
        }
        self.values = UnsafeMutablePointer<Float>.allocate(capacity: max(values.count, 1))
        self.values.initialize(from: values, count: values.count)
        self.codes = UnsafeMutablePointer<UInt32>.allocate(capacity: max(codes.count, 1))
        self.codes.initialize(from: codes, count: codes.count)
        self.distinct = UnsafeMutablePointer<Float>.allocate(capacity: max(distinct.count, 1))
        self.distinct.initialize(from: distinct, count: distinct.count)
        self.distinctStart = distinctStart
        var widest = 0
        for c in 0..<d { widest = max(widest, distinctStart[c + 1] - distinctStart[c]) }
        maxDistinct = widest
    }

    /// How many distinct values column `c` has.
    @inline(__always) func distinctCount(_ c: Int) -> Int { distinctStart[c + 1] - distinctStart[c] }
}

/// Converts a row-major matrix to float32 for prediction, as scikit-learn does before walking its trees.
/// Throws when a value does not fit in float32.
func float32Rows(_ x: Matrix, operator name: String) throws -> [Float] {
    var out = [Float](repeating: 0, count: x.values.count)
    var tooLarge = false
    x.values.withUnsafeBufferPointer { v in
        out.withUnsafeMutableBufferPointer { o in
            for i in 0..<v.count {
                let f = Float(v[i])
                if !f.isFinite { tooLarge = true }
                o[i] = f
            }
        }
    }
    if tooLarge {
        throw OperatorError.invalidInput(operator: name, reason: "Input contains a value too large for dtype('float32').")
    }
    return out
}
