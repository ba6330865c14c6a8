// Hot numeric kernels that need instructions Swift cannot select per function (Swift compiles for baseline x86-64,
// SSE2 without FMA; these are compiled for AVX2 + FMA or AVX-512 and chosen at run time by a CPUID check, with the callers'
// Swift/BLAS path as the fallback). Plain C, no global state besides the cached CPUID answer.
#ifndef AUTOPIPE_KERNELS_H
#define AUTOPIPE_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The instruction sets this CPU (and OS) supports: 0 none of the below, 1 AVX2 + FMA, 2 also AVX-512F. The
/// kernels take a `level` (1 or 2, at most this value; tests compare the two).
int autopipe_kernels_level(void);

/// Doubles of scratch that autopipe_multinomial needs at `level` for `p` columns and `k` classes (k <= 16).
long autopipe_multinomial_scratch(int level, long p, long k);

/// Multinomial (softmax cross-entropy) loss and gradient in one pass over a row-major X (n x p, intercept column
/// included), labels 0..<k, parameters W (k x p, row-major). Returns the summed loss over the rows and writes
/// scale * dLoss/dW into g (k x p). Requires 1 <= level <= autopipe_kernels_level() and 2 <= k <= 16.
double autopipe_multinomial(int level, const double *x, long n, long p, const long *labels, long k,
                            const double *w, double *g, double scale, double *scratch);

/// SGD's w . x and w += a x over n entries, bit-identical to sgdDot / sgdAxpy in SGD.swift. 1 <= level <=
/// autopipe_kernels_level().
double autopipe_sgd_dot(int level, const double *w, const double *x, long n);
void autopipe_sgd_axpy(int level, double a, const double *x, double *w, long n);

/// VectorMath.swift's expCore(v[i] * scale) and tanhCore(v[i]) over n values in place, bit-identical to the Swift
/// versions (the callers check the arguments' range first, as for the Swift loops). 1 <= level <=
/// autopipe_kernels_level().
void autopipe_exp_block(int level, double *v, long n, double scale);
void autopipe_tanh_block(int level, double *v, long n);

/// How many of v[0..<n] are NaN (tanh's argument check), and how many v[i] * scale are outside [lo, hi] or NaN
/// (exp's and cos's). Vectorised counts: the Swift loops they replace ran a compare and branch per value.
long autopipe_count_nan(const double *v, long n);
long autopipe_count_outside(const double *v, long n, double scale, double lo, double hi);

/// One bin of a HistGradientBoosting node histogram (HistTreeGrower's HistBin).
typedef struct {
    double g;
    double h;
    int32_t c;
} autopipe_hist_bin;

/// The best split of one feature found by autopipe_hist_split_scan (found = 0: none with a positive gain).
typedef struct {
    int found;
    int missing_left;
    long bin;
    long n_left;
    double gain;
    double g_left;
    double h_left;
} autopipe_split_scan;

/// HistTreeGrower's split scan of one feature: the marked bins (4 words) of [0, end) left to right with missing
/// values right, then, when top >= 1 (the feature has missing values), bins top..1 right to left with missing
/// values left; the same gains, constraints and tie-breaking as the grower. level 0 runs the SSE2 build.
void autopipe_hist_split_scan(int level, const autopipe_hist_bin *bins, const uint64_t *marks, long end, long top,
                              long n, double sum_g, double sum_h, double loss, double l2, long min_leaf,
                              double min_hess, int constant_hessian, autopipe_split_scan *out);

/// A prefetch hint for the cache line holding p (read, keep in all cache levels).
static inline void autopipe_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

#ifdef __cplusplus
}
#endif

#endif
