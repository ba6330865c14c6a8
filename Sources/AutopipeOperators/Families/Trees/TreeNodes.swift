import AutopipeData

/// One or more fitted CART trees: the fitted state of every tree-based operator (a single tree, a forest, the
/// stages of a boosted model).
///
/// In memory, nodes are packed for prediction (16 bytes each) and an internal node's two children sit next to
/// each other, so a step is `i = child + (x <= threshold ? 0 : 1)`. A leaf points to itself with an infinite
/// threshold, so a walk of `depth[t]` steps from the root always ends on the leaf (no data-dependent branch), and
/// sixteen rows walk a tree together to hide memory latency. Comparisons are scikit-learn's:
/// `Double(Float(x[feature])) <= threshold`.
///
/// Encoded as flat arrays: `feature` (-1 at a leaf), `threshold`, `child` (first child, or the leaf's value row),
/// `values` (`width` numbers per leaf: class probabilities, or one regression value), `roots`.
struct TreeNodes: Sendable, Equatable {
    /// `threshold` is the largest float32 not above the double threshold, so `x <= threshold` in float32 is
    /// exactly scikit-learn's `Double(x) <= threshold` for every float32 `x` (see `TreeSIMD.floatThreshold`).
    struct PackedNode: Sendable, Equatable {
        var threshold: Float
        var feature: Int32
        var child: Int32
    }

    private(set) var nodes: [PackedNode] = []
    /// The value row of each leaf (-1 for internal nodes).
    private(set) var leafValue: [Int32] = []
    private(set) var values: [Double] = []
    let width: Int
    /// The root node of each tree, and its depth (steps from the root to the deepest leaf).
    private(set) var roots: [Int32] = []
    private(set) var depths: [Int32] = []

    init(width: Int) {
        self.width = width
    }

    var treeCount: Int { roots.count }
    var nodeCount: Int { nodes.count }

    /// Appends one tree built by `CARTBuilder` (node and value indices shifted into this storage).
    mutating func append(_ tree: BuiltTree) {
        let nodeOffset = nodes.count
        let valueOffset = Int32(values.count / max(width, 1))
        roots.append(Int32(nodeOffset))
        for i in 0..<tree.nodeCount {
            if tree.feature[i] < 0 {
                nodes.append(PackedNode(threshold: .infinity, feature: 0, child: Int32(nodeOffset + i)))
                leafValue.append(tree.child[i] + valueOffset)
            } else {
                nodes.append(PackedNode(threshold: TreeSIMD.floatThreshold(tree.threshold[i]), feature: tree.feature[i],
                                        child: tree.child[i] + Int32(nodeOffset)))
                leafValue.append(-1)
            }
        }
        values.append(contentsOf: tree.values)
        depths.append(Int32(Self.depth(tree)))
    }

    /// The depth of a built tree (children always follow their parent, so one forward pass suffices).
    static func depth(_ tree: BuiltTree) -> Int {
        var depth = [Int](repeating: 0, count: tree.nodeCount)
        var deepest = 0
        for i in 0..<tree.nodeCount where tree.feature[i] >= 0 {
            let c = Int(tree.child[i])
            depth[c] = depth[i] + 1
            depth[c + 1] = depth[i] + 1
            deepest = max(deepest, depth[i] + 1)
        }
        return deepest
    }

    /// Sums `scale * leaf value` of every tree into `out` (rows x `outWidth`, from column `column(tree)`), tree by
    /// tree, so each row adds the trees in order (the order scikit-learn sums them in). `x` is float32,
    /// row-major, `columns` wide.
    func accumulate(_ x: [Float], rows: Int, columns: Int, into out: inout [Double], outWidth: Int,
                    scale: Double = 1, column: (Int) -> Int = { _ in 0 }) {
        let w = width
        let block = 16
        nodes.withUnsafeBufferPointer { nb in
            leafValue.withUnsafeBufferPointer { lb in
                values.withUnsafeBufferPointer { vb in
                    x.withUnsafeBufferPointer { xb in
                        out.withUnsafeMutableBufferPointer { ob in
                            guard let np = nb.baseAddress, let lp = lb.baseAddress, let vp = vb.baseAddress,
                                  let xp = xb.baseAddress, let op = ob.baseAddress else { return }
                            withUnsafeTemporaryAllocation(of: Int.self, capacity: block) { index in
                                for t in 0..<roots.count {
                                    let root = Int(roots[t]), depth = Int(depths[t]), offset = column(t)
                                    var r0 = 0
                                    while r0 < rows {
                                        let count = min(block, rows - r0)
                                        for j in 0..<count { index[j] = root }
                                        // At most `depth` steps; stop early once every row of the block sits on
                                        // a leaf (a leaf steps to itself).
                                        for _ in 0..<depth {
                                            var moved = 0
                                            for j in 0..<count {
                                                let node = np[index[j]]
                                                let v = xp[(r0 &+ j) &* columns &+ Int(node.feature)]
                                                let next = Int(node.child) &+ (v <= node.threshold ? 0 : 1)
                                                moved |= next ^ index[j]
                                                index[j] = next
                                            }
                                            if moved == 0 { break }
                                        }
                                        for j in 0..<count {
                                            let src = vp + Int(lp[index[j]]) &* w
                                            let dst = op + ((r0 &+ j) &* outWidth &+ offset)
                                            if scale == 1 {
                                                for k in 0..<w { dst[k] += src[k] }
                                            } else {
                                                for k in 0..<w { dst[k] += scale * src[k] }
                                            }
                                        }
                                        r0 += block
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The mean over trees of the leaf values (a forest's predict_proba or prediction): rows x width.
    func meanValues(_ x: [Float], rows: Int, columns: Int) -> [Double] {
        var out = [Double](repeating: 0, count: rows * width)
        accumulate(x, rows: rows, columns: columns, into: &out, outWidth: width)
        if treeCount > 1 {
            let count = Double(treeCount)
            for i in 0..<out.count { out[i] /= count }
        }
        return out
    }
}

extension TreeNodes: Codable {
    enum CodingKeys: String, CodingKey { case feature, threshold, child, values, width, roots }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(nodes.indices.map { leafValue[$0] >= 0 ? -1 : nodes[$0].feature }, forKey: .feature)
        // The float32 form of each threshold, which splits every float32 input exactly as the original double.
        try c.encode(nodes.indices.map { leafValue[$0] >= 0 ? 0 : Double(nodes[$0].threshold) }, forKey: .threshold)
        try c.encode(nodes.indices.map { leafValue[$0] >= 0 ? leafValue[$0] : nodes[$0].child }, forKey: .child)
        try c.encode(values, forKey: .values)
        try c.encode(width, forKey: .width)
        try c.encode(roots, forKey: .roots)
    }

    /// Decodes and checks the structure (indices in range, children after parents, one tree per root), so a
    /// corrupt saved model fails with a typed error instead of trapping at predict time.
    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let feature = try c.decode([Int32].self, forKey: .feature)
        let threshold = try c.decode([Double].self, forKey: .threshold)
        let child = try c.decode([Int32].self, forKey: .child)
        let width = try c.decode(Int.self, forKey: .width)
        let roots = try c.decode([Int32].self, forKey: .roots)
        self.width = width
        values = try c.decode([Double].self, forKey: .values)
        let count = feature.count
        let leaves = width > 0 ? values.count / width : 0
        guard threshold.count == count, child.count == count, width > 0, values.count == leaves * width,
              roots.first.map({ $0 == 0 }) ?? (count == 0) else {
            throw OperatorError.invalidModel(reason: "tree arrays have inconsistent lengths")
        }
        let bounds = roots.map(Int.init) + [count]
        for t in 0..<roots.count {
            let lo = bounds[t], hi = bounds[t + 1]
            guard lo < hi else { throw OperatorError.invalidModel(reason: "empty tree") }
            var tree = BuiltTree(rawImportances: [], rootWeight: 0)
            for i in lo..<hi {
                let f = feature[i], ch = Int(child[i])
                if f < 0 {
                    guard ch >= 0 && ch < leaves else {
                        throw OperatorError.invalidModel(reason: "leaf value index out of range")
                    }
                    tree.child.append(Int32(ch))
                } else {
                    guard ch > i && ch + 1 < hi else { throw OperatorError.invalidModel(reason: "tree node \(i) is malformed") }
                    tree.child.append(Int32(ch - lo))
                }
                tree.feature.append(f)
                tree.threshold.append(threshold[i])
            }
            appendDecoded(tree, nodeOffset: lo)
        }
    }

    /// Appends a decoded tree whose leaf value indices are already global.
    private mutating func appendDecoded(_ tree: BuiltTree, nodeOffset: Int) {
        roots.append(Int32(nodeOffset))
        for i in 0..<tree.nodeCount {
            if tree.feature[i] < 0 {
                nodes.append(PackedNode(threshold: .infinity, feature: 0, child: Int32(nodeOffset + i)))
                leafValue.append(tree.child[i])
            } else {
                nodes.append(PackedNode(threshold: TreeSIMD.floatThreshold(tree.threshold[i]), feature: tree.feature[i],
                                        child: tree.child[i] + Int32(nodeOffset)))
                leafValue.append(-1)
            }
        }
        depths.append(Int32(Self.depth(tree)))
    }

    /// Checks feature indices against the input width (after decoding).
    func validate(columns: Int) throws {
        for i in nodes.indices where leafValue[i] < 0 && (nodes[i].feature < 0 || Int(nodes[i].feature) >= columns) {
            throw OperatorError.invalidModel(reason: "tree node \(i) tests a feature outside 0..<\(columns)")
        }
    }
}

/// Normalised impurity importances of one tree, as scikit-learn's `Tree.compute_feature_importances`: the raw
/// decreases divided by the root's weighted sample count, then by their sum (when positive).
func normalizedImportances(_ raw: [Double], rootWeight: Double) -> [Double] {
    guard rootWeight > 0 else { return raw.map { _ in 0 } }
    var out = raw.map { $0 / rootWeight }
    let total = out.reduce(0, +)
    if total > 0 { out = out.map { $0 / total } }
    return out
}

/// The mean of per-tree importances over trees that split at least once, normalised to sum 1, as scikit-learn's
/// forests' `feature_importances_` (zeros when no tree splits).
func forestImportances(_ perTree: [[Double]], columns: Int) -> [Double] {
    guard !perTree.isEmpty else { return [Double](repeating: 0, count: columns) }
    var mean = [Double](repeating: 0, count: columns)
    for tree in perTree { for c in 0..<columns { mean[c] += tree[c] } }
    for c in 0..<columns { mean[c] /= Double(perTree.count) }
    let total = mean.reduce(0, +)
    if total > 0 { mean = mean.map { $0 / total } }
    return mean
}

extension BuiltTree {
    /// The value row (leaf index) each training row of `data` reaches (scikit-learn's `tree.apply(X)` on the
    /// training data), for the boosting models' leaf updates.
    func leafIndices(_ data: TreeTrainingData) -> [Int32] {
        let n = data.rows
        var out = [Int32](repeating: 0, count: n)
        feature.withUnsafeBufferPointer { f in
            threshold.withUnsafeBufferPointer { th in
                child.withUnsafeBufferPointer { ch in
                    for r in 0..<n {
                        var i = 0
                        while f[i] >= 0 {
                            let j = Int(f[i])
                            i = Int(ch[i]) + (Double(data.values[j * n + r]) <= th[i] ? 0 : 1)
                        }
                        out[r] = ch[i]
                    }
                }
            }
        }
        return out
    }

    /// The number of leaves.
    func leafCount(width: Int) -> Int { values.count / max(width, 1) }
}
