import AutopipeData
import AutopipeTestSupport
import Foundation
import Testing

/// Every kind of bad input gives a typed `DataError` whose message says what is wrong, where, and how to fix it.
/// (The CLI prints these messages; Tests/CLITests/BadInputTests.swift checks the same cases end to end.)
@Suite("Bad input")
struct BadInputTests {
    func dataset(_ text: String, options: DatasetOptions = DatasetOptions()) throws -> Dataset {
        try Dataset(table: CSV.read(text), options: options)
    }

    func datasetError(_ text: String, options: DatasetOptions = DatasetOptions()) throws -> DataError? {
        let table = try CSV.read(text)
        do {
            _ = try Dataset(table: table, options: options)
            return nil
        } catch let error as DataError {
            return error
        }
    }

    @Test func missingFile() throws {
        let path = try TestSupport.temporaryDirectory().appendingPathComponent("nope.csv").path
        let error = CSV.error(path: path)
        #expect(error == .fileNotFound(path: path))
        let message = error?.description ?? ""
        #expect(message.contains(path) && message.contains("no such file") && message.contains("Check the path"))
    }

    @Test func unreadableFile() throws {
        let directory = try TestSupport.temporaryDirectory()
        let error = CSV.error(path: directory.path)
        #expect(error == .unreadable(path: directory.path, reason: "it is a directory, not a file"))
        #expect(error?.description.contains("cannot read '\(directory.path)'") == true)
        let device = CSV.error(path: "/dev/null")
        #expect(device == .unreadable(path: "/dev/null", reason: "it is not a regular file (pipes and devices "
            + "cannot be read; save the data to a file first)"))
    }

    @Test func emptyFile() throws {
        for text in ["", "\n\n", "  \n \r\n", "\u{FEFF}"] {
            let (error, path) = try CSV.error(text)
            #expect(error == .emptyFile(path: path), "for \(text.debugDescription)")
            #expect(error?.description.contains("is empty") == true)
            #expect(error?.description.contains("header row and at least one data row") == true)
        }
    }

    @Test func headerOnly() throws {
        for text in ["a,b,c\n", "a,b,c", "a,b,c\n\n\n", "a,b,c\r\n"] {
            let (error, path) = try CSV.error(text)
            #expect(error == .headerOnly(path: path), "for \(text.debugDescription)")
            #expect(error?.description.contains("no data rows") == true)
            #expect(error?.description.contains("add data rows") == true)
        }
    }

    @Test func raggedRows() throws {
        let (short, path) = try CSV.error("a,b,c\n1,2,3\n4,5\n6,7,8\n")
        #expect(short == .raggedRow(path: path, line: 3, expected: 3, found: 2))
        let message = short?.description ?? ""
        #expect(message.hasPrefix("\(path):3:"))
        #expect(message.contains("2 fields") && message.contains("the header has 3"))
        #expect(message.contains("--delimiter"))
        let (long, longPath) = try CSV.error("a,b\n1,2\n3,4\n5,6,7\n")
        #expect(long == .raggedRow(path: longPath, line: 4, expected: 2, found: 3))
        // A wrong delimiter shows up as a ragged row too.
        let (wrong, wrongPath) = try CSV.error("a;b;c\n1;2;3\n4;5,6;7\n", options: CSVOptions(delimiter: 0x2C))
        #expect(wrong == .raggedRow(path: wrongPath, line: 3, expected: 1, found: 2))
    }

    @Test func invalidUTF8() throws {
        let data = Array("name,value\nok,1\n".utf8) + [0x63, 0x61, 0x66, 0xE9] + Array(",2\n".utf8)   // Latin-1 'café'
        let path = try CSV.write(bytes: data)
        let error = CSV.error(path: path)
        #expect(error == .invalidUTF8(path: path, line: 3, column: "name"))
        let message = error?.description ?? ""
        #expect(message.hasPrefix("\(path):3:") && message.contains("invalid UTF-8") && message.contains("'name'"))
        #expect(message.contains("iconv"))
        let header = try CSV.write(bytes: [0x61, 0xFF, 0x2C, 0x62, 0x0A, 0x31, 0x2C, 0x32, 0x0A])
        #expect(CSV.error(path: header) == .invalidUTF8(path: header, line: 1, column: nil))
        // Bytes that are not UTF-8 inside a number-looking field are still caught.
        let quoted = try CSV.write(bytes: Array("a,b\n1,2\n\"3".utf8) + [0xC3] + Array("\",4\n".utf8))
        #expect(CSV.error(path: quoted) == .invalidUTF8(path: quoted, line: 3, column: "a"))
    }

    @Test func utf16File() throws {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "a,b\n1,2\n".utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let path = try CSV.write(bytes: bytes)
        let error = CSV.error(path: path)
        #expect(error == .utf16(path: path))
        #expect(error?.description.contains("iconv -f UTF-16 -t UTF-8") == true)
    }

    @Test func unclosedQuote() throws {
        let (error, path) = try CSV.error("a,b\n1,2\n3,\"oops\n4,5\n6,7\n")
        #expect(error == .unclosedQuote(path: path, line: 3))
        let message = error?.description ?? ""
        #expect(message.hasPrefix("\(path):3:") && message.contains("closing quote"))
        let (header, headerPath) = try CSV.error("a,\"b\n1,2\n")
        #expect(header == .unclosedQuote(path: headerPath, line: 1))
    }

    @Test func unknownTarget() throws {
        let error = try datasetError("sepal_length,petal_width,species\n1,2,a\n3,4,b\n",
                                     options: DatasetOptions(target: "Specie"))
        #expect(error == .unknownColumn(name: "Specie", role: "the target",
                                        columns: ["sepal_length", "petal_width", "species"], suggestion: "species"))
        let message = error?.description ?? ""
        #expect(message.contains("no column named 'Specie'"))
        #expect(message.contains("Did you mean 'species'?"))
        #expect(message.contains("'sepal_length', 'petal_width', 'species'"))
        let far = try datasetError("a,b\n1,2\n3,4\n", options: DatasetOptions(target: "zzzzzz"))
        #expect(far == .unknownColumn(name: "zzzzzz", role: "the target", columns: ["a", "b"], suggestion: nil))
        let ignored = try datasetError("a,b,c\n1,2,3\n4,5,6\n", options: DatasetOptions(ignoredColumns: ["bb"]))
        #expect(ignored == .unknownColumn(name: "bb", role: "--ignore-columns", columns: ["a", "b", "c"],
                                          suggestion: "b"))
    }

    @Test func singleClass() throws {
        let error = try datasetError("x,y\n1,yes\n2,yes\n3,\n")
        #expect(error == .singleClass(target: "y", label: "yes"))
        let message = error?.description ?? ""
        #expect(message.contains("only one class ('yes')") && message.contains("at least two"))
        #expect(message.contains("--task regression"))
    }

    @Test func classSmallerThanFolds() throws {
        let data = try dataset("x,y\n1,a\n2,a\n3,a\n4,a\n5,a\n6,b\n7,b\n")
        #expect(throws: Never.self) { try data.checkClassSizes(folds: 2) }
        #expect(throws: DataError.classTooSmall(target: "y", label: "b", count: 2, folds: 5)) {
            try data.checkClassSizes(folds: 5)
        }
        let message = DataError.classTooSmall(target: "y", label: "b", count: 2, folds: 5).description
        #expect(message.contains("class 'b'") && message.contains("2 rows") && message.contains("5 cross-validation"))
        #expect(message.contains("Use --cv 2 or less"))
        #expect(DataError.classTooSmall(target: "y", label: "b", count: 1, folds: 5).description.contains("add rows"))
    }

    @Test func allMissingColumn() throws {
        let path = try CSV.write("a,empty,y\n1,,0\n2,NA,1\n3,?,0\n")
        var error: DataError?
        do { _ = try Dataset(table: CSV.read(path: path)) } catch let caught as DataError { error = caught }
        #expect(error == .allMissingColumn(path: path, name: "empty"))
        let message = error?.description ?? ""
        #expect(message.contains("column 'empty' has no values") && message.contains("--ignore-columns 'empty'"))
        // Ignoring it is the fix.
        let table = try CSV.read("a,empty,y\n1,,0\n2,NA,1\n3,?,0\n")
        #expect(throws: Never.self) { try Dataset(table: table, options: DatasetOptions(ignoredColumns: ["empty"])) }
    }

    @Test func everyTargetMissing() throws {
        let error = try datasetError("a,y\n1,\n2,NA\n")
        #expect(error == .noRows(target: "y"))
        #expect(error?.description.contains("every row has a missing value in target 'y'") == true)
    }

    @Test func onlyTheTarget() throws {
        let error = try datasetError("y\n1\n2\n")
        #expect(error == .noFeatures(target: "y"))
        #expect(error?.description.contains("no feature columns") == true)
    }

    @Test func textTargetForcedToRegression() throws {
        let error = try datasetError("x,y\n1,low\n2,high\n", options: DatasetOptions(task: .regression))
        #expect(error == .nonNumericRegressionTarget(target: "y", example: "high"))
        #expect(error?.description.contains("Drop --task regression") == true)
    }

    @Test func infiniteRegressionTarget() throws {
        var text = "x,y\n"
        for i in 0..<30 { text += "\(i),\(Double(i) * 0.5 + 0.25)\n" }
        text += "31,inf\n"
        let error = try datasetError(text)
        #expect(error == .nonFiniteTarget(target: "y", row: 31))
        #expect(error?.description.contains("data row 31") == true)
    }

    @Test func invalidOptions() {
        #expect(throws: DataError.invalidOption("--delimiter must be a single character such as ',' ';' '|' or 'tab'; got ',,'.")) {
            try CSVOptions.delimiter(from: ",,")
        }
    }
}
