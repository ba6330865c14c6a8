/// A cross-validation plan: which rows are held out in each fold. Stratified by class for classification.
///
/// The plan is data (`Codable`) so the same folds can be sent to another process and every pipeline of a search is
/// scored on the same folds.
public struct FoldPlan: Codable, Sendable, Hashable {
    public let rowCount: Int
    /// Test rows of each fold, sorted.
    public let testFolds: [[Int]]

    public init(rowCount: Int, testFolds: [[Int]]) {
        self.rowCount = rowCount
        self.testFolds = testFolds
    }

    public var count: Int { testFolds.count }

    /// Training rows of fold `k`: every row not in its test fold, in order.
    public func trainRows(_ k: Int) -> [Int] {
        var inTest = [Bool](repeating: false, count: rowCount)
        for r in testFolds[k] { inTest[r] = true }
        var rows: [Int] = []
        rows.reserveCapacity(rowCount - testFolds[k].count)
        for r in 0..<rowCount where !inTest[r] { rows.append(r) }
        return rows
    }

    /// Shuffled k-fold (stratified for class targets), like scikit-learn's `StratifiedKFold(shuffle=True)` and
    /// `KFold(shuffle=True)`.
    public static func make(targets: Targets, folds: Int, generator: SeededGenerator) -> FoldPlan {
        var rng = generator
        let n = targets.count
        var assigned = [[Int]](repeating: [], count: folds)
        switch targets {
        case .classes(let labels, let classCount):
            var byClass = [[Int]](repeating: [], count: classCount)
            for (r, label) in labels.enumerated() { byClass[label].append(r) }
            // Deal each class round-robin, continuing where the previous class stopped so fold sizes stay even.
            var next = 0
            for var rows in byClass {
                rng.shuffle(&rows)
                for r in rows {
                    assigned[next].append(r)
                    next = (next + 1) % folds
                }
            }
        case .values:
            var rows = Array(0..<n)
            rng.shuffle(&rows)
            for (i, r) in rows.enumerated() { assigned[i * folds / max(n, 1)].append(r) }
        }
        return FoldPlan(rowCount: n, testFolds: assigned.map { $0.sorted() })
    }
}

/// A train / held-out split of the rows (stratified for class targets).
public struct TrainTestSplit: Codable, Sendable, Hashable {
    public let train: [Int]
    public let test: [Int]

    public init(train: [Int], test: [Int]) {
        self.train = train
        self.test = test
    }

    /// Holds out about `testSize` of the rows (of each class, for classification). `testSize` 0 holds out none.
    public static func make(targets: Targets, testSize: Double, generator: SeededGenerator) -> TrainTestSplit {
        var rng = generator
        let n = targets.count
        var test: [Int] = []
        guard testSize > 0 else { return TrainTestSplit(train: Array(0..<n), test: []) }
        // As scikit-learn: ceil(n * testSize) rows held out, shared among classes by largest remainder.
        let total = min(max(Int((Double(n) * testSize).rounded(.up)), 1), n - 1)
        switch targets {
        case .classes(let labels, let classCount):
            var byClass = [[Int]](repeating: [], count: classCount)
            for (r, label) in labels.enumerated() { byClass[label].append(r) }
            let exact = byClass.map { Double($0.count) * Double(total) / Double(n) }
            var take = exact.map { Int($0.rounded(.down)) }
            let remainder: [Double] = (0..<classCount).map { exact[$0] - Double(take[$0]) }
            let order = (0..<classCount).sorted { a, b in
                remainder[a] != remainder[b] ? remainder[a] > remainder[b] : a < b
            }
            var remaining = total - take.reduce(0, +)
            for c in order where remaining > 0 && take[c] < byClass[c].count - 1 {
                take[c] += 1
                remaining -= 1
            }
            for (c, var rows) in byClass.enumerated() where !rows.isEmpty {
                rng.shuffle(&rows)
                test.append(contentsOf: rows.prefix(min(take[c], rows.count - 1)))
            }
        case .values:
            var rows = Array(0..<n)
            rng.shuffle(&rows)
            test.append(contentsOf: rows.prefix(total))
        }
        test.sort()
        var inTest = [Bool](repeating: false, count: n)
        for r in test { inTest[r] = true }
        return TrainTestSplit(train: (0..<n).filter { !inTest[$0] }, test: test)
    }
}
