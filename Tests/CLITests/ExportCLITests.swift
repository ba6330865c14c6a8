import AutopipeTestSupport
import Foundation
import Testing

/// `autopipe export`: the three formats and the errors for documents it cannot use.
@Suite("autopipe export")
struct ExportCLITests {
    func export(_ search: ExportFixtures.Search, _ format: String?) throws -> String {
        var arguments = ["export", search.result]
        if let format { arguments += ["--format", format] }
        let result = try TestSupport.runAutopipe(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    @Test("python: make_pipeline with every step, every hyperparameter and random_state; only scikit-learn, numpy, pandas")
    func pythonScript() throws {
        let search = try ExportFixtures.iris.get()
        let script = try export(search, nil)
        let document = try search.document()
        #expect(script.hasPrefix("#!/usr/bin/env python3"))
        #expect(script.contains("def build_pipeline():"))
        #expect(script.contains("return make_pipeline("))
        #expect(script.contains("column_encoder()"))
        #expect(script.contains("pd.read_csv("))
        #expect(script.contains("TARGET = 'species'"))
        // Imports: the standard library, numpy, pandas, scikit-learn and nothing else.
        for line in script.split(separator: "\n") where line.hasPrefix("import ") || line.hasPrefix("from ") {
            let module = line.split(separator: " ")[1].split(separator: ".")[0]
            #expect(["argparse", "math", "sys", "time", "numpy", "pandas", "sklearn"].contains(String(module)),
                    "unexpected import: \(line)")
        }
        // Every step's class and every parameter of the search result, with its random_state.
        var steps: [[String: Any]] = []
        var node = document["pipeline"] as? [String: Any]
        while let current = node {
            steps.append(current)
            node = current["input"] as? [String: Any]
        }
        #expect(!steps.isEmpty)
        for step in steps {
            let name = step["operator"] as? String ?? "?"
            #expect(script.contains(name + "(") || script.contains("ZeroCount(") || script.contains("TPOTOneHotEncoder("),
                    "\(name) not built in the script")
            for (parameter, _) in step["parameters"] as? [String: Any] ?? [:] {
                #expect(script.contains("\(parameter)="), "\(name).\(parameter) missing from the script")
            }
        }
        let states = (document["random_states"] as? [[String: Any]] ?? []).compactMap { $0["random_state"] as? Int }
        #expect(!states.isEmpty)
        if let rootState = states.first, script.contains("random_state=") {
            // The learner takes a random_state when its class has one; it is the recorded value.
            let root = steps.first?["operator"] as? String ?? ""
            if ["LogisticRegression", "DecisionTreeClassifier", "RandomForestClassifier", "ExtraTreesClassifier",
                "GradientBoostingClassifier", "SGDClassifier", "MLPClassifier", "LinearSVC",
                "HistGradientBoostingClassifier"].contains(root) {
                #expect(script.contains("random_state=\(rootState)"))
            }
        }
        // Valid Python.
        let dir = try TestSupport.temporaryDirectory()
        let path = dir.appendingPathComponent("pipeline.py")
        try Data(script.utf8).write(to: path)
        let compiled = try ExportFixtures.runPython(["-m", "py_compile", path.path], in: dir)
        #expect(compiled.status == 0, "\(compiled.stderr)")
    }

    @Test("python: a stacked learner is written as the script's StackingEstimator; --output writes an executable file")
    func stackingAndOutput() throws {
        let data = try ExportFixtures.mixedCSV()
        let dir = try TestSupport.temporaryDirectory()
        let config = try ExportFixtures.writeConfig(#"{"StandardScaler": {}, "GaussianNB": {}, "LogisticRegression": {"C": [10.0]}}"#, in: dir)
        let search = try ExportFixtures.search(data, ["--target", "label", "--ignore-columns", "id", "--generations", "1",
                                                      "--population-size", "2", "--config", config,
                                                      "--template", "StandardScaler-GaussianNB-LogisticRegression"])
        let out = search.path("pipeline.py")
        let result = try TestSupport.runAutopipe(["export", search.result, "--output", out])
        #expect(result.status == 0, "\(result.stderr)")
        let script = try String(contentsOfFile: out, encoding: .utf8)
        #expect(script.contains("class StackingEstimator(BaseEstimator, TransformerMixin):"))
        #expect(script.contains("StackingEstimator(estimator=GaussianNB("))
        #expect(script.contains("LogisticRegression(") && script.contains("C=10.0"))
        #expect(script.contains("ID_COLUMNS = ['id']"))
        #expect(script.contains("SimpleImputer(") && script.contains("strategy='median'"), "x1 has missing values: the median imputer")
        let attributes = try FileManager.default.attributesOfItem(atPath: out)
        #expect(((attributes[.posixPermissions] as? Int) ?? 0) & 0o100 != 0)
        // It runs, and predicts what autopipe predicts.
        let run = try ExportFixtures.runPython([out, search.train, "--predict", search.test, "--output", "py.csv"],
                                               in: search.directory)
        #expect(run.status == 0, "\(run.stderr)")
        let ours = try TestSupport.runAutopipe(["predict", search.result, search.test, "--output", "ap.csv"],
                                               in: search.directory)
        #expect(ours.status == 0, "\(ours.stderr)")
        let a = try SimpleCSV.column(search.path("py.csv"), "label")
        let b = try SimpleCSV.column(search.path("ap.csv"), "label")
        #expect(a.count == b.count && !a.isEmpty)
        let agree = Double(zip(a, b).filter { $0 == $1 }.count) / Double(max(a.count, 1))
        #expect(agree >= 0.95, "agreement \(agree)")
        #expect(try SimpleCSV.column(search.path("py.csv"), "id") == SimpleCSV.column(search.path("ap.csv"), "id"))
    }

    @Test("text: the tree of steps with parameters, the CV and held-out scores")
    func textTree() throws {
        let search = try ExportFixtures.iris.get()
        let text = try export(search, "text")
        let document = try search.document()
        let cv = try #require(document["cv_score"] as? Double)
        let holdout = try #require(document["holdout_score"] as? Double)
        #expect(text.contains("CV accuracy: \(String(format: "%.4f", cv))"), "\(text)")
        #expect(text.contains("Held-out accuracy: \(String(format: "%.4f", holdout))"), "\(text)")
        let root = try #require((document["pipeline"] as? [String: Any])?["operator"] as? String)
        #expect(text.contains(root))
        #expect(text.contains("Target: species (classification, 3 classes"))
        #expect(text.contains("petal_length_cm: numeric"))
    }

    @Test("json: valid against schemas/autopipe-result.schema.json (the test's validator, and python's jsonschema when installed)")
    func jsonAgainstSchema() throws {
        let schemaPath = TestSupport.repositoryRoot.appendingPathComponent("schemas/autopipe-result.schema.json").path
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: schemaPath)))
                                    as? [String: Any])
        let validator = JSONSchemaValidator(root: schema)
        for search in [try ExportFixtures.iris.get(), try ExportFixtures.mixed.get()] {
            let text = try export(search, "json")
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
            #expect(validator.errors(object) == [], "\(search.result)")
            let top = try #require(object as? [String: Any])
            #expect(top["format"] as? String == "autopipe-pipeline")
            // The same result always gives the same bytes.
            #expect(try export(search, "json") == text)
            // The validator does reject what the schema forbids.
            var broken = top
            broken.removeValue(forKey: "pipeline")
            broken["format_version"] = "one"
            broken["surprise"] = 1
            let problems = validator.errors(broken)
            #expect(problems.contains { $0.contains("missing required property 'pipeline'") })
            #expect(problems.contains { $0.contains("format_version") })
            #expect(problems.contains { $0.contains("'surprise' is not allowed") })
            // Cross-check with python's jsonschema when it is there (not required).
            let dir = try TestSupport.temporaryDirectory()
            let doc = dir.appendingPathComponent("doc.json")
            try Data(text.utf8).write(to: doc)
            if let check = try? ExportFixtures.runPython(["-c", """
                import json, sys
                try:
                    import jsonschema
                except ImportError:
                    sys.exit(3)
                jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
                """, schemaPath, doc.path], in: dir), check.status != 3 {
                #expect(check.status == 0, "jsonschema: \(check.stderr)")
            }
        }
        let mixed = try JSONSerialization.jsonObject(with: Data(try export(try ExportFixtures.mixed.get(), "json").utf8))
            as? [String: Any]
        #expect((mixed?["ignored_columns"] as? [String]) == ["id"])
        #expect(((mixed?["preprocessing"] as? [[String: Any]])?.first?["operator"] as? String) == "SimpleImputer")
    }

    /// A copy of iris's best.json with `edit` applied to its text.
    func edited(_ edit: (String) -> String) throws -> (path: String, search: ExportFixtures.Search) {
        let search = try ExportFixtures.iris.get()
        let text = try String(contentsOfFile: search.result, encoding: .utf8)
        let dir = try TestSupport.temporaryDirectory()
        let path = dir.appendingPathComponent("best.json").path
        try Data(edit(text).utf8).write(to: URL(fileURLWithPath: path))
        return (path, search)
    }

    func failure(_ arguments: [String]) throws -> String {
        let result = try TestSupport.runAutopipe(arguments)
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        return result.stderr
    }

    @Test("another format version: an error naming both versions (export and predict)")
    func otherFormatVersion() throws {
        let (path, search) = try edited { $0.replacingOccurrences(of: "\"format_version\" : 1,\n  \"holdout_score\"",
                                                                   with: "\"format_version\" : 7,\n  \"holdout_score\"") }
        for format in ["python", "text", "json"] {
            let message = try failure(["export", path, "--format", format])
            #expect(message.contains("has format_version 7, but this autopipe reads format_version 1"), "\(message)")
        }
        let message = try failure(["predict", path, search.test])
        #expect(message.contains("format_version 7"), "\(message)")
    }

    @Test("a truncated or hand-broken file: an error saying it is not valid JSON, with the position")
    func brokenFile() throws {
        let (truncated, _) = try edited { String($0.prefix($0.count / 2)) }
        let message = try failure(["export", truncated])
        #expect(message.contains("is not valid JSON (truncated, or edited by hand?)"), "\(message)")
        let (broken, _) = try edited { $0.replacingOccurrences(of: "\"cv_score\" :", with: "\"cv_score\" =") }
        let second = try failure(["export", broken, "--format", "text"])
        #expect(second.contains("is not valid JSON"), "\(second)")
        let (wrongShape, _) = try edited { $0.replacingOccurrences(of: "\"metric\" : \"accuracy\"", with: "\"metric\" : 12") }
        let third = try failure(["export", wrongShape])
        #expect(third.contains("is not an autopipe result document") && third.contains("metric"), "\(third)")
        let missing = try failure(["export", "/nonexistent/best.json"])
        #expect(missing.contains("cannot read '/nonexistent/best.json': no such file"), "\(missing)")
    }

    @Test("an operator this version does not know: an error naming it, with the closest known name")
    func unknownOperator() throws {
        let search = try ExportFixtures.iris.get()
        var document = try search.document()
        var pipeline = try #require(document["pipeline"] as? [String: Any])
        let root = try #require(pipeline["operator"] as? String)
        pipeline["operator"] = "FancyForestClassifier"
        document["pipeline"] = pipeline
        let dir = try TestSupport.temporaryDirectory()
        let path = dir.appendingPathComponent("best.json").path
        try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
        let message = try failure(["export", path])
        #expect(message.contains("uses the operator 'FancyForestClassifier', which this autopipe does not know"), "\(message)")
        // A misspelling gets a suggestion.
        pipeline["operator"] = root.lowercased()
        document["pipeline"] = pipeline
        try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
        let second = try failure(["export", path, "--format", "json"])
        #expect(second.contains("did you mean '\(root)'?"), "\(second)")
    }

    @Test("an unknown --format is refused before reading anything")
    func unknownFormat() throws {
        let message = try failure(["export", "best.json", "--format", "yaml"])
        #expect(message.contains("--format must be python, text or json; got 'yaml'"), "\(message)")
    }
}
