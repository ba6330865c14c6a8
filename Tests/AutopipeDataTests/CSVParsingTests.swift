import AutopipeData
import AutopipeTestSupport
import Foundation
import Testing

/// Parsing features of `CSVReader`. Every read also runs through the parallel piece reader with tiny pieces
/// (`CSV.read`), which must give exactly the sequential table.
@Suite("CSV parsing")
struct CSVParsingTests {
    @Test func plainNumericFile() throws {
        let table = try CSV.read("a,b,c\n1,2,3\n4,5,6\n")
        #expect(table.names == ["a", "b", "c"])
        #expect(table.kinds == [.numeric, .numeric, .numeric])
        #expect(table.cells.values == [1, 2, 3, 4, 5, 6])
        #expect(table.missingCounts == [0, 0, 0])
    }

    @Test func quotedFieldsWithDelimitersQuotesAndNewlines() throws {
        let text = "id,name,score\n1,\"Smith, John\",3\n2,\"say \"\"hi\"\"\",4\n3,\"two\nlines\",5\n4,plain,6\n"
        let table = try CSV.read(text)
        #expect(table.rowCount == 4)
        #expect(CSV.texts(table, "name") == ["Smith, John", "say \"hi\"", "two\nlines", "plain"])
        #expect(CSV.numbers(table, "score") == [3, 4, 5, 6])
    }

    @Test func quotedNumbersAreNumbers() throws {
        let table = try CSV.read("a,b\n\"1.5\",\" 2 \"\n\"3\",4\n")
        #expect(table.kinds == [.numeric, .numeric])
        #expect(table.cells.values == [1.5, 2, 3, 4])
    }

    @Test func lineNumbersStayRightAfterEmbeddedNewlines() throws {
        // Rows start on lines 2, 3 (spanning 3-5) and 6; the ragged row is on line 7.
        let text = "a,b\n1,x\n2,\"multi\nline\nfield\"\n3,y\n4\n"
        let (error, path) = try CSV.error(text)
        #expect(error == .raggedRow(path: path, line: 7, expected: 2, found: 1))
    }

    @Test func crlfLineEnds() throws {
        let table = try CSV.read("a,b\r\n1,x\r\n2,\"y\r\nz\"\r\n3,w\r\n")
        #expect(table.rowCount == 3)
        #expect(CSV.numbers(table, "a") == [1, 2, 3])
        #expect(CSV.texts(table, "b") == ["x", "y\r\nz", "w"])
        let (error, path) = try CSV.error("a,b\r\n1,2\r\n\r\n3\r\n")
        #expect(error == .raggedRow(path: path, line: 4, expected: 2, found: 1))
    }

    @Test func oldMacLineEnds() throws {
        let table = try CSV.read("a,b\r1,2\r3,4\r")
        #expect(table.cells.values == [1, 2, 3, 4])
        let (error, path) = try CSV.error("a,b\r1,2\r3\r")
        #expect(error == .raggedRow(path: path, line: 3, expected: 2, found: 1))
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let path = try CSV.write(bytes: [0xEF, 0xBB, 0xBF] + Array("name,value\nx,1\n".utf8))
        let table = try CSV.read(path: path)
        #expect(table.names == ["name", "value"])
        #expect(CSV.texts(table, "name") == ["x"])
    }

    @Test func sniffsSemicolonAndTab() throws {
        let semicolon = try CSV.read("a;b;c\n1,5;2;x\n3;4;y\n")
        #expect(semicolon.names == ["a", "b", "c"])
        #expect(CSV.texts(semicolon, "a") == ["1,5", "3"])     // a decimal comma stays text
        let tab = try CSV.read("a\tb\tc\n1\t2\thello world\n3\t\t z \n")
        #expect(tab.names == ["a", "b", "c"])
        #expect(CSV.numbers(tab, "a") == [1, 3])
        #expect(tab.missingCounts == [0, 1, 0])
        #expect(CSV.texts(tab, "c") == ["hello world", "z"])
        let quotedCommas = try CSV.read("\"x,y\";\"p,q\";z\n1;2;3\n")
        #expect(quotedCommas.names == ["x,y", "p,q", "z"])
        let blankFirst = try CSV.read("\n\na;b\n1;2\n")
        #expect(blankFirst.names == ["a", "b"])
    }

    @Test func explicitDelimiter() throws {
        let text = "a|b,c\n1|2,5\n"
        let table = try CSV.read(text, options: CSVOptions(delimiter: try CSVOptions.delimiter(from: "|")))
        #expect(table.names == ["a", "b,c"])
        #expect(CSV.texts(table, "b,c") == ["2,5"])
        #expect(try CSVOptions.delimiter(from: "tab") == 0x09)
        #expect(try CSVOptions.delimiter(from: "\\t") == 0x09)
        #expect(throws: DataError.self) { try CSVOptions.delimiter(from: "ab") }
        #expect(throws: DataError.self) { try CSVOptions.delimiter(from: "\"") }
    }

    @Test func everyMissingMarker() throws {
        let markers = ["", "NA", "N/A", "n/a", "NaN", "nan", "-NaN", "-nan", "?", "null", "NULL", "None", "#N/A",
                       "#N/A N/A", "#NA", "<NA>", "-1.#IND", "-1.#QNAN", "1.#IND", "1.#QNAN", " NA ", "\"NA\"", "\"\""]
        var text = "num,cat\n"
        for marker in markers { text += "\(marker),\(marker)\n" }
        text += "1.5,red\n"
        let table = try CSV.read(text)
        #expect(table.kinds == [.numeric, .categorical])
        #expect(table.missingCounts == [markers.count, markers.count])
        let allNaN = CSV.numbers(table, "num").prefix(markers.count).allSatisfy { $0.isNaN }
        #expect(allNaN)
        #expect(table.levels[1] == ["red"])
        // Custom markers replace the defaults.
        let custom = try CSV.read("a,b\n-999,x\nNA,y\n", options: CSVOptions(missingMarkers: ["-999"]))
        #expect(custom.missingCounts == [1, 0])
        #expect(custom.kinds[0] == .categorical)
    }

    @Test func numericColumnTurnsCategoricalWhenTextAppears() throws {
        var text = "v,y\n"
        for i in 0..<50 { text += "\(i % 3).50,\(i)\n" }
        text += "high,50\n,51\n7,52\n"
        let table = try CSV.read(text)
        #expect(table.kinds == [.categorical, .numeric])
        #expect(table.levels[0] == ["0.5", "1.5", "2.5", "7", "high"])   // numbers named canonically, sorted
        #expect(table.text(row: 0, column: 0) == "0.5")
        #expect(table.text(row: 50, column: 0) == "high")
        #expect(table.text(row: 51, column: 0) == nil)
        #expect(table.text(row: 52, column: 0) == "7")
        #expect(table.missingCounts == [1, 0])
    }

    @Test func duplicateAndEmptyHeaderNames() throws {
        let table = try CSV.read("a,a,,b,a,a.1\n1,2,3,4,5,6\n")
        #expect(table.names == ["a", "a.2", "column_3", "b", "a.3", "a.1"])
        let plain = try CSV.read("x,x,x\n1,2,3\n")
        #expect(plain.names == ["x", "x.1", "x.2"])
    }

    @Test func blankLinesAreSkipped() throws {
        let table = try CSV.read("\n\na,b\n\n1,2\n   \n\n3,4\n\n")
        #expect(table.rowCount == 2)
        #expect(table.cells.values == [1, 2, 3, 4])
        // Line numbers count the blank lines.
        let (error, path) = try CSV.error("\na,b\n\n1,2\n\n3\n")
        #expect(error == .raggedRow(path: path, line: 6, expected: 2, found: 1))
    }

    @Test func finalRowWithoutNewline() throws {
        let table = try CSV.read("a,b\n1,2\n3,4")
        #expect(table.cells.values == [1, 2, 3, 4])
        let quoted = try CSV.read("a,b\n1,\"x\"")
        #expect(CSV.texts(quoted, "b") == ["x"])
        let crlf = try CSV.read("a,b\r\n1,2\r\n3,4")
        #expect(crlf.cells.values == [1, 2, 3, 4])
    }

    @Test func numbersInEveryNotation() throws {
        let cases: [(String, Double)] = [
            ("1e3", 1000), ("1E3", 1000), ("-2.5e-3", -0.0025), ("+4", 4), ("+.5", 0.5), (".5", 0.5), ("5.", 5),
            ("-0", -0.0), ("007", 7), ("1.7976931348623157e308", .greatestFiniteMagnitude), ("4.9e-324", 5e-324),
            ("1e400", .infinity), ("-1e400", -.infinity), ("1e-400", 0), ("inf", .infinity), ("-inf", -.infinity),
            ("Infinity", .infinity), ("+INF", .infinity), (" 12 ", 12), ("0.1", 0.1),
            ("123456789012345678901234567890", 1.2345678901234568e29), ("9007199254740993", 9007199254740992),
        ]
        var text = "x\n"
        for (literal, _) in cases { text += literal.contains(" ") ? "\"\(literal)\"\n" : "\(literal)\n" }
        let table = try CSV.read(text)
        #expect(table.kinds == [.numeric])
        for (row, (literal, expected)) in cases.enumerated() {
            let value = table.cells[row, 0]
            #expect(value.bitPattern == expected.bitPattern, "\(literal) read as \(value)")
        }
        for text in ["1e", "1e+", "--1", "1.2.3", "0x10", "1,000", "1_000", "e5", ".", "-", "infinite", "nanx"] {
            #expect(NumberParsing.parse(text) == nil, "\(text) is not a number")
        }
    }

    @Test func veryLongFields() throws {
        let long = String(repeating: "abcdefghij", count: 200_000)       // 2 MB
        let quoted = String(repeating: "x,\"y\"\n", count: 50_000)
        let digits = "0." + String(repeating: "1", count: 5_000)
        let text = "a,b,c\n\(long),\"\(quoted.replacingOccurrences(of: "\"", with: "\"\""))\",\(digits)\n1,2,3\n"
        let table = try CSV.read(text)
        #expect(table.rowCount == 2)
        #expect(table.text(row: 0, column: 0) == long)
        #expect(table.text(row: 0, column: 1) == quoted)
        #expect(table.kinds[2] == .numeric)
        #expect(table.cells[0, 2] == strtod(digits, nil))
        // Line numbers after a field with 50,000 embedded newlines.
        let (error, path) = try CSV.error(text + "4,5\n")
        #expect(error == .raggedRow(path: path, line: 50_004, expected: 3, found: 2))
    }

    @Test func manyRowsThroughRealPieces() throws {
        // About 3 MB: the default piece planning with several threads, checked against a sequential read.
        var text = "id,value,label,note\n"
        for i in 0..<60_000 {
            let note = i % 97 == 0 ? "\"multi\nline, \(i)\"" : "n\(i % 7)"
            text += "\(i),\(Double(i) * 0.37 - 11),\(i % 5 == 0 ? "NA" : "c\(i % 11)"),\(note)\n"
        }
        let path = try CSV.write(text)
        let sequential = try CSVReader(options: CSVOptions(parallelism: 1)).read(path: path)
        let parallel = try CSVReader(options: CSVOptions(parallelism: 4, pieceBytes: 100_000)).read(path: path)
        #expect(CSV.same(sequential, parallel))
        #expect(sequential.rowCount == 60_000)
        #expect(sequential.levels[2].count == 11)
        #expect(sequential.missingCounts == [0, 0, 12_000, 0])
    }

    @Test func categoricalLevelsAreSortedAndCodesFollowThem() throws {
        let table = try CSV.read("c\nzebra\napple\nmango\napple\n")
        #expect(table.levels[0] == ["apple", "mango", "zebra"])
        #expect(table.cells.values == [2, 0, 1, 0])
    }

    @Test func highCardinalityColumn() throws {
        var text = "id,name\n"
        var expected = Set<String>()
        for i in 0..<6_000 {
            let name = i % 3 == 0 ? "n\((i * 7919) % 5_000)" : "\"q \(i % 1_234), é\""
            expected.insert(name.replacingOccurrences(of: "\"", with: ""))
            text += "\(i),\(name)\n"
        }
        let table = try CSV.read(text)
        #expect(table.levels[1] == expected.sorted())
        for row in [0, 1, 2, 2_999, 5_999] {
            let name = row % 3 == 0 ? "n\((row * 7919) % 5_000)" : "q \(row % 1_234), é"
            #expect(table.text(row: row, column: 1) == name)
        }
    }

    @Test func spacesAroundUnquotedFieldsAreTrimmed() throws {
        let table = try CSV.read("a , b\n 1 ,  red \n2,blue\n")
        #expect(table.names == ["a", "b"])
        #expect(CSV.texts(table, "b") == ["red", "blue"])
    }

    /// Random files full of quoting, embedded line breaks, CRLF, blank lines and the odd broken row: the parallel
    /// reader (every piece size in `CSV.pieceVariants`) must give the sequential result or the same error.
    @Test func randomFilesReadTheSameInPieces() throws {
        var g = SeededGenerator(seed: 99)
        let words = ["a", "b c", "NA", "", "3.25", "-7", "1e3", "x,y", "say \"hi\"", "two\nlines", "cr\r\nlf", "é", "?"]
        var failures = 0
        for _ in 0..<150 where failures < 3 {
            let columns = g.nextInt(below: 4) + 1
            let newline = g.nextInt(below: 3) == 0 ? "\r\n" : "\n"
            var text = (0..<columns).map { "c\($0)" }.joined(separator: ",") + newline
            for _ in 0..<(g.nextInt(below: 40) + 1) {
                if g.nextInt(below: 15) == 0 { text += newline }
                let width = g.nextInt(below: 60) == 0 ? columns + 1 : columns
                let fields = (0..<width).map { _ -> String in
                    let word = words[g.nextInt(below: words.count)]
                    let needsQuotes = word.contains(",") || word.contains("\"") || word.contains("\n")
                    return needsQuotes || g.nextInt(below: 5) == 0
                        ? "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : word
                }
                text += fields.joined(separator: ",") + newline
            }
            if g.nextInt(below: 40) == 0 { text += "\"unclosed" + newline + "1" + newline }
            let path = try CSV.write(text)
            var sequential = CSVOptions()
            sequential.parallelism = 1
            let expected = CSV.catching { try CSVReader(options: sequential).read(path: path) }
            if expected == nil {
                let table = try CSVReader(options: sequential).read(path: path)
                for variant in CSV.pieceVariants {
                    let other = try CSVReader(options: variant).read(path: path)
                    if !CSV.same(table, other) {
                        failures += 1
                        Issue.record("piece size \(variant.pieceBytes ?? 0) differs on:\n\(text.debugDescription)")
                    }
                }
            } else {
                for variant in CSV.pieceVariants {
                    let other = CSV.catching { try CSVReader(options: variant).read(path: path) }
                    if other != expected {
                        failures += 1
                        let got = String(describing: other), wanted = String(describing: expected)
                        Issue.record("piece size \(variant.pieceBytes ?? 0): \(got) instead of \(wanted) on: \(text.debugDescription)")
                    }
                }
            }
        }
    }

    @Test func sniffDelimiterDirectly() {
        func sniff(_ s: String) -> UInt8 { Array(s.utf8).withUnsafeBytes { CSVReader.sniffDelimiter($0) } }
        #expect(sniff("a,b,c\n") == 0x2C)
        #expect(sniff("a;b;c\n") == 0x3B)
        #expect(sniff("a\tb\tc\n") == 0x09)
        #expect(sniff("single\n") == 0x2C)
        #expect(sniff("\"a;b\",c\n") == 0x2C)
    }
}
