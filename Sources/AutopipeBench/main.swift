import AutopipeOperators
import Foundation

// autopipe-bench: the Swift side of the benchmarks under scripts/bench (which run the Python peers in the same
// run and print the comparison). Output: one JSON object per line.
//
//   autopipe-bench operators DATA.csv [--operators A,B] [--repeat N]   fit+predict time per operator
//   autopipe-bench params                                               default parameters of every operator
//   autopipe-bench csv DATA.csv [--repeat N] [--dataset]                CSV load time and peak memory
//   autopipe-bench cluster-capacity [--tasks N] [--workers W] [--threads T] [--codec]   scheduler round trips/s

MemoryTuning.reuseLargeBlocks()
do {
    switch arguments.first {
    case "operators": try benchOperators()
    case "params": try printParams()
    case "csv": try benchCSV()
    case "cluster-capacity": try benchClusterCapacity()
    default: usage("autopipe-bench operators|params|csv|cluster-capacity ...")
    }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(2)
}
