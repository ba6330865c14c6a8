import AutopipeData
@testable import AutopipeOperators
import AutopipeTestSupport
import CAutopipeKernels
import Foundation
import Testing

/// The fused multinomial kernel (`FusedMultinomial`, AVX2 and AVX-512 where the CPU has them) against the two-dgemm
/// path it replaces: the same objective and gradient up to summation order (1e-12 relative), and the same fitted
/// LogisticRegression on digits and iris: identical predictions, coefficients within the stated tolerance relative to
/// the largest coefficient (digits converges: 1e-7, measured 1.4e-8; iris stops at max_iter=100 unconverged, as in
/// scikit-learn, so last-bit differences grow along the path: 1e-2, measured 1.1e-3).
@Suite("Linear kernels: fused multinomial vs BLAS")
struct LinearKernelTests {
    @Test("objective and gradient agree with the dgemm path",
          arguments: [(3, 7, true), (4, 1, false), (5, 16, true), (8, 9, true), (10, 64, true), (10, 63, false),
                      (11, 20, true), (12, 5, true), (13, 3, true), (16, 30, false)])
    func objectiveAgrees(_ shape: (classes: Int, columns: Int, intercept: Bool)) {
        let (k, d) = (shape.classes, shape.columns)
        let n = 37
        var rng = SeededGenerator(seed: UInt64(7 * k + d))
        let x = Matrix(rows: n, columns: d, values: (0..<(n * d)).map { _ in rng.nextGaussian() })
        let labels = (0..<n).map { $0 % k }
        func make(_ level: Int32) -> LinearObjective {
            LinearObjective(x: x, loss: .multinomial, functions: k, labels: labels, fitIntercept: shape.intercept,
                            lossScale: 1 / Double(n), l2: 0.01, fusedLevel: level)
        }
        let reference = make(0)
        let w = (0..<reference.parameterCount).map { _ in rng.nextGaussian() }
        func evaluate(_ objective: LinearObjective) -> (Double, [Double]) {
            var g = [Double](repeating: .nan, count: w.count)
            let f = w.withUnsafeBufferPointer { wp in
                g.withUnsafeMutableBufferPointer { objective.evaluate(wp.baseAddress!, $0.baseAddress!) }
            }
            return (f, g)
        }
        let (fb, gb) = evaluate(reference)
        for level in stride(from: Int32(1), through: autopipe_kernels_level(), by: 1) {
            let (fa, ga) = evaluate(make(level))
            #expect(abs(fa - fb) <= 1e-12 * abs(fb), "level \(level): loss \(fa) vs \(fb)")
            let scale = gb.map(abs).max() ?? 1
            let worst = zip(ga, gb).map { abs($0 - $1) }.max() ?? .nan
            #expect(worst <= 1e-12 * scale, "level \(level): gradient differs by \(worst) (largest \(scale))")
        }
    }

    @Test("LogisticRegression fits the same model with either kernel", arguments: [("digits", 1e-7), ("iris", 1e-2)])
    func sameModel(_ dataset: String, _ tolerance: Double) throws {
        let data = try TestSupport.dataset(dataset)
        guard case .classes(let y, let count) = data.targets else { Issue.record("not a classification set"); return }
        var model = LogisticRegression(validated: LogisticRegression.space.defaults)
        model.fusedLevel = 0
        let b = try model.fit(data.features, y, classCount: count, context: FitContext(seed: 0))
        for level in stride(from: Int32(1), through: autopipe_kernels_level(), by: 1) {
            model.fusedLevel = level
            let a = try model.fit(data.features, y, classCount: count, context: FitContext(seed: 0))
            let coefDiff = zip(a.coefficients + a.intercepts, b.coefficients + b.intercepts).map { abs($0 - $1) }
                .max() ?? .nan
            let largest = (b.coefficients + b.intercepts).map(abs).max() ?? 0
            #expect(coefDiff <= tolerance * largest, "level \(level): max |coef difference| \(coefDiff)")
            #expect(try a.predict(data.features) == b.predict(data.features))
            print("fused (level \(level)) vs BLAS on \(dataset): max |coef difference| \(coefDiff), largest |coef| \(largest)")
        }
    }

    /// SGD must stay bit-identical whatever the CPU: the C dot product and axpy (AVX2 / AVX-512) against the Swift
    /// ones, bitwise, for every length up to 100.
    @Test("SGD's vector dot product and axpy are bit-identical to the Swift ones")
    func sgdKernelsBitIdentical() {
        var rng = SeededGenerator(seed: 11)
        let level = autopipe_kernels_level()
        guard level >= 1 else { return }
        for n in 0..<100 {
            let w = (0..<n).map { _ in rng.nextGaussian() }
            let x = (0..<n).map { _ in rng.nextGaussian() * 1e3 }
            w.withUnsafeBufferPointer { wb in
                x.withUnsafeBufferPointer { xb in
                    let wp = wb.baseAddress ?? UnsafePointer(bitPattern: 8)!, xp = xb.baseAddress ?? UnsafePointer(bitPattern: 8)!
                    let reference = sgdDot(wp, xp, n)
                    for l in Int32(1)...level {
                        let value = autopipe_sgd_dot(l, wp, xp, n)
                        #expect(value.bitPattern == reference.bitPattern, "n \(n) level \(l): \(value) vs \(reference)")
                        var a = w, b = w
                        a.withUnsafeMutableBufferPointer { sgdAxpy(-0.37, xp, $0.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!, n) }
                        b.withUnsafeMutableBufferPointer {
                            autopipe_sgd_axpy(l, -0.37, xp, $0.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!, n)
                        }
                        #expect(a.map(\.bitPattern) == b.map(\.bitPattern), "axpy n \(n) level \(l)")
                    }
                }
            }
        }
    }
}
