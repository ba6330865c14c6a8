import AutopipeData
import CAutopipeKernels

/// The multinomial (softmax cross-entropy) loss and gradient in one pass over X, for few classes, in C with AVX-512
/// or AVX2 + FMA (Sources/CAutopipeKernels/multinomial.c): per block of 16 rows, the logits of all classes (each
/// feature a broadcast fused multiply-add into the class lanes of the transposed coefficients W^T, p x lanes,
/// lanes = k rounded up to 8 with AVX-512 for more than 4 classes, else to 4), the softmax (vectorised exp and log)
/// and its log-sum-exp, the residuals P - Y, then
/// G^T[j, :] += x[j] * r (the same broadcast shape), with W^T and G^T (6 KB each for digits) hot in L1. Replaces
/// two dgemm calls (X W^T, then R^T X) whose packing of X dominates at digits' size (n ~ 1800, p = 65, k = 10).
///
/// Why C: Swift compiles this package for baseline x86-64 (SSE2, no FMA) and cannot target AVX2 per function; a
/// Swift SIMD version ran at half the speed of OpenBLAS's AVX-512 dgemm. The C functions carry
/// `target("avx512f")` or `target("avx2,fma")` and are used only when CPUID reports them; otherwise (and for more than 16 classes
/// or more than 512 columns, where W^T and G^T leave L1/L2 and dgemm's packing is amortised) LinearObjective keeps
/// its two dgemm calls.
///
/// The sums run in another order than dgemm's (and with fused multiply-adds), so values differ from the BLAS path
/// in the last bits; the optimum is the same. Rows and classes are summed in a fixed order: deterministic on a
/// given CPU (as OpenBLAS's own kernels are chosen per CPU).
struct FusedMultinomial {
    let classes: Int
    let stride: Int
    /// 2: AVX-512, 1: AVX2 + FMA.
    let level: Int32

    /// nil where the BLAS path is used. `maxLevel` caps the instruction set (tests compare both).
    init?(classes k: Int, stride p: Int, maxLevel: Int32 = 2) {
        let level = min(autopipe_kernels_level(), maxLevel)
        guard k >= 2, k <= 16, p >= 1, p <= 512, level >= 1 else { return nil }
        classes = k
        stride = p
        self.level = level
    }

    /// Doubles of scratch one evaluation needs.
    var scratchCount: Int { autopipe_multinomial_scratch(level, stride, classes) }

    /// Returns the summed (unscaled) loss over the rows and writes `scale` * its gradient into `g` (classes x
    /// stride, the parameter layout). `scratch` holds `scratchCount` doubles.
    func evaluate(x: UnsafePointer<Double>, rows n: Int, labels: UnsafePointer<Int>, w: UnsafePointer<Double>,
                  g: UnsafeMutablePointer<Double>, scale: Double, scratch: UnsafeMutablePointer<Double>) -> Double {
        autopipe_multinomial(level, x, n, stride, labels, classes, w, g, scale, scratch)
    }
}
