import AutopipeTestSupport
import Foundation
import Testing

/// Searches shared by the export and predict tests (each run once per test process), and the Python interpreter
/// of the scikit-learn comparisons.
enum ExportFixtures {
    struct Search: Sendable {
        let directory: URL
        /// best.json
        let result: String
        /// The `--save-split` directory (train.csv, test.csv).
        let split: String
        var train: String { split + "/train.csv" }
        var test: String { split + "/test.csv" }

        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

        func document() throws -> [String: Any] { try CLISupport.object(result) }
    }

    /// TPOT light's operators minus the ones built on random projections (Nystroem, RBFSampler, FastICA: the same
    /// random_state draws different components in scikit-learn), plus ZeroCount and a forest-free tree: a fast
    /// space whose pipelines scikit-learn reproduces up to floating point and tie-breaking.
    static let verificationConfig = #"""
        {"GaussianNB": {}, "BernoulliNB": {"alpha": [0.01, 1.0], "fit_prior": [true, false]},
         "DecisionTreeClassifier": {"criterion": ["gini", "entropy"], "max_depth": [2, 4, 6], "min_samples_split": [2, 10], "min_samples_leaf": [1, 5]},
         "DecisionTreeRegressor": {"max_depth": [2, 4, 6], "min_samples_split": [2, 10], "min_samples_leaf": [1, 5]},
         "KNeighborsClassifier": {"n_neighbors": [3, 7, 15], "weights": ["uniform", "distance"], "p": [1, 2]},
         "KNeighborsRegressor": {"n_neighbors": [3, 7, 15], "weights": ["uniform", "distance"], "p": [1, 2]},
         "LogisticRegression": {"penalty": ["l2"], "C": [0.1, 1.0, 10.0], "dual": [false]},
         "RidgeCV": {}, "LassoLarsCV": {}, "ElasticNetCV": {"l1_ratio": [0.5, 1.0], "tol": [1e-4]},
         "StandardScaler": {}, "MinMaxScaler": {}, "MaxAbsScaler": {}, "RobustScaler": {},
         "Normalizer": {"norm": ["l1", "l2"]}, "Binarizer": {"threshold": [0.0, 0.5]}, "ZeroCount": {},
         "PCA": {"svd_solver": ["randomized"], "iterated_power": [1, 5]},
         "FeatureAgglomeration": {"linkage": ["ward", "average"], "metric": ["euclidean", "l1"]},
         "SelectPercentile": {"percentile": [20, 50, 80]}, "SelectFwe": {"alpha": [0.01, 0.05]},
         "VarianceThreshold": {"threshold": [0.0001, 0.01]}}
        """#

    /// Runs a search into a fresh directory: `--save-split`, a fixed seed, the given options.
    static func search(_ data: String, _ options: [String]) throws -> Search {
        let directory = try TestSupport.temporaryDirectory("autopipe-export")
        let result = try TestSupport.runAutopipe(["search", data, "--seed", "7", "--verbosity", "0", "--output",
                                                  "best.json", "--save-split", "split"] + options, in: directory)
        guard result.status == 0 else {
            throw TestFailure("search \(data) \(options) failed (\(result.status)): \(result.stderr)")
        }
        return Search(directory: directory, result: directory.appendingPathComponent("best.json").path,
                      split: directory.appendingPathComponent("split").path)
    }

    static func writeConfig(_ text: String, in directory: URL, name: String = "config.json") throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// A small classification CSV with an id column, a one-hot text column (3 categories), an ordinal-coded text
    /// column (many categories), two numeric columns with a few missing values and a text target.
    static func mixedCSV(rows: Int = 240) throws -> String {
        var text = "id,x1,x2,color,code,label\n"
        let colors = ["red", "green", "blue"]
        var state: UInt64 = 12345
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        for i in 0..<rows {
            let color = colors[i % 3]
            let code = "k\(Int(next() * 25))"
            let x1 = next() * 4 + (color == "red" ? 2 : 0)
            let x2 = next() * 4
            let label = x1 + x2 > 5 ? "yes" : "no"
            let x1Text = i % 37 == 5 ? "" : String(format: "%.4f", x1)
            text += "row\(i),\(x1Text),\(String(format: "%.4f", x2)),\(color),\(code),\(label)\n"
        }
        return try TestSupport.writeTemporaryFile(text, name: "mixed.csv")
    }

    /// The mixed CSV searched with a fast configuration (done once).
    static let mixed: Result<Search, TestFailure> = Result {
        let data = try mixedCSV()
        let directory = try TestSupport.temporaryDirectory("autopipe-mixed-config")
        let config = try writeConfig(#"{"StandardScaler": {}, "LogisticRegression": {"C": [1.0, 10.0]}, "GaussianNB": {}, "DecisionTreeClassifier": {"max_depth": [3, 5]}}"#,
                                     in: directory)
        return try search(data, ["--target", "label", "--ignore-columns", "id", "--generations", "1",
                                 "--population-size", "6", "--config", config])
    }.mapError { TestFailure("\($0)") }

    /// iris searched with the default operator space (trees, ensembles and all), small (done once).
    static let iris: Result<Search, TestFailure> = Result {
        try search(TestSupport.datasetPath("iris"), ["--generations", "2", "--population-size", "8"])
    }.mapError { TestFailure("\($0)") }

    /// The Python interpreter with scikit-learn: `AUTOPIPE_PYTHON`, else `python3`. Throws (the test fails) with
    /// how to install it when it is absent or lacks scikit-learn, pandas or numpy.
    static let python: Result<String, TestFailure> = Result {
        let interpreter = ProcessInfo.processInfo.environment["AUTOPIPE_PYTHON"] ?? "python3"
        let how = "Set AUTOPIPE_PYTHON to a Python 3 with them, e.g. `python3 -m venv .venv && "
            + ".venv/bin/pip install -r scripts/requirements.txt && AUTOPIPE_PYTHON=.venv/bin/python swift test ...` "
            + "(`make test` does this)."
        let probe: ProcessResult
        do {
            probe = try TestSupport.run(URL(fileURLWithPath: "/usr/bin/env"),
                                        [interpreter, "-c", "import sklearn, numpy, pandas; print(sklearn.__version__)"])
        } catch {
            throw TestFailure("cannot run the Python interpreter '\(interpreter)' (\(error)). \(how)")
        }
        guard probe.status == 0 else {
            throw TestFailure("'\(interpreter)' cannot import scikit-learn, numpy and pandas "
                + "(\(probe.stderr.split(separator: "\n").last ?? "")). \(how)")
        }
        return interpreter
    }.mapError { ($0 as? TestFailure) ?? TestFailure("\($0)") }

    static func runPython(_ arguments: [String], in directory: URL) throws -> ProcessResult {
        let interpreter = try python.get()
        return try TestSupport.run(URL(fileURLWithPath: "/usr/bin/env"), [interpreter] + arguments, in: directory)
    }
}

/// A CSV file's rows as dictionaries (simple CSV: quotes honoured, no embedded newlines).
enum SimpleCSV {
    static func read(_ path: String) throws -> (header: [String], rows: [[String]]) {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard !lines.isEmpty else { return ([], []) }
        let header = fields(lines.removeFirst())
        return (header, lines.map(fields))
    }

    static func fields(_ line: String) -> [String] {
        var out: [String] = [], current = "", quoted = false
        var chars = Array(line.replacingOccurrences(of: "\r", with: ""))[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { current.append("\""); chars.removeFirst() } else { quoted = false }
                } else { current.append(c) }
            } else if c == "\"" { quoted = true } else if c == "," { out.append(current); current = "" } else { current.append(c) }
        }
        out.append(current)
        return out
    }

    static func column(_ path: String, _ name: String) throws -> [String] {
        let (header, rows) = try read(path)
        guard let index = header.firstIndex(of: name) else { throw TestFailure("\(path) has no column \(name): \(header)") }
        return rows.map { index < $0.count ? $0[index] : "" }
    }
}
