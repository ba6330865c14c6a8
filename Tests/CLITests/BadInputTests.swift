import AutopipeTestSupport
import Foundation
import Testing

/// The built `autopipe` binary on bad input: exit status 2, a short `error:` message on stderr that names the
/// problem, no crash, and no result file written.
@Suite("CLI bad input")
struct BadInputTests {
    struct Outcome {
        let result: ProcessResult
        let directory: URL

        var errorLines: [Substring] { result.stderr.split(separator: "\n").filter { $0.hasPrefix("error: ") } }
        var wroteResult: Bool {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent("best.json").path)
        }
    }

    /// Runs `autopipe search` on a CSV holding `bytes` (or on `path` when given) in a fresh directory.
    func search(_ bytes: [UInt8]?, path: String? = nil, _ extra: [String] = []) throws -> Outcome {
        let directory = try TestSupport.temporaryDirectory("autopipe-cli")
        var file = path ?? directory.appendingPathComponent("data.csv").path
        if let bytes {
            file = directory.appendingPathComponent("data.csv").path
            try Data(bytes).write(to: URL(fileURLWithPath: file))
        }
        let arguments = ["search", file, "--generations", "1", "--population-size", "2", "--verbosity", "0",
                         "--jobs", "1"] + extra
        return Outcome(result: try TestSupport.runAutopipe(arguments, in: directory), directory: directory)
    }

    func search(_ text: String, _ extra: [String] = []) throws -> Outcome {
        try search(Array(text.utf8), extra)
    }

    /// Exit 2, exactly one `error:` line containing every fragment, at most `maxLines` lines on stderr in all,
    /// nothing on stdout, no best.json.
    func expectFailure(_ outcome: Outcome, _ fragments: [String], maxLines: Int = 2,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        let stderr = outcome.result.stderr
        #expect(outcome.result.status == 2, "exit status \(outcome.result.status); stderr: \(stderr)",
                sourceLocation: sourceLocation)
        #expect(outcome.errorLines.count == 1, "stderr: \(stderr)", sourceLocation: sourceLocation)
        let line = outcome.errorLines.first.map(String.init) ?? ""
        for fragment in fragments {
            #expect(line.contains(fragment), "'\(fragment)' missing from: \(line)", sourceLocation: sourceLocation)
        }
        let lines = stderr.split(separator: "\n").count
        #expect(lines <= maxLines, "\(lines) lines on stderr: \(stderr)", sourceLocation: sourceLocation)
        #expect(!stderr.contains("Fatal error") && !stderr.contains("Backtrace"), sourceLocation: sourceLocation)
        #expect(outcome.result.stdout.isEmpty, "stdout: \(outcome.result.stdout)", sourceLocation: sourceLocation)
        #expect(!outcome.wroteResult, "best.json was written", sourceLocation: sourceLocation)
    }

    @Test func missingFile() throws {
        let outcome = try search(nil, path: "/nonexistent/autopipe/data.csv")
        expectFailure(outcome, ["cannot open '/nonexistent/autopipe/data.csv'", "no such file"])
    }

    @Test func unreadableFile() throws {
        let directory = try TestSupport.temporaryDirectory()
        expectFailure(try search(nil, path: directory.path), ["cannot read", "directory"])
    }

    @Test func emptyFile() throws {
        expectFailure(try search(""), ["data.csv' is empty"])
        expectFailure(try search("\n \n"), ["data.csv' is empty"])
    }

    @Test func headerOnly() throws {
        expectFailure(try search("a,b,y\n"), ["has a header row but no data rows"])
    }

    @Test func unknownTarget() throws {
        let text = "sepal_length,petal_width,species\n1,2,a\n3,4,b\n"
        expectFailure(try search(text, ["--target", "Species"]),
                      ["no column named 'Species'", "Did you mean 'species'?", "'sepal_length', 'petal_width', 'species'"])
        expectFailure(try search(text, ["--ignore-columns", "petal_widht"]),
                      ["--ignore-columns", "Did you mean 'petal_width'?"])
    }

    @Test func raggedRow() throws {
        let outcome = try search("a,b,y\n1,2,0\n3,\"x\ny\",1\n4,5\n")
        expectFailure(outcome, ["data.csv:5:", "has 2 fields but the header has 3"])
        expectFailure(try search("a,b,y\n1,2,0,9\n"), ["data.csv:2:", "has 4 fields but the header has 3"])
    }

    @Test func singleClass() throws {
        expectFailure(try search("a,y\n1,yes\n2,yes\n3,yes\n"), ["target 'y' has only one class ('yes')"])
    }

    @Test func classSmallerThanFolds() throws {
        var text = "a,y\n"
        for i in 0..<40 { text += "\(i),common\n" }
        for i in 0..<3 { text += "\(i),rare\n" }
        expectFailure(try search(text, ["--cv", "5"]),
                      ["class 'rare' of target 'y'", "fewer than the 5 cross-validation folds", "--cv"])
    }

    @Test func allMissingColumn() throws {
        expectFailure(try search("a,blank,y\n1,,0\n2,NA,1\n3,,0\n4,?,1\n"),
                      ["column 'blank' has no values", "--ignore-columns 'blank'"])
    }

    @Test func invalidUTF8() throws {
        let bytes = Array("name,y\nok,0\n".utf8) + [0x63, 0x61, 0x66, 0xE9] + Array(",1\n".utf8)
        expectFailure(try search(bytes), ["data.csv:3:", "invalid UTF-8 in column 'name'", "iconv"])
    }

    @Test func utf16File() throws {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "a,y\n1,0\n2,1\n".utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        expectFailure(try search(bytes), ["is UTF-16 text", "iconv"])
    }

    @Test func unclosedQuote() throws {
        expectFailure(try search("a,y\n1,0\n\"2,1\n3,0\n"), ["data.csv:3:", "closing quote is missing"])
    }

    @Test func everyTargetMissing() throws {
        expectFailure(try search("a,y\n1,\n2,NA\n"), ["every row has a missing value in target 'y'"])
    }

    @Test func droppedRowsAreReportedAndTheRunSucceeds() throws {
        var lines = try String(contentsOfFile: TestSupport.datasetPath("iris"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        for row in [3, 60, 120] { lines[row] = lines[row].split(separator: ",").dropLast().joined(separator: ",") + ",NA" }
        let outcome = try search(lines.joined(separator: "\n") + "\n", ["--cv", "2", "--max-eval-time", "20s"])
        #expect(outcome.result.status == 0, "stderr: \(outcome.result.stderr)")
        #expect(outcome.result.stderr.contains("warning: dropped 3 rows with a missing value in target 'species'"))
        #expect(outcome.errorLines.isEmpty)
        #expect(outcome.wroteResult)
    }

    @Test func badDataOptions() throws {
        let text = "a,y\n1,0\n2,1\n"
        expectFailure(try search(text, ["--delimiter", "ab"]), ["--delimiter must be a single character"])
        expectFailure(try search(text, ["--task", "clustering"]), ["--task must be 'classification' or 'regression'"])
        expectFailure(try search("a,y\n1,low\n2,high\n", ["--task", "regression"]),
                      ["target 'y' is not numeric", "Drop --task regression"])
    }

    /// A file the search would write only later (the result, the first checkpoint) in a directory that is missing,
    /// or at a path that is a directory, is refused before the data is read: no generation runs and is lost.
    @Test func unwritableOutputsAreRefusedBeforeTheSearch() throws {
        let iris = TestSupport.datasetPath("iris")
        let missing = "/nonexistent/autopipe"
        for (option, name) in [("--output", "best.json"), ("--checkpoint", "search.ckpt"),
                               ("--evaluations", "records.jsonl"), ("--log-file", "search.log")] {
            let outcome = try search(nil, path: iris, [option, "\(missing)/\(name)", "--verbosity", "1"])
            expectFailure(outcome, ["cannot write '\(missing)/\(name)'", "the directory '\(missing)' does not exist",
                                    "give \(option) another path"])
            #expect(!outcome.result.stderr.contains("Generation"), "a generation ran: \(outcome.result.stderr)")
        }
        let outcome = try search(nil, path: iris, ["--output", NSTemporaryDirectory()])
        expectFailure(outcome, ["it is a directory; give --output a file path"])
    }
}
