import AutopipeData
@testable import AutopipeOperators
import Foundation
import Testing

/// The SIMD exp / tanh / cos used by the kernel maps and FastICA agree with the C library to a few ulps.
@Suite("Vector math")
struct VectorMathTests {
    static func values(_ count: Int, scale: Double, seed: UInt64) -> [Double] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in (rng.nextDouble() * 2 - 1) * scale }
    }

    static func relativeError(_ a: Double, _ b: Double) -> Double {
        if a == b { return 0 }
        return abs(a - b) / max(abs(b), Double.leastNormalMagnitude)
    }

    @Test func expMatchesTheCLibrary() {
        var inputs = Self.values(10_003, scale: 40, seed: 1) + Self.values(1_000, scale: 700, seed: 2)
        inputs += [0, -0.0, 1e-300, -745.2, -740, -708.5, 709.5, 710, .infinity, -.infinity, .nan, 1, -1]
        var out = inputs
        out.withUnsafeMutableBufferPointer { VectorMath.exp($0) }
        for (x, y) in zip(inputs, out) {
            if x.isNaN { #expect(y.isNaN); continue }
            #expect(Self.relativeError(y, exp(x)) <= 4e-16 || (exp(x) < 1e-300 && abs(y - exp(x)) < 1e-300),
                    "exp(\(x)): \(y) vs \(exp(x))")
        }
        var scaled = [1.0, 2, 3, 4, 5]
        scaled.withUnsafeMutableBufferPointer { VectorMath.exp($0, scale: -0.5) }
        for (i, y) in scaled.enumerated() { #expect(Self.relativeError(y, exp(-0.5 * Double(i + 1))) <= 4e-16) }
    }

    @Test func tanhMatchesTheCLibrary() {
        var inputs = Self.values(10_001, scale: 3, seed: 3) + Self.values(1_000, scale: 400, seed: 4)
        inputs += [0, -0.0, 0.625, -0.625, 0.6249999, 1e-20, .infinity, -.infinity]
        var out = inputs
        out.withUnsafeMutableBufferPointer { VectorMath.tanh($0) }
        for (x, y) in zip(inputs, out) {
            #expect(Self.relativeError(y, tanh(x)) <= 6e-16, "tanh(\(x)): \(y) vs \(tanh(x))")
        }
    }

    @Test func cosMatchesTheCLibrary() {
        let inputs = Self.values(10_000, scale: 20, seed: 5) + Self.values(2_000, scale: 5e4, seed: 6)
            + [0, Double.pi / 2, Double.pi, 3 * Double.pi / 4, 2e6, -3e7]
        var out = inputs
        let offsets = [0.0]
        out.withUnsafeMutableBufferPointer { v in
            offsets.withUnsafeBufferPointer { VectorMath.cosine(v, offsets: $0, scale: 1) }
        }
        for (x, y) in zip(inputs, out) {
            // Absolute error: cos has zeros, where relative error is meaningless.
            #expect(abs(y - cos(x)) <= 2e-16 * max(1, abs(x) / 1e3), "cos(\(x)): \(y) vs \(cos(x))")
        }
    }

    @Test func orderStatisticsMatchSorting() {
        var rng = SeededGenerator(seed: 9)
        for trial in 0..<300 {
            let n = 1 + rng.nextInt(below: trial < 200 ? 60 : 3000)
            let distinct = 1 + rng.nextInt(below: trial % 3 == 0 ? 3 : 1000)
            let values = (0..<n).map { _ in Double(rng.nextInt(below: distinct)) + (trial % 2 == 0 ? rng.nextDouble() : 0) }
            let sorted = values.sorted()
            let ranks = Array(Set((0..<4).map { _ in rng.nextInt(below: n) })).sorted()
            var buffer = values
            let found = buffer.withUnsafeMutableBufferPointer { ScalingSupport.orderStatistics($0, ranks: ranks) }
            #expect(found == ranks.map { sorted[$0] }, "trial \(trial): n \(n), ranks \(ranks)")
            #expect(buffer.sorted() == sorted, "the buffer keeps its values")
        }
    }
}
