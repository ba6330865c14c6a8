@testable import AutopipeData
import Testing

/// The interner compares keys of up to 16 bytes as two overlapping words and longer ones byte by byte: keys that
/// differ in one byte anywhere, or only in length, must get different codes, and every key its own code back.
@Suite("Category interner")
struct CategoryInternerTests {
    static func code(_ interner: CategoryInterner, _ text: String) -> Int? {
        var text = text
        return text.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return nil }
            return interner.code(of: base, buffer.count)
        }
    }

    @Test func everyLengthAndPosition() {
        var interner = CategoryInterner()
        var keys: [String] = []
        for length in 1...40 {
            let plain = String(repeating: "a", count: length)
            keys.append(plain)
            for position in 0..<length {
                var bytes = Array(plain.utf8)
                bytes[position] = UInt8(ascii: "b")
                keys.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        keys.append("")
        for (expected, key) in keys.enumerated() {
            #expect(Self.code(interner, key) == nil, "\(key) is not in yet")
            #expect(interner.intern(key) == expected, "\(key)")
        }
        for (expected, key) in keys.enumerated() {
            #expect(Self.code(interner, key) == expected, "\(key)")
            #expect(interner.intern(key) == expected, "\(key) again")
        }
        #expect(interner.count == keys.count)
        #expect(interner.texts == keys)
        #expect(Self.code(interner, "c") == nil && Self.code(interner, String(repeating: "a", count: 41)) == nil)
    }

    @Test func multiByteText() {
        var interner = CategoryInterner()
        let keys = ["Zürich", "Zurich", "東京", "東京都", "naïve café", "naive cafe", "👍", "👍🏽"]
        for (expected, key) in keys.enumerated() { #expect(interner.intern(key) == expected) }
        for (expected, key) in keys.enumerated() { #expect(Self.code(interner, key) == expected) }
    }
}
