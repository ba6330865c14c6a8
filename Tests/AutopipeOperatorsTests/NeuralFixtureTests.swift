import AutopipeData
import AutopipeOperators
import AutopipeTestSupport
import Foundation
import Testing

/// MLPClassifier against scikit-learn 1.5.2 (fixtures: scripts/fixtures/fx_neural.py). Training is stochastic
/// and the generators differ, so the comparison is of cross-validated accuracy on the same folds, each side
/// averaged over the same number of seeds (3; 10 on breast_cancer and 20 on wine, whose unscaled features make
/// single runs swing):
/// within 0.02.
@Suite("MLPClassifier vs scikit-learn")
struct NeuralFixtureTests {
    struct Case: Decodable, Sendable, CustomStringConvertible {
        let name: String
        let `operator`: String
        let parameters: Parameters
        let dataset: String
        let folds: [[Int]]
        let sklearnMean: Double
        let tolerance: Double
        let seeds: Int
        enum CodingKeys: String, CodingKey {
            case name, `operator`, parameters, dataset, folds, sklearnMean = "sklearn_mean", tolerance, seeds
        }
        var description: String { name }
    }

    struct File: Decodable { let cvCases: [Case]
        enum CodingKeys: String, CodingKey { case cvCases = "cv_cases" } }

    static let cases: [Case] = {
        let url = TestSupport.repositoryRoot.appendingPathComponent("Tests/AutopipeOperatorsTests/Fixtures/neural.json")
        guard let data = try? Data(contentsOf: url), let file = try? JSONDecoder().decode(File.self, from: data) else { return [] }
        return file.cvCases
    }()

    @Test("fixture file is present") func present() {
        #expect(Self.cases.count == 8)
    }

    @Test(arguments: cases) func crossValidatedAccuracy(_ fixture: Case) throws {
        let dataset = try TestSupport.dataset(fixture.dataset)
        let plan = FoldPlan(rowCount: dataset.rowCount, testFolds: fixture.folds)
        let op = try OperatorRegistry.standard.make(fixture.operator, fixture.parameters)
        var total = 0.0
        for seed in 0..<fixture.seeds {
            for k in 0..<plan.count {
                let train = plan.trainRows(k), test = plan.testFolds[k]
                let model = try op.fit(dataset.features.selectingRows(train), dataset.targets.selecting(train),
                                       context: FitContext(seed: UInt64(seed * 100 + k)))
                let predictions = try model.predictions(dataset.features.selectingRows(test))
                total += Metric.accuracy.score(truth: dataset.targets.selecting(test), predictions: predictions)
            }
        }
        let mean = total / Double(fixture.seeds * plan.count)
        #expect(abs(mean - fixture.sklearnMean) <= fixture.tolerance, "autopipe \(mean), scikit-learn \(fixture.sklearnMean)")
    }

    @Test("a deadline stops a large fit with .timedOut")
    func deadline() throws {
        var rng = SeededGenerator(seed: 1)
        let n = 20_000, d = 50
        let x = Matrix(rows: n, columns: d, values: (0..<(n * d)).map { _ in rng.nextGaussian() })
        let y = (0..<n).map { i in x[i, 0] > 0 ? 1 : 0 }
        let op = try MLPClassifier(["hidden_layer_sizes": 500, "max_iter": 10_000, "tol": 0.0])
        let start = ContinuousClock.now
        #expect(throws: OperatorError.timedOut(seconds: 0.2)) {
            _ = try op.fit(x, y, classCount: 2, context: FitContext(seed: 0, cancellation: CancellationToken(timeLimit: 0.2)))
        }
        // 0.2 s deadline plus slack for a loaded 2-core machine running the suites in parallel.
        #expect(ContinuousClock.now - start < .milliseconds(1000))
    }

    @Test("a huge learning rate that diverges is a typed error or a finite model, never a trap")
    func divergence() throws {
        let dataset = try TestSupport.dataset("wine")
        let op = AnyOperator(try MLPClassifier(["learning_rate_init": 1.0, "alpha": 1e-4]))
        do {
            let fitted = try op.fit(dataset.features, dataset.targets, context: FitContext(seed: 0))
            #expect(try fitted.classScores(dataset.features).scores.allFinite)
        } catch let error as OperatorError {
            guard case .numerical = error else { Issue.record("unexpected \(error)"); return }
        }
    }

    @Test("early_stopping restores the best weights and still predicts every class")
    func earlyStopping() throws {
        let dataset = try TestSupport.dataset("iris")
        let op = AnyOperator(try MLPClassifier(["early_stopping": true, "learning_rate_init": 0.01]))
        let fitted = try op.fit(dataset.features, dataset.targets, context: FitContext(seed: 0))
        let predicted = try fitted.predictClasses(dataset.features)
        #expect(Set(predicted).count == 3)
        #expect(throws: OperatorError.self) { _ = try MLPClassifier(["early_stopping": true, "validation_fraction": 0.0]) }
    }
}
