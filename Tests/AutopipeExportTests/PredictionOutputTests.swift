import AutopipeData
@testable import AutopipeExport
import Testing

/// The id cells `predict` copies to its output: written exactly as `Table.text` spells them, integers through
/// the fast path that makes no String.
@Suite("prediction output cells")
struct PredictionOutputTests {
    @Test func idCellsAreWrittenAsTableTextSpellsThem() {
        let numbers: [Double] = [0, -0.0, 7, -42, 123_456_789_012_345, 1e15, 2.5, -0.125, .nan, 1e300]
        let table = Table(names: ["id", "name"], kinds: [.numeric, .categorical],
                          cells: Matrix(rows: numbers.count, columns: 2,
                                        values: numbers.enumerated().flatMap { [$0.element, Double($0.offset % 2)] }),
                          levels: [[], ["a b", "say \"hi\", x"]], missingCounts: [1, 0], source: "test")
        for row in 0..<table.rowCount {
            var line = CSVLineBuilder()
            line.cell(of: table, row: row, column: 0, first: true)
            line.cell(of: table, row: row, column: 1, first: false)
            var expected = CSVLineBuilder()
            if let text = table.text(row: row, column: 0) { expected.field(text, first: true) }
            expected.field(table.text(row: row, column: 1) ?? "", first: false)
            #expect(line.bytes == expected.bytes, "row \(row): \(String(decoding: line.bytes, as: UTF8.self))")
        }
        var line = CSVLineBuilder()
        line.cell(of: table, row: 3, column: 0, first: true)
        #expect(String(decoding: line.bytes, as: UTF8.self) == "-42")
    }
}
