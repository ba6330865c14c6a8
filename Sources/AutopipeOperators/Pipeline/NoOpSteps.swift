/// Preprocessing steps whose output equals their input for every input, whatever the data: the canonical form
/// of a pipeline drops them, so a pipeline with such a step shares its evaluation with the pipeline without it.
///
/// Only exact identities are listed (same values, same column order); steps that are merely close to an identity
/// (an idempotent scaler applied twice, a union with its branches swapped) are not, since their floating-point
/// results or column order differ. Operators not registered in a build are simply never matched.
public enum NoOpSteps {
    /// Per operator: the parameter values (after defaults are filled) that make it an identity.
    public static let identities: [String: [String: ParamValue]] = [
        // Neither centred nor scaled.
        "StandardScaler": ["with_mean": false, "with_std": false],
        "RobustScaler": ["with_centering": false, "with_scaling": false],
        // Keeps every feature, in order.
        "SelectPercentile": ["percentile": 100],
    ]

    /// Whether `step` (with every parameter present) is an identity.
    public static func isNoOp(_ step: Step) -> Bool {
        guard let identity = identities[step.name] else { return false }
        return identity.allSatisfy { name, value in
            guard let actual = step.parameters[name] else { return false }
            if let a = actual.doubleValue, let b = value.doubleValue { return a == b }
            return actual == value
        }
    }
}
