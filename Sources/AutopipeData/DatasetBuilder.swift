/// Turns a `Table` into a `Dataset`: picks the target, infers the task, types and encodes the features.
public struct DatasetOptions: Sendable {
    /// The target column; nil means the last column.
    public var target: String?
    /// Forces the task; nil infers it.
    public var task: Task?
    /// Columns that are not features (ids, leaks).
    public var ignoredColumns: [String]
    /// A categorical column with at most this many categories is one-hot encoded; more get an ordinal code.
    public var oneHotLimit: Int
    /// A numeric target with only integers and at most this many distinct values is read as classes.
    public var maxIntegerClasses: Int

    public init(target: String? = nil, task: Task? = nil, ignoredColumns: [String] = [], oneHotLimit: Int = 10,
                maxIntegerClasses: Int = 20) {
        self.target = target
        self.task = task
        self.ignoredColumns = ignoredColumns
        self.oneHotLimit = oneHotLimit
        self.maxIntegerClasses = maxIntegerClasses
    }
}

extension Dataset {
    /// Builds the dataset. Pass the table's last reference (`Dataset(table: consume table)`) to let the features
    /// reuse its storage: loading then peaks at about one copy of the data instead of two.
    public init(table: consuming Table, options: DatasetOptions = DatasetOptions()) throws {
        let names = table.names
        guard let lastName = names.last else { throw DataError.emptyFile(path: table.source) }
        let targetName = options.target ?? lastName
        guard let targetIndex = table.index(of: targetName) else {
            throw DataError.unknownColumn(name: targetName, role: "the target", columns: names,
                                          suggestion: NameSuggestion.closest(to: targetName, in: names))
        }
        for ignored in options.ignoredColumns where table.index(of: ignored) == nil {
            throw DataError.unknownColumn(name: ignored, role: "--ignore-columns", columns: names,
                                          suggestion: NameSuggestion.closest(to: ignored, in: names))
        }
        var warnings: [String] = []

        // Rows with a missing target are dropped.
        var keep: [Int] = []
        keep.reserveCapacity(table.rowCount)
        table.cells.values.withUnsafeBufferPointer { cells in
            let columns = table.columnCount
            for r in 0..<table.rowCount where !cells[r * columns + targetIndex].isNaN { keep.append(r) }
        }
        if keep.isEmpty { throw DataError.noRows(target: targetName) }
        let dropped = table.rowCount - keep.count
        if dropped > 0 {
            warnings.append("dropped \(dropped) row\(dropped == 1 ? "" : "s") with a missing value in target '\(targetName)'")
        }

        let (targets, info) = try Dataset.readTarget(table: table, column: targetIndex, rows: keep, options: options)

        // Feature columns.
        let ignored = Set(options.ignoredColumns).union([targetName])
        var columns: [FeatureSchema.Column] = []
        for (index, name) in names.enumerated() where !ignored.contains(name) {
            if table.missingCounts[index] == table.rowCount {
                throw DataError.allMissingColumn(path: table.source, name: name)
            }
            switch table.kinds[index] {
            case .numeric:
                columns.append(.init(name: name, kind: .numeric, encoding: .numeric, categories: nil))
            case .categorical:
                let categories = table.levels[index]
                let encoding: ColumnEncoding = categories.count <= options.oneHotLimit ? .oneHot : .ordinal
                if encoding == .ordinal {
                    warnings.append("column '\(name)' has \(categories.count) categories (more than \(options.oneHotLimit)); "
                        + "it is encoded as an ordinal code instead of one-hot")
                }
                columns.append(.init(name: name, kind: .categorical, encoding: encoding, categories: categories))
            }
        }
        if columns.isEmpty { throw DataError.noFeatures(target: targetName) }
        let schema = FeatureSchema(columns: columns, ignored: names.filter { ignored.contains($0) })
        let features = try schema.encode(consuming: table, rows: keep)
        self.init(features: features, targets: targets, schema: schema, target: info, sourceRows: keep,
                  warnings: warnings)
    }

    static func readTarget(table: borrowing Table, column: Int, rows: [Int], options: DatasetOptions) throws
        -> (Targets, TargetInfo)
    {
        let name = table.names[column]
        let kind = table.kinds[column]
        let raw = table.cells.values.withUnsafeBufferPointer { cells in
            rows.map { cells[$0 * table.columnCount + column] }
        }
        let task: Task
        if let forced = options.task {
            task = forced
        } else if kind == .categorical {
            task = .classification
        } else {
            // Few distinct integers are class labels; anything else is a quantity.
            var distinct = Set<Double>()
            var integral = true
            for value in raw {
                guard NumberFormatting.integer(value) != nil else {
                    integral = false
                    break
                }
                if distinct.insert(value).inserted, distinct.count > options.maxIntegerClasses { break }
            }
            task = integral && distinct.count <= options.maxIntegerClasses ? .classification : .regression
        }
        switch task {
        case .regression:
            if kind == .categorical {
                let levels = table.levels[column]
                let example = levels.first { NumberParsing.parse($0) == nil } ?? levels.first ?? ""
                throw DataError.nonNumericRegressionTarget(target: name, example: example)
            }
            if let bad = raw.firstIndex(where: { !$0.isFinite }) {
                throw DataError.nonFiniteTarget(target: name, row: rows[bad] + 1)
            }
            return (.values(raw), TargetInfo(name: name, task: .regression, classes: nil))
        case .classification:
            // Class order: numeric labels by value, text labels as sorted by the reader.
            let labelsText: [String]
            let labels: [Int]
            if kind == .categorical {
                let levels = table.levels[column]
                var classOf = [Int](repeating: -1, count: levels.count)
                for value in raw where value >= 0 && value < Double(levels.count) { classOf[Int(value)] = 0 }
                var used: [String] = []
                for level in levels.indices where classOf[level] == 0 {
                    classOf[level] = used.count
                    used.append(levels[level])
                }
                labelsText = used
                labels = raw.map { $0 >= 0 && $0 < Double(levels.count) ? max(classOf[Int($0)], 0) : 0 }
            } else {
                let values = Set(raw).sorted()
                labelsText = values.map(NumberFormatting.text)
                // Binary search in the sorted distinct values (every value of raw is one of them).
                labels = values.withUnsafeBufferPointer { sorted in
                    raw.map { value in
                        var low = 0, high = sorted.count - 1
                        while low < high {
                            let middle = (low + high) / 2
                            if sorted[middle] < value { low = middle + 1 } else { high = middle }
                        }
                        return low
                    }
                }
            }
            if labelsText.count < 2 {
                throw DataError.singleClass(target: name, label: labelsText.first ?? "")
            }
            return (.classes(labels, count: labelsText.count),
                    TargetInfo(name: name, task: .classification, classes: labelsText))
        }
    }

    /// Checks that every class has at least `folds` rows (stratified cross-validation needs one per fold).
    public func checkClassSizes(folds: Int) throws {
        guard let counts = classCounts, let classes = target.classes else { return }
        for (label, count) in counts.enumerated() where count < folds {
            throw DataError.classTooSmall(target: target.name, label: classes[label], count: count, folds: folds)
        }
    }
}
