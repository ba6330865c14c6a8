import AutopipeData
import AutopipeOperators

extension SearchSpace {
    /// Checks every value of every grid against its parameter's domain (returning the space with values in
    /// canonical form, duplicates removed) and that each operator has at least one combination its
    /// cross-parameter rule accepts, so the search never samples a step that cannot be built.
    public func validated(label: String? = nil) throws -> SearchSpace {
        let label = label ?? "operator configuration '\(name)'"
        let checked = try entries.map { entry -> Entry in
            var grids: [String: [ParamValue]] = [:]
            for name in entry.parameterOrder {
                guard let spec = entry.space.spec(named: name) else {
                    throw SearchConfigError.unknownParameter(config: label, operator: entry.name, parameter: name,
                                                            known: entry.space.names)
                }
                var values: [ParamValue] = []
                for value in entry.grids[name] ?? [] {
                    let canonical: ParamValue
                    do {
                        canonical = try spec.validate(value, operator: entry.name)
                    } catch let error as OperatorError {
                        throw SearchConfigError.invalidValue(config: label, operator: entry.name, parameter: name,
                                                            message: error.description)
                    }
                    if !values.contains(canonical) { values.append(canonical) }
                }
                guard !values.isEmpty else {
                    throw SearchConfigError.noValues(config: label, operator: entry.name, parameter: name)
                }
                grids[name] = values
            }
            let out = Entry(name: entry.name, role: entry.role, grids: grids, space: entry.space, tasks: entry.tasks)
            if let message = out.unsatisfiedRule() {
                throw SearchConfigError.unsatisfiable(config: label, operator: entry.name, message: message)
            }
            return out
        }
        return SearchSpace(name: name, entries: checked, unavailable: unavailable)
    }
}

extension SearchSpace.Entry {
    /// nil when some combination of the grid values passes the operator's cross-parameter rule; otherwise the
    /// rule's message for the first combination. Up to 4096 combinations are enumerated; larger grids are
    /// sampled (4096 draws, fixed seed).
    func unsatisfiedRule() -> String? {
        guard let rule = space.rule else { return nil }
        let defaults = space.defaults
        let grids = parameterOrder.map { self.grids[$0] ?? [] }
        let total = grids.reduce(1.0) { $0 * Double($1.count) }
        var firstMessage: String?
        func accepts(_ choice: [Int]) -> Bool {
            var p = defaults
            for (i, name) in parameterOrder.enumerated() { p[name] = grids[i][choice[i]] }
            guard let message = rule(p) else { return true }
            if firstMessage == nil { firstMessage = message }
            return false
        }
        if total <= 4096 {
            var choice = [Int](repeating: 0, count: grids.count)
            while true {
                if accepts(choice) { return nil }
                var i = 0
                while i < choice.count {
                    choice[i] += 1
                    if choice[i] < grids[i].count { break }
                    choice[i] = 0
                    i += 1
                }
                if i == choice.count { break }
            }
        } else {
            var rng = SeededGenerator(seed: 0x5EA2C4)
            for _ in 0..<4096 where accepts(grids.map { rng.nextInt(below: $0.count) }) { return nil }
        }
        return firstMessage ?? "its parameter rule rejects every combination"
    }
}
