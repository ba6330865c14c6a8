import AutopipeData
import AutopipeTestSupport
import Foundation
import Testing

@Suite("CSV writing")
struct CSVWriterTests {
    @Test func quotesOnlyWhenNeeded() {
        #expect(CSVWriter.quoted("plain") == "plain")
        #expect(CSVWriter.quoted("a,b") == "\"a,b\"")
        #expect(CSVWriter.quoted("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVWriter.quoted(" padded") == "\" padded\"")
        #expect(CSVWriter.quoted("two\nlines") == "\"two\nlines\"")
    }

    @Test("written rows read back to the same cells, missing values included")
    func roundTrip() throws {
        let source = "name,x,label\n\"a, b\",1.5,yes\nc,NA,no\n\"d \"\"q\"\"\",-2,yes\n"
        let path = try TestSupport.writeTemporaryFile(source)
        let table = try CSVReader().read(path: path)
        let text = CSVWriter.text(table, rows: [2, 0])
        #expect(text == "name,x,label\n\"d \"\"q\"\"\",-2,yes\n\"a, b\",1.5,yes\n")
        let again = try CSVReader().read(path: try TestSupport.writeTemporaryFile(CSVWriter.text(table, rows: [0, 1, 2])))
        #expect(again.names == table.names)
        for r in 0..<3 {
            for c in 0..<3 { #expect(again.text(row: r, column: c) == table.text(row: r, column: c)) }
        }
    }
}
