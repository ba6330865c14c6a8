@testable import AutopipeData
import AutopipeTestSupport
import Foundation
import Testing

/// The quote-free tokenizer (`CSVQuoteFree`) must be indistinguishable from libcsv: every file here is read with
/// it and with libcsv alone, and the tables (cell for cell, bit for bit) or the errors must be identical.
@Suite("CSV quote-free tokenizer")
struct CSVQuoteFreeTests {
    /// Reads `path` with libcsv only and with the quote-free tokenizer (sequentially and in tiny pieces).
    func compare(_ path: String, delimiter: UInt8? = nil, pieces: [CSVOptions] = CSV.pieceVariants,
                 text: @autoclosure () -> String) -> Bool {
        var libcsvOnly = CSVOptions(delimiter: delimiter, parallelism: 1)
        libcsvOnly.quoteFreeTokenizer = false
        let expected: Result<Table, DataError> = read(path, libcsvOnly)
        var variants = [CSVOptions(delimiter: delimiter, parallelism: 1)]
        for piece in pieces {
            var options = piece
            options.delimiter = delimiter
            variants.append(options)
        }
        for options in variants {
            let got = read(path, options)
            let agree: Bool
            switch (expected, got) {
            case let (.success(a), .success(b)): agree = CSV.same(a, b)
            case let (.failure(a), .failure(b)): agree = a == b
            default: agree = false
            }
            if !agree {
                Issue.record("pieces \(options.pieceBytes ?? 0): \(got) instead of \(expected) on \(text().debugDescription)")
                return false
            }
        }
        return true
    }

    func read(_ path: String, _ options: CSVOptions) -> Result<Table, DataError> {
        do {
            return .success(try CSVReader(options: options).read(path: path))
        } catch let error as DataError {
            return .failure(error)
        } catch {
            return .failure(.invalidOption("unexpected \(error)"))
        }
    }

    /// Random files over an alphabet of the bytes that matter to the grammar (delimiters, spaces and tabs in and
    /// around fields, CR, LF, CRLF, blank and space-only lines, trailing delimiters, ragged rows, invalid UTF-8,
    /// missing markers, numbers and words), with each delimiter the sniffer or the user can pick.
    @Test func randomQuoteFreeFilesMatchLibcsv() throws {
        var g = SeededGenerator(seed: 2026)
        let pieces: [[UInt8]] = [
            Array("1".utf8), Array("-2.5".utf8), Array("1e3".utf8), Array("NA".utf8), Array("red".utf8),
            Array("b c".utf8), Array("é".utf8), [0xFF], [0x20], [0x09], [0x20, 0x20], Array("?".utf8),
            Array("inf".utf8), [0x2C], [0x3B], [0x09], [0x7C], [0x0A], [0x0D], [0x0D, 0x0A],
        ]
        let delimiters: [UInt8?] = [nil, 0x2C, 0x3B, 0x09, 0x20, 0x7C]
        var failures = 0
        for _ in 0..<600 where failures < 3 {
            let delimiter = delimiters[g.nextInt(below: delimiters.count)]
            let separator = delimiter ?? 0x2C
            let columns = g.nextInt(below: 4) + 1
            var bytes = Array((0..<columns).map { "c\($0)" }.joined(separator: String(UnicodeScalar(separator))).utf8)
            bytes.append(0x0A)
            for _ in 0..<(g.nextInt(below: 30) + 1) {
                // Mostly well-formed rows of `columns` fields, with random bytes mixed in.
                for column in 0..<columns {
                    if column > 0 { bytes.append(separator) }
                    for _ in 0..<g.nextInt(below: 3) { bytes += pieces[g.nextInt(below: g.nextInt(below: 8) == 0 ? pieces.count : 13)] }
                }
                bytes += g.nextInt(below: 6) == 0 ? [0x0D, 0x0A] : [0x0A]
            }
            if g.nextInt(below: 3) == 0 { bytes.removeLast() }   // no line end after the last row
            let path = try CSV.write(bytes: bytes)
            if !compare(path, delimiter: delimiter, text: String(decoding: bytes, as: UTF8.self)) { failures += 1 }
        }
    }

    /// A quoted field longer than a block, with a line break every two bytes and no quote for over a block: libcsv
    /// keeps the whole stretch (it used to be handed one line at a time, re-reading a block per line).
    @Test func quotedFieldLongerThanABlockWithManyLineBreaks() throws {
        let blob = String(repeating: "x\n", count: 1_500_000)
        let text = "id,notes,y\n1,\"" + blob + "\",2\n3,plain,4\n"
        let path = try CSV.write(text)
        let pieces = [CSVOptions(parallelism: 2, pieceBytes: 400_000)]
        #expect(compare(path, pieces: pieces, text: "(a quoted field of \(blob.utf8.count) bytes)"))
        let table = try CSVReader(options: CSVOptions(parallelism: 1)).read(path: path)
        #expect(table.rowCount == 2)
        #expect(table.text(row: 0, column: 1)?.utf8.count == blob.utf8.count)
    }

    /// A file larger than the parser's 1 MiB blocks where quoted fields (some spanning lines, some with doubled
    /// quotes) sit in some blocks and not in others, and rows cross block boundaries: the hand-overs between
    /// libcsv and the quote-free tokenizer must not lose or split anything.
    @Test func blocksMixingQuotedAndQuoteFreeRuns() throws {
        var g = SeededGenerator(seed: 7)
        var text = "id,name,x,y\n"
        var row = 0
        while text.utf8.count < 3_500_000 {
            let name: String
            switch g.nextInt(below: 20_000) {
            case 0: name = "\"two\nlines, \"\"quoted\"\"\""
            case 1: name = "\"" + String(repeating: "long ", count: 50_000) + "\nend\""
            case 2: name = "plain " + String(repeating: "x", count: 2_000)
            default: name = ["red", "green", " blue ", ""][g.nextInt(below: 4)]
            }
            text += "\(row),\(name),\(Double(g.nextInt(below: 100_000)) / 64),\(g.nextInt(below: 9))"
            text += g.nextInt(below: 1_000) == 0 ? "\r\n" : "\n"
            row += 1
        }
        let path = try CSV.write(text)
        let pieces = [CSVOptions(parallelism: 2, pieceBytes: 100_000), CSVOptions(parallelism: 3, pieceBytes: 1_500_000)]
        #expect(compare(path, pieces: pieces, text: "(a \(text.utf8.count)-byte file of \(row) rows)"))
        let table = try CSVReader(options: CSVOptions(parallelism: 1)).read(path: path)
        #expect(table.rowCount == row)
    }
}
