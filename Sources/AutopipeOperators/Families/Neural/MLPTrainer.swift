import AutopipeData
#if canImport(Glibc)
import Glibc
#endif

/// scikit-learn's stochastic MLP training with the Adam solver (`BaseMultilayerPerceptron._fit_stochastic`):
/// Glorot-uniform initialisation (bound sqrt(6 / (fan_in + fan_out)), sqrt(2 / ...) for 'logistic'), minibatches
/// of min(200, n) rows in a reshuffled order every epoch, log loss with probabilities clipped to
/// [eps, 1 - eps] plus 0.5 * alpha * ||W||^2 / batch rows, gradients (A^T delta + alpha W) / batch rows, Adam with
/// bias-corrected step size, and stopping after `n_iter_no_change` epochs without the training loss improving
/// by `tol` (or, with early_stopping, the validation accuracy; the best weights are then restored). Reaching
/// max_iter is not an error (scikit-learn only warns). Non-finite weights are a typed `.numerical` error, as
/// scikit-learn raises.
struct MLPSettings: Sendable {
    var hidden: Int
    var activation: MLPActivation
    var alpha: Double
    var learningRateInit: Double
    var maxIter: Int
    var shuffle: Bool
    var tol: Double
    var earlyStopping: Bool
    var validationFraction: Double
    var beta1: Double
    var beta2: Double
    var epsilon: Double
    var nIterNoChange: Int
}

enum MLPTrainer {
    static func train(_ x: Matrix, labels: [Int], classes m: Int, settings s: MLPSettings, operator name: String,
                      context: FitContext) throws -> MLPNetwork {
        let d = x.columns
        let outputs = m == 2 ? 1 : m
        var generator = context.generator()
        var trainRows = Array(0..<x.rows), validationRows: [Int] = []
        if s.earlyStopping {
            let split = TrainTestSplit.make(targets: .classes(labels, count: m), testSize: s.validationFraction,
                                            generator: generator.derived("validation"))
            trainRows = split.train
            validationRows = split.test
        }
        let n = trainRows.count
        let units = [d, s.hidden, outputs]
        var network = MLPNetwork(units: units, activation: s.activation, softmaxOutput: outputs > 1,
                                 parameters: [Double](repeating: 0, count: MLPNetwork.parameterCount(units)))
        let factor = s.activation == .logistic ? 2.0 : 6.0
        for layer in 0..<network.layerCount {
            let fanIn = units[layer], fanOut = units[layer + 1]
            let bound = (factor / Double(fanIn + fanOut)).squareRoot()
            let start = network.coefficientOffset(layer)
            for j in 0..<((fanIn + 1) * fanOut) {
                network.parameters[start + j] = -bound + 2 * bound * generator.nextDouble()
            }
        }
        let batch = min(200, n)
        let offsets = network.activationOffsets(capacity: batch)
        var act = [Double](repeating: 0, count: offsets[network.layerCount])
        var deltas = act
        var xBatch = [Double](repeating: 0, count: batch * d)
        var yBatch = [Int](repeating: 0, count: batch)
        let count = network.parameters.count
        var grads = [Double](repeating: 0, count: count)
        var moment1 = grads, moment2 = grads
        var order = trainRows
        var step = 0
        var bestLoss = Double.infinity, bestScore = -Double.infinity
        var bestParameters = network.parameters
        var noImprovement = 0
        let eps = Double.ulpOfOne
        for _ in 0..<s.maxIter {
            if s.shuffle { generator.shuffle(&order) }
            var accumulated = 0.0
            var start = 0
            while start < n {
                try context.check()
                let rows = min(batch, n - start)
                x.values.withUnsafeBufferPointer { v in
                    xBatch.withUnsafeMutableBufferPointer { xb in
                        for r in 0..<rows {
                            let source = order[start + r]
                            (xb.baseAddress! + r * d).update(from: v.baseAddress! + source * d, count: d)
                            yBatch[r] = labels[source]
                        }
                    }
                }
                let batchLoss = xBatch.withUnsafeBufferPointer { xb in
                    act.withUnsafeMutableBufferPointer { a in
                        deltas.withUnsafeMutableBufferPointer { dl in
                            grads.withUnsafeMutableBufferPointer { g in
                                backprop(network, xb.baseAddress!, yBatch, rows: rows, act: a.baseAddress!,
                                         deltas: dl.baseAddress!, grads: g.baseAddress!, offsets: offsets,
                                         alpha: s.alpha, eps: eps)
                            }
                        }
                    }
                }
                accumulated += batchLoss * Double(rows)
                // Adam.
                step += 1
                let rate = s.learningRateInit * (1 - pow(s.beta2, Double(step))).squareRoot()
                    / (1 - pow(s.beta1, Double(step)))
                network.parameters.withUnsafeMutableBufferPointer { p in
                    grads.withUnsafeBufferPointer { g in
                        moment1.withUnsafeMutableBufferPointer { m1 in
                            moment2.withUnsafeMutableBufferPointer { m2 in
                                for j in 0..<count {
                                    m1[j] = s.beta1 * m1[j] + (1 - s.beta1) * g[j]
                                    m2[j] = s.beta2 * m2[j] + (1 - s.beta2) * (g[j] * g[j])
                                    p[j] += -rate * m1[j] / (m2[j].squareRoot() + s.epsilon)
                                }
                            }
                        }
                    }
                }
                start += rows
            }
            let loss = accumulated / Double(n)
            if s.earlyStopping {
                let score = accuracy(network, x, validationRows, labels)
                if score < bestScore + s.tol { noImprovement += 1 } else { noImprovement = 0 }
                if score > bestScore {
                    bestScore = score
                    bestParameters = network.parameters
                }
            } else {
                if loss > bestLoss - s.tol { noImprovement += 1 } else { noImprovement = 0 }
                if loss < bestLoss { bestLoss = loss }
            }
            if noImprovement > s.nIterNoChange { break }
        }
        if s.earlyStopping { network.parameters = bestParameters }
        guard network.parameters.allSatisfy({ $0.isFinite }) else {
            throw OperatorError.numerical(operator: name, detail: "Solver produced non-finite parameter weights. "
                + "The input data may contain large values and need to be preprocessed.")
        }
        return network
    }

    /// One minibatch: forward pass, loss, and gradients (coefficients then intercepts, layer by layer).
    static func backprop(_ net: MLPNetwork, _ xb: UnsafePointer<Double>, _ y: [Int], rows: Int,
                         act: UnsafeMutablePointer<Double>, deltas: UnsafeMutablePointer<Double>,
                         grads: UnsafeMutablePointer<Double>, offsets: [Int], alpha: Double, eps: Double) -> Double {
        net.forward(xb, rows: rows, act: act, offsets: offsets)
        let last = net.layerCount - 1
        let outputs = net.units[net.layerCount]
        let out = act + offsets[last]
        let lastDelta = deltas + offsets[last]
        var loss = 0.0
        if outputs == 1 {
            for r in 0..<rows {
                let p = min(max(out[r], eps), 1 - eps)
                let t = Double(y[r])
                loss += t * log(p) + (1 - t) * log(1 - p)
                lastDelta[r] = out[r] - t
            }
        } else {
            for r in 0..<rows {
                for j in 0..<outputs { lastDelta[r * outputs + j] = out[r * outputs + j] }
                lastDelta[r * outputs + y[r]] -= 1
                loss += log(min(max(out[r * outputs + y[r]], eps), 1 - eps))
            }
        }
        loss = -loss / Double(rows)
        var squares = 0.0
        net.parameters.withUnsafeBufferPointer { w in
            for layer in 0..<net.layerCount {
                let c = w.baseAddress! + net.coefficientOffset(layer)
                for j in 0..<(net.units[layer] * net.units[layer + 1]) { squares += c[j] * c[j] }
            }
            loss += 0.5 * alpha * squares / Double(rows)
            let scale = 1 / Double(rows)
            var layer = last
            while layer >= 0 {
                let fanIn = net.units[layer], fanOut = net.units[layer + 1]
                let delta = deltas + offsets[layer]
                let input: UnsafePointer<Double> = layer == 0 ? xb : UnsafePointer(act + offsets[layer - 1])
                let coef = w.baseAddress! + net.coefficientOffset(layer)
                let coefGrad = grads + net.coefficientOffset(layer)
                let interceptGrad = grads + net.interceptOffset(layer)
                BLAS.gemm(transposeA: true, transposeB: false, m: fanIn, n: fanOut, k: rows, alpha: 1,
                          input, lda: fanIn, delta, ldb: fanOut, beta: 0, coefGrad, ldc: fanOut)
                for j in 0..<(fanIn * fanOut) { coefGrad[j] = (coefGrad[j] + alpha * coef[j]) * scale }
                interceptGrad.update(repeating: 0, count: fanOut)
                for r in 0..<rows {
                    let row = delta + r * fanOut
                    for j in 0..<fanOut { interceptGrad[j] += row[j] }
                }
                for j in 0..<fanOut { interceptGrad[j] *= scale }
                if layer > 0 {
                    let previousDelta = deltas + offsets[layer - 1]
                    BLAS.gemm(transposeA: false, transposeB: true, m: rows, n: fanIn, k: fanOut, alpha: 1,
                              delta, lda: fanOut, coef, ldb: fanOut, beta: 0, previousDelta, ldc: fanIn)
                    net.activation.derivative(UnsafePointer(act + offsets[layer - 1]), previousDelta, rows * fanIn)
                }
                layer -= 1
            }
        }
        return loss
    }

    static func accuracy(_ net: MLPNetwork, _ x: Matrix, _ rows: [Int], _ labels: [Int]) -> Double {
        guard !rows.isEmpty else { return 0 }
        let out = net.predict(x.selectingRows(rows))
        let k = net.units[net.layerCount]
        var correct = 0
        for (i, r) in rows.enumerated() {
            let predicted: Int
            if k == 1 {
                predicted = out[i] > 0.5 ? 1 : 0
            } else {
                var best = 0
                for j in 1..<k where out[i * k + j] > out[i * k + best] { best = j }
                predicted = best
            }
            if predicted == labels[r] { correct += 1 }
        }
        return Double(correct) / Double(rows.count)
    }
}
