import AutopipeSearch
import AutopipeTestSupport
import Foundation
import Testing

@Suite("Output paths checked before a search")
struct OutputCheckTests {
    func reason(_ path: String, option: String = "--output") -> String? {
        do {
            try OutputCheck.writable(path, option: option)
            return nil
        } catch PersistenceError.cannotWrite(let failed, let reason) {
            #expect(failed == path)
            return reason
        } catch {
            Issue.record("unexpected error \(error)")
            return "\(error)"
        }
    }

    @Test("a file in an existing directory passes, whether or not it exists yet")
    func writablePaths() throws {
        let directory = try TestSupport.temporaryDirectory("autopipe-output-check")
        let file = directory.appendingPathComponent("best.json").path
        #expect(reason(file) == nil)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: file))
        #expect(reason(file) == nil)
        // A bare name is in the current directory (the package's, in tests).
        #expect(reason("relative-result.json") == nil)
    }

    @Test("a missing directory, a file standing for a directory and a directory as the path are refused")
    func refusedPaths() throws {
        let directory = try TestSupport.temporaryDirectory("autopipe-output-check")
        let missing = directory.appendingPathComponent("not-made").path
        #expect(reason("\(missing)/x.ckpt", option: "--checkpoint")
            == "the directory '\(missing)' does not exist; create it, or give --checkpoint another path")
        let file = directory.appendingPathComponent("plain").path
        try Data().write(to: URL(fileURLWithPath: file))
        #expect(reason("\(file)/records.jsonl") == "'\(file)' is not a directory")
        #expect(reason(directory.path) == "it is a directory; give --output a file path")
    }
}
