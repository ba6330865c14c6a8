import AutopipeData
import AutopipeOperators
import AutopipeSearch
import AutopipeTestSupport
import Foundation
import Testing

@Suite("Search features")
struct EvolutionFeatureTests {
    @Test("jobs 1 and jobs 3 give byte-identical documents and records, failures included")
    func jobsIndependenceWithFailures() async throws {
        let space = try TestRegistry.space(seconds: [0, 0.002], fail: [false, true])
        let settings = SearchSettings(generations: 3, populationSize: 10, cvFolds: 4, seed: 21)
        let one = try SearchTestSupport.temporaryPath("one.jsonl"), three = try SearchTestSupport.temporaryPath("three.jsonl")
        let a = try await SearchTestSupport.run(settings, space: space, jobs: 1, files: SearchFiles(evaluations: one))
        let b = try await SearchTestSupport.run(settings, space: space, jobs: 3, files: SearchFiles(evaluations: three))
        #expect(try SearchTestSupport.comparable(a) == SearchTestSupport.comparable(b))
        #expect(try SearchTestSupport.records(one) == SearchTestSupport.records(three))
        #expect(a.statistics.failed > 0)
    }

    @Test("evaluation records: one line per distinct pipeline, with provenance, scores and typed failure reasons")
    func records() async throws {
        let path = try SearchTestSupport.temporaryPath("evaluations.jsonl")
        let settings = SearchSettings(generations: 4, populationSize: 10, cvFolds: 3, seed: 4)
        let document = try await SearchTestSupport.run(settings, space: try TestRegistry.space(seconds: [0], fail: [false, true]),
                                                       files: SearchFiles(evaluations: path))
        let lines = try SearchTestSupport.records(path)
        #expect(lines.count == document.statistics.evaluations)
        #expect(lines.map(\.id) == Array(0..<lines.count))
        #expect(Set(lines.map { $0.pipelineJSON }).count == lines.count, "a pipeline was evaluated twice")
        var lastGeneration = 0
        for line in lines {
            #expect(line.generation >= lastGeneration)
            lastGeneration = line.generation
            #expect(line.parents.allSatisfy { $0 < line.id })
            #expect(line.operatorCount == line.pipelineJSON.operatorCount)
            switch line.status {
            case "ok":
                #expect(line.foldScores.count == 3)
                #expect(line.score == line.foldScores.reduce(0, +) / 3)
                #expect(line.reason == nil)
            case "failed":
                #expect(line.score == nil)
                #expect(line.reason?.code == "numerical")
                #expect(line.reason?.message.contains("asked to fail") == true)
            default:
                Issue.record("unexpected status \(line.status)")
            }
            if line.generation == 0 {
                #expect(line.variation == .initial && line.parents.isEmpty)
            } else {
                #expect(!line.parents.isEmpty)
                #expect(line.variation == .crossover ? line.parents.count == 2 : line.parents.count == 1)
            }
        }
        #expect(lines.contains { $0.status == "failed" })
        #expect(lastGeneration == 4)
    }

    @Test("evaluation records: fit_seconds adds up what the folds cost, apart from the wall time")
    func fitSeconds() async throws {
        let path = try SearchTestSupport.temporaryPath("fit-seconds.jsonl")
        let settings = SearchSettings(generations: 1, populationSize: 6, cvFolds: 3, seed: 2)
        _ = try await SearchTestSupport.run(settings, space: try TestRegistry.space(seconds: [0.03]),
                                            files: SearchFiles(evaluations: path))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = try text.split(separator: "\n").map { try JSONDecoder().decode(EvaluationLine.self, from: Data($0.utf8)) }
        let slow = lines.filter { $0.pipeline.contains("SlowClassifier") }
        #expect(!slow.isEmpty)
        for line in slow {
            // Each of the 3 folds waits 0.03 s in SlowClassifier's fit; the folds may run side by side, so only
            // the sum is at least 0.09 s.
            #expect(line.fitSeconds >= 0.09, "fit_seconds \(line.fitSeconds) of \(line.pipeline)")
            #expect(line.seconds >= 0.03)
        }
    }

    @Test("a template fixes every evaluated pipeline's shape")
    func templateConstraints() async throws {
        let space = try TestRegistry.space(seconds: [0, 0.001])
        for template in ["Transformer-Classifier", "StandardScaler-SlowClassifier", "Classifier-Classifier"] {
            let path = try SearchTestSupport.temporaryPath("evaluations.jsonl")
            let settings = SearchSettings(generations: 3, populationSize: 8, cvFolds: 3, seed: 2, template: template)
            let document = try await SearchTestSupport.run(settings, space: space, files: SearchFiles(evaluations: path))
            let parsed = try PipelineTemplate(template, space: space, task: .classification)
            for line in try SearchTestSupport.records(path) {
                #expect(parsed.matches(line.pipelineJSON, space: space, task: .classification),
                        "\(line.pipeline) breaks template \(template)")
            }
            #expect(parsed.matches(document.pipeline, space: space, task: .classification))
        }
    }

    @Test("invalid templates are refused with what is wrong")
    func templateErrors() throws {
        let space = try TestRegistry.space(seconds: [0]).restricted(to: .classification)
        #expect(throws: SearchConfigError.emptyTemplateStep(word: "Selector", config: "test", task: .classification)) {
            try PipelineTemplate("Selector-Classifier", space: space, task: .classification)
        }
        #expect(throws: SearchConfigError.templateEnd(word: "Transformer", task: .classification)) {
            try PipelineTemplate("Classifier-Transformer", space: space, task: .classification)
        }
        #expect(throws: SearchConfigError.unknownTemplateStep(word: "Transfomer", suggestion: "Transformer")) {
            try PipelineTemplate("Transfomer-Classifier", space: space, task: .classification)
        }
        #expect(throws: SearchConfigError.emptyTemplate) { try PipelineTemplate("Classifier--", space: space, task: .classification) }
    }

    @Test("--early-stop ends the search once the Pareto front stops changing")
    func earlyStop() async throws {
        let settings = SearchSettings(generations: 40, populationSize: 6, cvFolds: 3, seed: 1, earlyStop: 2)
        let document = try await SearchTestSupport.run(settings, space: .standard(), dataset: "iris")
        #expect(document.statistics.stopReason == .earlyStop)
        #expect(document.statistics.generations >= 2 && document.statistics.generations < 40)
    }

    @Test("--subsample evaluates on part of the training rows and refits on all of them")
    func subsample() async throws {
        var settings = SearchSettings(generations: 1, populationSize: 6, cvFolds: 3, seed: 1)
        let full = try await SearchTestSupport.run(settings, space: .standard(), dataset: "breast_cancer")
        settings.subsample = 0.5
        let half = try await SearchTestSupport.run(settings, space: .standard(), dataset: "breast_cancer")
        #expect(half.data.trainRows == full.data.trainRows)
        #expect(half.cvFoldScores != full.cvFoldScores)
        #expect(half.refitted && half.holdoutScore != nil)
    }

    @Test("fold-parallel evaluation equals the fold-by-fold evaluation, failures included")
    func foldParallelEqualsSequential() async throws {
        let data = try TestSupport.dataset("iris")
        let folds = FoldPlan.make(targets: data.targets, folds: 5, generator: SeededGenerator(seed: 1))
        let problem = EvaluationProblem(features: data.features, targets: data.targets, folds: folds, metric: .accuracy,
                                        maxEvalSeconds: nil, registry: TestRegistry.withSlow)
        let pipelines: [PipelineNode] = [
            .chain([Step("StandardScaler"), Step("GaussianNB")]),
            .chain([Step("SlowClassifier", ["fail": true])]),
            .chain([Step("GaussianNB"), Step("SlowClassifier", ["mode": "b"])]),
        ]
        let jobs = try pipelines.map {
            EvaluationJob(pipeline: try $0.canonicalized(for: .classification, registry: TestRegistry.withSlow), searchSeed: 3)
        }
        let parallel = try await LocalEvaluator(problem: problem, jobs: 3).evaluate(jobs, onResult: { _ in })
        for (job, result) in zip(jobs, parallel) {
            let sequential = problem.evaluate(job)
            #expect(result.key == job.key)
            #expect(result.status == sequential.status)
            #expect(result.foldScores == sequential.foldScores)
            #expect(result.score == sequential.score || (result.score.isInfinite && sequential.score.isInfinite))
        }
        #expect(parallel[1].status == .failed(.numerical(operator: "SlowClassifier", detail: "asked to fail")))
        #expect(parallel[1].foldScores.isEmpty)
    }
}
