import AutopipeData
import AutopipeOperators
import AutopipeTestSupport
import Foundation
import Testing

/// Decomposition operators against scikit-learn 1.5.2 (fixtures: scripts/fixtures/fx_decomposition.py).
///
/// Deterministic (decomposition.json):
/// - PCA: every component equal up to sign, absolute tolerance 1e-8 x the largest output (1e-4 x for a
///   truncated randomized PCA, whose sketch only approximates the subspace).
/// - FeatureAgglomeration: same clusters in the same column order, 1e-12 relative.
/// - Nystroem with every training row in the basis: the Gram matrix of the transformed test rows (invariant to
///   the random basis order), tolerance max(1e-10, 1e-13 x cond(K_basis)) x its largest entry.
/// Stochastic (decomposition_stochastic.json):
/// - FastICA on a mixture of 4 non-Gaussian sources: each source equal up to order and sign, within 2% of the
///   output range (10% with tol=0.05, 3 of 4 components, or deflation, whose result varies by up to 8% across
///   scikit-learn's own seeds).
/// - Nystroem (random basis) and RBFSampler: the mean absolute error of the kernel approximation ZZᵀ against
///   the exact kernel, averaged over 20 seeds, within 3 standard errors + 15% of scikit-learn's average.
/// - [transformer -> GaussianNB] cross-validated accuracy (5 seeds averaged for the random ones) within 0.03 of
///   scikit-learn's on the same folds.
@Suite("Decomposition vs scikit-learn")
struct DecompositionFixtureTests {
    static let file = FixtureFile.load("decomposition")
    static let stochastic = StochasticFixtures.load()

    @Test("fixture files are present") func present() {
        #expect(!Self.file.cases.isEmpty, "\(Self.file.sklearnVersion)")
        #expect(!Self.stochastic.kernelCases.isEmpty && !Self.stochastic.cvCases.isEmpty,
                "decomposition_stochastic.json is missing or empty")
    }

    @Test(arguments: file.cases) func matchesScikitLearn(_ fixture: FixtureCase) throws {
        if fixture.compare == "gram" {
            try Self.checkGram(fixture)
            return
        }
        let problems = try FixtureChecks.check(fixture)
        #expect(problems.isEmpty, "\(problems.joined(separator: "; "))")
    }

    static func checkGram(_ fixture: FixtureCase) throws {
        let x = Matrix(try #require(fixture.x))
        let train = try #require(fixture.trainRows), test = try #require(fixture.testRows)
        let expected = try #require(fixture.expected["transform"]?.matrix)
        let op = try OperatorRegistry.standard.make(fixture.operator, fixture.parameters)
        for seed: UInt64 in [0, 1] {
            let fitted = try op.fit(x.selectingRows(train), .values([Double](repeating: 0, count: train.count)),
                                    context: FitContext(seed: seed))
            let z = try fitted.transform(x.selectingRows(test))
            let gram = BLAS.gemm(z, z, transposeB: true)
            let worst = zip(gram.values, expected.values).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= fixture.tolerance, "seed \(seed): Gram difference \(worst) > \(fixture.tolerance)")
        }
    }

    @Test(arguments: stochastic.ica.cases) func fastICARecoversTheSources(_ fixture: StochasticFixtures.ICACase) throws {
        let ica = Self.stochastic.ica
        let x = Matrix(ica.x)
        let fitted = try OperatorRegistry.standard.make("FastICA", fixture.parameters)
            .fit(x.selectingRows(ica.trainRows), .values([Double](repeating: 0, count: ica.trainRows.count)),
                 context: FitContext(seed: 3))
        let actual = try fitted.transform(x.selectingRows(ica.testRows))
        let expected = Matrix(fixture.transform)
        try #require(actual.columns == expected.columns && actual.rows == expected.rows)
        var used = Set<Int>()
        for j in 0..<expected.columns {
            let e = expected.column(j)
            // The autopipe source closest to scikit-learn's j-th (either sign).
            var best = (column: -1, difference: Double.infinity)
            for c in 0..<actual.columns where !used.contains(c) {
                let a = actual.column(c)
                let same = zip(a, e).map { abs($0 - $1) }.max() ?? 0
                let flipped = zip(a, e).map { abs($0 + $1) }.max() ?? 0
                if min(same, flipped) < best.difference { best = (c, min(same, flipped)) }
            }
            used.insert(best.column)
            #expect(best.difference <= fixture.tolerance,
                    "source \(j): closest autopipe source differs by \(best.difference) > \(fixture.tolerance)")
        }
    }

    @Test(arguments: stochastic.kernelCases) func kernelApproximationError(_ fixture: StochasticFixtures.KernelCase) throws {
        let x = Matrix(fixture.x)
        let exact = Matrix(fixture.exactKernel)
        let op = try OperatorRegistry.standard.make(fixture.operator, fixture.parameters)
        var errors: [Double] = []
        for seed in 0..<20 {
            let fitted = try op.fit(x.selectingRows(fixture.trainRows),
                                    .values([Double](repeating: 0, count: fixture.trainRows.count)),
                                    context: FitContext(seed: UInt64(seed)))
            let z = try fitted.transform(x.selectingRows(fixture.checkRows))
            let approximation = BLAS.gemm(z, z, transposeB: true)
            let error = zip(approximation.values, exact.values).map { abs($0 - $1) }.reduce(0, +)
                / Double(exact.values.count)
            errors.append(error)
        }
        let mean = errors.reduce(0, +) / Double(errors.count)
        let standardError = fixture.sklearnStdError / Double(errors.count).squareRoot()
        let allowed = 3 * standardError + 0.15 * fixture.sklearnMeanError
        #expect(abs(mean - fixture.sklearnMeanError) <= allowed,
                "mean error \(mean), scikit-learn \(fixture.sklearnMeanError) (allowed difference \(allowed))")
    }

    @Test(arguments: stochastic.cvCases) func downstreamAccuracy(_ fixture: StochasticFixtures.CVCase) throws {
        let dataset = try TestSupport.dataset(fixture.dataset)
        let plan = FoldPlan(rowCount: dataset.rowCount, testFolds: fixture.folds)
        let pipeline = PipelineNode.chain([Step(fixture.operator, fixture.parameters), Step("GaussianNB")])
        var means: [Double] = []
        for seed in 0..<fixture.sklearnSeedMeans.count {
            var scores: [Double] = []
            for k in 0..<plan.count {
                let train = plan.trainRows(k), test = plan.testFolds[k]
                let model = try FittedPipeline.fit(pipeline, dataset.features.selectingRows(train),
                                                   dataset.targets.selecting(train),
                                                   context: FitContext(seed: UInt64(100 * seed + k)))
                let predictions = try model.predictions(dataset.features.selectingRows(test))
                scores.append(Metric.accuracy.score(truth: dataset.targets.selecting(test), predictions: predictions))
            }
            means.append(scores.reduce(0, +) / Double(scores.count))
        }
        let mean = means.reduce(0, +) / Double(means.count)
        #expect(abs(mean - fixture.sklearnMean) <= fixture.tolerance,
                "autopipe \(mean) (per seed \(means)), scikit-learn \(fixture.sklearnMean)")
    }
}

/// decomposition_stochastic.json.
struct StochasticFixtures: Decodable {
    struct KernelCase: Decodable, Sendable, CustomStringConvertible {
        let name: String
        let `operator`: String
        let parameters: Parameters
        let x: [[Double]]
        let trainRows: [Int]
        let checkRows: [Int]
        let exactKernel: [[Double]]
        let sklearnMeanError: Double
        let sklearnStdError: Double

        enum CodingKeys: String, CodingKey {
            case name, `operator`, parameters, x, trainRows = "train_rows", checkRows = "check_rows"
            case exactKernel = "exact_kernel", sklearnMeanError = "sklearn_mean_error"
            case sklearnStdError = "sklearn_std_error"
        }

        var description: String { name }
    }

    struct CVCase: Decodable, Sendable, CustomStringConvertible {
        let name: String
        let `operator`: String
        let parameters: Parameters
        let dataset: String
        let folds: [[Int]]
        let sklearnMean: Double
        let sklearnSeedMeans: [Double]
        let tolerance: Double

        enum CodingKeys: String, CodingKey {
            case name, `operator`, parameters, dataset, folds, sklearnMean = "sklearn_mean"
            case sklearnSeedMeans = "sklearn_seed_means", tolerance
        }

        var description: String { name }
    }

    struct ICACase: Decodable, Sendable, CustomStringConvertible {
        let name: String
        let parameters: Parameters
        let transform: [[Double]]
        let tolerance: Double
        var description: String { name }
    }

    struct ICASection: Decodable, Sendable {
        let x: [[Double]]
        let trainRows: [Int]
        let testRows: [Int]
        let cases: [ICACase]

        enum CodingKeys: String, CodingKey { case x, trainRows = "train_rows", testRows = "test_rows", cases }
    }

    let kernelCases: [KernelCase]
    let cvCases: [CVCase]
    let ica: ICASection

    enum CodingKeys: String, CodingKey { case kernelCases = "kernel_cases", cvCases = "cv_cases", ica }

    static func load() -> StochasticFixtures {
        let url = TestSupport.repositoryRoot.appendingPathComponent(
            "Tests/AutopipeOperatorsTests/Fixtures/decomposition_stochastic.json")
        return (try? JSONDecoder().decode(StochasticFixtures.self, from: Data(contentsOf: url)))
            ?? StochasticFixtures(kernelCases: [], cvCases: [], ica: ICASection(x: [], trainRows: [], testRows: [], cases: []))
    }
}

/// Typed errors, determinism and deadlines of the decomposition family.
@Suite("Decomposition edge cases")
struct DecompositionEdgeCaseTests {
    static let registry = OperatorRegistry.standard

    static func random(_ rows: Int, _ columns: Int, seed: UInt64 = 1) -> Matrix {
        var rng = SeededGenerator(seed: seed)
        return Matrix(rows: rows, columns: columns, values: (0..<(rows * columns)).map { _ in rng.nextGaussian() })
    }

    static func fit(_ name: String, _ parameters: Parameters, _ x: Matrix, seed: UInt64 = 0) throws -> AnyFitted {
        try registry.make(name, parameters).fit(x, .values([Double](repeating: 0, count: x.rows)),
                                                context: FitContext(seed: seed))
    }

    @Test func pcaRejectsTooManyComponents() throws {
        #expect(throws: OperatorError.self) { _ = try Self.fit("PCA", ["n_components": 5], Self.random(10, 4)) }
        #expect(throws: OperatorError.self) {
            _ = try Self.fit("PCA", ["n_components": 4, "svd_solver": "arpack"], Self.random(10, 4))
        }
    }

    @Test func pcaComponentsAreOrthonormalAndDeterministic() throws {
        let x = Self.random(300, 12)
        for solver in ["full", "covariance_eigh", "randomized", "arpack"] {
            let a = try Self.fit("PCA", ["svd_solver": .string(solver), "n_components": 5], x, seed: 4)
            let b = try Self.fit("PCA", ["svd_solver": .string(solver), "n_components": 5], x, seed: 4)
            let za = try a.transform(x)
            #expect(za == (try b.transform(x)), "\(solver): same seed, same output")
            // Projections are uncorrelated with decreasing variance.
            let cov = BLAS.gemm(za, transposeA: true, za)
            for i in 0..<5 {
                for j in 0..<5 where i != j { #expect(abs(cov[i, j]) < 1e-8 * cov[0, 0], "\(solver) cov[\(i),\(j)]") }
                if i > 0 { #expect(cov[i, i] <= cov[i - 1, i - 1] * (1 + 1e-9)) }
            }
        }
    }

    @Test func featureAgglomerationRules() throws {
        #expect(throws: OperatorError.self) { _ = try Self.registry.make("FeatureAgglomeration", ["metric": "cosine"]) }
        #expect(throws: OperatorError.self) {
            _ = try Self.registry.make("FeatureAgglomeration", ["distance_threshold": 1.0])
        }
        _ = try Self.registry.make("FeatureAgglomeration", ["distance_threshold": 1.0, "n_clusters": nil])
        #expect(throws: OperatorError.self) {
            _ = try Self.fit("FeatureAgglomeration", ["n_clusters": 5], Self.random(10, 4))
        }
        var x = Self.random(10, 4)
        for r in 0..<10 { x[r, 2] = 0 }
        #expect(throws: OperatorError.self) {
            _ = try Self.fit("FeatureAgglomeration", ["metric": "cosine", "linkage": "average"], x)
        }
    }

    @Test func featureAgglomerationAveragesClusters() throws {
        // Columns 0 and 1 are nearly equal, column 2 is far away: two clusters {0, 1} and {2}.
        let x = Matrix([[1, 1.1, 50], [2, 2.1, 60], [3, 2.9, 70]])
        let out = try Self.fit("FeatureAgglomeration", [:], x).transform(x)
        #expect(out.columns == 2)
        let means = (0..<3).map { (x[$0, 0] + x[$0, 1]) / 2 }
        let column = (0..<2).first { abs(out[0, $0] - means[0]) < 1e-12 }
        let c = try #require(column)
        for r in 0..<3 {
            #expect(abs(out[r, c] - means[r]) < 1e-12)
            #expect(out[r, 1 - c] == x[r, 2])
        }
    }

    @Test func chi2KernelsRejectNegativeInput() throws {
        let x = Self.random(20, 3)
        for kernel in ["chi2", "additive_chi2"] {
            #expect(throws: OperatorError.self) { _ = try Self.fit("Nystroem", ["kernel": .string(kernel)], x) }
        }
    }

    @Test func nystroemCapsComponentsAtTheRowCount() throws {
        let x = Self.random(30, 3)
        let out = try Self.fit("Nystroem", ["n_components": 100], x).transform(x)
        #expect(out.columns == 30)
        // With the full basis the map reproduces the kernel on the training rows.
        let gram = BLAS.gemm(out, out, transposeB: true)
        for i in 0..<30 { #expect(abs(gram[i, i] - 1) < 1e-6) }
    }

    @Test func randomMapsDependOnTheSeedOnly() throws {
        let x = Self.random(50, 4)
        for name in ["RBFSampler", "Nystroem", "FastICA", "PCA"] {
            let parameters: Parameters = name == "Nystroem" ? ["n_components": 10]
                : name == "PCA" ? ["svd_solver": "randomized", "n_components": 2] : [:]
            let a = try Self.fit(name, parameters, x, seed: 1).transform(x)
            let b = try Self.fit(name, parameters, x, seed: 1).transform(x)
            #expect(a == b, "\(name): same seed, same output")
            if name == "RBFSampler" || name == "Nystroem" {
                let c = try Self.fit(name, parameters, x, seed: 2).transform(x)
                #expect(a != c, "\(name): another seed, another map")
            }
        }
    }

    @Test func fastICANeedsTwoSamples() {
        #expect(throws: OperatorError.self) { _ = try Self.fit("FastICA", [:], Self.random(1, 3)) }
    }

    /// A deadline stops a large fit: FastICA with tol 0 runs all of max_iter (~25 s on 5000 x 40) and checks
    /// the deadline every iteration.
    @Test func deadlineStopsALargeFit() throws {
        let x = Self.random(5_000, 40)
        let op = try Self.registry.make("FastICA", ["tol": 0.0, "max_iter": 5000])
        let start = ContinuousClock.now
        #expect(throws: OperatorError.timedOut(seconds: 0.2)) {
            _ = try op.fit(x, .values([Double](repeating: 0, count: x.rows)),
                           context: FitContext(seed: 0, cancellation: CancellationToken(timeLimit: 0.2)))
        }
        #expect(ContinuousClock.now - start < .milliseconds(500))
    }
}
