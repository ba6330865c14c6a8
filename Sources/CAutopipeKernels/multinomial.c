// The multinomial logistic-regression loss and gradient in one pass over X (see autopipe_kernels.h and
// Sources/AutopipeOperators/Families/Linear/FusedMultinomial.swift), with AVX2 + FMA.
#include "autopipe_kernels.h"

#include <cpuid.h>
#include <immintrin.h>
#include <math.h>

#define TARGET __attribute__((target("avx2,fma")))
#define INLINE static inline __attribute__((always_inline))
/// Rows per block: the block's logits / residuals (BLOCK x lanes doubles) stay in L1 between the forward and the
/// backward products.
#define BLOCK 16

int autopipe_kernels_avx2(void) {
    static int cached = -1;
    int known = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (known >= 0) return known;
    unsigned a, b, c, d;
    int ok = 0;
    if (__get_cpuid(1, &a, &b, &c, &d)) {
        int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
        if (fma && osxsave && avx) {
            unsigned lo, hi;
            __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
            // The OS saves the SSE and AVX register state.
            if ((lo & 6) == 6 && __get_cpuid_count(7, 0, &a, &b, &c, &d) && ((b >> 5) & 1)) ok = 1;
        }
    }
    __atomic_store_n(&cached, ok, __ATOMIC_RELAXED);
    return ok;
}

long autopipe_multinomial_scratch(long p, long k) {
    long lanes = (k + 3) / 4 * 4;
    return 2 * p * lanes + BLOCK * lanes + BLOCK;
}

/// exp of four values, within about 1 ulp of libm's for x >= -708; 0 below -708. Cody-Waite reduction
/// x = k ln2 + r, |r| <= ln2 / 2, degree-13 Taylor polynomial of exp(r), 2^k through the exponent bits (the same
/// scheme as the Swift exp8 in LinearObjectives.swift, with fused multiply-adds).
INLINE TARGET __m256d exp4(__m256d x) {
    const __m256d low = _mm256_set1_pd(-708.0);
    __m256d under = _mm256_cmp_pd(x, low, _CMP_LT_OQ);
    __m256d cl = _mm256_max_pd(x, low);
    const __m256d magic = _mm256_set1_pd(6755399441055744.0);
    __m256d t = _mm256_fmadd_pd(cl, _mm256_set1_pd(1.4426950408889634), magic);
    __m256d k = _mm256_sub_pd(t, magic);
    __m256d r = _mm256_fnmadd_pd(k, _mm256_set1_pd(6.93147180369123816490e-01), cl);
    r = _mm256_fnmadd_pd(k, _mm256_set1_pd(1.90821492927058770002e-10), r);
    __m256d q = _mm256_set1_pd(1.0 / 6227020800.0);
    q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(1.0 / 479001600.0));
    q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(1.0 / 39916800.0));
    q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(1.0 / 3628800.0));
    q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(1.0 / 362880.0));
    q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(1.0 / 40320.0));
    q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(1.0 / 5040.0));
    q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(1.0 / 720.0));
    q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(1.0 / 120.0));
    q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(1.0 / 24.0));
    q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(1.0 / 6.0));
    q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(0.5));
    q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(1.0));
    q = _mm256_fmadd_pd(q, r, _mm256_set1_pd(1.0));
    // k + 1023 in the exponent field (k >= -1021 after the clamp; k sits in the low mantissa bits of t).
    __m256i bits = _mm256_add_epi64(_mm256_castpd_si256(t), _mm256_set1_epi64x(1023));
    __m256d scale = _mm256_castsi256_pd(_mm256_slli_epi64(bits, 52));
    return _mm256_andnot_pd(under, _mm256_mul_pd(q, scale));
}

/// The kernel for NV vectors of four class lanes (lanes = 4 NV >= k); NV is a constant at each call site, so the
/// lane loops unroll and the accumulators stay in registers. RB (<= 4): rows (forward) or features (backward) per
/// register block, RB x NV accumulators of the 16 ymm registers.
INLINE TARGET double multinomial_nv(const double *x, long n, long p, const long *labels, long k, const double *w,
                                    double *g, double scale, double *scratch, const int NV,
                                    const int RB) {
    const long L = 4 * NV;
    double *wt = scratch, *gt = scratch + p * L, *z = scratch + 2 * p * L, *zy = z + BLOCK * L;
    for (long i = 0; i < 2 * p * L; i++) scratch[i] = 0;
    for (long c = 0; c < k; c++)
        for (long j = 0; j < p; j++) wt[j * L + c] = w[c * p + j];
    double total = 0;
    for (long s = 0; s < n; s += BLOCK) {
        const long m = n - s < BLOCK ? n - s : BLOCK;
        const double *xb = x + s * p;
        // Logits, RB rows at a time (each W^T row loaded once for all of them).
        long b = 0;
        for (; b + RB <= m; b += RB) {
            const double *x0 = xb + b * p;
            __m256d a[4][4];
            for (int q = 0; q < RB; q++)
                for (int v = 0; v < NV; v++) a[q][v] = _mm256_setzero_pd();
            for (long j = 0; j < p; j++) {
                for (int q = 0; q < RB; q++) {
                    __m256d sq = _mm256_broadcast_sd(x0 + q * p + j);
                    for (int v = 0; v < NV; v++) a[q][v] = _mm256_fmadd_pd(sq, _mm256_loadu_pd(wt + j * L + 4 * v), a[q][v]);
                }
            }
            for (int q = 0; q < RB; q++)
                for (int v = 0; v < NV; v++) _mm256_storeu_pd(z + (b + q) * L + 4 * v, a[q][v]);
        }
        for (; b < m; b++) {
            const double *x0 = xb + b * p;
            __m256d a0[4];
            for (int v = 0; v < NV; v++) a0[v] = _mm256_setzero_pd();
            for (long j = 0; j < p; j++) {
                __m256d s0 = _mm256_broadcast_sd(x0 + j);
                for (int v = 0; v < NV; v++) a0[v] = _mm256_fmadd_pd(s0, _mm256_loadu_pd(wt + j * L + 4 * v), a0[v]);
            }
            for (int v = 0; v < NV; v++) _mm256_storeu_pd(z + b * L + 4 * v, a0[v]);
        }
        // Softmax: shift by each row's largest logit; padding lanes far below -708 so that exp gives 0 there.
        for (long r = 0; r < m; r++) {
            double *row = z + r * L;
            double top = -INFINITY;
            for (long c = 0; c < k; c++) top = row[c] > top ? row[c] : top;
            for (long c = 0; c < k; c++) row[c] -= top;
            for (long c = k; c < L; c++) row[c] = -1000.0;
            zy[r] = row[labels[s + r]];
        }
        for (long i = 0; i < m * L; i += 4) _mm256_storeu_pd(z + i, exp4(_mm256_loadu_pd(z + i)));
        for (long r = 0; r < m; r++) {
            double *row = z + r * L;
            double sum = 0;
            for (long c = 0; c < k; c++) sum += row[c];
            // loss = logsumexp(z) - z_y = log(sum) - (z_y - top)
            total += log(sum) - zy[r];
            double inverse = 1 / sum;
            for (long c = 0; c < k; c++) row[c] *= inverse;
            row[labels[s + r]] -= 1;
        }
        // G^T += X_block^T R, RB features at a time (each residual row loaded once for all of them).
        long j = 0;
        for (; j + RB <= p; j += RB) {
            __m256d a[4][4];
            for (int q = 0; q < RB; q++)
                for (int v = 0; v < NV; v++) a[q][v] = _mm256_loadu_pd(gt + (j + q) * L + 4 * v);
            for (long r = 0; r < m; r++) {
                for (int q = 0; q < RB; q++) {
                    __m256d sq = _mm256_broadcast_sd(xb + r * p + j + q);
                    for (int v = 0; v < NV; v++) a[q][v] = _mm256_fmadd_pd(sq, _mm256_loadu_pd(z + r * L + 4 * v), a[q][v]);
                }
            }
            for (int q = 0; q < RB; q++)
                for (int v = 0; v < NV; v++) _mm256_storeu_pd(gt + (j + q) * L + 4 * v, a[q][v]);
        }
        for (; j < p; j++) {
            __m256d g0[4];
            for (int v = 0; v < NV; v++) g0[v] = _mm256_loadu_pd(gt + j * L + 4 * v);
            for (long r = 0; r < m; r++) {
                __m256d s0 = _mm256_broadcast_sd(xb + r * p + j);
                for (int v = 0; v < NV; v++) g0[v] = _mm256_fmadd_pd(s0, _mm256_loadu_pd(z + r * L + 4 * v), g0[v]);
            }
            for (int v = 0; v < NV; v++) _mm256_storeu_pd(gt + j * L + 4 * v, g0[v]);
        }
    }
    for (long c = 0; c < k; c++)
        for (long j = 0; j < p; j++) g[c * p + j] = scale * gt[j * L + c];
    return total;
}

TARGET double autopipe_multinomial(const double *x, long n, long p, const long *labels, long k, const double *w,
                                   double *g, double scale, double *scratch) {
    switch ((k + 3) / 4) {
    case 1: return multinomial_nv(x, n, p, labels, k, w, g, scale, scratch, 1, 4);
    case 2: return multinomial_nv(x, n, p, labels, k, w, g, scale, scratch, 2, 4);
    case 3: return multinomial_nv(x, n, p, labels, k, w, g, scale, scratch, 3, 4);
    default: return multinomial_nv(x, n, p, labels, k, w, g, scale, scratch, 4, 3);
    }
}
