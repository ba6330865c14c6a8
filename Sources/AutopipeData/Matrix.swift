/// A dense matrix of `Double` in row-major order: the one numeric representation every operator reads and writes.
///
/// Value semantics (copy-on-write through the underlying array), `Sendable`, `Codable`.
public struct Matrix: Sendable, Hashable, Codable {
    public private(set) var rows: Int
    public private(set) var columns: Int
    /// Row-major storage: element (r, c) is at `r * columns + c`.
    public var values: [Double]

    public init(rows: Int, columns: Int, values: [Double]) {
        precondition(rows >= 0 && columns >= 0 && values.count == rows * columns,
                     "Matrix storage has \(values.count) values, expected \(rows) x \(columns)")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        self.init(rows: rows, columns: columns, values: Array(repeating: value, count: rows * columns))
    }

    /// Builds a matrix from rows (all the same length).
    public init(_ rowArrays: [[Double]]) {
        let columns = rowArrays.first?.count ?? 0
        var values: [Double] = []
        values.reserveCapacity(rowArrays.count * columns)
        for row in rowArrays {
            precondition(row.count == columns, "ragged rows in Matrix literal")
            values.append(contentsOf: row)
        }
        self.init(rows: rowArrays.count, columns: columns, values: values)
    }

    /// Builds a matrix from columns (all the same length).
    public init(columns columnArrays: [[Double]]) {
        let rows = columnArrays.first?.count ?? 0
        let columns = columnArrays.count
        var values = [Double](repeating: 0, count: rows * columns)
        for (c, column) in columnArrays.enumerated() {
            precondition(column.count == rows, "ragged columns in Matrix literal")
            for r in 0..<rows { values[r * columns + c] = column[r] }
        }
        self.init(rows: rows, columns: columns, values: values)
    }

    @inlinable
    public subscript(row: Int, column: Int) -> Double {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    public var isEmpty: Bool { rows == 0 || columns == 0 }

    @inlinable
    public func row(_ r: Int) -> ArraySlice<Double> {
        values[(r * columns)..<((r + 1) * columns)]
    }

    public func column(_ c: Int) -> [Double] {
        var out = [Double](repeating: 0, count: rows)
        values.withUnsafeBufferPointer { v in
            for r in 0..<rows { out[r] = v[r * columns + c] }
        }
        return out
    }

    /// Column-major copy of the storage (element (r, c) at `c * rows + r`), for column-oriented algorithms.
    public func columnMajorValues() -> [Double] {
        var out = [Double](repeating: 0, count: values.count)
        let rows = self.rows, columns = self.columns
        values.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in
                for r in 0..<rows {
                    let base = r * columns
                    for c in 0..<columns { o[c * rows + r] = v[base + c] }
                }
            }
        }
        return out
    }

    public func selectingRows<C: Collection>(_ indices: C) -> Matrix where C.Element == Int {
        var out = [Double]()
        out.reserveCapacity(indices.count * columns)
        values.withUnsafeBufferPointer { v in
            for r in indices {
                out.append(contentsOf: v[(r * columns)..<((r + 1) * columns)])
            }
        }
        return Matrix(rows: indices.count, columns: columns, values: out)
    }

    public func selectingColumns(_ indices: [Int]) -> Matrix {
        var out = [Double](repeating: 0, count: rows * indices.count)
        let k = indices.count, columns = self.columns
        values.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in
                for r in 0..<rows {
                    for (j, c) in indices.enumerated() { o[r * k + j] = v[r * columns + c] }
                }
            }
        }
        return Matrix(rows: rows, columns: k, values: out)
    }

    /// Concatenates matrices side by side (same row count), like `numpy.hstack`.
    public static func hstack(_ parts: [Matrix]) -> Matrix {
        guard let first = parts.first else { return Matrix(rows: 0, columns: 0) }
        let rows = first.rows
        let columns = parts.reduce(0) { $0 + $1.columns }
        var out = [Double]()
        out.reserveCapacity(rows * columns)
        for r in 0..<rows {
            for part in parts {
                precondition(part.rows == rows, "hstack of matrices with different row counts")
                out.append(contentsOf: part.row(r))
            }
        }
        return Matrix(rows: rows, columns: columns, values: out)
    }

    public func transposed() -> Matrix {
        Matrix(rows: columns, columns: rows, values: columnMajorValues())
    }

    /// The non-finite values a matrix holds.
    public enum Finiteness: Sendable, Equatable {
        case finite
        /// NaN (a missing value) somewhere, no infinity.
        case missingOnly
        case infinite
    }

    /// `allFinite` and `hasInfinity` in one pass: blocks of 1,024 values are summed as in `allFinite`, and only a
    /// block whose sum is not finite is looked at again (while it is still in cache) for an infinity.
    public var finiteness: Finiteness {
        values.withUnsafeBufferPointer { v in
            guard let base = v.baseAddress else { return .finite }
            let raw = UnsafeRawPointer(base)
            let n = v.count
            let magnitude = SIMD8<UInt64>(repeating: 0x7FFF_FFFF_FFFF_FFFF)
            let infinity = SIMD8<UInt64>(repeating: Double.infinity.bitPattern)
            var missing = false
            var i = 0
            while i + 8 <= n {
                let blockStart = i
                let stop = min(n - 7, i + 1024)
                var sum = SIMD8<Double>(repeating: 0)
                while i < stop {
                    sum += raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self) * 0
                    i += 8
                }
                if !sum.sum().isFinite {
                    var k = blockStart
                    while k < i {
                        let bits = raw.loadUnaligned(fromByteOffset: k * 8, as: SIMD8<UInt64>.self)
                        if any(bits & magnitude .== infinity) { return .infinite }
                        k += 8
                    }
                    missing = true
                }
            }
            while i < n {
                if v[i].isInfinite { return .infinite }
                if v[i].isNaN { missing = true }
                i += 1
            }
            return missing ? .missingOnly : .finite
        }
    }

    /// True when every value is finite (no NaN, no infinity). Eight lanes at a time: `v * 0` is 0 for a finite
    /// value and NaN for NaN or an infinity, and a NaN stays in the running sum; checked every 1,024 values so a
    /// bad value near the start is found early.
    public var allFinite: Bool {
        values.withUnsafeBufferPointer { v in
            guard let base = v.baseAddress else { return true }
            let raw = UnsafeRawPointer(base)
            let n = v.count
            var i = 0
            while i + 8 <= n {
                let stop = min(n - 7, i + 1024)
                var sum = SIMD8<Double>(repeating: 0)
                while i < stop {
                    sum += raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self) * 0
                    i += 8
                }
                if !sum.sum().isFinite { return false }
            }
            while i < n {
                if !v[i].isFinite { return false }
                i += 1
            }
            return true
        }
    }

    /// True when some value is +infinity or -infinity (NaN is not).
    public var hasInfinity: Bool { finiteness == .infinite }

    /// True when some value is NaN.
    public var hasNaN: Bool {
        values.withUnsafeBufferPointer { v in
            for x in v where x.isNaN { return true }
            return false
        }
    }
}
