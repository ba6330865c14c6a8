import AutopipeData

/// Parses durations as users write them: `90s`, `10m`, `2h`, `1h30m`, `500ms`, or a plain number of seconds.
public enum DurationText {
    public static func seconds(_ text: String, option: String) throws -> Double {
        let trimmed = text.trimmingCharacters(in: " ")
        if let plain = Double(trimmed), plain.isFinite, plain > 0 { return plain }
        var total = 0.0
        var number = ""
        var index = trimmed.startIndex
        var sawUnit = false
        while index < trimmed.endIndex {
            let c = trimmed[index]
            if c.isNumber || c == "." {
                number.append(c)
                index = trimmed.index(after: index)
                continue
            }
            var unit = ""
            while index < trimmed.endIndex, trimmed[index].isLetter {
                unit.append(trimmed[index])
                index = trimmed.index(after: index)
            }
            guard let value = Double(number), let scale = unitSeconds[unit] else { return try fail(text, option) }
            total += value * scale
            number = ""
            sawUnit = true
        }
        guard sawUnit, number.isEmpty, total > 0, total.isFinite else { return try fail(text, option) }
        return total
    }

    static let unitSeconds: [String: Double] = ["ms": 0.001, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400]

    static func fail(_ text: String, _ option: String) throws -> Double {
        throw DataError.invalidOption("\(option) takes a duration such as 90s, 10m, 2h or 1h30m; got '\(text)'.")
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}

extension DurationText {
    /// A duration as `2h`, `1h30m`, `10m`, `1m30s`, `45s` or `2.5s` (the form `seconds(_:option:)` reads).
    public static func text(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        if seconds < 60 && seconds != seconds.rounded() {
            return String(format: "%.1fs", seconds)
        }
        let total = Int(seconds.rounded())
        let h = total / 3600, m = (total % 3600) / 60, s = total % 60
        var out = ""
        if h > 0 { out += "\(h)h" }
        if m > 0 { out += "\(m)m" }
        if s > 0 || out.isEmpty { out += "\(s)s" }
        return out
    }
}
