import AutopipeTestSupport
import Foundation
import Testing

/// `autopipe predict`: output columns, the schema checks on the new CSV, and the held-out score reproduced.
@Suite("autopipe predict")
struct PredictCLITests {
    /// `test.csv` of the mixed search with `edit` applied to its lines (header first), written to a new file.
    func editedTest(_ search: ExportFixtures.Search, _ edit: ([String]) -> [String]) throws -> String {
        let lines = try String(contentsOfFile: search.test, encoding: .utf8).split(separator: "\n").map(String.init)
        return try TestSupport.writeTemporaryFile(edit(lines).joined(separator: "\n") + "\n", name: "new.csv")
    }

    @Test("output: the id column, the original class labels, one probability column per class summing to 1")
    func idLabelsAndProbabilities() throws {
        let search = try ExportFixtures.mixed.get()
        let document = try search.document()
        let classes = try #require((document["target"] as? [String: Any])?["classes"] as? [String])
        #expect(Set(classes) == ["no", "yes"])
        let out = search.path("proba.csv")
        let result = try TestSupport.runAutopipe(["predict", search.result, search.test, "--output", out, "--proba"])
        #expect(result.status == 0, "\(result.stderr)")
        let (header, rows) = try SimpleCSV.read(out)
        #expect(header == ["id", "label"] + classes.map { "proba_" + $0 })
        #expect(try rows.map { $0[0] } == SimpleCSV.column(search.test, "id"))
        #expect(rows.allSatisfy { classes.contains($0[1]) })
        for row in rows {
            let p = row[2...].compactMap(Double.init)
            #expect(p.count == classes.count)
            #expect(abs(p.reduce(0, +) - 1) < 1e-9)
            // The label is the most probable class.
            if let best = p.indices.max(by: { p[$0] < p[$1] }), p.max() ?? 0 > 0.5 + 1e-9 {
                #expect(row[1] == classes[best])
            }
        }
        // Without --proba: no probability columns; the same labels; to standard output without --output.
        let plain = try TestSupport.runAutopipe(["predict", search.result, search.test, "--verbosity", "0"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stderr.isEmpty)
        let lines = plain.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "id,label")
        #expect(lines.dropFirst().map { String($0.split(separator: ",")[1]) } == rows.map { $0[1] })
    }

    @Test("predict on the held-out rows of --save-split reproduces the search's held-out score exactly",
          arguments: ["mixed", "iris", "diabetes"])
    func heldOutScore(_ name: String) throws {
        let search: ExportFixtures.Search
        switch name {
        case "mixed": search = try ExportFixtures.mixed.get()
        case "iris": search = try ExportFixtures.iris.get()
        default:
            search = try ExportFixtures.search(TestSupport.datasetPath("diabetes"),
                                               ["--generations", "1", "--population-size", "6", "--config", "light"])
        }
        let document = try search.document()
        // From the text: Foundation's JSONSerialization on Linux does not parse every double exactly.
        let text = try String(contentsOfFile: search.result, encoding: .utf8)
        let recorded = try #require(text.components(separatedBy: "\"holdout_score\" : ").dropFirst().first?
            .prefix { $0 != "," && $0 != "\n" })
        let holdout = try #require(Double(String(recorded)))
        let metric = try #require(document["metric"] as? String)
        let out = search.path("held-out.csv")
        let result = try TestSupport.runAutopipe(["predict", search.result, search.test, "--output", out])
        #expect(result.status == 0, "\(result.stderr)")
        let marker = "\(metric) on the "
        let printed = try #require(result.stderr.components(separatedBy: marker).last?
            .components(separatedBy: ": ").last?.trimmingCharacters(in: .whitespacesAndNewlines), "\(result.stderr)")
        #expect(Double(printed) == holdout, "printed \(printed), search reported \(holdout): \(result.stderr)")
        // The same score from the predictions file.
        let target = try #require((document["target"] as? [String: Any])?["name"] as? String)
        let truth = try SimpleCSV.column(search.test, target)
        let predicted = try SimpleCSV.column(out, target)
        #expect(truth.count == predicted.count)
        if metric == "accuracy" {
            let accuracy = Double(zip(truth, predicted).filter { $0 == $1 }.count) / Double(truth.count)
            #expect(abs(accuracy - holdout) < 1e-12)
        } else {
            let y = truth.compactMap(Double.init), p = predicted.compactMap(Double.init)
            let mean = y.reduce(0, +) / Double(y.count)
            let total = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            let residual = zip(y, p).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            #expect(metric == "r2")
            #expect(abs((1 - residual / total) - holdout) < 1e-9)
        }
    }

    @Test("a missing feature column: an error naming it and the columns present")
    func missingColumn() throws {
        let search = try ExportFixtures.mixed.get()
        let header = try SimpleCSV.read(search.test).header
        let x2 = try #require(header.firstIndex(of: "x2"))
        let path = try editedTest(search) { lines in
            lines.map { line in SimpleCSV.fields(line).enumerated().filter { $0.offset != x2 }.map(\.element)
                .joined(separator: ",") }
        }
        let result = try TestSupport.runAutopipe(["predict", search.result, path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("it has no column 'x2', which the pipeline was trained with"), "\(result.stderr)")
        #expect(result.stderr.contains("columns present: 'id', 'x1', 'color', 'code', 'label'"), "\(result.stderr)")
    }

    @Test("an extra column: a warning naming it, and the same predictions")
    func extraColumn() throws {
        let search = try ExportFixtures.mixed.get()
        let path = try editedTest(search) { lines in
            lines.enumerated().map { $0.offset == 0 ? $0.element + ",notes" : $0.element + ",n\($0.offset)" }
        }
        let with = try TestSupport.runAutopipe(["predict", search.result, path])
        #expect(with.status == 0, "\(with.stderr)")
        #expect(with.stderr.contains("warning: column 'notes' of '\(path)' is not one the pipeline was trained with; it is ignored"),
                "\(with.stderr)")
        let without = try TestSupport.runAutopipe(["predict", search.result, search.test])
        #expect(with.stdout == without.stdout)
    }

    @Test("a numeric column holding text: an error naming the column, the row and the text")
    func differentType() throws {
        let search = try ExportFixtures.mixed.get()
        let header = try SimpleCSV.read(search.test).header
        let x2 = try #require(header.firstIndex(of: "x2"))
        let path = try editedTest(search) { lines in
            lines.enumerated().map { index, line in
                guard index == 3 else { return line }
                var fields = SimpleCSV.fields(line)
                fields[x2] = "twelve"
                return fields.joined(separator: ",")
            }
        }
        let result = try TestSupport.runAutopipe(["predict", search.result, path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("column 'x2' was numeric in the training data, but data row 3 holds the text 'twelve'"),
                "\(result.stderr)")
    }

    @Test("unseen categories: encoded as the encoder was designed to (one-hot zeros, ordinal -1), with a warning per column")
    func unseenCategories() throws {
        let search = try ExportFixtures.mixed.get()
        let document = try search.document()
        let columns = try #require((document["schema"] as? [String: Any])?["columns"] as? [[String: Any]])
        let encodings = Dictionary(uniqueKeysWithValues: columns.map { ($0["name"] as? String ?? "", $0["encoding"] as? String ?? "") })
        #expect(encodings["color"] == "one_hot")
        #expect(encodings["code"] == "ordinal")
        let header = try SimpleCSV.read(search.test).header
        let color = try #require(header.firstIndex(of: "color")), code = try #require(header.firstIndex(of: "code"))
        let path = try editedTest(search) { lines in
            lines.enumerated().map { index, line in
                guard index == 1 || index == 2 else { return line }
                var fields = SimpleCSV.fields(line)
                fields[color] = "purple"
                if index == 2 { fields[code] = "k999" }
                return fields.joined(separator: ",")
            }
        }
        let result = try TestSupport.runAutopipe(["predict", search.result, path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("column 'color': 2 values with a category the training data did not have "
            + "('purple' (2)); encoded as all zeros in its one-hot columns"), "\(result.stderr)")
        #expect(result.stderr.contains("column 'code': 1 value with a category the training data did not have "
            + "('k999' (1)); encoded as the code -1"), "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == (try SimpleCSV.read(search.test).rows.count) + 1)
    }


    @Test("no fitted model: a clear error (model file missing or replaced)")
    func modelFileProblems() throws {
        let search = try ExportFixtures.iris.get()
        let dir = try TestSupport.temporaryDirectory()
        let copy = dir.appendingPathComponent("best.json").path
        try FileManager.default.copyItem(atPath: search.result, toPath: copy)
        let missing = try TestSupport.runAutopipe(["predict", copy, search.test])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("the fitted model") && missing.stderr.contains("is missing"), "\(missing.stderr)")
        try Data("{}".utf8).write(to: dir.appendingPathComponent("best.model.json"))
        let replaced = try TestSupport.runAutopipe(["predict", copy, search.test])
        #expect(replaced.status != 0)
        #expect(replaced.stderr.contains("does not belong to"), "\(replaced.stderr)")
    }
}
