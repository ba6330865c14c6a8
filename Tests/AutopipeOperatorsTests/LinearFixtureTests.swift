import AutopipeData
import AutopipeOperators
import AutopipeTestSupport
import Foundation
import Testing

/// The linear family against scikit-learn 1.5.2 (fixtures: scripts/fixtures/fx_linear.py).
///
/// Tolerances (stated per case in the fixture): models with a unique optimum are fitted on both sides with a tight
/// `tol` so both reach it; L2 logistic regression probabilities and L2 squared-hinge decision values agree within
/// 1e-5 absolute (1e-4 for C=25 and liblinear's dual), L1 / elastic-net / hinge problems (whose solvers stop on
/// different criteria) within 1e-3, the L1-loss SVR within 1e-2 relative; RidgeCV predictions within 1e-8 relative
/// (1e-7 on the wide set; SVD instead of scikit-learn's eigen mode), ElasticNetCV and LassoLarsCV (coordinate
/// descent and LARS replicated step by step) within 1e-9 relative. SGD models are stochastic: the mean
/// cross-validated accuracy of StandardScaler + SGD, averaged over 20 seeds on each side, within 0.02 (R^2 within
/// 0.03) of scikit-learn's on the same folds.
@Suite("Linear models vs scikit-learn")
struct LinearFixtureTests {
    static let file = FixtureFile.load("linear")

    @Test("fixture file is present") func present() {
        #expect(!Self.file.cases.isEmpty, "\(Self.file.sklearnVersion)")
    }

    @Test(arguments: file.cases) func matchesScikitLearn(_ fixture: FixtureCase) throws {
        let problems = try FixtureChecks.check(fixture)
        #expect(problems.isEmpty, "\(problems.joined(separator: "; "))")
    }

    @Test(arguments: file.cvCases) func crossValidatedScore(_ fixture: CVFixtureCase) throws {
        let scores = try Self.crossValidate(fixture)
        let mean = scores.reduce(0, +) / Double(scores.count)
        #expect(abs(mean - fixture.sklearnMean) <= fixture.tolerance,
                "autopipe \(mean), scikit-learn \(fixture.sklearnMean)")
    }

    /// Cases named "scaled: ..." are StandardScaler + operator pipelines on both sides, with fold scores averaged
    /// over `seeds` fit seeds (scikit-learn's over as many random states): SGD's outcome depends on the shuffling.
    static let seeds = 20

    static func crossValidate(_ fixture: CVFixtureCase) throws -> [Double] {
        guard fixture.name.hasPrefix("scaled:") else { return try FixtureChecks.crossValidate(fixture) }
        let dataset = try TestSupport.dataset(fixture.dataset)
        guard let metric = Metric(rawValue: fixture.metric) else { throw OperatorError.invalidPipeline(reason: "metric") }
        let plan = FoldPlan(rowCount: dataset.rowCount, testFolds: fixture.folds)
        let pipeline = PipelineNode.chain([Step("StandardScaler"), Step(fixture.operator, fixture.parameters)])
        var scores = [Double](repeating: 0, count: plan.count)
        for k in 0..<plan.count {
            let train = plan.trainRows(k), test = plan.testFolds[k]
            for seed in 0..<seeds {
                let model = try FittedPipeline.fit(pipeline, dataset.features.selectingRows(train),
                                                   dataset.targets.selecting(train),
                                                   context: FitContext(seed: UInt64(100 * k + seed)))
                let predictions = try model.predictions(dataset.features.selectingRows(test))
                scores[k] += metric.score(truth: dataset.targets.selecting(test), predictions: predictions) / Double(seeds)
            }
        }
        return scores
    }
}
