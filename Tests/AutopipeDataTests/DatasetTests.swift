import AutopipeData
import AutopipeTestSupport
import Foundation
import Testing

/// From a table to a dataset: target choice, task inference, dropped rows, feature encoding and the recorded
/// schema that encodes new data the same way.
@Suite("Dataset building")
struct DatasetTests {
    func dataset(_ text: String, _ options: DatasetOptions = DatasetOptions()) throws -> Dataset {
        try Dataset(table: CSV.read(text), options: options)
    }

    @Test func targetDefaultsToTheLastColumnAndCanBeNamed() throws {
        let last = try dataset("a,b,y\n1,2,x\n3,4,z\n")
        #expect(last.target.name == "y")
        #expect(last.schema.featureNames == ["a", "b"])
        let named = try dataset("a,b,y\n1,2.5,x\n3,4.5,z\n", DatasetOptions(target: "b"))
        #expect(named.target.name == "b")
        #expect(named.task == .regression)
        #expect(named.schema.ignored == ["b"])
    }

    @Test func taskInference() throws {
        #expect(try dataset("x,y\n1,cat\n2,dog\n").task == .classification)           // strings
        #expect(try dataset("x,y\n1,0\n2,1\n3,2\n").task == .classification)           // few integers
        #expect(try dataset("x,y\n1,1.0\n2,2.0\n3,1.0\n").task == .classification)     // integers written as 1.0
        #expect(try dataset("x,y\n1,0.5\n2,1.5\n3,2\n").task == .regression)            // a fraction
        var many = "x,y\n"
        for i in 0..<40 { many += "\(i),\(i * 3)\n" }
        #expect(try dataset(many).task == .regression)                                   // 40 distinct integers
        var twenty = "x,y\n"
        for i in 0..<40 { twenty += "\(i),\(i % 20)\n" }
        #expect(try dataset(twenty).task == .classification)                             // exactly 20 classes
        #expect(try dataset("x,y\n1,1e20\n2,3\n").task == .regression)                  // too big to be a label
        // --task overrides inference both ways.
        #expect(try dataset("x,y\n1,0\n2,1\n", DatasetOptions(task: .regression)).task == .regression)
        #expect(try dataset("x,y\n1,0.5\n2,1.5\n", DatasetOptions(task: .classification)).task == .classification)
    }

    @Test func classLabelsKeepTheirOriginalStrings() throws {
        let text = try dataset("x,y\n1,Iris-virginica\n2,Iris-setosa\n3,Iris-virginica\n4,Iris-versicolor\n")
        #expect(text.target.classes == ["Iris-setosa", "Iris-versicolor", "Iris-virginica"])
        #expect(text.targets == .classes([2, 0, 2, 1], count: 3))
        let numeric = try dataset("x,y\n1,10\n2,2\n3,-1\n4,2\n")
        #expect(numeric.target.classes == ["-1", "2", "10"])                             // by value, not as text
        #expect(numeric.targets == .classes([2, 1, 0, 1], count: 3))
        let mixed = try dataset("x,y\n1,yes\n2,0\n3,no\n")
        #expect(mixed.target.classes == ["0", "no", "yes"])
    }

    @Test func rowsWithMissingTargetsAreDroppedWithAWarning() throws {
        let data = try dataset("x,y\n1,a\n2,\n3,b\n4,NA\n5,a\n6,?\n")
        #expect(data.rowCount == 3)
        #expect(data.sourceRows == [0, 2, 4])
        #expect(data.warnings == ["dropped 3 rows with a missing value in target 'y'"])
        #expect(data.features.values == [1, 3, 5])
        let one = try dataset("x,y\n1,a\n2,\n3,b\n")
        #expect(one.warnings == ["dropped 1 row with a missing value in target 'y'"])
        #expect(try dataset("x,y\n1,a\n3,b\n").warnings.isEmpty)
    }

    @Test func missingFeatureValuesStayNaN() throws {
        let data = try dataset("a,b,y\n1,NA,0\n,2,1\n3,4,0\n")
        let v = data.features.values
        #expect(v[0] == 1 && v[1].isNaN && v[2].isNaN && v[3] == 2 && v[4] == 3 && v[5] == 4)
    }

    @Test func categoricalEncoding() throws {
        let data = try dataset("color,size,y\nred,1,0\nblue,2,1\n,3,0\ngreen,4,1\n",
                               DatasetOptions(oneHotLimit: 3))
        #expect(data.schema.columns[0] == FeatureSchema.Column(name: "color", kind: .categorical, encoding: .oneHot,
                                                               categories: ["blue", "green", "red"]))
        #expect(data.schema.featureNames == ["color=blue", "color=green", "color=red", "size"])
        #expect(data.features.values == [0, 0, 1, 1,
                                         1, 0, 0, 2,
                                         0, 0, 0, 3,      // missing category: all zeros
                                         0, 1, 0, 4])
        let ordinal = try dataset("color,size,y\nred,1,0\nblue,2,1\n,3,0\ngreen,4,1\n",
                                  DatasetOptions(oneHotLimit: 2))
        #expect(ordinal.schema.columns[0].encoding == .ordinal)
        #expect(ordinal.features.values == [2, 1, 0, 2, -1, 3, 1, 4])
        #expect(ordinal.warnings.contains { $0.contains("'color' has 3 categories") && $0.contains("ordinal") })
    }

    @Test func ignoredColumnsAreNotFeatures() throws {
        let data = try dataset("id,a,y\n1,5,0\n2,6,1\n", DatasetOptions(ignoredColumns: ["id"]))
        #expect(data.schema.featureNames == ["a"])
        #expect(Set(data.schema.ignored) == ["id", "y"])
    }

    @Test func schemaEncodesNewDataTheSameWay() throws {
        let train = try dataset("color,size,y\nred,1,0\nblue,2,1\ngreen,3,0\n")
        // Reordered columns, an unseen category, a missing value, no target column.
        let new = try CSV.read("size,color\n10,green\n20,purple\n30,\n")
        let encoded = try train.schema.encode(new)
        #expect(encoded.values == [0, 1, 0, 10,
                                   0, 0, 0, 20,
                                   0, 0, 0, 30])
        #expect(train.schema.unseenCategories(in: new) == ["color": ["purple"]])
        // Ordinal: unseen is -1.
        let ordinal = try Dataset(table: CSV.read("color,size,y\nred,1,0\nblue,2,1\ngreen,3,0\n"),
                                  options: DatasetOptions(oneHotLimit: 1))
        #expect(try ordinal.schema.encode(new).values == [1, 10, -1, 20, -1, 30])
    }

    @Test func schemaErrorsForNewData() throws {
        let train = try dataset("color,size,y\nred,1,0\nblue,2,1\n")
        let missing = try CSV.read("color,y\nred,0\n")
        #expect(throws: SchemaError.missingColumn(name: "size", available: ["color", "y"])) {
            try train.schema.encode(missing)
        }
        let message = SchemaError.missingColumn(name: "size", available: ["color", "y"]).description
        #expect(message.contains("no column 'size'") && message.contains("'color', 'y'"))
        let changed = try CSV.read("color,size\nred,big\nblue,2\n")
        #expect(throws: SchemaError.typeChanged(name: "size", expected: .numeric, example: "big")) {
            try train.schema.encode(changed)
        }
        #expect(SchemaError.typeChanged(name: "size", expected: .numeric, example: "big").description
            .contains("was numeric in the training data but holds text here"))
    }

    @Test func numberLikeCategoriesMatchNumericNewData() throws {
        // 'grade' is categorical in training (because of 'A'), numeric in the new file.
        let train = try dataset("grade,y\n1,0\nA,1\n2.50,0\n")
        #expect(train.schema.columns[0].categories == ["1", "2.5", "A"])
        let new = try CSV.read("grade\n2.5\n1\n3\n")
        #expect(try train.schema.encode(new).values == [0, 1, 0,
                                                        1, 0, 0,
                                                        0, 0, 0])
    }

    @Test func inPlaceEncodingMatchesCopyingEncoding() throws {
        // Narrow (numeric, ordinal, 2-category one-hot: fits in the table's storage) and wide (one-hot wider than
        // the table) schemas, with dropped rows and missing values.
        var text = "a,flag,color,city,b,y\n"
        for i in 0..<300 {
            let y = i % 13 == 0 ? "" : String(i % 3)
            let a = i % 7 == 0 ? "NA" : String(Double(i) / 4)
            let flag = i % 2 == 0 ? "on" : "off"
            text += "\(a),\(flag),c\(i % 4),town\(i % 30),\(i * i),\(y)\n"
        }
        for limit in [2, 5, 40] {
            let options = DatasetOptions(oneHotLimit: limit)
            let table = try CSV.read(text)
            let copy = try Dataset(table: table, options: options)      // `table` still alive: storage copied
            let reference = try copy.schema.encode(table, rows: copy.sourceRows)
            #expect(copy.features.rows == reference.rows && copy.features.columns == reference.columns)
            #expect(zip(copy.features.values, reference.values).allSatisfy { $0.bitPattern == $1.bitPattern })
            let consumed = try Dataset(table: consume table, options: options)
            #expect(consumed.features.values.count == reference.values.count)
            #expect(zip(consumed.features.values, reference.values).allSatisfy { $0.bitPattern == $1.bitPattern })
        }
    }

    @Test func schemaRoundTripsThroughJSON() throws {
        let data = try dataset("color,size,y\nred,1,0\nblue,2,1\n")
        let json = try JSONEncoder().encode(data.schema)
        let decoded = try JSONDecoder().decode(FeatureSchema.self, from: json)
        #expect(decoded == data.schema)
        #expect(String(decoding: json, as: UTF8.self).contains("\"one_hot\""))
    }

    @Test func fingerprintIsStable() throws {
        let text = "a,b,y\n1.5,x,0\n2,,1\nNA,z,0\n"
        let first = try dataset(text)
        let second = try dataset(text)
        #expect(first.fingerprint == second.fingerprint)
        #expect(first.fingerprint.count == 16)
        // Pinned: the fingerprint must not change between processes or releases (checkpoints rely on it).
        #expect(first.fingerprint == "e5551d523a4cf3f2")
        let changed = try dataset("a,b,y\n1.5,x,0\n2,,1\nNA,z,1\n")
        #expect(changed.fingerprint != first.fingerprint)
        // Row order matters, file layout (CRLF, quoting, delimiter) does not.
        let relaid = try dataset("\"a\";\"b\";\"y\"\r\n1.50;x;0\r\n2;;1\r\n?;z;0\r\n")
        #expect(relaid.fingerprint == first.fingerprint)
    }

    @Test func bundledDatasetsLoad() throws {
        for (name, task, rows) in [("iris", Task.classification, 150), ("penguins", .classification, 344),
                                   ("diabetes", .regression, 442), ("digits", .classification, 1797)] {
            let data = try TestSupport.dataset(name)
            #expect(data.task == task, "\(name)")
            #expect(data.rowCount <= rows && data.rowCount > rows / 2, "\(name): \(data.rowCount) rows")
        }
    }
}
