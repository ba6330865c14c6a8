import AutopipeTestSupport
import Foundation
import Testing

/// The exported script against the real scikit-learn: a small search on each bundled dataset, exported, run with
/// Python (`AUTOPIPE_PYTHON`, default `python3`; the test fails saying how to install scikit-learn when it is
/// missing). Checks: the script's 5-fold CV score on the training split (autopipe's folds) within 0.02 of the CV
/// score the search reported; its predictions on the held-out rows agree with `autopipe predict` on at least 95%
/// of rows (classification) or within 5% mean relative error (regression).
///
/// The searches use `ExportFixtures.verificationConfig` (TPOT light without its random-projection operators),
/// 2 generations of 8, and for iris and wine also the default operator space (trees, ensembles, boosting,
/// TPOT's builtins: whatever the seed's search finds); the cases run in parallel.
@Suite("exported script vs scikit-learn")
struct SklearnVerificationTests {
    @Test("search -> export -> python: CV score and predictions match autopipe's",
          arguments: ["iris", "wine", "breast_cancer", "penguins", "diabetes", "iris@default", "wine@default"])
    func verify(_ label: String) throws {
        _ = try ExportFixtures.python.get()
        let name = String(label.split(separator: "@")[0])
        var options = ["--generations", "2", "--population-size", "8", "--jobs", "1"]
        if !label.hasSuffix("@default") {
            let dir = try TestSupport.temporaryDirectory("autopipe-verify-config")
            options += ["--config", try ExportFixtures.writeConfig(ExportFixtures.verificationConfig, in: dir)]
        }
        let search = try ExportFixtures.search(TestSupport.datasetPath(name), options)
        let document = try search.document()
        let cv = try #require(document["cv_score"] as? Double)
        let metric = try #require(document["metric"] as? String)
        let target = try #require((document["target"] as? [String: Any])?["name"] as? String)
        let pipeline = document["pipeline_text"] as? String ?? ""

        let script = search.path("pipeline.py")
        let export = try TestSupport.runAutopipe(["export", search.result, "--output", script])
        #expect(export.status == 0, "\(export.stderr)")
        let python = try ExportFixtures.runPython([script, search.train, "--cv", "--predict", search.test,
                                                   "--output", "sklearn.csv"], in: search.directory)
        try #require(python.status == 0, "the exported script failed on \(name) (\(pipeline)):\n\(python.stderr)")
        let line = try #require(python.stdout.split(separator: "\n").first { $0.hasPrefix("CV \(metric): ") })
        let pythonCV = try #require(Double(line.dropFirst("CV \(metric): ".count).split(separator: " ")[0]))
        #expect(abs(pythonCV - cv) <= 0.02, "\(name): scikit-learn CV \(metric) \(pythonCV), autopipe \(cv) (\(pipeline))")

        let predict = try TestSupport.runAutopipe(["predict", search.result, search.test, "--output", "autopipe.csv"],
                                                  in: search.directory)
        #expect(predict.status == 0, "\(predict.stderr)")
        let theirs = try SimpleCSV.column(search.path("sklearn.csv"), target)
        let ours = try SimpleCSV.column(search.path("autopipe.csv"), target)
        try #require(theirs.count == ours.count && !ours.isEmpty)
        if document["task"] as? String == "classification" {
            let agreement = Double(zip(theirs, ours).filter { $0 == $1 }.count) / Double(ours.count)
            #expect(agreement >= 0.95, "\(name): predictions agree on \(agreement) of rows (\(pipeline))")
        } else {
            let pairs = zip(theirs.compactMap(Double.init), ours.compactMap(Double.init))
            let relative = pairs.map { abs($0 - $1) / max(abs($1), 1e-12) }
            let mean = relative.reduce(0, +) / Double(max(relative.count, 1))
            #expect(relative.count == ours.count)
            #expect(mean <= 0.05, "\(name): mean relative difference \(mean) (\(pipeline))")
        }
    }
}
