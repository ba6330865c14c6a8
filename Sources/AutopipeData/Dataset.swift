/// A learning problem ready for the operators: the encoded feature matrix, the encoded targets, and the records
/// needed to map new data and predictions back (schema, target info).
public struct Dataset: Sendable {
    public var features: Matrix
    public var targets: Targets
    public var schema: FeatureSchema
    public var target: TargetInfo
    /// Rows of the source table that made it in (rows with a missing target are dropped).
    public var sourceRows: [Int]
    /// Things the user should know (dropped rows, high-cardinality columns).
    public var warnings: [String]

    public init(features: Matrix, targets: Targets, schema: FeatureSchema, target: TargetInfo, sourceRows: [Int],
                warnings: [String] = []) {
        self.features = features
        self.targets = targets
        self.schema = schema
        self.target = target
        self.sourceRows = sourceRows
        self.warnings = warnings
    }

    public var task: Task { target.task }
    public var rowCount: Int { features.rows }

    /// A digest of the features and targets, stable across processes: checkpoints and the cluster use it to know
    /// they are looking at the same data.
    public var fingerprint: String {
        var h: UInt64 = StableHash.fnv1a("autopipe-dataset-v1")
        h = StableHash.combine(h, UInt64(features.rows))
        h = StableHash.combine(h, UInt64(features.columns))
        features.values.withUnsafeBufferPointer { values in
            for v in values { h = StableHash.combine(h, v.isNaN ? 0x7FF8_0000_0000_0001 : v.bitPattern) }
        }
        for v in targets.asDoubles { h = StableHash.combine(h, v.bitPattern) }
        for name in schema.featureNames { h = StableHash.combine(h, StableHash.fnv1a(name)) }
        return String(h, radix: 16).leftPadded(to: 16)
    }

    public func selecting(rows: [Int]) -> Dataset {
        Dataset(features: features.selectingRows(rows), targets: targets.selecting(rows), schema: schema,
                target: target, sourceRows: rows.map { sourceRows[$0] }, warnings: warnings)
    }

    /// Class sizes for classification (index = class).
    public var classCounts: [Int]? {
        guard case .classes(let labels, let count) = targets else { return nil }
        var counts = [Int](repeating: 0, count: count)
        for label in labels { counts[label] += 1 }
        return counts
    }
}

extension String {
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
