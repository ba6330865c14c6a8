#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The categories of one column, looked up by their bytes: a text seen before costs a hash and a compare, no
/// String (the CSV reader meets the same few categories millions of times). Keys of at most 16 bytes (nearly all
/// categories) are read as two words, so hashing and comparing them is a few integer operations, not a loop over
/// the bytes and a memcmp.
struct CategoryInterner {
    /// Categories in code order.
    private(set) var texts: [String] = []
    /// The categories' bytes, back to back; category `c` is `keyBytes[keyStarts[c]..<keyStarts[c + 1]]`.
    private var keyBytes: [UInt8] = []
    private var keyStarts: [Int] = [0]
    /// The two words of each category (`words(_:_:)`), compared instead of the bytes for keys of <= 16 bytes.
    private var keyWords: [(UInt64, UInt64)] = []
    /// Open addressing: code + 1, or 0 for an empty slot.
    private var slots: [Int32] = Array(repeating: 0, count: 16)
    private var hashes: [UInt64] = Array(repeating: 0, count: 16)

    var count: Int { texts.count }

    /// The code of the category with these bytes, if it has one.
    func code(of bytes: UnsafePointer<UInt8>, _ length: Int) -> Int? {
        let short = length <= 16
        let key = short ? CategoryInterner.words(bytes, length) : (0, 0)
        let hash = short ? CategoryInterner.hash(words: key, length) : CategoryInterner.hash(bytes, length)
        return slots.withUnsafeBufferPointer { slots in
            hashes.withUnsafeBufferPointer { hashes in
                keyStarts.withUnsafeBufferPointer { starts in
                    keyBytes.withUnsafeBufferPointer { keys in
                        keyWords.withUnsafeBufferPointer { words in
                            let mask = slots.count &- 1
                            var slot = Int(truncatingIfNeeded: hash) & mask
                            while true {
                                let entry = Int(slots[slot])
                                if entry == 0 { return nil }
                                if hashes[slot] == hash {
                                    let code = entry &- 1
                                    let start = starts[code], end = starts[entry]
                                    if end &- start == length {
                                        if short {
                                            if words[code] == key { return code }
                                        } else if keys.baseAddress.map({ memcmp($0 + start, bytes, length) == 0 }) == true {
                                            return code
                                        }
                                    }
                                }
                                slot = (slot &+ 1) & mask
                            }
                        }
                    }
                }
            }
        }
    }

    /// The code of `text`, adding it as a new category if needed.
    mutating func intern(_ text: String) -> Int {
        var text = text
        let existing = text.withUTF8 { buffer -> Int? in
            guard let base = buffer.baseAddress else { return nil }
            return code(of: base, buffer.count)
        }
        if let existing { return existing }
        if text.isEmpty, let empty = texts.firstIndex(of: "") { return empty }
        return insert(text)
    }

    private mutating func insert(_ text: String) -> Int {
        let code = texts.count
        texts.append(text)
        keyBytes.append(contentsOf: text.utf8)
        keyStarts.append(keyBytes.count)
        keyWords.append(keyBytes.withUnsafeBufferPointer { keys in
            let length = keyStarts[code + 1] - keyStarts[code]
            guard let base = keys.baseAddress, length <= 16 else { return (0, 0) }
            return CategoryInterner.words(base + keyStarts[code], length)
        })
        if 2 * (code + 1) > slots.count { rehash(slots.count * 2) }
        place(code: code, hash: keyHash(code))
        return code
    }

    private func keyHash(_ code: Int) -> UInt64 {
        let length = keyStarts[code + 1] - keyStarts[code]
        if length <= 16 { return CategoryInterner.hash(words: keyWords[code], length) }
        return keyBytes.withUnsafeBufferPointer { keys in
            CategoryInterner.hash(keys.baseAddress.map { $0 + keyStarts[code] }, length)
        }
    }

    private mutating func place(code: Int, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(code + 1)
        hashes[slot] = hash
    }

    private mutating func rehash(_ size: Int) {
        slots = Array(repeating: 0, count: size)
        hashes = Array(repeating: 0, count: size)
        for code in texts.indices { place(code: code, hash: keyHash(code)) }
    }

    /// The bytes of a key of at most 16 bytes as two words that, with the length, determine them: overlapping
    /// loads of the first and last eight (8-16 bytes) or four (4-7 bytes) bytes, or the first, middle and last
    /// byte (1-3 bytes). Every load stays inside the key.
    @inline(__always)
    static func words(_ p: UnsafePointer<UInt8>, _ length: Int) -> (UInt64, UInt64) {
        let raw = UnsafeRawPointer(p)
        if length >= 8 {
            return (UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)),
                    UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)))
        }
        if length >= 4 {
            let low = UInt64(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))
            let high = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self)))
            return (low | high << 32, 0)
        }
        if length > 0 {
            return (UInt64(p[0]) | UInt64(p[length >> 1]) << 8 | UInt64(p[length - 1]) << 16, 0)
        }
        return (0, 0)
    }

    /// A hash of a short key's words and length (multiply-xorshift mixing, as in splitmix64's finaliser).
    @inline(__always)
    static func hash(words: (UInt64, UInt64), _ length: Int) -> UInt64 {
        var h = (words.0 ^ 0x9E37_79B9_7F4A_7C15) &* 0xBF58_476D_1CE4_E5B9
        h ^= (words.1 ^ UInt64(length)) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 31
        h = h &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 29
        return h
    }

    /// FNV-1a (keys longer than 16 bytes), then a final mix so the low bits (the slot) depend on every byte.
    static func hash(_ bytes: UnsafePointer<UInt8>?, _ length: Int) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        if let bytes {
            for k in 0..<length {
                h = (h ^ UInt64(bytes[k])) &* 0x0000_0100_0000_01B3
            }
        }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return h
    }
}
