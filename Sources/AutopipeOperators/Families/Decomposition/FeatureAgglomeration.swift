import AutopipeData

/// Merges similar features by agglomerative clustering of the columns and replaces each cluster by the mean of
/// its features, as scikit-learn 1.5's `FeatureAgglomeration` without a connectivity matrix (`pooling_func`
/// mean). The tree is built as scikit-learn does (scipy's linkage for ward / complete / average, its own
/// minimum spanning tree for single), cut with scikit-learn's `_hc_cut`, so clusters, their numbering and the
/// output column order match scikit-learn's (up to exact distance ties).
///
/// `metric` (scikit-learn 1.4+'s name for the former `affinity`) accepts euclidean, l1, l2, manhattan and cosine;
/// ward requires euclidean (the rule beside the table), as scikit-learn. Exactly one of `n_clusters` and
/// `distance_threshold` is set. Errors as scikit-learn: fewer than 2 features, more clusters than features, a
/// cosine distance that is not finite (an all-zero feature).
///
/// Deliberate differences: `pooling_func`, `connectivity`, `memory` and `compute_full_tree` are not parameters
/// (the full tree is always built, as scikit-learn does without connectivity); `precomputed` is not offered.
public struct FeatureAgglomeration: Transformer {
    public static let name = "FeatureAgglomeration"
    public static let role = OperatorRole.transformer
    public static let summary = "Clusters similar features hierarchically and averages each cluster."
    public static let space = ParameterSpace([
        .integer("n_clusters", 1..., default: 2, allowsNone: true),
        .choice("metric", ["euclidean", "l1", "l2", "manhattan", "cosine"], default: "euclidean"),
        .choice("linkage", ["ward", "complete", "average", "single"], default: "ward",
                grid: ["ward", "complete", "average"]),
        .real("distance_threshold", atLeast: 0, default: nil),
    ], rule: { p in
        if p.string("linkage") == "ward" && p.string("metric") != "euclidean" {
            return "\(p.string("metric")) was provided as metric. Ward can only work with euclidean distances."
        }
        if (p["n_clusters"]?.isNone ?? true) == (p["distance_threshold"]?.isNone ?? true) {
            return "Exactly one of n_clusters and distance_threshold has to be set, and the other needs to be None."
        }
        return nil
    })

    public let parameters: Parameters
    let clusters: Int?
    let metric: HierarchicalClustering.Metric
    let linkage: HierarchicalClustering.Linkage
    let threshold: Double?

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        clusters = parameters.optionalInt("n_clusters")
        switch parameters.string("metric") {
        case "l1", "manhattan": metric = .cityblock
        case "cosine": metric = .cosine
        default: metric = .euclidean
        }
        linkage = HierarchicalClustering.Linkage(rawValue: parameters.string("linkage")) ?? .ward
        threshold = parameters.optionalDouble("distance_threshold")
    }

    public struct Fitted: FittedTransformer {
        public let inputColumns: Int
        /// The cluster of each input feature.
        public let labels: [Int]
        public let clusterCount: Int

        public func transform(_ x: Matrix) throws -> Matrix {
            let rows = x.rows, d = x.columns, k = clusterCount
            var sizes = [Double](repeating: 0, count: k)
            for label in labels { sizes[label] += 1 }
            var out = [Double](repeating: 0, count: rows * k)
            x.values.withUnsafeBufferPointer { v in
                out.withUnsafeMutableBufferPointer { o in
                    labels.withUnsafeBufferPointer { l in
                        for r in 0..<rows {
                            let source = r * d, target = r * k
                            for c in 0..<d { o[target + l[c]] += v[source + c] }
                            for j in 0..<k { o[target + j] /= sizes[j] }
                        }
                    }
                }
            }
            return Matrix(rows: rows, columns: k, values: out)
        }
    }

    public func fit(_ x: Matrix, _ y: Targets, context: FitContext) throws -> Fitted {
        let n = x.columns
        guard n >= 2 else {
            throw OperatorError.invalidInput(operator: Self.name,
                reason: "Found array with \(n) feature(s) while a minimum of 2 is required.")
        }
        // The features are the points: the column-major copy holds one feature per contiguous run.
        let points = x.columnMajorValues()
        let distances = try HierarchicalClustering.condensedDistances(points, count: n, dimension: x.rows,
                                                                      metric: metric, context: context)
        if distances.contains(where: { !$0.isFinite }) {
            throw OperatorError.invalidInput(operator: Self.name,
                reason: "The condensed distance matrix must contain only finite values (an all-zero feature with the cosine metric).")
        }
        let merges: [HierarchicalClustering.Merge]
        if linkage == .single {
            merges = try HierarchicalClustering.singleLinkage(distances, count: n, scipyStyle: metric == .cosine,
                                                              context: context)
        } else {
            merges = try HierarchicalClustering.nearestNeighbourChain(distances, count: n, linkage: linkage,
                                                                      context: context)
        }
        let count: Int
        if let threshold {
            count = merges.filter { $0.distance >= threshold }.count + 1
        } else {
            count = clusters ?? 2
        }
        let labels = try HierarchicalClustering.cut(merges, leaves: n, clusters: count)
        return Fitted(inputColumns: n, labels: labels, clusterCount: count)
    }
}
