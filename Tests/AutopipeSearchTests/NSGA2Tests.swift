import AutopipeSearch
import Testing

@Suite("NSGA-II")
struct NSGA2Tests {
    typealias P = NSGA2.Point

    @Test func dominance() {
        #expect(P(score: 0.9, size: 1).dominates(P(score: 0.8, size: 2)))
        #expect(P(score: 0.9, size: 1).dominates(P(score: 0.9, size: 2)))
        #expect(!P(score: 0.9, size: 2).dominates(P(score: 0.8, size: 1)))
        #expect(!P(score: 0.9, size: 1).dominates(P(score: 0.9, size: 1)))
        #expect(P(score: 0.1, size: 3).dominates(P(score: -.infinity, size: 3)))
    }

    @Test func frontsAreLayered() {
        let points = [P(score: 0.9, size: 3), P(score: 0.8, size: 1), P(score: 0.7, size: 2), P(score: 0.95, size: 3),
                      P(score: 0.5, size: 5)]
        let fronts = NSGA2.fronts(points)
        #expect(fronts[0] == [1, 3])          // 0.95@3 and 0.8@1 are non-dominated
        #expect(fronts[1] == [0, 2])          // 0.9@3 (dominated by 0.95@3), 0.7@2 (by 0.8@1)
        #expect(fronts[2] == [4])
    }

    @Test func selectionKeepsFrontsThenSpread() {
        let points = [P(score: 0.9, size: 1), P(score: 0.91, size: 2), P(score: 0.92, size: 3), P(score: 0.93, size: 4),
                      P(score: 0.5, size: 1)]
        let chosen = NSGA2.select(points, count: 3)
        #expect(chosen.count == 3)
        // The boundary points of the first front (infinite crowding distance) survive.
        #expect(chosen.contains(0) && chosen.contains(3))
        #expect(!chosen.contains(4))
    }

    @Test func selectionIsDeterministic() {
        let points = (0..<30).map { P(score: Double($0 % 7) / 10, size: 1 + $0 % 4) }
        #expect(NSGA2.select(points, count: 10) == NSGA2.select(points, count: 10))
    }
}
