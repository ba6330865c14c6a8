import AutopipeOperators

/// Addresses nodes of a pipeline tree: a path is the list of child indices from the root (a step's input is
/// child 0; a union's branches are children 0 and 1).
extension PipelineNode {
    public typealias Path = [Int]

    public func subtree(at path: Path) -> PipelineNode? {
        var node = self
        for index in path {
            switch node {
            case .input: return nil
            case .step(_, let input):
                guard index == 0 else { return nil }
                node = input
            case .union(let a, let b):
                node = index == 0 ? a : b
            }
        }
        return node
    }

    public func replacingSubtree(at path: Path, _ transform: (PipelineNode) -> PipelineNode) -> PipelineNode {
        guard let first = path.first else { return transform(self) }
        let rest = Array(path.dropFirst())
        switch self {
        case .input: return self
        case .step(let step, let input):
            return first == 0 ? .step(step, input: input.replacingSubtree(at: rest, transform)) : self
        case .union(let a, let b):
            return first == 0 ? .union(a.replacingSubtree(at: rest, transform), b)
                              : .union(a, b.replacingSubtree(at: rest, transform))
        }
    }

    /// Paths of every node below the root (the positions a preprocessor can be inserted at or grafted into).
    public func inputEdges() -> [Path] {
        var out: [Path] = []
        func walk(_ node: PipelineNode, _ path: Path) {
            switch node {
            case .input: break
            case .step(_, let input):
                out.append(path + [0])
                walk(input, path + [0])
            case .union(let a, let b):
                out.append(path + [0])
                out.append(path + [1])
                walk(a, path + [0])
                walk(b, path + [1])
            }
        }
        walk(self, [])
        return out
    }

    /// Paths of every step (root included).
    public func stepPaths() -> [Path] {
        var out: [Path] = []
        func walk(_ node: PipelineNode, _ path: Path) {
            switch node {
            case .input: break
            case .step(_, let input):
                out.append(path)
                walk(input, path + [0])
            case .union(let a, let b):
                walk(a, path + [0])
                walk(b, path + [1])
            }
        }
        walk(self, [])
        return out
    }

    /// Paths of every step or union below the root (what shrinking can remove).
    public func innerNodePaths() -> [Path] {
        inputEdges().filter { subtree(at: $0) != .input }
    }
}
