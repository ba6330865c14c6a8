import AutopipeData
@testable import AutopipeOperators
import CAutopipeKernels
import Testing

/// VectorMath's exp and tanh in `CAutopipeKernels` (AVX2, AVX-512) against the Swift loops: bit-identical on random
/// arguments over the whole reduced range, the range edges, tiny values, signed zeros, and lengths that leave
/// partial vectors. On a CPU without AVX2 there is no kernel to compare, and the test checks nothing.
@Suite("VectorMath kernels: bit-identical to the Swift loops")
struct VectorMathKernelTests {
    static func arguments(_ count: Int, spread: Double, seed: UInt64) -> [Double] {
        var rng = SeededGenerator(seed: seed)
        var values = (0..<count).map { _ in (rng.nextDouble() * 2 - 1) * spread }
        let edges: [Double] = [0, -0.0, 1e-300, -1e-300, 0.625, -0.625, 0.6249999999999999, 300, -300, 708, -708,
                               709, 1e-8, -1e-8, 19.0, -19.0, 0.5 * .ulpOfOne]
        for (i, edge) in edges.enumerated() where i < values.count { values[i] = edge }
        return values
    }

    static func run(_ values: [Double], _ body: (UnsafeMutableBufferPointer<Double>) -> Void) -> [UInt64] {
        var copy = values
        copy.withUnsafeMutableBufferPointer { body($0) }
        return copy.map(\.bitPattern)
    }

    @Test(arguments: [1, 3, 4, 7, 8, 9, 255, 256, 257, 1000])
    func exp(count: Int) {
        for (spread, scale) in [(700.0, 1.0), (3.0, 1.0), (40.0, -0.5), (1e-3, 2.0)] {
            let values = Self.arguments(count, spread: spread, seed: UInt64(count) &* 31 &+ UInt64(spread))
            let swift = Self.run(values) { VectorMath.exp($0, scale: scale, level: 0) }
            for level in stride(from: Int32(1), through: autopipe_kernels_level(), by: 1) {
                let kernel = Self.run(values) { VectorMath.exp($0, scale: scale, level: level) }
                #expect(kernel == swift, "level \(level), \(count) values, spread \(spread), scale \(scale)")
            }
        }
    }

    @Test(arguments: [1, 3, 4, 7, 8, 9, 255, 256, 257, 1000])
    func tanh(count: Int) {
        for spread in [0.7, 5.0, 400.0, 1e-4] {
            let values = Self.arguments(count, spread: spread, seed: UInt64(count) &* 17 &+ UInt64(spread * 10))
            let swift = Self.run(values) { VectorMath.tanh($0, level: 0) }
            for level in stride(from: Int32(1), through: autopipe_kernels_level(), by: 1) {
                let kernel = Self.run(values) { VectorMath.tanh($0, level: level) }
                #expect(kernel == swift, "level \(level), \(count) values, spread \(spread)")
            }
        }
    }
}
