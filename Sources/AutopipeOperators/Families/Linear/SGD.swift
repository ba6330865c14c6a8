import AutopipeData
import CAutopipeKernels
#if canImport(Glibc)
import Glibc
#endif

/// scikit-learn's SGD losses (`_sgd_fast.pyx`): value and derivative with respect to the prediction p.
enum SGDLoss: Sendable {
    case hinge(threshold: Double)          // hinge (1) and perceptron (0)
    case squaredHinge(threshold: Double)
    case logistic
    case modifiedHuber
    case squared
    case huber(c: Double)
    case epsilonInsensitive(epsilon: Double)
    case squaredEpsilonInsensitive(epsilon: Double)

    init(name: String, epsilon: Double) {
        switch name {
        case "hinge": self = .hinge(threshold: 1)
        case "perceptron": self = .hinge(threshold: 0)
        case "squared_hinge": self = .squaredHinge(threshold: 1)
        case "log_loss": self = .logistic
        case "modified_huber": self = .modifiedHuber
        case "huber": self = .huber(c: epsilon)
        case "epsilon_insensitive": self = .epsilonInsensitive(epsilon: epsilon)
        case "squared_epsilon_insensitive": self = .squaredEpsilonInsensitive(epsilon: epsilon)
        default: self = .squared
        }
    }

    @inline(__always)
    func loss(_ y: Double, _ p: Double) -> Double {
        switch self {
        case .hinge(let t):
            let z = p * y
            return z <= t ? t - z : 0
        case .squaredHinge(let t):
            let z = t - p * y
            return z > 0 ? z * z : 0
        case .logistic:
            let z = p * y
            if z > 18 { return exp(-z) }
            if z < -18 { return -z }
            return log(1 + exp(-z))
        case .modifiedHuber:
            let z = p * y
            if z >= 1 { return 0 }
            if z >= -1 { return (1 - z) * (1 - z) }
            return -4 * z
        case .squared:
            return 0.5 * (p - y) * (p - y)
        case .huber(let c):
            let r = p - y, a = abs(r)
            return a <= c ? 0.5 * r * r : c * a - 0.5 * c * c
        case .epsilonInsensitive(let e):
            return max(0, abs(y - p) - e)
        case .squaredEpsilonInsensitive(let e):
            let r = abs(y - p) - e
            return r > 0 ? r * r : 0
        }
    }

    @inline(__always)
    func dloss(_ y: Double, _ p: Double) -> Double {
        switch self {
        case .hinge(let t):
            return p * y <= t ? -y : 0
        case .squaredHinge(let t):
            let z = t - p * y
            return z > 0 ? -2 * y * z : 0
        case .logistic:
            let z = p * y
            if z > 18 { return -y * exp(-z) }
            if z < -18 { return -y }
            return -y / (exp(z) + 1)
        case .modifiedHuber:
            let z = p * y
            if z >= 1 { return 0 }
            if z >= -1 { return -2 * (1 - z) * y }
            return -4 * y
        case .squared:
            return p - y
        case .huber(let c):
            let r = p - y
            if abs(r) <= c { return r }
            return r > 0 ? c : -c
        case .epsilonInsensitive(let e):
            if y - p > e { return -1 }
            if p - y > e { return 1 }
            return 0
        case .squaredEpsilonInsensitive(let e):
            let z = y - p
            if z > e { return -2 * (z - e) }
            if z < -e { return 2 * (-z - e) }
            return 0
        }
    }
}

/// The settings of one plain-SGD run (scikit-learn's `_plain_sgd` arguments).
struct SGDSettings {
    enum Schedule: String { case constant, optimal, invscaling, adaptive }
    var loss: SGDLoss
    /// "l2", "l1", "elasticnet" or nil.
    var penalty: String?
    var alpha: Double
    var l1Ratio: Double
    var fitIntercept: Bool
    var maxIter: Int
    /// nil: no tolerance stopping (scikit-learn's tol=None, i.e. -inf).
    var tol: Double?
    var shuffle: Bool
    var schedule: Schedule
    var eta0: Double
    var powerT: Double
    var nIterNoChange: Int
}

/// scikit-learn's plain stochastic gradient descent (`_sgd_fast._plain_sgd`) on a dense row-major X: the scaled
/// weight vector (w = wscale * v), L2 shrinking by scaling, Tsuruoka's cumulative L1 truncation, the learning-rate
/// schedules ('optimal' with Bottou's initial rate), the per-epoch loss stopping rule (`tol`, `n_iter_no_change`;
/// 'adaptive' divides the rate by 5 instead of stopping) or a validation score (`early_stopping`). Epochs visit the
/// rows in an order shuffled by the fit's generator (scikit-learn uses its own RNG: iterates differ, the
/// distribution of outcomes is the same).
enum PlainSGD {
    /// Returns (weights, intercept, epochs run). `validation`, when given, holds the rows held out for early
    /// stopping and scores a (weights, intercept) candidate (greater is better).
    static func run(x: [Double], rows n: Int, columns d: Int, y: [Double], settings: SGDSettings,
                    trainRows: [Int], validationScore: (([Double], Double) -> Double)?,
                    generator: inout SeededGenerator, context: FitContext, operator name: String)
        throws -> (weights: [Double], intercept: Double, epochs: Int)
    {
        let loss = settings.loss
        var l1Ratio = settings.l1Ratio
        let penaltyL2 = settings.penalty == "l2" || settings.penalty == "elasticnet"
        let penaltyL1 = settings.penalty == "l1" || settings.penalty == "elasticnet"
        if settings.penalty == "l2" { l1Ratio = 0 } else if settings.penalty == "l1" { l1Ratio = 1 }
        let alpha = settings.alpha
        var optimalInit = 0.0
        if settings.schedule == .optimal {
            let typw = (1.0 / alpha.squareRoot()).squareRoot()
            let initialEta0 = typw / max(1.0, loss.dloss(1.0, -typw))
            optimalInit = 1.0 / (initialEta0 * alpha)
        }
        let trainCount = Double(trainRows.count)
        let tol = settings.tol ?? -Double.infinity
        let maxDloss = 1e12
        let schedule = settings.schedule, eta0 = settings.eta0, powerT = settings.powerT
        let fitIntercept = settings.fitIntercept, tracksLoss = validationScore == nil
        // All mutable state lives inside the closure (captured variables would be boxed on the heap and the hot
        // loop would go through memory on every access).
        return try x.withUnsafeBufferPointer { xb in
            var w = [Double](repeating: 0, count: d)
            let order = UnsafeMutableBufferPointer<Int>.allocate(capacity: trainRows.count)
            defer { order.deallocate() }
            _ = order.initialize(from: trainRows)
            var wscale = 1.0
            var intercept = 0.0
            var u = 0.0
            var eta = eta0
            var t = 1.0
            var bestLoss = Double.infinity, bestScore = -Double.infinity
            var noImprovement = 0
            var epoch = 0
            guard let xp = xb.baseAddress else { return (w, intercept, epoch) }
            let wp = UnsafeMutablePointer<Double>.allocate(capacity: max(d, 1))
            let qp = UnsafeMutablePointer<Double>.allocate(capacity: max(d, 1))
            defer { wp.deallocate(); qp.deallocate() }
            wp.initialize(repeating: 0, count: max(d, 1))
            qp.initialize(repeating: 0, count: max(d, 1))
            let yp = UnsafeMutablePointer<Double>.allocate(capacity: max(n, 1))
            defer { yp.deallocate() }
            for i in 0..<n { yp[i] = y[i] }
            // Wider vectors for the dot product and axpy where the CPU has them (bit-identical: SGDKernels).
            let kernels = SGDKernels(columns: d)
            // Rows longer than 1 KB: the hardware prefetcher follows the rest of the row.
            let rowBytes = d &* 8, prefetchBytes = min(rowBytes, 1024)
            while epoch < settings.maxIter {
                try context.check()
                var sumLoss = 0.0
                if settings.shuffle { shuffleIndices(order, &generator) }
                do {
                    let count = order.count
                    for position in 0..<count {
                        let row = order[position]
                        let xi = xp + row * d
                        let yi = yp[row]
                        // The rows are visited in shuffled order: fetch a later row's cache lines ahead of use.
                        if position &+ sgdPrefetchDistance < count {
                            let ahead = UnsafeRawPointer(xp + order[position &+ sgdPrefetchDistance] &* d)
                            var offset = 0
                            while offset < prefetchBytes { autopipe_prefetch(ahead + offset); offset &+= 64 }
                            autopipe_prefetch(ahead + (prefetchBytes &- 1))
                        }
                        let p = kernels.dot(wp, xi, d) * wscale + intercept
                        switch schedule {
                        case .optimal: eta = 1.0 / (alpha * (optimalInit + t - 1))
                        case .invscaling:
                            // t^1 = t and t^0 = 1 exactly: TPOT's power_t grid holds both, and pow is slow.
                            eta = powerT == 1 ? eta0 / t : powerT == 0 ? eta0 : eta0 / pow(t, powerT)
                        case .constant, .adaptive: break
                        }
                        if tracksLoss { sumLoss += loss.loss(yi, p) }
                        var dloss = loss.dloss(yi, p)
                        if dloss < -maxDloss { dloss = -maxDloss } else if dloss > maxDloss { dloss = maxDloss }
                        let update = -eta * dloss
                        if penaltyL2 {
                            wscale *= max(0, 1.0 - ((1.0 - l1Ratio) * eta * alpha))
                            if wscale < 1e-9 {
                                for c in 0..<d { wp[c] *= wscale }
                                wscale = 1
                            }
                        }
                        if update != 0 {
                            kernels.axpy(update / wscale, xi, wp, d)
                            if fitIntercept { intercept += update }
                        }
                        if penaltyL1 {
                            u += l1Ratio * eta * alpha
                            // While u is 0 (alpha = 0 or l1_ratio = 0, both in TPOT's grid) q is all 0 and the
                            // truncation leaves every weight as it is: skipping it changes no bit.
                            if u != 0 {
                            for c in 0..<d {
                                let z = wp[c]
                                if wscale * z > 0 {
                                    wp[c] = max(0, wp[c] - (u + qp[c]) / wscale)
                                } else if wscale * z < 0 {
                                    wp[c] = min(0, wp[c] + (u - qp[c]) / wscale)
                                }
                                qp[c] += wscale * (wp[c] - z)
                            }
                            }
                        }
                        t += 1
                    }
                }
                epoch += 1
                var finite = intercept.isFinite
                for c in 0..<d where !wp[c].isFinite { finite = false; break }
                if !finite {
                    throw OperatorError.numerical(operator: name, detail:
                        "floating-point overflow at epoch \(epoch); scaling the input (StandardScaler or MinMaxScaler) might help")
                }
                if let validationScore {
                    var current = [Double](repeating: 0, count: d)
                    for c in 0..<d { current[c] = wp[c] * wscale }
                    let score = validationScore(current, intercept)
                    if tol > -Double.infinity && score < bestScore + tol { noImprovement += 1 } else { noImprovement = 0 }
                    if score > bestScore { bestScore = score }
                } else {
                    if tol > -Double.infinity && sumLoss > bestLoss - tol * trainCount { noImprovement += 1 }
                    else { noImprovement = 0 }
                    if sumLoss < bestLoss { bestLoss = sumLoss }
                }
                if noImprovement >= settings.nIterNoChange {
                    if schedule == .adaptive && eta > 1e-6 {
                        eta /= 5
                        noImprovement = 0
                    } else {
                        break
                    }
                }
            }
            for c in 0..<d { w[c] = wp[c] * wscale }
            return (w, intercept, epoch)
        }
    }

    /// Rows held out for early stopping: a shuffled `fraction` of the rows (stratified by `strata` when given),
    /// at least one, as scikit-learn's (Stratified)ShuffleSplit sizes them (ceil(fraction * n)).
    static func validationSplit(rows n: Int, fraction: Double, strata: [Int]?, generator: inout SeededGenerator,
                                operator name: String) throws -> (train: [Int], validation: [Int]) {
        let testCount = Int((fraction * Double(n)).rounded(.up))
        if testCount < 1 || testCount >= n {
            throw OperatorError.invalidInput(operator: name, reason:
                "validation_fraction=\(fraction) leaves an empty training or validation set for \(n) rows")
        }
        var validation: [Int] = []
        if let strata {
            // Proportional allocation per class, then fill up at random.
            var byClass: [Int: [Int]] = [:]
            for (i, c) in strata.enumerated() { byClass[c, default: []].append(i) }
            var leftovers: [Int] = []
            for key in byClass.keys.sorted() {
                var members = byClass[key] ?? []
                generator.shuffle(&members)
                let take = min(members.count, Int(Double(members.count) * Double(testCount) / Double(n)))
                validation += members[0..<take]
                leftovers += members[take...]
            }
            generator.shuffle(&leftovers)
            let missing = testCount - validation.count
            if missing > 0 { validation += leftovers.prefix(missing) }
        } else {
            var all = Array(0..<n)
            generator.shuffle(&all)
            validation = Array(all[0..<testCount])
        }
        var mask = [Bool](repeating: false, count: n)
        for i in validation { mask[i] = true }
        let train = (0..<n).filter { !mask[$0] }
        return (train, validation.sorted())
    }
}

/// Rows ahead of the current one whose cache lines SGD prefetches.
let sgdPrefetchDistance = 6

/// SGD's dot product and axpy: the Swift versions below (SSE2), or the same lanes and association with AVX-512 /
/// AVX2 vectors in C (Sources/CAutopipeKernels/sgd.c: separate multiplies and adds, so the results are identical
/// on every CPU) where the CPU has them and the rows are long enough to gain from it.
struct SGDKernels {
    let level: Int32

    init(columns: Int) {
        level = columns >= 16 ? autopipe_kernels_level() : 0
    }

    @inline(__always)
    func dot(_ w: UnsafePointer<Double>, _ x: UnsafePointer<Double>, _ n: Int) -> Double {
        level > 0 ? autopipe_sgd_dot(level, w, x, n) : sgdDot(w, x, n)
    }

    @inline(__always)
    func axpy(_ a: Double, _ x: UnsafePointer<Double>, _ w: UnsafeMutablePointer<Double>, _ n: Int) {
        if level > 0 { autopipe_sgd_axpy(level, a, x, w, n) } else { sgdAxpy(a, x, w, n) }
    }
}

/// w . x over `n` entries: eight independent two-lane partial sums, so the per-sample dot product (the SGD step's
/// critical path) is not one long chain of dependent additions.
@inline(__always)
func sgdDot(_ w: UnsafePointer<Double>, _ x: UnsafePointer<Double>, _ n: Int) -> Double {
    let rw = UnsafeRawPointer(w), rx = UnsafeRawPointer(x)
    var a0 = SIMD8<Double>(), a1 = SIMD8<Double>()
    var c = 0
    while c &+ 16 <= n {
        a0 += rw.loadUnaligned(fromByteOffset: c &* 8, as: SIMD8<Double>.self)
            * rx.loadUnaligned(fromByteOffset: c &* 8, as: SIMD8<Double>.self)
        a1 += rw.loadUnaligned(fromByteOffset: (c &+ 8) &* 8, as: SIMD8<Double>.self)
            * rx.loadUnaligned(fromByteOffset: (c &+ 8) &* 8, as: SIMD8<Double>.self)
        c &+= 16
    }
    if c &+ 8 <= n {
        a0 += rw.loadUnaligned(fromByteOffset: c &* 8, as: SIMD8<Double>.self)
            * rx.loadUnaligned(fromByteOffset: c &* 8, as: SIMD8<Double>.self)
        c &+= 8
    }
    var tail = SIMD2<Double>()
    while c &+ 2 <= n {
        tail += rw.loadUnaligned(fromByteOffset: c &* 8, as: SIMD2<Double>.self)
            * rx.loadUnaligned(fromByteOffset: c &* 8, as: SIMD2<Double>.self)
        c &+= 2
    }
    let v = a0 + a1
    let h = v.lowHalf + v.highHalf
    let q = h.lowHalf + h.highHalf + tail
    var s = q[0] + q[1]
    if c < n { s += w[c] * x[c] }
    return s
}

/// w += a * x over `n` entries.
@inline(__always)
func sgdAxpy(_ a: Double, _ x: UnsafePointer<Double>, _ w: UnsafeMutablePointer<Double>, _ n: Int) {
    let rx = UnsafeRawPointer(x), rw = UnsafeMutableRawPointer(w)
    let av = SIMD8<Double>(repeating: a)
    var c = 0
    while c &+ 8 <= n {
        let updated = rw.loadUnaligned(fromByteOffset: c &* 8, as: SIMD8<Double>.self)
            + av * rx.loadUnaligned(fromByteOffset: c &* 8, as: SIMD8<Double>.self)
        rw.storeBytes(of: updated, toByteOffset: c &* 8, as: SIMD8<Double>.self)
        c &+= 8
    }
    while c < n { w[c] += a * x[c]; c &+= 1 }
}
