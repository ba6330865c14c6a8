import AutopipeData
import AutopipeTestSupport

enum AutopipeTestSupportShim {
    static func iris() throws -> Dataset { try TestSupport.dataset("iris") }
}
