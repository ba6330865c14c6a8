import AutopipeData

/// Logistic regression as scikit-learn 1.5's `LogisticRegression`.
///
/// What matches: the objectives. `lbfgs`, `newton-cg`, `sag` and `saga` minimise the mean log-loss plus
/// `1/(2 C n) ||coef||^2` with an unpenalised intercept, multinomial for more than two classes and a single
/// logistic function for two; `newton-cholesky` is one-vs-rest with the same per-class objective; `liblinear`
/// is one-vs-rest with liblinear's objective `0.5 ||w||^2 + C sum log-loss` (or `||w||_1 + C sum log-loss`)
/// where the bias feature `intercept_scaling` is regularised too. Probabilities: softmax (multinomial) or
/// normalised sigmoids (one-vs-rest), as scikit-learn.
///
/// How (deliberate differences in the path, not in the optimum): smooth problems use L-BFGS with scipy's stopping
/// rules (`tol` on the largest gradient component, `max_iter` iterations); liblinear's L2 problem uses a port of
/// liblinear's trust-region Newton method with its tolerance rule (also for `dual=True`, whose optimum is the same);
/// liblinear's L1 problem runs a port of liblinear's newGLMNET; saga's L1 and elastic-net problems use OWL-QN
/// (orthant-wise L-BFGS; `tol` on the largest pseudo-gradient component) instead of SAGA. Not supported: `class_weight`, `warm_start` and the deprecated `multi_class`.
public struct LogisticRegression: Classifier {
    public static let name = "LogisticRegression"
    public static let role = OperatorRole.classifier
    public static let summary = "Logistic regression (L2, L1 or elastic-net penalty; lbfgs, liblinear or saga objectives)."
    static let solvers = ["lbfgs", "liblinear", "newton-cg", "newton-cholesky", "sag", "saga"]
    public static let space = ParameterSpace([
        .choice("penalty", ["l1", "l2", "elasticnet"], default: "l2", grid: ["l1", "l2"], allowsNone: true),
        .boolean("dual", default: false, grid: [false]),
        .real("tol", atLeast: 0, default: 1e-4),
        .real("C", above: 0, default: 1.0, grid: [1e-4, 1e-3, 1e-2, 1e-1, 0.5, 1, 5, 10, 15, 20, 25]),
        .boolean("fit_intercept", default: true, grid: []),
        .real("intercept_scaling", above: 0, default: 1.0),
        // TPOT's grid has no solver; its L1 penalty ran on liblinear (scikit-learn's old default), so the grid
        // offers liblinear beside lbfgs and the rule below keeps L1 on liblinear.
        .choice("solver", solvers, default: "lbfgs", grid: ["lbfgs", "liblinear"]),
        .integer("max_iter", 0..., default: 100),
        .real("l1_ratio", 0...1, default: nil),
    ], rule: LogisticRegression.rule)

    /// scikit-learn's `_check_solver` and liblinear's supported combinations.
    static func rule(_ p: Parameters) -> String? {
        let solver = p.string("solver")
        let penalty = p.optionalString("penalty")
        let dual = p.bool("dual")
        if !["liblinear", "saga"].contains(solver), let penalty, penalty != "l2" {
            return "Solver \(solver) supports only 'l2' or None penalties, got \(penalty) penalty."
        }
        if solver != "liblinear" && dual { return "Solver \(solver) supports only dual=False, got dual=True" }
        if penalty == "elasticnet" && solver != "saga" {
            return "Only 'saga' solver supports elasticnet penalty, got solver=\(solver)."
        }
        if solver == "liblinear" && penalty == nil { return "penalty=None is not supported for the liblinear solver" }
        if penalty == "elasticnet" && p.optionalDouble("l1_ratio") == nil {
            return "l1_ratio must be specified when penalty is elasticnet."
        }
        if solver == "liblinear" && penalty == "l1" && dual {
            return "The combination of penalty='l1' and loss='logistic_regression' are not supported when dual=True"
        }
        return nil
    }

    public let parameters: Parameters
    let penalty: String?
    let dual: Bool
    let tol: Double
    let c: Double
    let fitIntercept: Bool
    let interceptScaling: Double
    let solver: String
    let maxIter: Int
    let l1Ratio: Double
    /// Internal switch for tests: the highest instruction set of the fused multinomial pass (`FusedMultinomial`:
    /// 2 AVX-512, 1 AVX2); 0 evaluates the objective with two dgemm calls.
    var fusedLevel: Int32 = 2

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        penalty = parameters.optionalString("penalty")
        dual = parameters.bool("dual")
        tol = parameters.double("tol")
        c = parameters.double("C")
        fitIntercept = parameters.bool("fit_intercept")
        interceptScaling = parameters.double("intercept_scaling")
        solver = parameters.string("solver")
        maxIter = parameters.int("max_iter")
        l1Ratio = parameters.optionalDouble("l1_ratio") ?? 0
    }

    public typealias Fitted = FittedLinearClassifier

    public func fit(_ x: Matrix, _ y: [Int], classCount: Int, context: FitContext) throws -> Fitted {
        let classes = try PresentClasses(y, classCount: classCount, operator: Self.name)
        let k = classes.present.count
        let coef: [Double], intercept: [Double], kind: LinearScoreKind
        switch solver {
        case "liblinear":
            (coef, intercept) = try fitLiblinear(x, classes, context: context)
            kind = .sigmoid
        case "newton-cholesky" where k > 2:
            (coef, intercept) = try fitOneVsRest(x, classes, context: context)
            kind = .sigmoid
        default:
            (coef, intercept) = try fitShared(x, classes, context: context)
            kind = k > 2 ? .softmax : .sigmoid
        }
        try checkFinite(coef + intercept, operator: Self.name)
        return Fitted(state: LinearClassifierState(inputColumns: x.columns, classCount: classCount,
                                                   presentClasses: classes.present, coef: coef,
                                                   intercept: intercept, kind: kind))
    }

    /// The scikit-learn objective: mean log-loss + penalties scaled by 1 / (C n), intercept unpenalised.
    private func penaltyStrengths(rows n: Int) -> (l2: Double, l1: Double) {
        guard let penalty else { return (0, 0) }
        let strength = 1 / (c * Double(n))
        switch penalty {
        case "l1": return (0, strength)
        case "elasticnet": return ((1 - l1Ratio) * strength, l1Ratio * strength)
        default: return (strength, 0)
        }
    }

    /// Multinomial (more than two classes) or binary logistic regression on the shared objective.
    private func fitShared(_ x: Matrix, _ classes: PresentClasses, context: FitContext) throws -> ([Double], [Double]) {
        let k = classes.present.count
        let (l2, l1) = penaltyStrengths(rows: x.rows)
        let objective: LinearObjective
        if k > 2 {
            objective = LinearObjective(x: x, loss: .multinomial, functions: k, labels: classes.encoded,
                                        fitIntercept: fitIntercept, lossScale: 1 / Double(x.rows), l2: l2,
                                        fusedLevel: fusedLevel)
        } else {
            objective = LinearObjective(x: x, loss: .logistic, functions: 1, signs: classes.signs(positive: 1),
                                        fitIntercept: fitIntercept, lossScale: 1 / Double(x.rows), l2: l2)
        }
        let w = try solve(objective, l1: l1, context: context)
        let parts = objective.split(w)
        return (parts.coef, parts.intercept)
    }

    /// One binary problem per class with the shared objective (newton-cholesky's multiclass strategy).
    private func fitOneVsRest(_ x: Matrix, _ classes: PresentClasses, context: FitContext) throws -> ([Double], [Double]) {
        let (l2, l1) = penaltyStrengths(rows: x.rows)
        var coef: [Double] = [], intercept: [Double] = []
        for j in 0..<classes.present.count {
            let objective = LinearObjective(x: x, loss: .logistic, functions: 1, signs: classes.signs(positive: j),
                                            fitIntercept: fitIntercept, lossScale: 1 / Double(x.rows), l2: l2)
            let parts = objective.split(try solve(objective, l1: l1, context: context))
            coef += parts.coef
            intercept += parts.intercept
        }
        return (coef, intercept)
    }

    private func solve(_ objective: LinearObjective, l1: Double, context: FitContext) throws -> [Double] {
        let start = [Double](repeating: 0, count: objective.parameterCount)
        var weights: [Double]? = nil
        if l1 > 0 {
            var w = [Double](repeating: l1, count: objective.parameterCount)
            if objective.fitIntercept {
                for j in 0..<objective.functions { w[j * objective.stride + objective.columns] = 0 }
            }
            weights = w
        }
        return try LBFGS(maxIter: maxIter, gtol: tol).minimize(start, l1: weights, context: context) {
            objective.evaluate($0, $1)
        }
    }

    /// liblinear: one-vs-rest (one problem for two classes), bias feature regularised.
    private func fitLiblinear(_ x: Matrix, _ classes: PresentClasses, context: FitContext) throws -> ([Double], [Double]) {
        let k = classes.present.count
        let positives = k == 2 ? [1] : Array(0..<k)
        let problem = LiblinearProblem(x, bias: fitIntercept ? interceptScaling : nil)
        let columns = penalty == "l1" ? SparseColumns(problem) : nil
        var generator = context.generator()
        var coef: [Double] = [], intercept: [Double] = []
        for positive in positives {
            let signs = classes.signs(positive: positive)
            let pos = signs.filter { $0 > 0 }.count
            let eps = tol * Double(max(min(pos, x.rows - pos), 1)) / Double(x.rows)
            let w: [Double]
            if let columns {
                w = try LiblinearL1.logistic(columns, y: signs, c: c, eps: eps, maxNewtonIter: maxIter,
                                             generator: &generator, context: context)
            } else {
                let tron = Tron(problem: problem, y: signs, c: c, loss: .logistic)
                w = try tron.minimize(eps: eps, maxIter: maxIter, context: context)
            }
            let parts = problem.split(w)
            coef += parts.coef
            intercept.append(parts.intercept)
        }
        return (coef, intercept)
    }
}
