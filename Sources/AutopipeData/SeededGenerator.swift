/// A small, fast, deterministic random number generator (xoshiro256**) seeded through SplitMix64.
///
/// autopipe never uses the system generator: every random decision (folds, GP variation, bootstrap samples,
/// weight initialisation) comes from a `SeededGenerator` derived from the user's `--seed`, so a run is
/// reproducible whatever the thread count. The state is `Codable` so checkpoints can save it.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable, Codable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    public init(seed: UInt64) {
        var sm = seed
        s0 = SeededGenerator.splitMix(&sm)
        s1 = SeededGenerator.splitMix(&sm)
        s2 = SeededGenerator.splitMix(&sm)
        s3 = SeededGenerator.splitMix(&sm)
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }
    }

    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Inlinable (like the draws below), so the operators' hot loops in other modules pay no call per number.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inlinable @inline(__always) func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A uniform double in [0, 1) with 53 random bits.
    @inlinable @inline(__always) public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in `0..<upperBound` (Lemire's unbiased method). `upperBound` must be positive.
    @inlinable @inline(__always) public mutating func nextInt(below upperBound: Int) -> Int {
        precondition(upperBound > 0, "nextInt(below:) needs a positive bound")
        let bound = UInt64(upperBound)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// A standard normal deviate (Box-Muller, one value per call).
    public mutating func nextGaussian() -> Double {
        var u1 = nextDouble()
        while u1 <= .leastNormalMagnitude { u1 = nextDouble() }
        let u2 = nextDouble()
        return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
    }

    /// Shuffles in place with Fisher-Yates, independent of the standard library's algorithm (stable across
    /// Swift versions).
    public mutating func shuffle<T>(_ array: inout [T]) {
        var i = array.count - 1
        while i > 0 {
            let j = nextInt(below: i + 1)
            if i != j { array.swapAt(i, j) }
            i -= 1
        }
    }

    /// Picks one element uniformly.
    public mutating func pick<C: RandomAccessCollection>(_ items: C) -> C.Element where C.Index == Int {
        items[items.startIndex + nextInt(below: items.count)]
    }

    /// A child generator whose stream depends only on this generator's seed lineage and `label`, not on how many
    /// numbers were drawn from `self`.
    public func derived(_ label: String) -> SeededGenerator {
        SeededGenerator(seed: StableHash.combine(StableHash.combine(s0, s1), StableHash.fnv1a(label)))
    }

    public func derived(_ index: UInt64) -> SeededGenerator {
        SeededGenerator(seed: StableHash.combine(StableHash.combine(s0, s1), index))
    }
}

/// Hashes that are stable across processes, platforms and Swift versions (unlike `Hasher`).
public enum StableHash {
    public static func fnv1a<S: StringProtocol>(_ text: S) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    public static func fnv1a(bytes: UnsafeRawBufferPointer, seed: UInt64 = 0xCBF2_9CE4_8422_2325) -> UInt64 {
        var h = seed
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    /// Mixes two 64-bit values into one (SplitMix64 finaliser over a combination).
    public static func combine(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var state = a ^ (b &* 0x9E37_79B9_7F4A_7C15 &+ 0x632B_E59B_D9B4_E019)
        return SeededGenerator.splitMix(&state)
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) func _log(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#else
import Darwin
@inline(__always) func _log(_ x: Double) -> Double { Darwin.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Darwin.cos(x) }
#endif
