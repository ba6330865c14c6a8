import AutopipeData
import AutopipeTestSupport
import Foundation
import Testing

@Suite("Why a file cannot be read")
struct FileReasonTests {
    @Test func reasons() throws {
        let directory = try TestSupport.temporaryDirectory("autopipe-file-reason")
        let file = directory.appendingPathComponent("data.csv")
        #expect(FileReason.unreadable(file.path) == "no such file")
        try Data("a,y\n".utf8).write(to: file)
        #expect(FileReason.unreadable(file.path) == nil)
        #expect(FileReason.unreadable(directory.path) == "it is a directory")
    }
}
