import AutopipeData
@testable import AutopipeExport
import AutopipeOperators
import AutopipeTestSupport
import Foundation
import Testing

@Suite("scikit-learn mapping")
struct MappingTests {
    @Test("every registered operator has a scikit-learn mapping")
    func everyOperatorMapped() {
        for entry in OperatorRegistry.standard.entries {
            #expect(SklearnMapping.mapping(for: entry.name) != nil, "no scikit-learn mapping for \(entry.name)")
        }
    }
}

/// Every registered operator's mapping, with its default parameters and with each value of each parameter's
/// search grid (the `.anyOf` unions included), is accepted by scikit-learn 1.5.2's own parameter validation
/// (`_validate_params`), run with `AUTOPIPE_PYTHON` (default `python3`; the test fails when it lacks scikit-learn).
@Suite("scikit-learn mapping against scikit-learn")
struct MappingAgainstSklearnTests {
    @Test("defaults and every grid value of every operator pass scikit-learn's parameter validation")
    func gridsAccepted() throws {
        var lines: [String] = []
        var imports = Set<String>()
        for entry in OperatorRegistry.standard.entries {
            let mapping = try #require(SklearnMapping.mapping(for: entry.name))
            let defaults: SklearnMapping.Arguments = entry.space.specs.map { ($0.name, $0.defaultValue) }
            var variants: [(String, SklearnMapping.Arguments)] = [("defaults", defaults)]
            for (index, spec) in entry.space.specs.enumerated() {
                for value in spec.grid {
                    var arguments = defaults
                    // The canonical form the search would hold (an int grid value of a real parameter is a real).
                    arguments[index].value = (try? spec.validate(value, operator: entry.name)) ?? value
                    variants.append(("\(spec.name)=\(value.pythonLiteral)", arguments))
                }
            }
            let tasks: [Task] = entry.role == .regressor ? [.regression]
                : entry.role == .classifier ? [.classification] : [.classification, .regression]
            for task in tasks {
                for (label, arguments) in variants {
                    let call = mapping.call(arguments, context: .init(task: task, randomState: 3))
                    for item in call.imports { imports.insert("from \(item.module) import \(item.name)") }
                    let text = "\(entry.name) \(task.rawValue) \(label)"
                    lines.append("check(\(ParamValue.string(text).pythonLiteral), lambda: \(call.code))")
                }
            }
        }
        let script = """
            import sys
            import numpy as np
            from sklearn.base import BaseEstimator, TransformerMixin
            \(imports.sorted().joined(separator: "\n"))
            \(PythonSupport.zeroCount)
            \(PythonSupport.tpotOneHotEncoder)
            failures = []
            def check(label, build):
                try:
                    estimator = build()
                    for e in (estimator, getattr(estimator, 'estimator', None)):
                        if e is not None and hasattr(e, '_parameter_constraints'):
                            e._validate_params()
                except Exception as error:
                    failures.append(f'{label}: {type(error).__name__}: {error}')
            \(lines.joined(separator: "\n"))
            print(f'{len(failures)} failures')
            for failure in failures[:40]:
                print(failure)
            sys.exit(1 if failures else 0)
            """
        let python = ProcessInfo.processInfo.environment["AUTOPIPE_PYTHON"] ?? "python3"
        let path = try TestSupport.writeTemporaryFile(script, name: "check_mapping.py")
        let result = try TestSupport.run(URL(fileURLWithPath: "/usr/bin/env"), [python, path])
        if result.stderr.contains("No module named") || result.status == 127 {
            let message = "'\(python)' lacks scikit-learn: install it (`pip install -r scripts/requirements.txt`) or set AUTOPIPE_PYTHON to a Python that has it. \(result.stderr)"
            Issue.record(Comment(rawValue: message))
            return
        }
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(lines.count > 300, "\(lines.count) constructions checked")
    }

    @Test("the .anyOf parameters keep their Python type: 1.0 stays a float fraction, 2 an int count, 'sqrt' a string")
    func unionValues() throws {
        let entry = try #require(OperatorRegistry.standard.entry(named: "RandomForestClassifier"))
        let mapping = try #require(SklearnMapping.mapping(for: "RandomForestClassifier"))
        var parameters = Parameters()
        // As read back from JSON: 1.0 arrives as the int 1.
        parameters["max_features"] = .int(1)
        parameters["min_samples_split"] = .int(2)
        parameters["min_samples_leaf"] = .double(0.25)
        let completed = try entry.space.validate(parameters, operator: entry.name)
        let arguments = entry.space.specs.compactMap { spec in completed[spec.name].map { (name: spec.name, value: $0) } }
        let code = mapping.call(arguments, context: .init(task: .classification, randomState: 5)).code
        #expect(code.contains("max_features=1.0"), "\(code)")
        #expect(code.contains("min_samples_split=2,"), "\(code)")
        #expect(code.contains("min_samples_leaf=0.25"), "\(code)")
        #expect(code.contains("random_state=5"), "\(code)")
        var sqrt = completed
        sqrt["max_features"] = .string("sqrt")
        let sqrtArguments = entry.space.specs.compactMap { spec in sqrt[spec.name].map { (name: spec.name, value: $0) } }
        #expect(mapping.call(sqrtArguments, context: .init(task: .classification, randomState: nil)).code
            .contains("max_features='sqrt'"))
    }
}
