// Hot numeric kernels that need instructions Swift cannot select per function (Swift compiles for baseline x86-64,
// SSE2 without FMA; these are compiled for AVX2 + FMA and chosen at run time by a CPUID check, with the callers'
// Swift/BLAS path as the fallback). Plain C, no global state besides the cached CPUID answer.
#ifndef AUTOPIPE_KERNELS_H
#define AUTOPIPE_KERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when this CPU (and OS) supports AVX2 and FMA, so the kernels below may be called; 0 otherwise.
int autopipe_kernels_avx2(void);

/// Doubles of scratch that autopipe_multinomial needs for `p` columns and `k` classes (k <= 16).
long autopipe_multinomial_scratch(long p, long k);

/// Multinomial (softmax cross-entropy) loss and gradient in one pass over a row-major X (n x p, intercept column
/// included), labels 0..<k, parameters W (k x p, row-major). Returns the summed loss over the rows and writes
/// scale * dLoss/dW into g (k x p). Requires autopipe_kernels_avx2() and 2 <= k <= 16.
double autopipe_multinomial(const double *x, long n, long p, const long *labels, long k, const double *w,
                            double *g, double scale, double *scratch);

#ifdef __cplusplus
}
#endif

#endif
