import AutopipeTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("autopipe search: time limits, resume after kill -9, jobs", .serialized)
struct SearchRunCLITests {
    @Test("--jobs 1 and --jobs 2: byte-identical best.json and evaluation records apart from timings")
    func jobsIndependence() throws {
        let dir = try TestSupport.temporaryDirectory()
        let common = ["search", TestSupport.datasetPath("wine"), "--generations", "4", "--population-size", "12",
                      "--cv", "4", "--seed", "8", "--verbosity", "0"]
        for jobs in ["1", "2"] {
            let result = try TestSupport.runAutopipe(common + ["--jobs", jobs, "--output", "best\(jobs).json",
                                                               "--evaluations", "ev\(jobs).jsonl"], in: dir)
            #expect(result.status == 0, "\(result.stderr)")
        }
        let path = { (name: String) in dir.appendingPathComponent(name).path }
        #expect(try CLISupport.json(path("best1.json")) == CLISupport.json(path("best2.json")))
        #expect(try CLISupport.records(path("ev1.jsonl")) == CLISupport.records(path("ev2.jsonl")))
    }

    @Test("after kill -9 mid-search, --resume ends with exactly the uninterrupted run's result")
    func resumeAfterKill() throws {
        let data = try CLISupport.syntheticCSV(rows: 6000, features: 30)
        let dir = try TestSupport.temporaryDirectory()
        // A configuration of mid-speed operators: generations long enough to be killed inside, short enough for CI.
        let config = dir.appendingPathComponent("mid.json")
        try Data(#"{"GaussianNB": {}, "DecisionTreeClassifier": {"max_depth": [2, 4, 8]}, "LogisticRegression": {"C": [0.1, 1.0]}, "StandardScaler": {}, "PCA": {"iterated_power": [1, 2]}}"#.utf8)
            .write(to: config)
        let common = ["search", data, "--generations", "8", "--population-size", "16", "--cv", "5", "--seed", "3",
                      "--verbosity", "0", "--config", config.path]
        let path = { (name: String) in dir.appendingPathComponent(name).path }

        let full = try TestSupport.runAutopipe(common + ["--output", "full.json", "--evaluations", "full.jsonl"], in: dir)
        #expect(full.status == 0, "\(full.stderr)")

        // Kill the same search after its second checkpoint, at a moment that varies between runs.
        let process = Process()
        process.executableURL = TestSupport.autopipeExecutable
        process.arguments = common + ["--output", "resumed.json", "--evaluations", "resumed.jsonl",
                                      "--checkpoint", "search.checkpoint"]
        process.currentDirectoryURL = dir
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var killedAt: Int?
        let start = ContinuousClock.now
        while process.isRunning, ContinuousClock.now - start < .seconds(120) {
            if let checkpoint = try? CLISupport.object(path("search.checkpoint")),
               let generation = (checkpoint["state"] as? [String: Any])?["generation"] as? Int, generation >= 2 {
                Thread.sleep(forTimeInterval: Double.random(in: 0...0.2))
                kill(process.processIdentifier, SIGKILL)
                killedAt = generation
                break
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
        process.waitUntilExit()
        try #require(killedAt != nil, "the search finished before it could be killed: make it longer")
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(!FileManager.default.fileExists(atPath: path("resumed.json")))

        // Resume with no other option: the settings come from the checkpoint.
        let resumed = try TestSupport.runAutopipe(["search", data, "--resume", "search.checkpoint", "--verbosity", "1",
                                                   "--output", "resumed.json", "--evaluations", "resumed.jsonl"], in: dir)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming from 'search.checkpoint'"))
        #expect(try CLISupport.json(path("full.json")) == CLISupport.json(path("resumed.json")))
        #expect(try CLISupport.records(path("full.jsonl")) == CLISupport.records(path("resumed.jsonl")))

        // Other data, or another seed, is refused with what differs.
        let other = try CLISupport.syntheticCSV(rows: 6000, features: 30, seed: 2)
        let refused = try TestSupport.runAutopipe(["search", other, "--resume", "search.checkpoint", "--seed", "4"], in: dir)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("the data differs") && refused.stderr.contains("--seed: checkpoint 3, now 4"))
    }

    @Test("Ctrl-C stops the search after its completed generations and still writes the result")
    func interrupt() throws {
        let data = try CLISupport.syntheticCSV(rows: 6000, features: 30)
        let dir = try TestSupport.temporaryDirectory()
        let config = dir.appendingPathComponent("mid.json")
        try Data(#"{"GaussianNB": {}, "DecisionTreeClassifier": {"max_depth": [2, 4, 8]}, "LogisticRegression": {"C": [0.1, 1.0]}, "StandardScaler": {}}"#.utf8)
            .write(to: config)
        let path = { (name: String) in dir.appendingPathComponent(name).path }
        let process = Process()
        process.executableURL = TestSupport.autopipeExecutable
        process.arguments = ["search", data, "--generations", "200", "--population-size", "16", "--seed", "5",
                             "--config", config.path, "--checkpoint", "ck.json", "--verbosity", "1"]
        process.currentDirectoryURL = dir
        let stderr = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr
        try process.run()
        let start = ContinuousClock.now
        var sent = false
        while process.isRunning, ContinuousClock.now - start < .seconds(120) {
            if let checkpoint = try? CLISupport.object(path("ck.json")),
               let generation = (checkpoint["state"] as? [String: Any])?["generation"] as? Int, generation >= 1 {
                kill(process.processIdentifier, SIGINT)
                sent = true
                break
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        let text = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(sent, "the search never completed a generation")
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("stopping the search and writing the best pipeline so far"))
        let document = try CLISupport.object(path("best.json"))
        let statistics = document["statistics"] as? [String: Any]
        #expect(statistics?["stop_reason"] as? String == "interrupted")
        #expect((statistics?["generations"] as? Int ?? 0) >= 1)
        #expect(document["holdout_score"] is Double)
    }

    @Test("--max-time alone: the search runs until the time is up and the whole command ends within 5% or 2 s")
    func maxTime() throws {
        let data = try CLISupport.syntheticCSV(rows: 20000, features: 40)
        let dir = try TestSupport.temporaryDirectory()
        // Fast operators only, so several generations fit in the limit whatever the registry holds.
        let config = dir.appendingPathComponent("fast.json")
        try Data(#"{"GaussianNB": {}, "BernoulliNB": {"alpha": [0.01, 0.1, 1.0]}, "StandardScaler": {}, "MinMaxScaler": {}, "Binarizer": {"threshold": [0.0, 0.5]}}"#.utf8)
            .write(to: config)
        let limit = 5.0
        let start = ContinuousClock.now
        let result = try TestSupport.runAutopipe(["search", data, "--max-time", "5s", "--population-size", "12",
                                                  "--config", config.path, "--verbosity", "1",
                                                  "--checkpoint", "ck.json"], in: dir)
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(abs(seconds - limit) <= max(0.05 * limit, 2), "took \(seconds) s for --max-time 5s")
        let document = try CLISupport.object(dir.appendingPathComponent("best.json").path)
        let statistics = document["statistics"] as? [String: Any]
        #expect(statistics?["stop_reason"] as? String == "time_limit")
        #expect((statistics?["generations"] as? Int ?? 0) >= 1)
        #expect(document["holdout_score"] is Double)
        #expect(result.stdout.contains("--max-time reached"))
    }
}
