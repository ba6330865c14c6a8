import AutopipeData
@testable import AutopipeOperators
import AutopipeSearch
import AutopipeTestSupport
import Testing

@Suite("Sub-pipeline outputs shared between evaluations (FitMemo)")
struct FitMemoTests {
    /// Randomised steps, a union, a stacked learner: everything whose reuse could go wrong.
    static let pipelines: [PipelineNode] = [
        .chain([Step("StandardScaler"), Step("FastICA", ["tol": 0.05]), Step("RandomForestClassifier")]),
        .step(Step("LogisticRegression"), input: .union(
            .step(Step("PCA", ["svd_solver": "randomized", "iterated_power": 3]), input: .input),
            .step(Step("RFE", ["step": 0.5]), input: .input))),
        .chain([Step("ExtraTreesClassifier", ["max_features": 0.5]), Step("GaussianNB")]),
        .chain([Step("StandardScaler"), Step("FastICA", ["tol": 0.05]), Step("KNeighborsClassifier")]),
    ]

    static func split(_ data: Dataset) -> (train: Matrix, y: Targets, test: Matrix) {
        let train = Array(stride(from: 0, to: data.rowCount, by: 2)), test = Array(stride(from: 1, to: data.rowCount, by: 2))
        return (data.features.selectingRows(train), data.targets.selecting(train), data.features.selectingRows(test))
    }

    @Test("fitPredict predicts as fit then predictions, with an empty memo, a full one, or none")
    func fitPredictMatchesFit() throws {
        let data = try TestSupport.dataset("iris")
        let (train, y, test) = Self.split(data)
        let memo = FitMemo(budgetBytes: 64 << 20)
        for raw in Self.pipelines {
            let pipeline = try raw.canonicalized(for: .classification)
            let context = FitContext(seed: 11)
            let expected = try FittedPipeline.fit(pipeline, train, y, context: context).predictions(test)
            #expect(try FittedPipeline.fitPredict(pipeline, train: train, y, test: test, context: context) == expected)
            // With the canonical JSON given (what an evaluation passes: `EvaluationJob.key`), the seeds are the same.
            #expect(try FittedPipeline.fitPredict(pipeline, key: pipeline.canonicalJSON, train: train, y, test: test,
                                                  context: context) == expected)
            for _ in 0..<2 {
                #expect(try FittedPipeline.fitPredict(pipeline, train: train, y, test: test, context: context,
                                                      memo: memo, scope: "iris") == expected)
            }
        }
        // Second rounds hit at the top inner step of each pipeline; the first ICA pipeline's steps serve the last.
        #expect(memo.statistics.hits >= Self.pipelines.count + 1)
    }

    @Test("a sub-pipeline gets the same seed in every pipeline that holds it")
    func sharedSubPipelinesShareSeeds() throws {
        let a = try Self.pipelines[0].canonicalized(for: .classification)
        let b = try Self.pipelines[3].canonicalized(for: .classification)
        let seedsA = FittedPipeline.stepSeeds(a, seed: 5), seedsB = FittedPipeline.stepSeeds(b, seed: 5)
        #expect(seedsA.count == 3 && seedsB.count == 3)
        #expect(seedsA[0] != seedsB[0])  // different learners
        #expect(Array(seedsA[1...]) == Array(seedsB[1...]))  // the same FastICA(StandardScaler(input))
        #expect(FittedPipeline.stepSeeds(a, seed: 6)[1] != seedsA[1])
    }

    @Test("evaluations score the same whichever evaluations ran before them")
    func evaluationOrderDoesNotMatter() throws {
        // Penguins has missing values: the folds are imputed once, and the refit model still imputes.
        let data = try TestSupport.dataset("penguins")
        let folds = FoldPlan.make(targets: data.targets, folds: 3, generator: SeededGenerator(seed: 2))
        func problem() -> EvaluationProblem {
            EvaluationProblem(features: data.features, targets: data.targets, folds: folds, metric: .accuracy,
                              maxEvalSeconds: nil)
        }
        let jobs = try Self.pipelines.map { EvaluationJob(pipeline: try $0.canonicalized(for: .classification), searchSeed: 9) }
        let forward = problem(), backward = problem()
        let first = jobs.map { forward.evaluate($0) }
        let second = jobs.reversed().map { backward.evaluate($0) }.reversed()
        for (a, b) in zip(first, second) {
            #expect(a.status == .ok)
            #expect(a.foldScores == b.foldScores)
        }
        #expect(forward.memo.statistics.hits > 0)

        let model = try forward.fitModel(jobs[0].pipeline, data.features, data.targets, context: FitContext(seed: 9))
        var names: [String] = [], node = model.root
        while case .step(let fitted, let input) = node {
            names.append(fitted.name)
            node = input
        }
        #expect(names == ["RandomForestClassifier", "FastICA", "StandardScaler", "SimpleImputer"])
        #expect(try model.predictClasses(data.features).count == data.rowCount)
    }

    @Test("the memo keeps within its byte budget and drops the least recently used entry first")
    func budget() {
        func outputs(_ rows: Int) -> FitMemo.Outputs {
            let m = Matrix(rows: rows, columns: 1, values: [Double](repeating: 1, count: rows))
            return FitMemo.Outputs(train: m, test: m)
        }
        let memo = FitMemo(budgetBytes: 4 * 16 * 10)  // four entries of 10 + 10 values
        for key in ["a", "b", "c", "d"] { memo.store(outputs(10), key) }
        #expect(memo.outputs("a") != nil)  // "a" is now the most recently used
        memo.store(outputs(10), "e")
        #expect(memo.bytes <= memo.budgetBytes)
        #expect(memo.outputs("b") == nil)
        #expect(memo.outputs("a") != nil && memo.outputs("e") != nil)
        memo.store(outputs(1000), "huge")  // larger than a quarter of the budget: not kept
        #expect(memo.outputs("huge") == nil)
    }
}
