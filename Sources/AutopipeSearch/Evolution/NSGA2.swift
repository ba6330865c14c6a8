/// NSGA-II survival on two objectives: maximise the CV score, minimise the number of operators.
///
/// Deterministic: ties in rank and crowding distance are broken by the caller's order (callers pass individuals
/// in a canonical order), never by hashing or completion order.
public enum NSGA2 {
    public struct Point: Sendable, Hashable {
        /// Higher is better; `-inf` for failed pipelines.
        public var score: Double
        /// Lower is better.
        public var size: Int

        public init(score: Double, size: Int) {
            self.score = score
            self.size = size
        }

        public func dominates(_ other: Point) -> Bool {
            (score >= other.score && size <= other.size) && (score > other.score || size < other.size)
        }
    }

    /// Fronts of indices: front 0 is non-dominated, front 1 is non-dominated once front 0 is removed, and so on.
    public static func fronts(_ points: [Point]) -> [[Int]] {
        let n = points.count
        var dominatedBy = [[Int]](repeating: [], count: n)
        var dominationCount = [Int](repeating: 0, count: n)
        var fronts: [[Int]] = [[]]
        for p in 0..<n {
            for q in 0..<n where p != q {
                if points[p].dominates(points[q]) {
                    dominatedBy[p].append(q)
                } else if points[q].dominates(points[p]) {
                    dominationCount[p] += 1
                }
            }
            if dominationCount[p] == 0 { fronts[0].append(p) }
        }
        var i = 0
        while i < fronts.count, !fronts[i].isEmpty {
            var next: [Int] = []
            for p in fronts[i] {
                for q in dominatedBy[p] {
                    dominationCount[q] -= 1
                    if dominationCount[q] == 0 { next.append(q) }
                }
            }
            next.sort()
            if next.isEmpty { break }
            fronts.append(next)
            i += 1
        }
        return fronts.filter { !$0.isEmpty }
    }

    /// Crowding distance of each member of a front (boundary points get infinity).
    public static func crowding(_ front: [Int], _ points: [Point]) -> [Int: Double] {
        var distance: [Int: Double] = [:]
        for i in front { distance[i] = 0 }
        guard front.count > 2 else {
            for i in front { distance[i] = .infinity }
            return distance
        }
        let objectives: [(Point) -> Double] = [{ $0.score.isFinite ? $0.score : -1e300 }, { Double($0.size) }]
        for objective in objectives {
            let sorted = front.sorted { (objective(points[$0]), $0) < (objective(points[$1]), $1) }
            let lo = objective(points[sorted[0]]), hi = objective(points[sorted[sorted.count - 1]])
            distance[sorted[0]] = .infinity
            distance[sorted[sorted.count - 1]] = .infinity
            let span = hi - lo
            guard span > 0 else { continue }
            for k in 1..<(sorted.count - 1) {
                let gap = objective(points[sorted[k + 1]]) - objective(points[sorted[k - 1]])
                distance[sorted[k], default: 0] += gap / span
            }
        }
        return distance
    }

    /// Picks `count` survivors: whole fronts while they fit, then the most spread-out members of the next front.
    public static func select(_ points: [Point], count: Int) -> [Int] {
        var chosen: [Int] = []
        for front in fronts(points) {
            if chosen.count + front.count <= count {
                chosen.append(contentsOf: front)
                continue
            }
            let distance = crowding(front, points)
            let ranked = front.sorted { a, b in
                let da = distance[a] ?? 0, db = distance[b] ?? 0
                return da != db ? da > db : a < b
            }
            chosen.append(contentsOf: ranked.prefix(count - chosen.count))
            break
        }
        return chosen
    }
}
