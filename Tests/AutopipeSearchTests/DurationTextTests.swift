import AutopipeSearch
import Testing

@Suite("Duration text")
struct DurationTextTests {
    @Test func formatsAsTheParserReads() throws {
        #expect(DurationText.text(90) == "1m30s")
        #expect(DurationText.text(7200) == "2h")
        #expect(DurationText.text(5400) == "1h30m")
        #expect(DurationText.text(2.5) == "2.5s")
        #expect(DurationText.text(0) == "0s")
        for seconds in [1.0, 59, 61, 3599, 3661, 86400] {
            #expect(try DurationText.seconds(DurationText.text(seconds), option: "--x") == seconds)
        }
    }
}
