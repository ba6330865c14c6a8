import AutopipeData
import AutopipeOperators
import AutopipeSearch
import Foundation

/// A test-only classifier whose fit takes `seconds` (checking the cancellation token every millisecond, as real
/// iterative fits do), fails on request, and predicts the training set's class frequencies. Registered in
/// `TestRegistry.withSlow` only, never in the standard registry.
struct SlowClassifier: Classifier {
    static let name = "SlowClassifier"
    static let role = OperatorRole.classifier
    static let summary = "Test operator: waits, then predicts class frequencies."
    static let space = ParameterSpace([
        .real("seconds", atLeast: 0, default: 0, grid: [0, 0.001]),
        .boolean("fail", default: false, grid: []),
        .choice("mode", ["a", "b"], default: "a", grid: ["a", "b"]),
    ], rule: { p in
        p["mode"] == "b" && (p["seconds"]?.doubleValue ?? 0) > 10 ? "mode 'b' takes at most 10 seconds" : nil
    })

    let parameters: Parameters
    let seconds: Double
    let fail: Bool
    let mode: String

    init(validated parameters: Parameters) {
        self.parameters = parameters
        seconds = parameters.double("seconds")
        fail = parameters.bool("fail")
        mode = parameters.string("mode")
    }

    struct Fitted: FittedClassifier {
        let inputColumns: Int
        let classCount: Int
        let frequencies: [Double]
        var scoresAreProbabilities: Bool { true }

        func scores(_ x: Matrix) throws -> Matrix {
            var out = Matrix(rows: x.rows, columns: classCount)
            for r in 0..<x.rows { for k in 0..<classCount { out[r, k] = frequencies[k] } }
            return out
        }
    }

    func fit(_ x: Matrix, _ y: [Int], classCount: Int, context: FitContext) throws -> Fitted {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .milliseconds(Int64(seconds * 1000)) {
            try context.check()
            Thread.sleep(forTimeInterval: 0.001)
        }
        if fail { throw OperatorError.numerical(operator: Self.name, detail: "asked to fail") }
        var counts = [Double](repeating: 0, count: classCount)
        for label in y { counts[label] += 1 }
        // Deterministic per seed: a seed-dependent tilt, so seeds matter in tests.
        var rng = context.generator()
        let tilt = mode == "b" ? 1e-6 * rng.nextDouble() : 0
        let total = counts.reduce(0, +) + tilt * Double(classCount)
        return Fitted(inputColumns: x.columns, classCount: classCount, frequencies: counts.map { ($0 + tilt) / total })
    }
}

enum TestRegistry {
    /// The standard operators plus `SlowClassifier`.
    static let withSlow = OperatorRegistry(entries: OperatorRegistry.standard.entries + [OperatorEntry(SlowClassifier.self)])

    /// A space of the standard operators and `SlowClassifier` with the given `seconds` grid.
    static func space(seconds: [Double], fail: [Bool] = [false]) throws -> SearchSpace {
        let json = """
            {"GaussianNB": {}, "StandardScaler": {},
             "SlowClassifier": {"seconds": \(seconds), "fail": \(fail), "mode": ["a", "b"]}}
            """
        return try SearchSpace.parse(Data(json.utf8), name: "test", registry: withSlow)
    }
}
