import AutopipeData

/// Linear support vector classification as scikit-learn 1.5's `LinearSVC` (liblinear): one-vs-rest (a single
/// problem for two classes), the bias feature `intercept_scaling` regularised like the weights, `decision_function`
/// scores.
///
/// Solvers as liblinear: L2 penalty + squared hinge in the primal is a port of liblinear's trust-region Newton
/// method; `dual=True` runs liblinear's dual coordinate descent (hinge or squared hinge) with shrinking, shuffled
/// by the fit's seed. L1 penalty + squared hinge (primal) runs a port of liblinear's primal coordinate descent
/// with line search. Deliberate differences:
/// `dual` is a plain boolean defaulting to False (scikit-learn's default "auto" picks False whenever there are more
/// rows than columns; autopipe's parameter table cannot hold a bool-or-string domain); `multi_class` only offers
/// 'ovr' (Crammer-Singer is not implemented); no `class_weight`.
public struct LinearSVC: Classifier {
    public static let name = "LinearSVC"
    public static let role = OperatorRole.classifier
    public static let summary = "Linear support vector classifier (liblinear's formulations), one-vs-rest."
    public static let space = ParameterSpace([
        .choice("penalty", ["l1", "l2"], default: "l2"),
        .choice("loss", ["hinge", "squared_hinge"], default: "squared_hinge"),
        .boolean("dual", default: false, grid: [true, false]),
        .real("tol", above: 0, default: 1e-4, grid: [1e-5, 1e-4, 1e-3, 1e-2, 1e-1]),
        .real("C", above: 0, default: 1.0, grid: [1e-4, 1e-3, 1e-2, 1e-1, 0.5, 1, 5, 10, 15, 20, 25]),
        .choice("multi_class", ["ovr"], default: "ovr", grid: []),
        .boolean("fit_intercept", default: true, grid: []),
        .real("intercept_scaling", above: 0, default: 1.0),
        .integer("max_iter", 0..., default: 1000),
    ], rule: LinearSVC.rule)

    /// liblinear's supported combinations (scikit-learn's `_get_liblinear_solver_type`).
    static func rule(_ p: Parameters) -> String? {
        let penalty = p.string("penalty"), loss = p.string("loss"), dual = p.bool("dual")
        if penalty == "l1" && loss == "hinge" {
            return "Unsupported set of arguments: The combination of penalty='l1' and loss='hinge' is not supported"
        }
        if penalty == "l1" && loss == "squared_hinge" && dual {
            return "Unsupported set of arguments: The combination of penalty='l1' and loss='squared_hinge' are not supported when dual=True"
        }
        if penalty == "l2" && loss == "hinge" && !dual {
            return "Unsupported set of arguments: The combination of penalty='l2' and loss='hinge' are not supported when dual=False"
        }
        return nil
    }

    public let parameters: Parameters
    let penalty: String
    let loss: String
    let dual: Bool
    let tol: Double
    let c: Double
    let fitIntercept: Bool
    let interceptScaling: Double
    let maxIter: Int

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        penalty = parameters.string("penalty")
        loss = parameters.string("loss")
        dual = parameters.bool("dual")
        tol = parameters.double("tol")
        c = parameters.double("C")
        fitIntercept = parameters.bool("fit_intercept")
        interceptScaling = parameters.double("intercept_scaling")
        maxIter = parameters.int("max_iter")
    }

    public typealias Fitted = FittedLinearClassifier

    public func fit(_ x: Matrix, _ y: [Int], classCount: Int, context: FitContext) throws -> Fitted {
        let classes = try PresentClasses(y, classCount: classCount, operator: Self.name)
        let k = classes.present.count
        let positives = k == 2 ? [1] : Array(0..<k)
        let problem = LiblinearProblem(x, bias: fitIntercept ? interceptScaling : nil)
        var generator = context.generator()
        let columns = penalty == "l1" ? SparseColumns(problem) : nil
        // The explicit-Hessian Newton path starts every one-vs-rest problem from C X^T X: compute X^T X once.
        var gram: [Double]? = nil
        if penalty == "l2" && !dual && problem.width <= Tron.newtonWidthLimit && positives.count > 1 {
            gram = problem.x.withUnsafeBufferPointer { LinearBLAS.gram($0.baseAddress!, rows: problem.rows, columns: problem.width) }
        }
        var coef: [Double] = [], intercept: [Double] = []
        for positive in positives {
            let signs = classes.signs(positive: positive)
            let pos = signs.filter { $0 > 0 }.count
            let primalTol = tol * Double(max(min(pos, x.rows - pos), 1)) / Double(x.rows)
            let w: [Double]
            if penalty == "l1" {
                w = try LiblinearL1.squaredHingeSVC(columns ?? SparseColumns(problem), y: signs, c: c, eps: primalTol,
                                                    maxIter: maxIter, generator: &generator, context: context)
            } else if dual {
                w = try LiblinearDual.svc(problem, y: signs, c: c, squaredLoss: loss == "squared_hinge", eps: tol,
                                          maxIter: maxIter, generator: &generator, context: context)
            } else {
                let tron = Tron(problem: problem, y: signs, c: c, loss: .squaredHinge)
                tron.sharedGram = gram
                w = try tron.minimize(eps: primalTol, maxIter: maxIter, context: context)
            }
            let parts = problem.split(w)
            coef += parts.coef
            intercept.append(parts.intercept)
        }
        try checkFinite(coef + intercept, operator: Self.name)
        return Fitted(state: LinearClassifierState(inputColumns: x.columns, classCount: classCount,
                                                   presentClasses: classes.present, coef: coef,
                                                   intercept: intercept, kind: .decision))
    }
}
