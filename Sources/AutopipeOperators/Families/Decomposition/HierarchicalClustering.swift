import AutopipeData

/// Agglomerative clustering trees as scikit-learn builds them without a connectivity matrix: scipy's
/// `linkage` (nearest-neighbour chain for ward / complete / average, then a stable sort by distance and
/// union-find relabelling), scikit-learn's own minimum-spanning-tree single linkage for the metrics its
/// `DistanceMetric` knows, and `_hc_cut` with Python's heap, so cluster labels are numbered as in scikit-learn.
enum HierarchicalClustering {
    enum Metric: String { case euclidean, cityblock, cosine }
    enum Linkage: String { case ward, complete, average, single }

    /// One merge: the two children (cluster ids; ids below n are points) and the merge distance.
    struct Merge {
        var left: Int
        var right: Int
        var distance: Double
    }

    /// Condensed pairwise distances (scipy's `pdist` order: (0,1), (0,2), ..., (1,2), ...) between the rows of
    /// `points` (n x m, row-major).
    static func condensedDistances(_ points: [Double], count n: Int, dimension m: Int, metric: Metric,
                                   context: FitContext) throws -> [Double] {
        var out = [Double](repeating: 0, count: n * (n - 1) / 2)
        var norms = [Double](repeating: 0, count: n)
        if metric == .cosine {
            for i in 0..<n {
                var s = 0.0
                for t in 0..<m { s += points[i * m + t] * points[i * m + t] }
                norms[i] = s.squareRoot()
            }
        }
        try points.withUnsafeBufferPointer { p in
            var index = 0
            for i in 0..<n {
                try context.check()
                for j in (i + 1)..<max(n, i + 1) {
                    out[index] = distance(p, i, j, m, metric, norms)
                    index += 1
                }
            }
        }
        return out
    }

    @inline(__always)
    static func distance(_ p: UnsafeBufferPointer<Double>, _ i: Int, _ j: Int, _ m: Int, _ metric: Metric,
                         _ norms: [Double]) -> Double {
        let a = i * m, b = j * m
        switch metric {
        case .euclidean:
            var s = 0.0
            for t in 0..<m {
                let diff = p[a + t] - p[b + t]
                s += diff * diff
            }
            return s.squareRoot()
        case .cityblock:
            var s = 0.0
            for t in 0..<m { s += abs(p[a + t] - p[b + t]) }
            return s
        case .cosine:
            var s = 0.0
            for t in 0..<m { s += p[a + t] * p[b + t] }
            let value = 1 - s / (norms[i] * norms[j])
            return value.isNaN ? value : min(max(value, 0), 2)
        }
    }

    @inline(__always)
    static func condensedIndex(_ n: Int, _ i: Int, _ j: Int) -> Int {
        i < j ? n * i - (i * (i + 1) / 2) + (j - i - 1) : n * j - (j * (j + 1) / 2) + (i - j - 1)
    }

    /// scipy's `nn_chain` followed by the stable sort and `label`: merges in distance order, children as
    /// (smaller id, larger id).
    static func nearestNeighbourChain(_ distances: [Double], count n: Int, linkage: Linkage,
                                      context: FitContext) throws -> [Merge] {
        var d = distances
        var size = [Int](repeating: 1, count: n)
        var chain = [Int](repeating: 0, count: n)
        var chainLength = 0
        var merges: [Merge] = []
        merges.reserveCapacity(n - 1)
        var y = 0
        for _ in 0..<(n - 1) {
            try context.check()
            if chainLength == 0 {
                chainLength = 1
                for i in 0..<n where size[i] > 0 {
                    chain[0] = i
                    break
                }
            }
            var x = 0
            var currentMin = Double.infinity
            while true {
                x = chain[chainLength - 1]
                if chainLength > 1 {
                    y = chain[chainLength - 2]
                    currentMin = d[condensedIndex(n, x, y)]
                } else {
                    currentMin = .infinity
                }
                for i in 0..<n where size[i] != 0 && i != x {
                    let value = d[condensedIndex(n, x, i)]
                    if value < currentMin {
                        currentMin = value
                        y = i
                    }
                }
                if chainLength > 1 && y == chain[chainLength - 2] { break }
                guard chainLength < n else {
                    throw OperatorError.numerical(operator: FeatureAgglomeration.name, detail: "linkage chain failed")
                }
                chain[chainLength] = y
                chainLength += 1
            }
            chainLength -= 2
            if x > y { swap(&x, &y) }
            let nx = size[x], ny = size[y]
            merges.append(Merge(left: x, right: y, distance: currentMin))
            size[x] = 0
            size[y] = nx + ny
            for i in 0..<n {
                let ni = size[i]
                if ni == 0 || i == y { continue }
                let dxi = d[condensedIndex(n, i, x)], dyi = d[condensedIndex(n, i, y)]
                d[condensedIndex(n, i, y)] = update(linkage, dxi, dyi, currentMin, nx, ny, ni)
            }
        }
        return scipyLabel(stableSorted(merges), count: n)
    }

    /// Lance-Williams updates as in scipy's `_hierarchy_distance_update.pxi`.
    @inline(__always)
    static func update(_ linkage: Linkage, _ dxi: Double, _ dyi: Double, _ dxy: Double, _ nx: Int, _ ny: Int,
                       _ ni: Int) -> Double {
        switch linkage {
        case .complete: return max(dxi, dyi)
        case .average: return (Double(nx) * dxi + Double(ny) * dyi) / Double(nx + ny)
        case .single: return min(dxi, dyi)
        case .ward:
            let t = 1.0 / Double(nx + ny + ni)
            return (Double(ni + nx) * t * dxi * dxi + Double(ni + ny) * t * dyi * dyi - Double(ni) * t * dxy * dxy)
                .squareRoot()
        }
    }

    /// numpy's `argsort(kind="mergesort")` by distance (stable).
    static func stableSorted(_ merges: [Merge]) -> [Merge] {
        merges.enumerated().sorted { a, b in
            a.element.distance < b.element.distance || (a.element.distance == b.element.distance && a.offset < b.offset)
        }.map(\.element)
    }

    /// scipy's `label`: rewrites point representatives as cluster ids (union-find), children ordered.
    static func scipyLabel(_ merges: [Merge], count n: Int) -> [Merge] {
        var parent = Array(0..<max(2 * n - 1, 1))
        var next = n
        func find(_ start: Int) -> Int {
            var x = start
            while parent[x] != x { x = parent[x] }
            var p = start
            while parent[p] != x {
                let up = parent[p]
                parent[p] = x
                p = up
            }
            return x
        }
        var out = merges
        for i in out.indices {
            let a = find(out[i].left), b = find(out[i].right)
            out[i].left = min(a, b)
            out[i].right = max(a, b)
            parent[a] = next
            parent[b] = next
            next += 1
        }
        return out
    }

    /// Single linkage: scikit-learn's `mst_linkage_core` (Prim) on the points, edges stably sorted by weight and
    /// labelled by `_single_linkage_label` (children in edge order), or, for metrics scikit-learn hands to
    /// scipy (cosine), scipy's `mst_single_linkage` with scipy's labelling.
    static func singleLinkage(_ distances: [Double], count n: Int, scipyStyle: Bool,
                              context: FitContext) throws -> [Merge] {
        var inTree = [Bool](repeating: false, count: n)
        var current = [Double](repeating: .infinity, count: n)
        var node = 0
        var edges: [Merge] = []
        var lastNew = 0
        for _ in 0..<(n - 1) {
            try context.check()
            inTree[node] = true
            var best = Double.infinity
            var newNode = scipyStyle ? lastNew : 0
            for j in 0..<n where !inTree[j] {
                let value = distances[condensedIndex(n, node, j)]
                if value < current[j] { current[j] = value }
                if current[j] < best {
                    best = current[j]
                    newNode = j
                }
            }
            edges.append(Merge(left: node, right: newNode, distance: best))
            lastNew = newNode
            node = newNode
        }
        let sorted = stableSorted(edges)
        if scipyStyle { return scipyLabel(sorted, count: n) }
        // scikit-learn's UnionFind labelling keeps (find(left), find(right)).
        var parent = [Int](repeating: -1, count: max(2 * n - 1, 1))
        var next = n
        func find(_ start: Int) -> Int {
            var x = start
            while parent[x] != -1 { x = parent[x] }
            var p = start
            while p != x && parent[p] != x {
                let up = parent[p]
                parent[p] = x
                p = up
            }
            return x
        }
        var out = sorted
        for i in out.indices {
            let a = find(out[i].left), b = find(out[i].right)
            out[i].left = a
            out[i].right = b
            parent[a] = next
            parent[b] = next
            next += 1
        }
        return out
    }

    /// scikit-learn's `_hc_cut`: labels (0..<clusters) of the n leaves, numbered in the order of Python's heap
    /// of (negated) node ids after splitting the largest node `clusters - 1` times.
    static func cut(_ merges: [Merge], leaves n: Int, clusters: Int) throws -> [Int] {
        guard clusters <= n else {
            throw OperatorError.invalidInput(operator: FeatureAgglomeration.name,
                reason: "Cannot extract more clusters than samples: \(clusters) clusters were given for a tree with \(n) leaves.")
        }
        guard let last = merges.last else { return [Int](repeating: 0, count: n) }
        var heap = PythonHeap([-(max(last.left, last.right) + 1)])
        for _ in 0..<(clusters - 1) {
            let node = -heap.items[0]
            let index = node - n
            guard index >= 0 && index < merges.count else {
                throw OperatorError.numerical(operator: FeatureAgglomeration.name, detail: "tree cut failed")
            }
            heap.push(-merges[index].left)
            heap.pushPop(-merges[index].right)
        }
        var labels = [Int](repeating: 0, count: n)
        for (label, negated) in heap.items.enumerated() {
            // Descendant leaves of the node.
            var stack = [-negated]
            while let node = stack.popLast() {
                if node < n {
                    labels[node] = label
                } else if node - n < merges.count {
                    stack.append(merges[node - n].left)
                    stack.append(merges[node - n].right)
                }
            }
        }
        return labels
    }
}

/// CPython's `heapq` (`heappush`, `heappushpop`, `_siftdown`, `_siftup`) on Ints, so element order matches.
struct PythonHeap {
    var items: [Int]

    init(_ items: [Int]) { self.items = items }

    mutating func push(_ item: Int) {
        items.append(item)
        siftDown(start: 0, position: items.count - 1)
    }

    @discardableResult
    mutating func pushPop(_ item: Int) -> Int {
        var item = item
        if let first = items.first, first < item {
            items[0] = item
            item = first
            siftUp(0)
        }
        return item
    }

    mutating func siftDown(start: Int, position: Int) {
        var pos = position
        let newItem = items[pos]
        while pos > start {
            let parentPos = (pos - 1) >> 1
            let parent = items[parentPos]
            if newItem < parent {
                items[pos] = parent
                pos = parentPos
                continue
            }
            break
        }
        items[pos] = newItem
    }

    mutating func siftUp(_ position: Int) {
        let end = items.count
        let start = position
        var pos = position
        let newItem = items[pos]
        var child = 2 * pos + 1
        while child < end {
            let right = child + 1
            if right < end && !(items[child] < items[right]) { child = right }
            items[pos] = items[child]
            pos = child
            child = 2 * pos + 1
        }
        items[pos] = newItem
        siftDown(start: start, position: pos)
    }
}
