import AutopipeData
import AutopipeOperators
import AutopipeSearch
import AutopipeTestSupport
import Foundation
import Testing

@Suite("Time limits", .serialized)
struct TimeLimitTests {
    @Test("--max-eval-time stops a slow evaluation within 1 s, records it as timed out, and the search goes on")
    func evaluationLimit() async throws {
        let records = try SearchTestSupport.temporaryPath("evaluations.jsonl")
        let settings = SearchSettings(generations: 2, populationSize: 8, cvFolds: 3, seed: 5, maxEvalSeconds: 0.5)
        let document = try await SearchTestSupport.run(settings, space: try TestRegistry.space(seconds: [0, 30]),
                                                       files: SearchFiles(evaluations: records))
        let lines = try String(contentsOfFile: records, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(EvaluationLine.self, from: Data($0.utf8))
        }
        let timedOut = lines.filter { $0.status == "timed_out" }
        #expect(!timedOut.isEmpty, "the configuration has 30 s fits; some must time out")
        for line in timedOut {
            #expect(line.seconds <= 0.5 + 1.0, "stopped \(line.seconds - 0.5) s after the limit: \(line.pipeline)")
            #expect(line.seconds >= 0.45)
            #expect(line.reason?.code == "timed_out")
            #expect(line.score == nil)
        }
        #expect(document.statistics.timedOut == timedOut.count)
        #expect(document.statistics.generations == 2)
        #expect(document.statistics.stopReason == .generations)
        #expect(!document.pipelineText.contains("seconds=30"))
    }

    @Test("--max-time ends the whole run within the tolerance, keeps only completed generations, and equals a run of that many generations")
    func searchLimit() async throws {
        let limit = 4.0
        let settings = SearchSettings(generations: nil, populationSize: 8, cvFolds: 3, seed: 7, maxEvalSeconds: nil,
                                      maxTimeSeconds: limit)
        let space = try TestRegistry.space(seconds: [0, 0.05, 0.2])
        let start = ContinuousClock.now
        let document = try await SearchTestSupport.run(settings, space: space, startedAt: start)
        let seconds = start.secondsElapsed
        #expect(abs(seconds - limit) <= max(0.05 * limit, 2), "took \(seconds) s for a \(limit) s limit")
        #expect(document.statistics.stopReason == .timeLimit)
        #expect(document.refitted)
        #expect(document.holdoutScore != nil)
        let completed = document.statistics.generations
        #expect(completed >= 1)

        // Same seed, no time limit, exactly the completed generations: the same pipeline, scores and front.
        var bounded = settings
        bounded.generations = completed
        bounded.maxTimeSeconds = nil
        let again = try await SearchTestSupport.run(bounded, space: space)
        #expect(again.pipeline == document.pipeline)
        #expect(again.cvFoldScores == document.cvFoldScores)
        #expect(again.holdoutScore == document.holdoutScore)
        #expect(again.paretoFront == document.paretoFront)
        #expect(again.statistics.evaluations == document.statistics.evaluations)
    }

    @Test("--max-time cancels evaluations in flight and still reports the best of the initial population")
    func limitDuringInitialPopulation() async throws {
        let limit = 3.0
        // Seed 6's initial population: two quick pipelines, then a 60 s one (which blocks both threads).
        let settings = SearchSettings(generations: 50, populationSize: 10, cvFolds: 3, seed: 6, maxEvalSeconds: nil,
                                      maxTimeSeconds: limit)
        let start = ContinuousClock.now
        // Half the SlowClassifier fits take 60 s: the initial population cannot finish, but the pipelines queued
        // before the first slow one do.
        let document = try await SearchTestSupport.run(settings, space: try TestRegistry.space(seconds: [0, 60]),
                                                       startedAt: start)
        let seconds = start.secondsElapsed
        #expect(seconds <= limit + 2, "took \(seconds) s for a \(limit) s limit")
        #expect(document.statistics.stopReason == .timeLimit)
        #expect(document.statistics.generations == 0)
        #expect(document.statistics.evaluations >= 2 && document.statistics.evaluations < 10)
        #expect(!document.pipelineText.contains("seconds=60"))
    }

    @Test("--max-time with nothing finished: the run still ends in time, with an error saying so")
    func limitWithNothingFinished() async throws {
        let limit = 2.0
        let settings = SearchSettings(generations: 5, populationSize: 4, cvFolds: 3, seed: 1, maxEvalSeconds: nil,
                                      maxTimeSeconds: limit)
        let space = try SearchSpace.parse(Data(#"{"SlowClassifier": {"seconds": [60]}}"#.utf8), name: "slow",
                                          registry: TestRegistry.withSlow)
        let start = ContinuousClock.now
        await #expect(throws: SearchError.self) {
            _ = try await SearchTestSupport.run(settings, space: space, startedAt: start)
        }
        #expect(start.secondsElapsed <= limit + 2)
    }

    @Test("The final refit may use the tolerance less the output margin, even when the search wound down late")
    func refitDeadline() {
        let token = CancellationToken()
        let late = TimeBudget(start: ContinuousClock.now - .seconds(6), limit: 5, token: token)
        defer { late.finish() }
        // 5 s limit, 2 s tolerance, 0.3 s for the outputs: 0.7 s left for a refit started at 6 s.
        #expect(abs(late.refitRemaining - (5 + 2 - TimeBudget.outputMargin - 6)) < 0.1)
        #expect(!late.refitToken().isCancelled)
        let over = TimeBudget(start: ContinuousClock.now - .seconds(8), limit: 5, token: CancellationToken())
        defer { over.finish() }
        #expect(over.refitRemaining < 0)
        let unlimited = TimeBudget(start: ContinuousClock.now, limit: nil, token: CancellationToken())
        #expect(unlimited.refitRemaining == .infinity)
    }
}
