import AutopipeData
import Testing

/// `allFinite`, `hasInfinity`, `hasNaN` and `finiteness` scan eight values at a time with a scalar tail: a special value must be
/// found at every position (inside a lane block, in the tail, past the 1,024-value check interval), whatever the size.
@Suite("Matrix value scans")
struct MatrixScanTests {
    @Test func everyPositionAndSize() {
        for n in [1, 7, 8, 9, 15, 16, 17, 1023, 1024, 1025, 1031, 3000] {
            let clean = Matrix(rows: n, columns: 1, values: (0..<n).map { Double($0) * 1.5 - 7 })
            #expect(clean.allFinite && !clean.hasInfinity && !clean.hasNaN, "n = \(n)")
            #expect(clean.finiteness == .finite, "n = \(n)")
            for position in Set([0, n / 2, n - 1, max(0, n - 8), min(n - 1, 1024)]) {
                for special in [Double.nan, .infinity, -.infinity, -Double.nan] {
                    var m = clean
                    m[position, 0] = special
                    #expect(!m.allFinite, "n = \(n), \(special) at \(position)")
                    #expect(m.hasInfinity == special.isInfinite, "n = \(n), \(special) at \(position)")
                    #expect(m.hasNaN == special.isNaN, "n = \(n), \(special) at \(position)")
                    #expect(m.finiteness == (special.isNaN ? .missingOnly : .infinite), "n = \(n), \(special) at \(position)")
                    // A NaN before an infinity (in another block or the same one) must not hide it.
                    var both = m
                    both[0, 0] = .nan
                    both[n - 1, 0] = special.isNaN ? .infinity : special
                    #expect(both.finiteness == .infinite || n == 1, "n = \(n), NaN and \(special) at \(position)")
                }
            }
        }
        let extremes = Matrix(rows: 1, columns: 10, values: [
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude, -0.0, 0,
            .leastNormalMagnitude, 1e308, -1e-308, -.leastNonzeroMagnitude, 1,
        ])
        #expect(extremes.allFinite && !extremes.hasInfinity && !extremes.hasNaN)
        #expect(Matrix(rows: 0, columns: 3).allFinite)
        #expect(extremes.finiteness == .finite && Matrix(rows: 0, columns: 3).finiteness == .finite)
    }
}
