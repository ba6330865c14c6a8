import AutopipeExport
import AutopipeOperators
import Testing

@Suite("scikit-learn mapping")
struct MappingTests {
    @Test("every registered operator has a scikit-learn mapping")
    func everyOperatorMapped() {
        for entry in OperatorRegistry.standard.entries {
            #expect(SklearnMapping.mapping(for: entry.name) != nil, "no scikit-learn mapping for \(entry.name)")
        }
    }
}
