import Foundation

/// Small server-rendered SVG charts for the dashboard: no JavaScript, no external assets.
enum SVGPlot {
    struct Series {
        var points: [(x: Double, y: Double)]
        var labels: [String] = []
    }

    static let width = 520.0
    static let height = 220.0
    static let margin = (left: 62.0, right: 14.0, top: 12.0, bottom: 36.0)

    /// A line chart (with dots when `markers`), or a staircase when `steps` (a Pareto front).
    static func chart(id: String, title: String, xLabel: String, yLabel: String, series: Series,
                      markers: Bool = false, steps: Bool = false, integerX: Bool = false) -> String {
        var svg = "<svg id=\"\(id)\" class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" "
            + "width=\"\(fmt(width))\" height=\"\(fmt(height))\" role=\"img\" aria-label=\"\(HTML.escape(title))\">"
        svg += "<title>\(HTML.escape(title))</title>"
        let plotW = width - margin.left - margin.right
        let plotH = height - margin.top - margin.bottom
        svg += "<rect x=\"\(fmt(margin.left))\" y=\"\(fmt(margin.top))\" width=\"\(fmt(plotW))\" height=\"\(fmt(plotH))\" class=\"frame\"/>"
        let points = series.points.filter { $0.x.isFinite && $0.y.isFinite }
        if points.isEmpty {
            svg += "<text x=\"\(fmt(width / 2))\" y=\"\(fmt(height / 2))\" text-anchor=\"middle\" class=\"empty\">no data yet</text>"
            return svg + axisLabels(xLabel, yLabel) + "</svg>"
        }
        var (x0, x1) = (points.map(\.x).min()!, points.map(\.x).max()!)
        var (y0, y1) = (points.map(\.y).min()!, points.map(\.y).max()!)
        if x1 - x0 < 1e-12 { x0 -= 1; x1 += 1 }
        if y1 - y0 < 1e-12 {
            let pad = max(abs(y0) * 0.01, 1e-3)
            y0 -= pad
            y1 += pad
        } else {
            let pad = (y1 - y0) * 0.05
            y0 -= pad
            y1 += pad
        }
        func px(_ x: Double) -> Double { margin.left + (x - x0) / (x1 - x0) * plotW }
        func py(_ y: Double) -> Double { margin.top + (1 - (y - y0) / (y1 - y0)) * plotH }

        // Ticks: ends and middle.
        for t in [0.0, 0.5, 1.0] {
            let yv = y0 + t * (y1 - y0)
            svg += "<line x1=\"\(fmt(margin.left - 4))\" y1=\"\(fmt(py(yv)))\" x2=\"\(fmt(margin.left))\" y2=\"\(fmt(py(yv)))\" class=\"tick\"/>"
            svg += "<text x=\"\(fmt(margin.left - 6))\" y=\"\(fmt(py(yv) + 4))\" text-anchor=\"end\" class=\"tick\">\(number(yv))</text>"
            let xv = x0 + t * (x1 - x0)
            let xText = integerX ? String(Int(xv.rounded())) : number(xv)
            svg += "<text x=\"\(fmt(px(xv)))\" y=\"\(fmt(margin.top + plotH + 14))\" text-anchor=\"middle\" class=\"tick\">\(xText)</text>"
        }
        var path: [String] = []
        for (i, p) in points.enumerated() {
            if steps, i > 0 { path.append("\(fmt(px(p.x))),\(fmt(py(points[i - 1].y)))") }
            path.append("\(fmt(px(p.x))),\(fmt(py(p.y)))")
        }
        svg += "<polyline points=\"\(path.joined(separator: " "))\" class=\"line\"/>"
        if markers {
            for (i, p) in points.enumerated() {
                let label = i < series.labels.count ? series.labels[i] : "\(number(p.x)), \(number(p.y))"
                svg += "<circle cx=\"\(fmt(px(p.x)))\" cy=\"\(fmt(py(p.y)))\" r=\"3.5\" class=\"dot\"><title>\(HTML.escape(label))</title></circle>"
            }
        }
        return svg + axisLabels(xLabel, yLabel) + "</svg>"
    }

    private static func axisLabels(_ x: String, _ y: String) -> String {
        "<text x=\"\(fmt(margin.left + (width - margin.left - margin.right) / 2))\" y=\"\(fmt(height - 4))\" text-anchor=\"middle\" class=\"axis\">\(HTML.escape(x))</text>"
            + "<text transform=\"translate(12 \(fmt(margin.top + (height - margin.top - margin.bottom) / 2))) rotate(-90)\" text-anchor=\"middle\" class=\"axis\">\(HTML.escape(y))</text>"
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

    static func number(_ v: Double) -> String {
        let a = abs(v)
        if a >= 1000 { return String(format: "%.0f", v) }
        if a >= 10 { return String(format: "%.1f", v) }
        return String(format: "%.3f", v)
    }
}

enum HTML {
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
