#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Fast, exactly rounded parsing of decimal numbers from CSV bytes: the result is always the double `strtod`
/// returns for the same text (the tests check this on millions of random and adversarial inputs).
///
/// Accepted: optional spaces or tabs around the number, an optional sign, digits with an optional decimal point
/// (`5`, `5.`, `.5`, `-0.25`), an optional exponent (`1e-7`, `2.5E+10`), and `inf` / `infinity` in any case with
/// an optional sign. Not accepted (read as text): `nan` (a missing marker), hexadecimal floats, thousands
/// separators, decimal commas.
///
/// Three tiers, each exact:
/// 1. Clinger's fast path: a mantissa of at most 2^53 and a decimal exponent within +-22 is one correctly rounded
///    multiplication or division of two exact doubles.
/// 2. Eisel-Lemire: any mantissa of at most 19 significant digits with an exponent in -342...308, from a 128-bit
///    product with a table of powers of five (`PowersOfFive.swift`); it reports the rare inputs it cannot decide.
/// 3. `strtod` for the rest (more than 19 significant digits, undecided cases, `inf`).
public enum NumberParsing {
    @usableFromInline static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Parses the whole of `bytes` as a number, or returns nil when it is not one.
    @inlinable
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Double? {
        guard let base = bytes.baseAddress else { return nil }
        return parse(base.assumingMemoryBound(to: UInt8.self), bytes.count)
    }

    /// Convenience for tests and option parsing.
    public static func parse(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// Parses the `count` bytes at `p` as a number, or returns nil when they are not one.
    @inlinable
    public static func parse(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        var start = 0, end = count
        while start < end, p[start] == 0x20 || p[start] == 0x09 { start += 1 }
        while end > start, p[end - 1] == 0x20 || p[end - 1] == 0x09 { end -= 1 }
        if start == end { return nil }
        var i = start
        var negative = false
        if p[i] == 0x2D || p[i] == 0x2B {
            negative = p[i] == 0x2D
            i += 1
        }
        let digitsStart = i
        var mantissa: UInt64 = 0
        while i < end, p[i] &- 0x30 < 10 {
            mantissa = mantissa &* 10 &+ UInt64(p[i] &- 0x30)
            i += 1
        }
        var digitCount = i - digitsStart
        var exponent = 0
        if i < end, p[i] == 0x2E {
            i += 1
            let fractionStart = i
            // Long fractions (full-precision floats) eight digits at a time.
            while end - i >= 8, let eight = eightDigits(p + i) {
                mantissa = mantissa &* 100_000_000 &+ eight
                i += 8
            }
            while i < end, p[i] &- 0x30 < 10 {
                mantissa = mantissa &* 10 &+ UInt64(p[i] &- 0x30)
                i += 1
            }
            exponent = fractionStart - i
            digitCount -= exponent
        }
        if digitCount == 0 { return words(p, start, end) }
        if i < end, p[i] | 0x20 == 0x65 {   // 'e' or 'E'
            i += 1
            var exponentNegative = false
            if i < end, p[i] == 0x2D || p[i] == 0x2B {
                exponentNegative = p[i] == 0x2D
                i += 1
            }
            let exponentStart = i
            var e = 0
            while i < end, p[i] &- 0x30 < 10 {
                if e < 100_000 { e = e * 10 + Int(p[i] &- 0x30) }
                i += 1
            }
            if i == exponentStart { return nil }
            exponent += exponentNegative ? -e : e
        }
        if i != end { return nil }
        if digitCount > 19 {
            // Leading zeros (0.000123...) do not count; past 19 significant digits the mantissa overflowed.
            var significant = digitCount
            var k = digitsStart
            while k < end, p[k] == 0x30 || p[k] == 0x2E {
                if p[k] == 0x30 { significant -= 1 }
                k += 1
            }
            if significant > 19 { return strtodExact(p, start, end) }
        }
        if mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
            var value = Double(mantissa)
            if exponent >= 0 { value *= powersOfTen[exponent] } else { value /= powersOfTen[-exponent] }
            return negative ? -value : value
        }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        if let bits = eiselLemire(mantissa, exponent) {
            return Double(bitPattern: bits | (negative ? 1 << 63 : 0))
        }
        return strtodExact(p, start, end)
    }

    /// The value of eight ASCII digits at `p`, or nil when they are not all digits (SWAR, as in fast_float).
    @inlinable @inline(__always)
    static func eightDigits(_ p: UnsafePointer<UInt8>) -> UInt64? {
        let v = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
        guard (v & 0xF0F0_F0F0_F0F0_F0F0) | (((v &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4)
            == 0x3333_3333_3333_3333 else { return nil }
        var x = v & 0x0F0F_0F0F_0F0F_0F0F
        x = (x &* 2561) >> 8
        x = ((x & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
        return ((x & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
    }

    /// The IEEE bits of `w * 10^q` correctly rounded (w > 0, at most 19 digits), or nil in the rare cases the
    /// 128-bit product cannot decide (then the caller asks strtod). As in fast_float's `compute_float`.
    @inlinable
    static func eiselLemire(_ w: UInt64, _ q: Int) -> UInt64? {
        if q < -342 { return 0 }
        if q > 308 { return 0x7FF << 52 }
        let lz = w.leadingZeroBitCount
        let normalized = w << lz
        let index = 2 * (q + 342)
        let table = powersOfFive128
        var (high, low) = normalized.multipliedFullWidth(by: table[index])
        if high & 0x1FF == 0x1FF {
            let (secondHigh, _) = normalized.multipliedFullWidth(by: table[index + 1])
            let (sum, overflow) = low.addingReportingOverflow(secondHigh)
            low = sum
            if overflow { high &+= 1 }
        }
        if low == UInt64.max { return nil }   // the product might be off by one in its last bit: let strtod decide
        let upperBit = Int(high >> 63)
        let shift = upperBit + 9
        var mantissa = high >> UInt64(shift)
        // power(q) = floor(q * log2(10)) + 63; the binary exponent with the bias 1023.
        var power2 = (((152_170 + 65_536) * q) >> 16) + 63 + upperBit - lz + 1023
        if power2 <= 0 {
            // Subnormal.
            if -power2 + 1 >= 64 { return 0 }
            mantissa >>= UInt64(-power2 + 1)
            mantissa += mantissa & 1
            mantissa >>= 1
            power2 = mantissa < (1 << 52) ? 0 : 1
            return mantissa & ((1 << 52) - 1) | UInt64(power2) << 52
        }
        // Exactly halfway between two doubles: round to even (only possible for small exponents).
        if low <= 1, q >= -4, q <= 23, mantissa & 3 == 1, mantissa << UInt64(shift) == high {
            mantissa &= ~1
        }
        mantissa += mantissa & 1
        mantissa >>= 1
        if mantissa >= 2 << 52 {
            mantissa = 1 << 52
            power2 += 1
        }
        mantissa &= ~(1 << 52)
        if power2 >= 0x7FF { return 0x7FF << 52 }
        return mantissa | UInt64(power2) << 52
    }

    /// `inf` / `infinity` (any case, optional sign); everything else without digits is not a number.
    @usableFromInline
    static func words(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        var i = start
        var negative = false
        if p[i] == 0x2D || p[i] == 0x2B {
            negative = p[i] == 0x2D
            i += 1
        }
        let length = end - i
        guard length == 3 || length == 8 else { return nil }
        let word: [UInt8] = Array("infinity".utf8)
        for k in 0..<length where p[i + k] | 0x20 != word[k] { return nil }
        return negative ? -Double.infinity : .infinity
    }

    /// `strtod` on a decimal number that the fast tiers could not settle (the bytes are already validated).
    @usableFromInline
    static func strtodExact(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        let length = end - start
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer -> Double? in
            guard let base = buffer.baseAddress else { return nil }
            for k in 0..<length { buffer[k] = CChar(bitPattern: p[start + k]) }
            buffer[length] = 0
            var endPointer: UnsafeMutablePointer<CChar>? = nil
            let value = strtod(base, &endPointer)
            guard let endPointer, endPointer - base == length else { return nil }
            return value
        }
    }
}
