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
                // In a field: up to the delimiter or the line end, trailing spaces and tabs dropped.
                let start = i
                var end = i &+ 1
                i &+= 1
                while i < count {
                    let kind = table[Int(bytes[i])]
                    if kind == CSVQuoteFree.Classes.stop { break }
                    i &+= 1
                    if kind == CSVQuoteFree.Classes.ordinary { end = i }
                }
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
