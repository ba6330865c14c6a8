import AutopipeData
import AutopipeTestSupport
import Foundation

enum CLISupport {
    /// A synthetic classification CSV: `rows` x `features` Gaussian features whose means depend on one of
    /// `classes` classes (target last, named `label`). Values carry 8 decimals: the CSV reader of this branch
    /// mis-sizes its buffer when more than 4096 rows fit in the file's first MiB (see the report), so rows stay
    /// long enough to avoid that.
    static func syntheticCSV(rows: Int, features: Int, classes: Int = 3, seed: UInt64 = 1) throws -> String {
        var rng = SeededGenerator(seed: seed)
        var text = (0..<features).map { "f\($0)" }.joined(separator: ",") + ",label\n"
        text.reserveCapacity(rows * features * 8)
        for _ in 0..<rows {
            let label = rng.nextInt(below: classes)
            for f in 0..<features {
                let mean = Double((label * 7 + f) % 5) * 0.3
                text += String(format: "%.8f,", mean + rng.nextGaussian())
            }
            text += "c\(label)\n"
        }
        return try TestSupport.writeTemporaryFile(text, name: "synthetic.csv")
    }

    /// A JSON file with the given top-level keys removed, re-encoded with sorted keys (for comparing documents
    /// apart from timings). The fitted model's file name (`model.path`, named after the document) is removed too;
    /// its SHA-256 stays, so the models themselves are compared.
    static func json(_ path: String, without keys: [String] = ["timing"]) throws -> Data {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard var object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { return data }
        for key in keys { object.removeValue(forKey: key) }
        if var model = object["model"] as? [String: Any] {
            model.removeValue(forKey: "path")
            object["model"] = model
        }
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// The lines of an `--evaluations` file with `seconds` and `fit_seconds` removed.
    static func records(_ path: String) throws -> [Data] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard var object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                return Data(line.utf8)
            }
            object.removeValue(forKey: "seconds")
            object.removeValue(forKey: "fit_seconds")
            return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        }
    }

    static func object(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }
}

/// A failure a test reports with its own words (a fixture that could not be made, a process that misbehaved).
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
