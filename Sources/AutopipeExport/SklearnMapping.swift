import AutopipeData
import AutopipeOperators

/// A Python expression that builds one estimator, with the imports it needs.
public struct PythonCall: Sendable, Equatable {
    public var callee: String
    public var arguments: [(name: String, code: String)]
    public var imports: [PythonImport]

    public static func == (a: PythonCall, b: PythonCall) -> Bool {
        a.callee == b.callee && a.imports == b.imports
            && a.arguments.map(\.name) == b.arguments.map(\.name) && a.arguments.map(\.code) == b.arguments.map(\.code)
    }

    /// `Callee(a=1, b='x')` on one line.
    public var code: String {
        callee + "(" + arguments.map { "\($0.name)=\($0.code)" }.joined(separator: ", ") + ")"
    }
}

/// `from module import name`.
public struct PythonImport: Sendable, Hashable, Comparable {
    public let module: String
    public let name: String

    public init(_ module: String, _ name: String) {
        self.module = module
        self.name = name
    }

    public static func < (a: PythonImport, b: PythonImport) -> Bool { (a.module, a.name) < (b.module, b.name) }
}

/// How one autopipe operator is written in an exported scikit-learn script: the class (scikit-learn's, or a small
/// class written out in the script for TPOT's builtins), and how autopipe's parameters become its arguments.
///
/// autopipe's names are scikit-learn's, so most operators pass every parameter through unchanged; the
/// exceptions are the deliberate differences the operators document, each translated here so the same
/// parameters give the same model:
/// - `PCA`: `iterated_power` None stands for scikit-learn's 'auto'.
/// - `RFE`, `SelectFromModel`: the `estimator__*` parameters build the inner ExtraTreesClassifier (class targets)
///   or ExtraTreesRegressor (real targets; it has no gini/entropy criterion), which takes the `random_state`.
///   `RFE`'s `step` of 1 or more is an int count in scikit-learn (it rejects the float 1.0).
/// - `SelectPercentile`, `SelectFwe`: the score function autopipe picks from the task (`f_classif` or
///   `f_regression`).
/// - `MLPClassifier`: `hidden_layer_sizes` is one int in autopipe, a tuple in scikit-learn.
/// - `KNeighbors*`: `algorithm='brute'`, autopipe's search (see `bruteForce`).
/// - `ZeroCount`, `OneHotEncoder`: TPOT builtins (scikit-learn's OneHotEncoder is a different operator), written
///   out in the script with autopipe's semantics.
/// - Real-valued parameters are always written as floats (`max_features=1.0` is a fraction; the int 1 would be
///   one feature), whatever JSON made of them.
public struct SklearnMapping: Sendable {
    /// Where the class comes from.
    public enum Origin: Sendable, Equatable {
        case sklearn(module: String)
        /// A class defined in the exported script (see `PythonSupport`).
        case script(ScriptClass)
    }

    /// What an operator's rendering gets besides its parameters.
    public struct Context: Sendable {
        public var task: Task
        /// The step's `random_state` (used only by mappings that take one).
        public var randomState: Int?

        public init(task: Task, randomState: Int?) {
            self.task = task
            self.randomState = randomState
        }
    }

    public typealias Arguments = [(name: String, value: ParamValue)]

    public let operatorName: String
    public let origin: Origin
    /// The class called in the script.
    public let className: String
    /// Whether the estimator (or its inner estimator) takes `random_state`.
    public let takesRandomState: Bool
    let render: @Sendable (Arguments, Context) -> PythonCall

    /// The call that builds the estimator, from the step's parameters (completed and validated, in the order of
    /// the operator's parameter table).
    public func call(_ arguments: Arguments, context: Context) -> PythonCall {
        render(arguments, context)
    }

    /// Every parameter passed through under its own name, plus `random_state` when the class takes one.
    static func direct(_ name: String, module: String, randomState: Bool = false,
                       adjust: (@Sendable (inout [(name: String, code: String)], Arguments, Context) -> Void)? = nil)
        -> SklearnMapping
    {
        SklearnMapping(operatorName: name, origin: .sklearn(module: module), className: name,
                       takesRandomState: randomState) { arguments, context in
            var rendered = arguments.map { (name: $0.name, code: $0.value.pythonLiteral) }
            adjust?(&rendered, arguments, context)
            if randomState, let seed = context.randomState { rendered.append((name: "random_state", code: "\(seed)")) }
            return PythonCall(callee: name, arguments: rendered, imports: [PythonImport(module, name)])
        }
    }

    /// The mapping of every operator autopipe knows (and of the tree family's, ahead of its registration).
    public static let table: [String: SklearnMapping] = {
        var table: [String: SklearnMapping] = [:]
        for mapping in all { table[mapping.operatorName] = mapping }
        return table
    }()

    public static func mapping(for name: String) -> SklearnMapping? { table[name] }

    static let all: [SklearnMapping] = preprocessing + decomposition + selection + learners + trees

    static let preprocessing: [SklearnMapping] = [
        .direct("StandardScaler", module: "sklearn.preprocessing"),
        .direct("SimpleImputer", module: "sklearn.impute"),
        .direct("MinMaxScaler", module: "sklearn.preprocessing"),
        .direct("MaxAbsScaler", module: "sklearn.preprocessing"),
        .direct("RobustScaler", module: "sklearn.preprocessing"),
        .direct("Normalizer", module: "sklearn.preprocessing"),
        .direct("Binarizer", module: "sklearn.preprocessing"),
        .direct("PolynomialFeatures", module: "sklearn.preprocessing"),
        SklearnMapping(operatorName: "ZeroCount", origin: .script(.zeroCount), className: "ZeroCount",
                       takesRandomState: false) { arguments, _ in
            PythonCall(callee: "ZeroCount", arguments: arguments.map { ($0.name, $0.value.pythonLiteral) }, imports: [])
        },
        SklearnMapping(operatorName: "OneHotEncoder", origin: .script(.tpotOneHotEncoder),
                       className: "TPOTOneHotEncoder", takesRandomState: false) { arguments, _ in
            PythonCall(callee: "TPOTOneHotEncoder", arguments: arguments.map { ($0.name, $0.value.pythonLiteral) },
                       imports: [])
        },
    ]

    static let decomposition: [SklearnMapping] = [
        .direct("PCA", module: "sklearn.decomposition", randomState: true) { rendered, _, _ in
            for i in rendered.indices where rendered[i].name == "iterated_power" && rendered[i].code == "None" {
                rendered[i].code = "'auto'"
            }
        },
        .direct("FastICA", module: "sklearn.decomposition", randomState: true),
        .direct("FeatureAgglomeration", module: "sklearn.cluster"),
        .direct("Nystroem", module: "sklearn.kernel_approximation", randomState: true),
        .direct("RBFSampler", module: "sklearn.kernel_approximation", randomState: true),
    ]

    static let selection: [SklearnMapping] = [
        .direct("VarianceThreshold", module: "sklearn.feature_selection"),
        scored("SelectPercentile"),
        scored("SelectFwe"),
        withInnerTrees("RFE") { name, value in
            // scikit-learn takes a step of 1 or more as an int count (autopipe truncates such reals too).
            if name == "step", let step = value.doubleValue, step >= 1 { return "\(Int(step))" }
            return nil
        },
        withInnerTrees("SelectFromModel") { _, _ in nil },
    ]

    /// SelectPercentile / SelectFwe with the score function of the task.
    static func scored(_ name: String) -> SklearnMapping {
        SklearnMapping(operatorName: name, origin: .sklearn(module: "sklearn.feature_selection"), className: name,
                       takesRandomState: false) { arguments, context in
            let function = context.task == .classification ? "f_classif" : "f_regression"
            return PythonCall(callee: name,
                              arguments: [("score_func", function)] + arguments.map { ($0.name, $0.value.pythonLiteral) },
                              imports: [PythonImport("sklearn.feature_selection", name),
                                        PythonImport("sklearn.feature_selection", function)])
        }
    }

    /// RFE / SelectFromModel: the `estimator__*` parameters go to the inner ExtraTrees model.
    static func withInnerTrees(_ name: String, value special: @escaping @Sendable (String, ParamValue) -> String?)
        -> SklearnMapping
    {
        SklearnMapping(operatorName: name, origin: .sklearn(module: "sklearn.feature_selection"), className: name,
                       takesRandomState: true) { arguments, context in
            let inner = context.task == .classification ? "ExtraTreesClassifier" : "ExtraTreesRegressor"
            var innerArguments: [(name: String, code: String)] = []
            var outer: [(name: String, code: String)] = []
            for (parameter, value) in arguments {
                if parameter.hasPrefix("estimator__") {
                    let innerName = String(parameter.dropFirst("estimator__".count))
                    // The regressor has no class criterion (autopipe's uses squared_error).
                    if innerName == "criterion" && context.task == .regression { continue }
                    innerArguments.append((innerName, value.pythonLiteral))
                } else {
                    outer.append((parameter, special(parameter, value) ?? value.pythonLiteral))
                }
            }
            if let seed = context.randomState { innerArguments.append(("random_state", "\(seed)")) }
            let estimator = PythonCall(callee: inner, arguments: innerArguments, imports: [])
            return PythonCall(callee: name, arguments: [("estimator", estimator.code)] + outer,
                              imports: [PythonImport("sklearn.feature_selection", name),
                                        PythonImport("sklearn.ensemble", inner)])
        }
    }

    /// autopipe's neighbour search is scikit-learn's brute force (its distances, and ties at the k-th distance kept
    /// for the lower training index); 'auto' would pick a KD-tree for few features, which breaks exact distance
    /// ties in tree order.
    static let bruteForce: @Sendable (inout [(name: String, code: String)], Arguments, Context) -> Void = { rendered, _, _ in
        rendered.append((name: "algorithm", code: "'brute'"))
    }

    static let learners: [SklearnMapping] = [
        .direct("GaussianNB", module: "sklearn.naive_bayes"),
        .direct("BernoulliNB", module: "sklearn.naive_bayes"),
        .direct("MultinomialNB", module: "sklearn.naive_bayes"),
        .direct("KNeighborsClassifier", module: "sklearn.neighbors", adjust: bruteForce),
        .direct("KNeighborsRegressor", module: "sklearn.neighbors", adjust: bruteForce),
        .direct("HistGradientBoostingClassifier", module: "sklearn.ensemble", randomState: true),
        .direct("HistGradientBoostingRegressor", module: "sklearn.ensemble", randomState: true),
        .direct("LogisticRegression", module: "sklearn.linear_model", randomState: true),
        .direct("LinearSVC", module: "sklearn.svm", randomState: true),
        .direct("LinearSVR", module: "sklearn.svm", randomState: true),
        .direct("SGDClassifier", module: "sklearn.linear_model", randomState: true),
        .direct("SGDRegressor", module: "sklearn.linear_model", randomState: true),
        .direct("RidgeCV", module: "sklearn.linear_model"),
        .direct("ElasticNetCV", module: "sklearn.linear_model", randomState: true),
        .direct("LassoLarsCV", module: "sklearn.linear_model"),
        .direct("MLPClassifier", module: "sklearn.neural_network", randomState: true) { rendered, arguments, _ in
            for i in rendered.indices where rendered[i].name == "hidden_layer_sizes" {
                rendered[i].code = "(\(rendered[i].code),)"
            }
        },
    ]

    /// The tree family (DecisionTree*, RandomForest*, ExtraTrees*, GradientBoosting*, AdaBoostRegressor): names and
    /// parameters are scikit-learn's.
    static let trees: [SklearnMapping] = [
        .direct("DecisionTreeClassifier", module: "sklearn.tree", randomState: true),
        .direct("DecisionTreeRegressor", module: "sklearn.tree", randomState: true),
        .direct("RandomForestClassifier", module: "sklearn.ensemble", randomState: true),
        .direct("RandomForestRegressor", module: "sklearn.ensemble", randomState: true),
        .direct("ExtraTreesClassifier", module: "sklearn.ensemble", randomState: true),
        .direct("ExtraTreesRegressor", module: "sklearn.ensemble", randomState: true),
        .direct("GradientBoostingClassifier", module: "sklearn.ensemble", randomState: true),
        .direct("GradientBoostingRegressor", module: "sklearn.ensemble", randomState: true),
        .direct("AdaBoostRegressor", module: "sklearn.ensemble", randomState: true),
    ]
}

/// Classes written out in the exported script (TPOT builtins and autopipe's own steps).
public enum ScriptClass: String, Sendable, CaseIterable {
    case zeroCount = "ZeroCount"
    case tpotOneHotEncoder = "TPOTOneHotEncoder"
    case stacking = "StackingEstimator"
}
