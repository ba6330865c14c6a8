import AutopipeData
import AutopipeOperators
import AutopipeSearch
import AutopipeTestSupport
import Foundation
import Testing

@Suite("Checkpoint and resume")
struct ResumeTests {
    static let settings = SearchSettings(generations: 5, populationSize: 10, cvFolds: 3, seed: 11)

    @Test("resuming a checkpoint gives exactly the uninterrupted run's result and records")
    func resumeEqualsUninterrupted() async throws {
        let space = try TestRegistry.space(seconds: [0], fail: [false, true])
        let fullRecords = try SearchTestSupport.temporaryPath("full.jsonl")
        let full = try await SearchTestSupport.run(Self.settings, space: space,
                                                   files: SearchFiles(evaluations: fullRecords))

        // Stop after generation 2 (as a kill after that checkpoint would), then resume to generation 5.
        let checkpoint = try SearchTestSupport.temporaryPath("search.checkpoint")
        let records = try SearchTestSupport.temporaryPath("resumed.jsonl")
        var partial = Self.settings
        partial.generations = 2
        _ = try await SearchTestSupport.run(partial, space: space,
                                            files: SearchFiles(checkpoint: checkpoint, evaluations: records))
        let saved = try Checkpoint.load(from: checkpoint)
        #expect(saved.state.generation == 2)
        let resumed = try await SearchTestSupport.run(Self.settings, space: space, jobs: 3,
                                                      files: SearchFiles(checkpoint: checkpoint, resume: checkpoint,
                                                                         evaluations: records))
        #expect(try SearchTestSupport.comparable(resumed) == SearchTestSupport.comparable(full))
        #expect(try SearchTestSupport.records(records) == SearchTestSupport.records(fullRecords))
        #expect(try Checkpoint.load(from: checkpoint).state.generation == 5)
    }

    @Test("resuming with other settings or data is refused with what differs")
    func incompatibleResume() async throws {
        let space = try TestRegistry.space(seconds: [0])
        let checkpoint = try SearchTestSupport.temporaryPath("search.checkpoint")
        var first = Self.settings
        first.generations = 1
        _ = try await SearchTestSupport.run(first, space: space, files: SearchFiles(checkpoint: checkpoint))
        let resume = SearchFiles(resume: checkpoint)

        var otherSeed = Self.settings
        otherSeed.seed = 12
        otherSeed.cvFolds = 4
        await expectRefusal(["--seed: checkpoint 11, now 12", "--cv: checkpoint 3, now 4"]) {
            _ = try await SearchTestSupport.run(otherSeed, space: space, files: resume)
        }
        await expectRefusal(["the data differs"]) {
            _ = try await SearchTestSupport.run(Self.settings, space: space, dataset: "wine", files: resume)
        }
        await expectRefusal(["--config: the operator space differs"]) {
            _ = try await SearchTestSupport.run(Self.settings, space: try TestRegistry.space(seconds: [0, 1]),
                                                files: resume)
        }
        var fewer = Self.settings
        fewer.generations = 0
        await expectRefusal(["--generations 0 is below the 1 generations"]) {
            _ = try await SearchTestSupport.run(fewer, space: space, files: resume)
        }
        // A checkpoint of the previous format (seeds from whole pipelines) is refused, saying what to do.
        let old = try SearchTestSupport.temporaryPath("old.checkpoint")
        let text = try String(contentsOfFile: checkpoint, encoding: .utf8)
        let edited = text.replacingOccurrences(of: "\"format_version\":\(Checkpoint.currentFormatVersion),",
                                               with: "\"format_version\":1,")
        #expect(edited != text)
        try edited.write(toFile: old, atomically: true, encoding: .utf8)
        await expectRefusal(["format version 1", "resumes version \(Checkpoint.currentFormatVersion) only",
                             "start a new search without --resume"]) {
            _ = try await SearchTestSupport.run(Self.settings, space: space, files: SearchFiles(resume: old))
        }
        // Running longer, or under a time limit, is allowed.
        var longer = Self.settings
        longer.generations = 2
        longer.maxTimeSeconds = 600
        let document = try await SearchTestSupport.run(longer, space: space, files: resume)
        #expect(document.statistics.generations == 2)
    }

    func expectRefusal(_ fragments: [String], _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("resume was not refused")
        } catch let error as PersistenceError {
            for fragment in fragments {
                #expect(error.description.contains(fragment), "\(error.description)")
            }
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("a checkpoint is replaced atomically: no temporary file is left behind")
    func atomicWrite() throws {
        let dir = try TestSupport.temporaryDirectory()
        let path = dir.appendingPathComponent("state.json").path
        try AtomicFile.write(Data("one".utf8), to: path)
        try AtomicFile.write(Data("two".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["state.json"])
    }
}
