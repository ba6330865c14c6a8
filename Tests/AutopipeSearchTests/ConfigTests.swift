import AutopipeData
import AutopipeOperators
import AutopipeSearch
import AutopipeTestSupport
import Foundation
import Testing

@Suite("Operator configurations")
struct ConfigTests {
    func parse(_ json: String) throws -> SearchSpace {
        try SearchSpace.parse(Data(json.utf8), name: "my.json", registry: TestRegistry.withSlow)
    }

    func expectError(_ json: String, _ fragments: [String]) {
        do {
            _ = try parse(json)
            Issue.record("\(json) was accepted")
        } catch let error as SearchConfigError {
            for fragment in fragments { #expect(error.description.contains(fragment), "\(error.description)") }
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("a TPOT-style file: module prefixes, single values, choice dictionaries; unlisted parameters stay at defaults")
    func parsesTPOTFormat() throws {
        let space = try parse("""
            {"sklearn.naive_bayes.GaussianNB": {},
             "sklearn.preprocessing.StandardScaler": null,
             "tests.SlowClassifier": {"seconds": [0, 0.5, 0.5, 1], "mode": {"my.module.b": null}, "fail": false}}
            """)
        #expect(space.entries.map(\.name) == ["StandardScaler", "GaussianNB", "SlowClassifier"])
        let slow = try #require(space.entry(named: "SlowClassifier"))
        #expect(slow.grids["seconds"] == [.double(0), .double(0.5), .double(1)])
        #expect(slow.grids["mode"] == ["b"])
        #expect(slow.grids["fail"] == [false])
        #expect(space.entry(named: "GaussianNB")?.grids.isEmpty == true)
        #expect(space.name == "my.json")
    }

    @Test("configuration errors name the operator, parameter or value")
    func validationErrors() {
        expectError(#"{"GausianNB": {}}"#, ["unknown operator 'GausianNB'", "did you mean 'GaussianNB'"])
        expectError(#"{"GaussianNB": {"alpha": [1]}}"#, ["GaussianNB has no parameter 'alpha'", "var_smoothing"])
        expectError(#"{"GaussianNB": {"var_smoothing": [1e-9, -1]}}"#, ["'var_smoothing' parameter of GaussianNB", "Got -1"])
        expectError(#"{"SlowClassifier": {"mode": ["a", "c"]}}"#, ["'mode' parameter of SlowClassifier", "'c'"])
        expectError(#"{"GaussianNB": {"var_smoothing": []}}"#, ["GaussianNB.var_smoothing has an empty list"])
        expectError(#"{"SlowClassifier": {"mode": {"x": {"n_estimators": [100]}}}}"#, ["SlowClassifier.mode holds a nested configuration"])
        expectError(#"{"SlowClassifier": {"mode": ["b"], "seconds": [11, 12]}}"#, ["no combination", "SlowClassifier", "at most 10 seconds"])
        expectError(#"{"GaussianNB": {}, "sklearn.GaussianNB": {}}"#, ["'GaussianNB' is listed twice"])
        expectError(#"{"GaussianNB": [1, 2]}"#, ["not valid", "GaussianNB"])
        expectError(#"{"GaussianNB": {"#, ["not valid"])
        expectError(#"[1]"#, ["not valid"])
    }

    @Test("a missing file is reported with the presets")
    func missingFile() {
        #expect(throws: SearchConfigError.self) { try SearchSpace.configuration("/nonexistent/config.json") }
        do {
            _ = try SearchSpace.configuration("ligth")
        } catch {
            #expect("\(error)".contains("default, light"))
        }
    }

    @Test("presets: default is every registered operator; light lists TPOT light's operators and skips absent ones")
    func presets() throws {
        let registry = TestRegistry.withSlow
        let all = try SearchSpace.configuration("default", registry: registry)
        #expect(all.entries.map(\.name) == registry.names)
        let light = try SearchSpace.configuration("light", registry: registry)
        #expect(Set(light.entries.map(\.name)) == Set(registry.names).intersection(
            ConfigPreset.lightClassification + ConfigPreset.lightRegression))
        #expect(!light.entries.contains { $0.name == "SlowClassifier" })
        #expect(ConfigPreset.lightClassification.count == 19 && ConfigPreset.lightRegression.count == 20)
        for name in ConfigPreset.lightClassification + ConfigPreset.lightRegression where registry.entry(named: name) == nil {
            #expect(light.unavailable.contains(name))
        }
        // Nystroem is in TPOT light's regressor configuration only.
        #expect(ConfigPreset.lightRegression.contains("Nystroem") && !ConfigPreset.lightClassification.contains("Nystroem"))
        #expect(light.digest != all.digest)
        #expect(try SearchSpace.configuration("default", registry: registry).digest == all.digest)
    }

    @Test("--list-operators text: operators by role with searched and fixed parameters")
    func listing() throws {
        let space = try parse(#"{"GaussianNB": {}, "StandardScaler": {}, "SlowClassifier": {"seconds": [0, 1, 2, 3, 4, 5, 6]}}"#)
        let text = SpaceListing.text(space, registry: TestRegistry.withSlow)
        #expect(text.contains("Classifiers (2)"))
        #expect(text.contains("Transformers (1)"))
        #expect(text.contains("Regressors (0)"))
        #expect(text.contains("seconds") && text.contains("searched: 0.0, 1.0, ..., 6.0 (7 values)"))
        #expect(text.contains("var_smoothing") && text.contains("fixed: 1e-09"))
        let regression = SpaceListing.text(space, registry: TestRegistry.withSlow, task: .regression)
        #expect(!regression.contains("GaussianNB"))
    }

    @Test("a no-op step shares the cache entry of the pipeline without it")
    func noOpStepsCollapse() throws {
        let plain = try PipelineNode.chain([Step("GaussianNB")]).canonicalized(for: .classification)
        let withNoOp = try PipelineNode.chain([Step("StandardScaler", ["with_mean": false, "with_std": false]),
                                               Step("GaussianNB")]).canonicalized(for: .classification)
        #expect(withNoOp == plain)
        #expect(EvaluationJob(pipeline: withNoOp, searchSeed: 1).key == EvaluationJob(pipeline: plain, searchSeed: 1).key)
        let branch = PipelineNode.step(Step("StandardScaler", ["with_mean": false, "with_std": false]), input: .input)
        let union = try PipelineNode.step(Step("GaussianNB"), input: .union(branch, .input)).canonicalized(for: .classification)
        #expect(union == plain)
        let real = try PipelineNode.chain([Step("StandardScaler", ["with_std": false]), Step("GaussianNB")])
            .canonicalized(for: .classification)
        #expect(real.operatorCount == 2)
    }
}
