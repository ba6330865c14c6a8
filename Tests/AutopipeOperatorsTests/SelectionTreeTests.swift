import AutopipeData
@testable import AutopipeOperators
import AutopipeTestSupport
import Foundation
import Testing

/// RFE and SelectFromModel (fixtures: scripts/fixtures/fx_selection.py, selection_trees.json).
///
/// 1. Their selection logic against scikit-learn's, exactly, with a deterministic stand-in for the inner model
///    (importance of feature j = variance of x_j minus the row mean of the remaining features, normalised):
///    step as a fraction or a count, n_features_to_select, threshold None (mean) or a value.
/// 2. With the trees family's ExtraTrees (skipped until it is registered): per-feature selection frequencies
///    over 10 seeds within 0.2 (mean absolute difference) of scikit-learn's over 10 seeds, and the mean number
///    of selected features within max(1, 20%).
@Suite("RFE and SelectFromModel")
struct SelectionTreeTests {
    static let file = TreeSelectionFixtures.load()
    static let treesRegistered = OperatorRegistry.standard.entry(named: "ExtraTreesClassifier") != nil
        && OperatorRegistry.standard.entry(named: "ExtraTreesRegressor") != nil

    @Test("fixture file is present") func present() {
        #expect(!Self.file.logic.isEmpty && !Self.file.stochastic.isEmpty, "selection_trees.json is missing or empty")
    }

    /// The stand-in importance (see the fixture script's CentredVarianceImportance).
    static func centredVarianceImportance(_ x: Matrix) -> [Double] {
        let n = x.rows, d = x.columns
        var centred = x
        for r in 0..<n {
            let mean = x.row(r).reduce(0, +) / Double(d)
            for c in 0..<d { centred[r, c] -= mean }
        }
        let variances = (0..<d).map { c -> Double in
            let column = centred.column(c)
            let mean = column.reduce(0, +) / Double(n)
            return column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        }
        let total = variances.reduce(0, +)
        return variances.map { $0 / total }
    }

    @Test(arguments: file.logic) func selectionLogicMatchesScikitLearn(_ fixture: TreeSelectionFixtures.LogicCase) throws {
        let dataset = try TestSupport.dataset(fixture.dataset)
        let x = dataset.features.selectingRows(0..<fixture.rows)
        let support: [Bool]
        if fixture.operator == "RFE" {
            let op = try RFE(fixture.parameters)
            support = try RFE.eliminate(columns: x.columns, target: op.featuresToSelect ?? x.columns / 2,
                                        step: op.step) { features in
                Self.centredVarianceImportance(x.selectingColumns(features))
            }
        } else {
            let op = try SelectFromModel(fixture.parameters)
            support = SelectFromModel.support(importances: Self.centredVarianceImportance(x), threshold: op.threshold).0
        }
        #expect(support == fixture.support, "autopipe \(support), scikit-learn \(fixture.support)")
    }

    @Test func missingInnerModelIsATypedError() throws {
        guard !Self.treesRegistered else { return }
        let (x, y) = ConformanceTests.problem(for: .selector)
        #expect(throws: OperatorError.self) {
            _ = try RFE().fit(x, y, context: FitContext())
        }
        #expect(throws: OperatorError.self) {
            _ = try SelectFromModel().fit(x, y, context: FitContext())
        }
    }

    @Test(.enabled(if: treesRegistered,
                   "ExtraTreesClassifier/ExtraTreesRegressor are not registered yet (trees family): RFE and SelectFromModel are not registered either"),
          arguments: file.stochastic)
    func selectionFrequenciesMatchScikitLearn(_ fixture: TreeSelectionFixtures.StochasticCase) throws {
        let dataset = try TestSupport.dataset(fixture.dataset)
        let op = try OperatorRegistry.standard.make(fixture.operator, fixture.parameters)
        var frequency = [Double](repeating: 0, count: dataset.features.columns)
        var counts: [Int] = []
        for seed in 0..<10 {
            guard case .transformer(let model) = try op.fit(dataset.features, dataset.targets,
                                                            context: FitContext(seed: UInt64(seed))).model,
                  let selected = model as? SelectedFeatures else {
                Issue.record("not a selector")
                return
            }
            for c in selected.selected { frequency[c] += 0.1 }
            counts.append(selected.selected.count)
        }
        let difference = zip(frequency, fixture.frequency).map { abs($0 - $1) }.reduce(0, +) / Double(frequency.count)
        let meanCount = Double(counts.reduce(0, +)) / Double(counts.count)
        #expect(difference <= 0.2, "frequencies \(frequency) vs scikit-learn \(fixture.frequency)")
        #expect(abs(meanCount - fixture.meanCount) <= max(1, 0.2 * fixture.meanCount),
                "mean count \(meanCount) vs scikit-learn \(fixture.meanCount)")
    }

    /// A deadline stops RFE between elimination rounds (and inside the trees).
    @Test(.enabled(if: treesRegistered, "ExtraTrees is not registered yet (trees family)"))
    func deadlineStopsALargeFit() throws {
        var rng = SeededGenerator(seed: 2)
        let x = Matrix(rows: 5_000, columns: 60, values: (0..<300_000).map { _ in rng.nextDouble() })
        let y = Targets.classes((0..<5_000).map { $0 % 3 }, count: 3)
        let op = try OperatorRegistry.standard.make("RFE", ["step": 0.05])
        let start = ContinuousClock.now
        #expect(throws: OperatorError.timedOut(seconds: 0.2)) {
            _ = try op.fit(x, y, context: FitContext(seed: 0, cancellation: CancellationToken(timeLimit: 0.2)))
        }
        #expect(ContinuousClock.now - start < .milliseconds(500))
    }
}

struct TreeSelectionFixtures: Decodable {
    struct LogicCase: Decodable, Sendable, CustomStringConvertible {
        let `operator`: String
        let parameters: Parameters
        let dataset: String
        let rows: Int
        let support: [Bool]
        var description: String { "\(`operator`)(\(parameters.canonicalText)) on \(dataset)" }
    }

    struct StochasticCase: Decodable, Sendable, CustomStringConvertible {
        let name: String
        let `operator`: String
        let parameters: Parameters
        let dataset: String
        let frequency: [Double]
        let meanCount: Double

        enum CodingKeys: String, CodingKey {
            case name, `operator`, parameters, dataset, frequency, meanCount = "mean_count"
        }

        var description: String { name }
    }

    let logic: [LogicCase]
    let stochastic: [StochasticCase]

    static func load() -> TreeSelectionFixtures {
        let url = TestSupport.repositoryRoot.appendingPathComponent(
            "Tests/AutopipeOperatorsTests/Fixtures/selection_trees.json")
        return (try? JSONDecoder().decode(TreeSelectionFixtures.self, from: Data(contentsOf: url)))
            ?? TreeSelectionFixtures(logic: [], stochastic: [])
    }
}
