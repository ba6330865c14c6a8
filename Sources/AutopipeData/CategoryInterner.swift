#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The categories of one column, looked up by their bytes: a text seen before costs a hash and a compare, no
/// String (the CSV reader meets the same few categories millions of times).
struct CategoryInterner {
    /// Categories in code order.
    private(set) var texts: [String] = []
    /// The categories' bytes, back to back; category `c` is `keyBytes[keyStarts[c]..<keyStarts[c + 1]]`.
    private var keyBytes: [UInt8] = []
    private var keyStarts: [Int] = [0]
    /// Open addressing: code + 1, or 0 for an empty slot.
    private var slots: [Int32] = Array(repeating: 0, count: 16)
    private var hashes: [UInt64] = Array(repeating: 0, count: 16)

    var count: Int { texts.count }

    /// The code of the category with these bytes, if it has one.
    func code(of bytes: UnsafePointer<UInt8>, _ length: Int) -> Int? {
        let hash = CategoryInterner.hash(bytes, length)
        return slots.withUnsafeBufferPointer { slots in
            hashes.withUnsafeBufferPointer { hashes in
                keyStarts.withUnsafeBufferPointer { starts in
                    keyBytes.withUnsafeBufferPointer { keys in
                        let mask = slots.count &- 1
                        var slot = Int(truncatingIfNeeded: hash) & mask
                        while true {
                            let entry = Int(slots[slot])
                            if entry == 0 { return nil }
                            if hashes[slot] == hash {
                                let start = starts[entry &- 1], end = starts[entry]
                                if end &- start == length,
                                   length == 0 || keys.baseAddress.map({ memcmp($0 + start, bytes, length) == 0 }) == true {
                                    return entry &- 1
                                }
                            }
                            slot = (slot &+ 1) & mask
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
        if 2 * (code + 1) > slots.count { rehash(slots.count * 2) }
        place(code: code, hash: keyHash(code))
        return code
    }

    private func keyHash(_ code: Int) -> UInt64 {
        keyBytes.withUnsafeBufferPointer { keys in
            CategoryInterner.hash(keys.baseAddress.map { $0 + keyStarts[code] }, keyStarts[code + 1] - keyStarts[code])
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

    /// FNV-1a, then a final mix so the low bits (the slot) depend on every byte.
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
