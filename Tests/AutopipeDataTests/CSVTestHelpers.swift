import AutopipeData
import AutopipeTestSupport
import Foundation
import Testing

/// Reading helpers for the CSV tests.
enum CSV {
    /// Piece settings that force a small file through the parallel path with many piece boundaries (tiny pieces
    /// land inside quoted fields, CRLFs and multi-line rows), so every parsing test also checks that the parallel
    /// reader gives exactly the sequential result.
    static let pieceVariants: [CSVOptions] = [
        CSVOptions(parallelism: 2, pieceBytes: 1),
        CSVOptions(parallelism: 2, pieceBytes: 5),
        CSVOptions(parallelism: 3, pieceBytes: 13),
        CSVOptions(parallelism: 4, pieceBytes: 64),
    ]

    static func write(_ text: String, name: String = "data.csv") throws -> String {
        try TestSupport.writeTemporaryFile(text, name: name)
    }

    static func write(bytes: [UInt8], name: String = "data.csv") throws -> String {
        try TestSupport.writeTemporaryFile(Data(bytes), name: name)
    }

    /// Reads `text` sequentially and with every piece variant; checks they agree and returns the sequential table.
    static func read(_ text: String, options: CSVOptions = CSVOptions(),
                     sourceLocation: SourceLocation = #_sourceLocation) throws -> Table {
        try read(path: write(text), options: options, sourceLocation: sourceLocation)
    }

    static func read(path: String, options: CSVOptions = CSVOptions(),
                     sourceLocation: SourceLocation = #_sourceLocation) throws -> Table {
        var sequential = options
        sequential.parallelism = 1
        let table = try CSVReader(options: sequential).read(path: path)
        for variant in pieceVariants {
            var parallel = variant
            parallel.delimiter = options.delimiter
            parallel.missingMarkers = options.missingMarkers
            let other = try CSVReader(options: parallel).read(path: path)
            #expect(same(table, other), "piece size \(variant.pieceBytes ?? 0) differs", sourceLocation: sourceLocation)
        }
        return table
    }

    /// The `DataError` reading `text` throws (the same with every piece variant), or nil.
    static func error(_ text: String, options: CSVOptions = CSVOptions(),
                      sourceLocation: SourceLocation = #_sourceLocation) throws -> (DataError?, String) {
        let path = try write(text)
        return (error(path: path, options: options, sourceLocation: sourceLocation), path)
    }

    static func error(path: String, options: CSVOptions = CSVOptions(),
                      sourceLocation: SourceLocation = #_sourceLocation) -> DataError? {
        var sequential = options
        sequential.parallelism = 1
        let first = catching { try CSVReader(options: sequential).read(path: path) }
        for variant in pieceVariants {
            var parallel = variant
            parallel.delimiter = options.delimiter
            parallel.missingMarkers = options.missingMarkers
            let other = catching { try CSVReader(options: parallel).read(path: path) }
            #expect(other == first, "piece size \(variant.pieceBytes ?? 0) gives \(String(describing: other))",
                    sourceLocation: sourceLocation)
        }
        return first
    }

    static func catching(_ body: () throws -> Table) -> DataError? {
        do {
            _ = try body()
            return nil
        } catch let error as DataError {
            return error
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    /// Identical tables (cells compared bit for bit, so NaN equals NaN).
    static func same(_ a: Table, _ b: Table) -> Bool {
        a.names == b.names && a.kinds == b.kinds && a.levels == b.levels && a.missingCounts == b.missingCounts
            && a.cells.rows == b.cells.rows && a.cells.columns == b.cells.columns
            && zip(a.cells.values, b.cells.values).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    /// Column `name` as texts (nil for missing), the way the cells read back.
    static func texts(_ table: Table, _ name: String) -> [String?] {
        guard let column = table.index(of: name) else { return [] }
        return (0..<table.rowCount).map { table.text(row: $0, column: column) }
    }

    static func numbers(_ table: Table, _ name: String) -> [Double] {
        guard let column = table.index(of: name) else { return [] }
        return table.cells.column(column)
    }
}
