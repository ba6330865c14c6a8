import AutopipeData
import AutopipeOperators
import AutopipeSearch
import Foundation
import Testing

@Suite("Pipelines as data")
struct PipelineTests {
    let scaledNB = PipelineNode.chain([Step("StandardScaler"), Step("GaussianNB", ["var_smoothing": 1e-9])])

    @Test func jsonRoundTrip() throws {
        let pipeline = PipelineNode.step(Step("GaussianNB"), input: .union(.step(Step("StandardScaler"), input: .input),
                                                                         .input))
        let data = try JSONEncoder().encode(pipeline)
        let decoded = try JSONDecoder().decode(PipelineNode.self, from: data)
        #expect(decoded == pipeline)
        #expect(decoded.operatorCount == 2)
    }

    @Test func canonicalFormFillsDefaultsAndIgnoresOrder() throws {
        let a = try PipelineNode.chain([Step("StandardScaler", ["with_std": true, "with_mean": true]), Step("GaussianNB")])
            .canonicalized(for: .classification)
        let b = try PipelineNode.chain([Step("StandardScaler"), Step("GaussianNB", ["var_smoothing": 1e-9])])
            .canonicalized(for: .classification)
        #expect(a == b)
        #expect(a.canonicalJSON == b.canonicalJSON)
    }

    @Test func unionOfIdenticalBranchesCollapses() throws {
        let branch = PipelineNode.step(Step("StandardScaler"), input: .input)
        let pipeline = PipelineNode.step(Step("GaussianNB"), input: .union(branch, branch))
        let canonical = try pipeline.canonicalized(for: .classification)
        #expect(canonical == (try PipelineNode.step(Step("GaussianNB"), input: branch).canonicalized(for: .classification)))
    }

    @Test func invalidPipelinesAreRejectedWithReasons() {
        #expect(throws: OperatorError.self) { try PipelineNode.chain([Step("StandardScaler")]).canonicalized(for: .classification) }
        #expect(throws: OperatorError.self) { try PipelineNode.chain([Step("NoSuchOp")]).canonicalized(for: .classification) }
        #expect(throws: OperatorError.self) {
            try PipelineNode.chain([Step("GaussianNB", ["var_smoothing": -1])]).canonicalized(for: .classification)
        }
        #expect(throws: OperatorError.self) { try PipelineNode.input.canonicalized(for: .regression) }
    }

    @Test func fittedPipelineSavesAndLoads() throws {
        let dataset = try AutopipeTestSupportShim.iris()
        let pipeline = try scaledNB.canonicalized(for: .classification)
        let model = try FittedPipeline.fit(pipeline, dataset.features, dataset.targets, context: FitContext(seed: 1))
        let data = try JSONEncoder().encode(model)
        let loaded = try JSONDecoder().decode(FittedPipeline.self, from: data)
        #expect(try loaded.predictClasses(dataset.features) == model.predictClasses(dataset.features))
    }

    @Test func stackedLearnerAddsProbabilityAndPredictionColumns() throws {
        let dataset = try AutopipeTestSupportShim.iris()
        // GaussianNB stacked under GaussianNB: the outer model sees 3 probabilities + 1 prediction + 4 inputs.
        let pipeline = try PipelineNode.chain([Step("GaussianNB"), Step("GaussianNB")]).canonicalized(for: .classification)
        let model = try FittedPipeline.fit(pipeline, dataset.features, dataset.targets, context: FitContext(seed: 1))
        guard case .step(let outer, _) = model.root else {
            Issue.record("no root step")
            return
        }
        #expect(outer.inputColumns == 3 + 1 + 4)
    }
}
