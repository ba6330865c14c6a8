import AutopipeData
#if canImport(Glibc)
import Glibc
#endif

/// scikit-learn's MLP activations ('identity', 'logistic', 'tanh', 'relu') and their in-place derivatives
/// expressed through the activation's output, as `sklearn.neural_network._base`.
enum MLPActivation: String, Codable, Sendable {
    case identity, logistic, tanh, relu

    func apply(_ z: UnsafeMutablePointer<Double>, _ count: Int) {
        switch self {
        case .identity: break
        case .logistic: for i in 0..<count { z[i] = 1 / (1 + exp(-z[i])) }
        case .tanh: for i in 0..<count { z[i] = Glibc.tanh(z[i]) }
        case .relu: for i in 0..<count { let v = z[i]; z[i] = v > 0 ? v : 0 }
        }
    }

    /// delta *= f'(z), with `a` the activation's output.
    func derivative(_ a: UnsafePointer<Double>, _ delta: UnsafeMutablePointer<Double>, _ count: Int) {
        switch self {
        case .identity: break
        case .logistic: for i in 0..<count { delta[i] *= a[i] * (1 - a[i]) }
        case .tanh: for i in 0..<count { delta[i] *= 1 - a[i] * a[i] }
        case .relu: for i in 0..<count { let v = delta[i]; delta[i] = a[i] == 0 ? 0 : v }
        }
    }
}

/// A fully connected network's weights in one flat array: for layer i, the fan_in x fan_out coefficient matrix
/// (row-major, scikit-learn's `coefs_[i]`) then the fan_out intercepts.
struct MLPNetwork: Codable, Sendable {
    /// Units per layer, input first.
    let units: [Int]
    let activation: MLPActivation
    /// 'logistic' (one output unit, two classes) or 'softmax'.
    let softmaxOutput: Bool
    var parameters: [Double]

    var layerCount: Int { units.count - 1 }

    func coefficientOffset(_ layer: Int) -> Int {
        var offset = 0
        for i in 0..<layer { offset += (units[i] + 1) * units[i + 1] }
        return offset
    }

    func interceptOffset(_ layer: Int) -> Int { coefficientOffset(layer) + units[layer] * units[layer + 1] }

    static func parameterCount(_ units: [Int]) -> Int {
        var total = 0
        for i in 0..<(units.count - 1) { total += (units[i] + 1) * units[i + 1] }
        return total
    }

    /// Offsets of each layer's outputs in a flat activation buffer sized for `capacity` rows (layer 1 first);
    /// the last entry is the buffer size.
    func activationOffsets(capacity: Int) -> [Int] {
        var offsets = [0]
        for layer in 1...layerCount { offsets.append(offsets[layer - 1] + capacity * units[layer]) }
        return offsets
    }

    /// Forward pass over `rows` rows of `input` (row-major, units[0] columns). Layer i + 1's output goes to
    /// `act + offsets[i]` (see `activationOffsets`).
    func forward(_ input: UnsafePointer<Double>, rows: Int, act: UnsafeMutablePointer<Double>, offsets: [Int]) {
        parameters.withUnsafeBufferPointer { w in
            for layer in 0..<layerCount {
                let fanIn = units[layer], fanOut = units[layer + 1]
                let coef = w.baseAddress! + coefficientOffset(layer)
                let intercept = w.baseAddress! + interceptOffset(layer)
                let previous: UnsafePointer<Double> = layer == 0 ? input : UnsafePointer(act + offsets[layer - 1])
                let o = act + offsets[layer]
                for r in 0..<rows { (o + r * fanOut).update(from: intercept, count: fanOut) }
                BLAS.gemm(transposeA: false, transposeB: false, m: rows, n: fanOut, k: fanIn, alpha: 1,
                          previous, lda: fanIn, coef, ldb: fanOut, beta: 1, o, ldc: fanOut)
                if layer + 1 < layerCount {
                    activation.apply(o, rows * fanOut)
                } else if softmaxOutput {
                    for r in 0..<rows {
                        let row = o + r * fanOut
                        var top = row[0]
                        for j in 1..<fanOut where row[j] > top { top = row[j] }
                        var s = 0.0
                        for j in 0..<fanOut { row[j] = exp(row[j] - top); s += row[j] }
                        for j in 0..<fanOut { row[j] /= s }
                    }
                } else {
                    MLPActivation.logistic.apply(o, rows * fanOut)
                }
            }
        }
    }

    /// Output-layer values for every row of `x` (probabilities of the encoded classes), in blocks of rows.
    func predict(_ x: Matrix) -> [Double] {
        let block = 512, outputs = units[layerCount]
        let offsets = activationOffsets(capacity: min(block, max(x.rows, 1)))
        var buffer = [Double](repeating: 0, count: offsets[layerCount])
        var out = [Double](repeating: 0, count: x.rows * outputs)
        x.values.withUnsafeBufferPointer { v in
            buffer.withUnsafeMutableBufferPointer { b in
                var start = 0
                while start < x.rows {
                    let rows = min(block, x.rows - start)
                    forward(v.baseAddress! + start * units[0], rows: rows, act: b.baseAddress!, offsets: offsets)
                    let last = b.baseAddress! + offsets[layerCount - 1]
                    for j in 0..<(rows * outputs) { out[start * outputs + j] = last[j] }
                    start += rows
                }
            }
        }
        return out
    }
}
