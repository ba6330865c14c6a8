import AutopipeTestSupport
import Foundation
import Testing

@Suite("autopipe search: configurations and options")
struct SearchConfigCLITests {
    let iris = TestSupport.datasetPath("iris")

    func search(_ extra: [String]) throws -> ProcessResult {
        let dir = try TestSupport.temporaryDirectory()
        return try TestSupport.runAutopipe(["search", iris, "--generations", "1", "--population-size", "4", "--cv", "3",
                                            "--verbosity", "0"] + extra, in: dir)
    }

    @Test("an invalid --config file is refused at start-up, naming the operator, parameter or value")
    func configFileErrors() throws {
        let cases: [(String, [String])] = [
            (#"{"GausianNB": {}}"#, ["unknown operator 'GausianNB'", "did you mean 'GaussianNB'"]),
            (#"{"GaussianNB": {"alpha": [1.0]}}"#, ["GaussianNB has no parameter 'alpha'"]),
            (#"{"GaussianNB": {"var_smoothing": [-1]}}"#, ["'var_smoothing' parameter of GaussianNB", "Got -1"]),
            (#"{"GaussianNB": {"var_smoothing": []}}"#, ["empty list"]),
            (#"{"GaussianNB": "#, ["not valid"]),
            (#"{"StandardScaler": {}}"#, ["has no classifier"]),
        ]
        for (json, fragments) in cases {
            let path = try TestSupport.writeTemporaryFile(json, name: "config.json")
            let result = try search(["--config", path])
            #expect(result.status == 2, "\(json): status \(result.status)")
            for fragment in fragments {
                #expect(result.stderr.contains(fragment), "\(json): \(result.stderr)")
            }
            #expect(result.stderr.hasPrefix("error: "))
        }
        let missing = try search(["--config", "/nonexistent.json"])
        #expect(missing.status == 2 && missing.stderr.contains("no such file"))
    }

    @Test("a valid --config file is used, and recorded in best.json")
    func configFileUsed() throws {
        let path = try TestSupport.writeTemporaryFile(#"{"sklearn.naive_bayes.GaussianNB": {"var_smoothing": [1e-9, 1e-5]}}"#,
                                                      name: "config.json")
        let dir = try TestSupport.temporaryDirectory()
        let result = try TestSupport.runAutopipe(["search", iris, "--generations", "2", "--population-size", "4", "--cv", "3",
                                                  "--config", path, "--verbosity", "0", "--evaluations", "ev.jsonl"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        let document = try CLISupport.object(dir.appendingPathComponent("best.json").path)
        #expect((document["settings"] as? [String: Any])?["config"] as? String == path)
        let records = try String(contentsOfFile: dir.appendingPathComponent("ev.jsonl").path, encoding: .utf8)
        #expect(!records.contains("StandardScaler"))
    }

    @Test("--list-operators prints the active space by role and exits")
    func listOperators() throws {
        let all = try TestSupport.runAutopipe(["search", "--list-operators"])
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.stdout.contains("Classifiers"))
        #expect(all.stdout.contains("Transformers"))
        #expect(all.stdout.contains("GaussianNB"))
        #expect(all.stdout.contains("StandardScaler"))
        #expect(all.stdout.contains("var_smoothing"))

        let light = try TestSupport.runAutopipe(["search", "--list-operators", "--config", "light"])
        #expect(light.status == 0)
        #expect(light.stdout.contains("'light'"))
        #expect(light.stdout.contains("GaussianNB"))

        let path = try TestSupport.writeTemporaryFile(#"{"GaussianNB": {"var_smoothing": [1e-9, 1e-8]}}"#, name: "c.json")
        let file = try TestSupport.runAutopipe(["search", "--list-operators", "--config", path])
        #expect(file.status == 0)
        #expect(file.stdout.contains("searched: 1e-09, 1e-08"))
        #expect(!file.stdout.contains("StandardScaler"))

        let bad = try TestSupport.runAutopipe(["search", "--list-operators", "--config", "ligth"])
        #expect(bad.status == 2 && bad.stderr.contains("ligth"))
    }

    @Test("option errors name the flag")
    func optionErrors() throws {
        let cases: [([String], String)] = [
            (["--max-time", "ten"], "--max-time"),
            (["--max-eval-time", "5x"], "--max-eval-time"),
            (["--mutation-rate", "0.95", "--crossover-rate", "0.1"], "--mutation-rate plus --crossover-rate"),
            (["--subsample", "0"], "--subsample"),
            (["--early-stop", "0"], "--early-stop"),
            (["--template", "Selectr-Classifier"], "Selectr"),
            (["--template", "Classifier-Transformer"], "must end in a classifier"),
            (["--scoring", "r2"], "regression"),
            (["--resume", "/nonexistent.checkpoint"], "/nonexistent.checkpoint"),
        ]
        for (options, fragment) in cases {
            let result = try search(options)
            #expect(result.status == 2, "\(options): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains(fragment), "\(options): \(result.stderr)")
        }
    }

    @Test("--save-split writes the exact train and held-out rows; --log-file gets the progress and the report")
    func saveSplitAndLog() throws {
        let dir = try TestSupport.temporaryDirectory()
        let result = try TestSupport.runAutopipe(["search", TestSupport.datasetPath("penguins"), "--generations", "1",
                                                  "--population-size", "4", "--cv", "3", "--verbosity", "0",
                                                  "--save-split", "split", "--log-file", "run.log"], in: dir)
        // penguins has missing values; without SimpleImputer in this build the search may fail, the split is
        // written before the search starts either way.
        let train = try String(contentsOfFile: dir.appendingPathComponent("split/train.csv").path, encoding: .utf8)
        let test = try String(contentsOfFile: dir.appendingPathComponent("split/test.csv").path, encoding: .utf8)
        let source = try String(contentsOfFile: TestSupport.datasetPath("penguins"), encoding: .utf8)
        let header = String(source.split(separator: "\n")[0])
        #expect(train.hasPrefix(header + "\n") && test.hasPrefix(header + "\n"))
        let trainRows = train.split(separator: "\n").count - 1, testRows = test.split(separator: "\n").count - 1
        #expect(trainRows + testRows == 344)
        #expect(testRows == 86)
        if result.status == 0 {
            let log = try String(contentsOfFile: dir.appendingPathComponent("run.log").path, encoding: .utf8)
            #expect(log.contains("Generation 1/1"))
            #expect(log.contains("Best pipeline:"))
        }
    }
}
