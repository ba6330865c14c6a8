/// The quote-free fast path of the piece parser.
///
/// libcsv walks every byte through its general state machine (quotes, doubled quotes, fields spanning lines) and
/// copies each field into its own buffer; on a typical numeric file that is half of the load time. A run of
/// complete lines without a single quote character has no use for any of that: its grammar is fields separated by
/// the delimiter, rows ended by CR or LF, spaces and tabs around a field dropped. For such runs the piece parser
/// tokenizes in place and hands the parser exactly the callbacks libcsv would have made (same fields, same
/// trimming, same row ends including the empty "row" of a CRLF's LF and of blank lines, as with
/// `CSV_REPALL_NL`). Everything else (any block with a quote, a line longer than a block, CR-only line ends) goes
/// through libcsv. `CSVQuoteFreeTests` checks callback-for-callback agreement with libcsv on random input.
enum CSVQuoteFree {
    static let quote: UInt8 = 0x22
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D

    /// The byte in every byte of a word.
    @inline(__always)
    static func broadcast(_ byte: UInt8) -> UInt64 { UInt64(byte) &* 0x0101_0101_0101_0101 }

    /// A word whose lowest set bit is the top bit of the first zero byte of `word` (in memory order), or 0 when
    /// it has none. (Bits above the first zero byte may be set spuriously; only the lowest one is used.)
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
    }

    /// The index of the last LF among the `count` bytes, or nil.
    static func lastLineFeed(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int? {
        var k = count - 1
        while k >= 0 {
            if bytes[k] == lineFeed { return k }
            k -= 1
        }
        return nil
    }

    /// The byte classes the tokenizer tells apart (a table so the inner loop is one load and one compare).
    struct Classes {
        static let ordinary: UInt8 = 0
        static let space: UInt8 = 1
        static let stop: UInt8 = 2   // the delimiter or a line end
        let table: [UInt8]

        init(delimiter: UInt8) {
            var table = [UInt8](repeating: Classes.ordinary, count: 256)
            table[0x20] = Classes.space
            table[0x09] = Classes.space
            table[Int(CSVQuoteFree.lineFeed)] = Classes.stop
            table[Int(CSVQuoteFree.carriageReturn)] = Classes.stop
            table[Int(delimiter)] = Classes.stop   // a space or tab delimiter is a delimiter, not a space
            self.table = table
        }
    }
}

extension CSVPieceParser {
    /// Tokenizes `count` bytes that hold no quote character and end with a line end, starting between rows,
    /// making the same `field` / `endRow` calls as libcsv would.
    func tokenizeQuoteFree(_ bytes: UnsafePointer<UInt8>, _ count: Int, classes: CSVQuoteFree.Classes) {
        let delimiter = settings.delimiter
        let delimiters = CSVQuoteFree.broadcast(delimiter)
        let lineFeeds = CSVQuoteFree.broadcast(CSVQuoteFree.lineFeed)
        let carriageReturns = CSVQuoteFree.broadcast(CSVQuoteFree.carriageReturn)
        classes.table.withUnsafeBufferPointer { table in
            var i = 0
            var rowBegun = false
            while i < count {
                // Before a field: spaces and tabs are skipped.
                var c = bytes[i]
                while table[Int(c)] == CSVQuoteFree.Classes.space {
                    i &+= 1
                    guard i < count else { return }
                    c = bytes[i]
                }
                if c == delimiter {
                    field(bytes + i, 0)
                    rowBegun = true
                    i &+= 1
                    continue
                }
                if c == CSVQuoteFree.lineFeed || c == CSVQuoteFree.carriageReturn {
                    if rowBegun { field(bytes + i, 0) }
                    endRow(Int32(c))
                    rowBegun = false
                    i &+= 1
                    continue
                }
                // In a field: up to the delimiter or the line end (eight bytes at a time), trailing spaces and
                // tabs dropped. The field's first byte is neither.
                let start = i
                i &+= 1
                var found = false
                while i &+ 8 <= count {
                    let word = UInt64(littleEndian: UnsafeRawPointer(bytes + i).loadUnaligned(as: UInt64.self))
                    let stops = CSVQuoteFree.zeroBytes(word ^ delimiters) | CSVQuoteFree.zeroBytes(word ^ lineFeeds)
                        | CSVQuoteFree.zeroBytes(word ^ carriageReturns)
                    if stops != 0 {
                        i &+= stops.trailingZeroBitCount &>> 3
                        found = true
                        break
                    }
                    i &+= 8
                }
                if !found {
                    while i < count, table[Int(bytes[i])] != CSVQuoteFree.Classes.stop { i &+= 1 }
                }
                var end = i
                while end &- 1 > start, table[Int(bytes[end &- 1])] == CSVQuoteFree.Classes.space { end &-= 1 }
                field(bytes + start, end &- start)
                rowBegun = true
                guard i < count else { return }
                c = bytes[i]
                i &+= 1
                if c != delimiter {
                    endRow(Int32(c))
                    rowBegun = false
                }
            }
        }
    }
}
