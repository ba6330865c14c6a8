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
        let count = max(n * d, 1)
        let values = UnsafeMutablePointer<Float>.allocate(capacity: count)
        var tooLarge = false
        x.values.withUnsafeBufferPointer { v in
            for r in 0..<n {
                let base = r * d
                for c in 0..<d {
                    let f = Float(v[base + c])
                    tooLarge = tooLarge || !f.isFinite
                    values[c * n + r] = f
                }
            }
        }
        if tooLarge {
            values.deallocate()
            throw OperatorError.invalidInput(operator: name,
                                             reason: "Input contains a value too large for dtype('float32').")
        }
        let codes = UnsafeMutablePointer<UInt32>.allocate(capacity: count)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: count)   // distinct values, then trimmed
        defer { scratch.deallocate() }
        var distinctStart = [0]
        distinctStart.reserveCapacity(d + 1)
        var total = 0, widest = 0
        var keys = [UInt64](repeating: 0, count: n), buffer = [UInt64](repeating: 0, count: n)
        for c in 0..<d {
            let column = values + c * n
            // (order-preserving bits of the value, row) pairs, radix-sorted on the value bits.
            for r in 0..<n {
                let bits = column[r].bitPattern
                let ordered = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
                keys[r] = UInt64(ordered) << 32 | UInt64(r)
            }
            Self.radixSortHigh32(&keys, &buffer)
            var code: UInt32 = 0
            let first = total
            for i in 0..<n {
                let row = Int(truncatingIfNeeded: keys[i] & 0xFFFF_FFFF)
                let value = column[row]
                // -0.0 and 0.0 share a code, as they compare equal.
                if i == 0 || value != scratch[total - 1] {
                    if i > 0 { code &+= 1 }
                    scratch[total] = value
                    total += 1
                }
                codes[c * n + row] = code
            }
            widest = max(widest, total - first)
            distinctStart.append(total)
        }
        let distinct = UnsafeMutablePointer<Float>.allocate(capacity: max(total, 1))
        distinct.initialize(from: scratch, count: total)
        rows = n
        columns = d
        self.values = values
        self.codes = codes
        self.distinct = distinct
        self.distinctStart = distinctStart
        maxDistinct = widest
    }

    /// Sorts `keys` by their high 32 bits (LSD radix, 8-bit digits; digits shared by every key are skipped).
    static func radixSortHigh32(_ keys: inout [UInt64], _ buffer: inout [UInt64]) {
        let n = keys.count
        guard n > 1 else { return }
        if n < 64 {
            keys.sort()
            return
        }
        var counts = [Int](repeating: 0, count: 256)
        for shift in stride(from: 32, to: 64, by: 8) {
            for b in 0..<256 { counts[b] = 0 }
            for key in keys { counts[Int((key >> UInt64(shift)) & 0xFF)] += 1 }
            if counts.contains(n) { continue }   // every key has this digit
            var sum = 0
            for b in 0..<256 {
                let c = counts[b]
                counts[b] = sum
                sum += c
            }
            keys.withUnsafeBufferPointer { src in
                buffer.withUnsafeMutableBufferPointer { dst in
                    counts.withUnsafeMutableBufferPointer { pos in
                        for key in src {
                            let digit = Int((key >> UInt64(shift)) & 0xFF)
                            dst[pos[digit]] = key
                            pos[digit] += 1
                        }
                    }
                }
            }
            swap(&keys, &buffer)
        }
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
