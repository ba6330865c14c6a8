// libFuzzer target for the cluster frame decoder (`make fuzz-frames`). Built with `swiftc -sanitize=fuzzer,address`
// from the NIO-free wire sources (Sources/AutopipeCluster/Wire), so what is fuzzed is exactly what the NIO decoder
// and the in-process transport run.
//
// Properties checked on every input:
// - decoding never traps, whatever the bytes (truncated, oversized, garbage, hostile counts);
// - every message that decodes re-encodes to a frame that decodes to the same bytes again (round trip).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrames(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // Feed in two pieces, as a socket would, to exercise partial frames.
    let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    var parser = FrameParser(limit: 1 << 16)
    parser.append(bytes[0..<cut])
    var failed = false
    do {
        while try parser.next() != nil {}
    } catch {
        failed = true
    }
    if !failed {
        parser.append(bytes[cut...])
        do {
            while let message = try parser.next() {
                let frame = WireFormat.frame(message)
                let again = try WireFormat.decodeFrame(frame)
                if WireFormat.frame(again) != frame { fatalError("round trip changed \(message.type.name)") }
            }
            _ = try? parser.finish()
        } catch {}
    }
    return 0
}
