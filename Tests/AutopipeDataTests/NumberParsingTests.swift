import AutopipeData
import Foundation
import Testing

/// `NumberParsing.parse` must return exactly `strtod`'s double (bit for bit) for every decimal number.
@Suite("Number parsing")
struct NumberParsingTests {
    func strtodValue(_ text: String) -> Double { strtod(text, nil) }

    func check(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        guard let ours = NumberParsing.parse(text) else {
            Issue.record("'\(text)' was not read as a number", sourceLocation: sourceLocation)
            return false
        }
        let expected = strtodValue(text)
        if ours.bitPattern != expected.bitPattern {
            Issue.record("'\(text)': got \(ours) (\(String(ours.bitPattern, radix: 16))), strtod says \(expected)",
                         sourceLocation: sourceLocation)
            return false
        }
        return true
    }

    /// A random double drawn from all bit patterns (finite ones).
    func randomDouble(_ g: inout SeededGenerator) -> Double {
        while true {
            let d = Double(bitPattern: g.next())
            if d.isFinite { return d }
        }
    }

    @Test func randomDoublesInEveryFormat() {
        var g = SeededGenerator(seed: 2024)
        var failures = 0
        for _ in 0..<40_000 where failures < 10 {
            let d = randomDouble(&g)
            let precision = g.nextInt(below: 25) + 1
            let texts = [
                "\(d)", String(format: "%.17g", d), String(format: "%.\(precision)g", d),
                String(format: "%.\(precision)e", d), String(format: "%.\(g.nextInt(below: 12))f", d / 1e300 * 1e6),
            ]
            for text in texts where !check(text) { failures += 1 }
        }
        #expect(failures == 0)
    }

    @Test func randomDigitStringsWithExponents() {
        var g = SeededGenerator(seed: 7)
        var failures = 0
        for _ in 0..<100_000 where failures < 10 {
            let digitCount = g.nextInt(below: 24) + 1
            var digits = ""
            for _ in 0..<digitCount { digits.append(Character(UnicodeScalar(UInt8(0x30 + g.nextInt(below: 10))))) }
            let exponent = g.nextInt(below: 700) - 360
            let point = g.nextInt(below: digitCount + 1)
            let mantissa = String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
            let sign = ["", "-", "+"][g.nextInt(below: 3)]
            let e = ["e", "E"][g.nextInt(below: 2)]
            for text in ["\(sign)\(digits)\(e)\(exponent)", "\(sign)\(mantissa)\(e)\(exponent)", "\(sign)\(mantissa)"]
            where !check(text) { failures += 1 }
        }
        #expect(failures == 0)
    }

    @Test func typicalCSVNumbers() {
        var g = SeededGenerator(seed: 11)
        var failures = 0
        for _ in 0..<100_000 where failures < 10 {
            let x = g.nextGaussian() * pow(10, Double(g.nextInt(below: 9) - 3))
            for text in ["\(x)", String(format: "%.3f", x), String(format: "%.6f", x), "\(Int(x * 1000))",
                         String(format: "%.15g", x)] where !check(text) { failures += 1 }
        }
        #expect(failures == 0)
    }

    @Test func halfwayAndBoundaryCases() {
        var cases = [
            "9007199254740993", "9007199254740992.5", "9007199254740995", "18014398509481986", "18014398509481990",
            "1e23", "8.98846567431158e307", "2.2250738585072013e-308", "2.2250738585072011e-308",
            "2.2250738585072012e-308", "4.9406564584124654e-324", "2.4703282292062328e-324",
            "2.4703282292062327e-324", "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308",
            "7.2057594037927933e+16", "7.3177701707893310e+15", "0.1", "0.3", "1e-400", "1e400", "-0", "0e999999",
            "123456789012345678901234567890", "0.000000000000000000000000000012345678901234567890123",
            "00000000000000000000001.5", "1.00000000000000011102230246251565404236316680908203125",
            "1.00000000000000011102230246251565404236316680908203124", "5e-324", "1e-323", "3.4028236e38",
            "4503599627370496.5", "4503599627370497.5", "1448997445238699", "0.0000000000000000000000001",
            "10000000000000000000000000000000000000000000000000000000000000000e-64",
        ]
        // Integers exactly halfway between neighbouring doubles (round half to even), up to 19 digits.
        var g = SeededGenerator(seed: 3)
        for _ in 0..<5_000 {
            let shift = UInt64(g.nextInt(below: 10) + 1)
            let m = (g.next() >> 11) | (1 << 52)            // 53 significant bits
            let (value, overflow) = (m << shift).addingReportingOverflow(1 << (shift - 1))
            if !overflow { cases.append(String(value)) }
        }
        var failures = 0
        for text in cases where !check(text) { failures += 1 }
        #expect(failures == 0)
    }

    @Test func wordsAndNonNumbers() {
        #expect(NumberParsing.parse("inf") == .infinity)
        #expect(NumberParsing.parse("-Infinity") == -.infinity)
        #expect(NumberParsing.parse(" \t42\t ") == 42)
        for text in ["", " ", "nan", "NaN", "-nan", "abc", "1e", "1e+", "--1", "1.2.3", "0x1p3", "1,5", "1 000",
                     "+", ".", "e3", "infinit", "infinityy", "1e5x", "٣"] {
            #expect(NumberParsing.parse(text) == nil, "'\(text)' is not a number")
        }
    }
}
