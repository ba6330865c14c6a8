import AutopipeData
import AutopipeOperators
import AutopipeTestSupport
import Foundation
import Testing

/// The common suite every registered operator passes (autopipe's `estimator_checks`).
@Suite("Operator conformance")
struct ConformanceTests {
    static let names = OperatorRegistry.standard.names

    /// Non-negative synthetic data with learnable structure: 3 classes, 4 features, 60 rows.
    static func problem(for role: OperatorRole, rows: Int = 60, columns: Int = 4) -> (Matrix, Targets) {
        var rng = SeededGenerator(seed: 7)
        var values: [Double] = []
        var labels: [Int] = []
        var real: [Double] = []
        for r in 0..<rows {
            let label = r % 3
            labels.append(label)
            var sum = 0.0
            for c in 0..<columns {
                let v = rng.nextDouble() + (c == label % columns ? 1.5 : 0) + Double(c) * 0.1
                values.append(v)
                sum += v * Double(c + 1)
            }
            real.append(sum + 0.1 * rng.nextDouble())
        }
        let x = Matrix(rows: rows, columns: columns, values: values)
        return (x, role == .regressor ? .values(real) : .classes(labels, count: 3))
    }

    /// Everything an operator can output for `x`, as one matrix (for comparisons).
    static func outputs(_ fitted: AnyFitted, _ x: Matrix) throws -> Matrix {
        switch fitted.model {
        case .transformer: return try fitted.transform(x)
        case .classifier:
            let scores = try fitted.classScores(x).scores
            let predicted = try fitted.predictClasses(x).map(Double.init)
            return Matrix.hstack([scores, Matrix(rows: x.rows, columns: 1, values: predicted)])
        case .regressor: return Matrix(rows: x.rows, columns: 1, values: try fitted.predictValues(x))
        }
    }

    /// A typed error is acceptable; anything else (or a trap) is not.
    static func fitOrTypedError(_ op: AnyOperator, _ x: Matrix, _ y: Targets) -> Result<AnyFitted, OperatorError>? {
        do {
            return .success(try op.fit(x, y, context: FitContext(seed: 1)))
        } catch let error as OperatorError {
            return .failure(error)
        } catch {
            return nil
        }
    }

    @Test("the registry holds operators") func registryIsPopulated() {
        #expect(!Self.names.isEmpty)
        #expect(Set(Self.names).count == Self.names.count, "operator names are unique")
    }

    @Test("defaults construct and equal the declared defaults", arguments: names)
    func defaults(_ name: String) throws {
        let entry = try OperatorRegistry.standard.require(name)
        let op = try entry.make()
        #expect(op.parameters == entry.space.defaults)
        #expect(op.name == name)
        #expect(!entry.summary.isEmpty)
        for spec in entry.space.specs {
            #expect((try? spec.validate(spec.defaultValue, operator: name)) != nil, "default of \(spec.name) is valid")
            for value in spec.grid {
                #expect((try? spec.validate(value, operator: name)) != nil, "grid value \(value) of \(spec.name) is valid")
            }
        }
    }

    @Test("parameters round-trip through validation and JSON", arguments: names)
    func parameterRoundTrip(_ name: String) throws {
        let entry = try OperatorRegistry.standard.require(name)
        var rng = SeededGenerator(seed: 3)
        for _ in 0..<5 {
            var parameters = Parameters()
            for spec in entry.space.specs where !spec.grid.isEmpty { parameters[spec.name] = rng.pick(spec.grid) }
            guard entry.space.satisfiesRule(entry.space.defaults.merging(parameters)) else { continue }
            let op = try entry.make(parameters)
            let again = try entry.make(op.parameters)
            #expect(again.parameters == op.parameters)
            let json = try JSONEncoder().encode(op.parameters)
            let decoded = try JSONDecoder().decode(Parameters.self, from: json)
            #expect(try entry.make(decoded).parameters == op.parameters)
        }
    }

    @Test("out-of-range values are rejected, naming the parameter", arguments: names)
    func rangeErrors(_ name: String) throws {
        let entry = try OperatorRegistry.standard.require(name)
        for spec in entry.space.specs {
            for bad in Self.invalidValues(for: spec) {
                do {
                    _ = try entry.make([spec.name: bad])
                    Issue.record("\(name).\(spec.name) accepted invalid value \(bad)")
                } catch let error as OperatorError {
                    guard case .invalidParameter(let op, let parameter, let message) = error else {
                        Issue.record("wrong error \(error)")
                        continue
                    }
                    #expect(op == name && parameter == spec.name)
                    #expect(message.contains("'\(spec.name)' parameter of \(name)"))
                }
            }
        }
        #expect(throws: OperatorError.self) { try entry.make(["no_such_parameter": 1]) }
    }

    static func invalidValues(for spec: ParameterSpec) -> [ParamValue] {
        var values: [ParamValue] = [.string("not-a-valid-value")]
        switch spec.domain {
        case .integer(let lower, let upper):
            values.append(.int(lower - 1))
            if let upper { values.append(.int(upper + 1)) }
            values.append(.double(Double(lower) + 0.5))
        case .real(let lower, let lowerInclusive, let upper, let upperInclusive):
            if let lower { values.append(.double(lowerInclusive ? lower - 1e-3 - abs(lower) : lower)) }
            if let upper { values.append(.double(upperInclusive ? upper + 1e-3 + abs(upper) : upper)) }
            values.append(.double(.nan))
        case .choice: values.append(.int(3))
        case .boolean: values.append(.int(2))
        case .anyOf(let members):
            // Each member's invalid values, keeping those that no member accepts.
            for member in members {
                values += invalidValues(for: ParameterSpec(name: spec.name, domain: member, defaultValue: spec.defaultValue))
            }
            values = values.filter { (try? spec.validate($0, operator: "")) == nil }
        }
        if !spec.allowsNone { values.append(.none) }
        return values
    }

    @Test("same seed, same output; shapes are right", arguments: names)
    func determinismAndShapes(_ name: String) throws {
        let entry = try OperatorRegistry.standard.require(name)
        let op = try entry.make()
        let (x, y) = Self.problem(for: entry.role)
        let a = try op.fit(x, y, context: FitContext(seed: 11))
        let b = try op.fit(x, y, context: FitContext(seed: 11))
        let outA = try Self.outputs(a, x), outB = try Self.outputs(b, x)
        #expect(outA == outB, "two fits with one seed differ")
        #expect(outA.rows == x.rows)
        #expect(outA.allFinite, "outputs are finite")
        if case .classifier(let model) = a.model {
            let predicted = try a.predictClasses(x)
            #expect(predicted.allSatisfy { (0..<3).contains($0) })
            if model.scoresAreProbabilities {
                let p = try a.classScores(x).scores
                for r in 0..<p.rows {
                    let sum = p.row(r).reduce(0, +)
                    #expect(abs(sum - 1) < 1e-6, "probabilities of row \(r) sum to \(sum)")
                }
            }
        }
    }

    @Test("1-row, 1-column and constant-column inputs fit or fail with a typed error", arguments: names)
    func edgeShapes(_ name: String) throws {
        let entry = try OperatorRegistry.standard.require(name)
        let op = try entry.make()
        let (x, y) = Self.problem(for: entry.role)
        let oneRow = x.selectingRows([0])
        let oneColumn = x.selectingColumns([0])
        var constant = x
        for r in 0..<x.rows { constant[r, 1] = 3 }
        for (label, input, targets) in [("1-row", oneRow, y.selecting([0])), ("1-column", oneColumn, y),
                                        ("constant-column", constant, y)] {
            guard let result = Self.fitOrTypedError(op, input, targets) else {
                Issue.record("\(label): untyped error")
                continue
            }
            if case .success(let fitted) = result {
                do {
                    let out = try Self.outputs(fitted, input)
                    #expect(out.rows == input.rows, "\(label): output rows")
                } catch is OperatorError {
                    // A typed error at predict time is acceptable.
                }
            }
        }
    }

    @Test("NaN and infinity give a typed error unless handled", arguments: names)
    func nonFinite(_ name: String) throws {
        let entry = try OperatorRegistry.standard.require(name)
        let op = try entry.make()
        let (x, y) = Self.problem(for: entry.role)
        var withNaN = x
        withNaN[2, 1] = .nan
        var withInf = x
        withInf[3, 0] = .infinity
        #expect(throws: OperatorError.self) { _ = try op.fit(withInf, y, context: FitContext()) }
        if entry.acceptsMissingValues {
            let fitted = try op.fit(withNaN, y, context: FitContext())
            _ = try Self.outputs(fitted, withNaN)
        } else {
            #expect(throws: OperatorError.nonFiniteInput(operator: name)) { _ = try op.fit(withNaN, y, context: FitContext()) }
            let fitted = try op.fit(x, y, context: FitContext())
            #expect(throws: OperatorError.nonFiniteInput(operator: name)) { _ = try Self.outputs(fitted, withNaN) }
        }
    }

    @Test("a different column count at predict time is an error", arguments: names)
    func wrongColumnCount(_ name: String) throws {
        let entry = try OperatorRegistry.standard.require(name)
        let (x, y) = Self.problem(for: entry.role)
        let fitted = try entry.make().fit(x, y, context: FitContext())
        let narrower = x.selectingColumns([0, 1, 2])
        #expect(throws: OperatorError.wrongColumnCount(operator: name, expected: 4, found: 3)) {
            _ = try Self.outputs(fitted, narrower)
        }
    }

    @Test("save, load, predict gives identical output", arguments: names)
    func saveLoad(_ name: String) throws {
        let entry = try OperatorRegistry.standard.require(name)
        let (x, y) = Self.problem(for: entry.role)
        let fitted = try entry.make().fit(x, y, context: FitContext(seed: 5))
        let data = try JSONEncoder().encode(fitted)
        let loaded = try JSONDecoder().decode(AnyFitted.self, from: data)
        #expect(loaded.name == name)
        #expect(try Self.outputs(loaded, x) == Self.outputs(fitted, x))
    }

    @Test("a deadline stops the fit with a typed error", arguments: names)
    func cancellation(_ name: String) throws {
        let entry = try OperatorRegistry.standard.require(name)
        let (x, y) = Self.problem(for: entry.role)
        let token = CancellationToken()
        token.cancel()
        #expect(throws: OperatorError.cancelled) {
            _ = try entry.make().fit(x, y, context: FitContext(seed: 1, cancellation: token))
        }
    }
}

extension Parameters {
    func merging(_ other: Parameters) -> Parameters {
        var out = self
        for (k, v) in other { out[k] = v }
        return out
    }
}
