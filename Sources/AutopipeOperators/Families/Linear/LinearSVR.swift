import AutopipeData

/// Linear support vector regression as scikit-learn 1.5's `LinearSVR` (liblinear, bias feature regularised).
/// `dual=True` runs liblinear's dual coordinate descent (shuffled by the fit's seed); squared epsilon-insensitive
/// loss with `dual=False` runs the port of liblinear's trust-region Newton method. Deliberate difference: `dual` is
/// a plain boolean defaulting to True (what scikit-learn's default "auto" picks for the default
/// epsilon-insensitive loss).
public struct LinearSVR: Regressor {
    public static let name = "LinearSVR"
    public static let role = OperatorRole.regressor
    public static let summary = "Linear support vector regressor (liblinear's formulations)."
    public static let space = ParameterSpace([
        .real("epsilon", atLeast: 0, default: 0.0, grid: [1e-4, 1e-3, 1e-2, 1e-1, 1]),
        .real("tol", above: 0, default: 1e-4, grid: [1e-5, 1e-4, 1e-3, 1e-2, 1e-1]),
        .real("C", above: 0, default: 1.0, grid: [1e-4, 1e-3, 1e-2, 1e-1, 0.5, 1, 5, 10, 15, 20, 25]),
        .choice("loss", ["epsilon_insensitive", "squared_epsilon_insensitive"], default: "epsilon_insensitive"),
        .boolean("fit_intercept", default: true, grid: []),
        .real("intercept_scaling", above: 0, default: 1.0),
        .boolean("dual", default: true, grid: [true, false]),
        .integer("max_iter", 0..., default: 1000),
    ], rule: LinearSVR.rule)

    static func rule(_ p: Parameters) -> String? {
        if p.string("loss") == "epsilon_insensitive" && !p.bool("dual") {
            return "Unsupported set of arguments: The combination of penalty='l2' and loss='epsilon_insensitive' are not supported when dual=False"
        }
        return nil
    }

    public let parameters: Parameters
    let epsilon: Double
    let tol: Double
    let c: Double
    let squaredLoss: Bool
    let fitIntercept: Bool
    let interceptScaling: Double
    let dual: Bool
    let maxIter: Int

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        epsilon = parameters.double("epsilon")
        tol = parameters.double("tol")
        c = parameters.double("C")
        squaredLoss = parameters.string("loss") == "squared_epsilon_insensitive"
        fitIntercept = parameters.bool("fit_intercept")
        interceptScaling = parameters.double("intercept_scaling")
        dual = parameters.bool("dual")
        maxIter = parameters.int("max_iter")
    }

    public typealias Fitted = FittedLinearRegressor

    public func fit(_ x: Matrix, _ y: [Double], context: FitContext) throws -> Fitted {
        let problem = LiblinearProblem(x, bias: fitIntercept ? interceptScaling : nil)
        let w: [Double]
        if dual {
            var generator = context.generator()
            w = try LiblinearDual.svr(problem, y: y, c: c, epsilon: epsilon, squaredLoss: squaredLoss, eps: tol,
                                      maxIter: maxIter, generator: &generator, context: context)
        } else {
            let tron = Tron(problem: problem, y: y, c: c, loss: .squaredEpsilonInsensitive(epsilon: epsilon))
            w = try tron.minimize(eps: tol, maxIter: maxIter, context: context)
        }
        let parts = problem.split(w)
        try checkFinite(parts.coef + [parts.intercept], operator: Self.name)
        return Fitted(inputColumns: x.columns, coef: parts.coef, intercept: parts.intercept)
    }
}
