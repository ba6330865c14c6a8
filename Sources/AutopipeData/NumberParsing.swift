#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Fast, exactly rounded parsing of decimal numbers from CSV bytes.
///
/// The common case (up to 19 significant digits, a decimal exponent within +-22) is Clinger's fast path: an exact
/// integer mantissa times an exact power of ten, one correctly rounded operation. Everything else (long mantissas,
/// large exponents, `inf`) falls back to `strtod`, so results always equal `strtod`'s.
public enum NumberParsing {
    @usableFromInline static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Parses the whole of `bytes` as a number, or returns nil when it is not one.
    @inlinable
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Double? {
        var start = 0, end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        if start == end { return nil }
        var i = start
        var negative = false
        if bytes[i] == 0x2D || bytes[i] == 0x2B { negative = bytes[i] == 0x2D; i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0            // significant digits kept in the mantissa
        var sawDigit = false
        var dropped = false       // a non-zero digit did not fit
        var exponent = 0
        while i < end, bytes[i] &- 0x30 < 10 {
            let d = UInt64(bytes[i] &- 0x30)
            sawDigit = true
            if digits < 19 {
                mantissa = mantissa &* 10 &+ d
                if mantissa != 0 { digits += 1 }
            } else {
                exponent += 1
                if d != 0 { dropped = true }
            }
            i += 1
        }
        if i < end, bytes[i] == 0x2E {
            i += 1
            while i < end, bytes[i] &- 0x30 < 10 {
                let d = UInt64(bytes[i] &- 0x30)
                sawDigit = true
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ d
                    if mantissa != 0 { digits += 1 }
                    exponent -= 1
                } else if d != 0 {
                    dropped = true
                }
                i += 1
            }
        }
        if !sawDigit { return slowPath(bytes, start, end) }
        if i < end, bytes[i] | 0x20 == 0x65 {   // 'e' or 'E'
            i += 1
            var expNegative = false
            if i < end, bytes[i] == 0x2D || bytes[i] == 0x2B { expNegative = bytes[i] == 0x2D; i += 1 }
            var e = 0
            var sawExpDigit = false
            while i < end, bytes[i] &- 0x30 < 10 {
                if e < 100_000 { e = e * 10 + Int(bytes[i] &- 0x30) }
                sawExpDigit = true
                i += 1
            }
            if !sawExpDigit { return nil }
            exponent += expNegative ? -e : e
        }
        if i != end { return nil }
        if !dropped, mantissa <= (1 << 53), exponent >= -22, exponent <= 22 {
            var value = Double(mantissa)
            if exponent >= 0 { value *= powersOfTen[exponent] } else { value /= powersOfTen[-exponent] }
            return negative ? -value : value
        }
        if mantissa == 0 && !dropped { return negative ? -0.0 : 0.0 }
        return slowPath(bytes, start, end)
    }

    @usableFromInline
    static func slowPath(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Double? {
        let length = end - start
        if length > 400 { return nil }
        // Only digits, sign, point, exponent, or the words inf / infinity reach strtod (never "nan": that is a
        // missing marker, and strtod's hex floats are not CSV numbers).
        var letters = 0
        for k in start..<end {
            let c = bytes[k]
            let isNumeric = (c &- 0x30 < 10) || c == 0x2B || c == 0x2D || c == 0x2E || c | 0x20 == 0x65
            if !isNumeric { letters += 1 }
        }
        if letters > 0 {
            var word = ""
            for k in start..<end { word.append(Character(UnicodeScalar(bytes[k] | 0x20))) }
            let trimmed = word.hasPrefix("-") || word.hasPrefix("+") ? String(word.dropFirst()) : word
            guard trimmed == "inf" || trimmed == "infinity" else { return nil }
        }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer -> Double? in
            for k in 0..<length { buffer[k] = CChar(bitPattern: bytes[start + k]) }
            buffer[length] = 0
            var endPointer: UnsafeMutablePointer<CChar>? = nil
            let value = strtod(buffer.baseAddress!, &endPointer)
            guard let endPointer, endPointer - buffer.baseAddress! == length else { return nil }
            return value
        }
    }

    /// Convenience for tests and option parsing.
    public static func parse(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }
}
