import AutopipeData
import AutopipeOperators
import Testing

/// BernoulliNB / MultinomialNB edge cases (their scikit-learn fixtures are in naive_bayes.json).
@Suite("Discrete naive Bayes")
struct NaiveBayesDiscreteTests {
    @Test("MultinomialNB rejects negative input with a typed error, as scikit-learn raises")
    func negativeInput() throws {
        let x = Matrix([[1, 2], [0, -1], [3, 1]])
        #expect(throws: OperatorError.invalidInput(operator: "MultinomialNB",
                                                   reason: "Negative values in data passed to MultinomialNB (input X)")) {
            _ = try MultinomialNB().fit(x, [0, 1, 0], classCount: 2, context: FitContext())
        }
    }

    @Test("alpha = 0 with a zero count is a typed numerical error, not NaN scores")
    func zeroAlpha() throws {
        let x = Matrix([[1, 0], [0, 1], [1, 0]])
        #expect(throws: OperatorError.self) {
            _ = try MultinomialNB(["alpha": 0.0]).fit(x, [0, 1, 0], classCount: 2, context: FitContext())
        }
        #expect(throws: OperatorError.self) {
            _ = try BernoulliNB(["alpha": 0.0]).fit(x, [0, 1, 0], classCount: 2, context: FitContext())
        }
        // force_alpha = False raises alpha to 1e-10, as scikit-learn does: finite scores.
        let fitted = try MultinomialNB(["alpha": 0.0, "force_alpha": false]).fit(x, [0, 1, 0], classCount: 2, context: FitContext())
        #expect(try fitted.scores(x).allFinite)
    }

    @Test("a class absent from training gets probability 0; a single class gets probability 1")
    func absentAndSingleClass() throws {
        let x = Matrix([[1, 0], [0, 3], [2, 1], [0, 1]])
        let fitted = try BernoulliNB().fit(x, [0, 2, 0, 2], classCount: 3, context: FitContext())
        let p = try fitted.scores(x)
        for r in 0..<x.rows { #expect(p[r, 1] == 0) }
        let single = try MultinomialNB().fit(x, [1, 1, 1, 1], classCount: 3, context: FitContext())
        #expect(try single.scores(x).column(1) == [1, 1, 1, 1])
        #expect(try single.predict(x) == [1, 1, 1, 1])
    }
}
