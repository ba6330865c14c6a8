import COpenBLAS
import Foundation

extension BLAS {
    /// OpenBLAS 0.3.21 (Debian bookworm's) does not recognise recent Intel CPUs (this machine: family 6, model
    /// 0xCF) and falls back to its generic 'Prescott' SSE3 kernels, which run dgemm 3-5x slower than the
    /// AVX-512 or AVX2 kernels the same library ships. When the detected core is such a fallback and
    /// /proc/cpuinfo shows AVX-512 (F, CD, BW, DQ, VL) or AVX2 + FMA, this re-selects the SkylakeX or Haswell
    /// kernels through OpenBLAS's own dynamic-arch entry points (`OPENBLAS_CORETYPE`, then
    /// `gotoblas_dynamic_quit` / `gotoblas_dynamic_init`). An explicit `OPENBLAS_CORETYPE` is left alone.
    ///
    /// It swaps OpenBLAS's global kernel table, so it must run before any other BLAS call of the process, from
    /// one thread: call it from the one-time initialiser behind `ensureConfigured()` (not wired in by this
    /// file: BLAS.swift belongs to the lead). Returns the core name in use afterwards.
    @discardableResult
    public static func selectKernelsForCPU() -> String {
        let current = corename()
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil else { return current }
        let fallbacks: Set<String> = ["prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "banias",
                                      "katmai", "coppermine", "northwood", "unknown"]
        guard fallbacks.contains(current.lowercased()),
              let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flagsLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return current }
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        let target: String
        if ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains) {
            target = "SkylakeX"
        } else if flags.contains("avx2") && flags.contains("fma") {
            target = "Haswell"
        } else {
            return current
        }
        setenv("OPENBLAS_CORETYPE", target, 1)
        gotoblas_dynamic_quit()
        gotoblas_dynamic_init()
        unsetenv("OPENBLAS_CORETYPE")
        return corename()
    }

    static func corename() -> String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }
}
