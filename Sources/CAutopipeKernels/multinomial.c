// The multinomial logistic-regression loss and gradient in one pass over X (see autopipe_kernels.h and
// Sources/AutopipeOperators/Families/Linear/FusedMultinomial.swift), with AVX-512F where the CPU has it (16 class
// lanes in two registers for digits' 10 classes, 1.3x faster than AVX2's 12 lanes in three), else AVX2 + FMA.
#include "autopipe_kernels.h"

#include <cpuid.h>
#include <immintrin.h>
#include <math.h>

#define TARGET __attribute__((target("avx2,fma")))
#define TARGET512 __attribute__((target("avx512f,avx2,fma")))
#define INLINE static inline __attribute__((always_inline))
/// Rows per block: the block's logits / residuals (BLOCK x lanes doubles) stay in L1 between the forward and the
/// backward products.
#define BLOCK 16

/// 0: neither; 1: AVX2 + FMA; 2: also AVX-512F (with the OS saving the opmask and ZMM state). Cached.
int autopipe_kernels_level(void) {
    static int cached = -1;
    int known = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (known >= 0) return known;
    unsigned a, b, c, d;
    int level = 0;
    if (__get_cpuid(1, &a, &b, &c, &d)) {
        int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
        if (fma && osxsave && avx) {
            unsigned lo, hi;
            __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
            // The OS saves the SSE and AVX register state (XCR0 bits 1, 2), and for AVX-512 bits 5-7.
            if ((lo & 6) == 6 && __get_cpuid_count(7, 0, &a, &b, &c, &d) && ((b >> 5) & 1)) {
                level = 1;
                if (((b >> 16) & 1) && (lo & 0xE0) == 0xE0) level = 2;
            }
        }
    }
    __atomic_store_n(&cached, level, __ATOMIC_RELAXED);
    return level;
}

long autopipe_multinomial_scratch(int level, long p, long k) {
    long lanes = level >= 2 && k > 4 ? (k + 7) / 8 * 8 : (k + 3) / 4 * 4;
    return 2 * p * lanes + BLOCK * lanes + 2 * BLOCK;
}

/// The Horner chains exp and log share at both widths (the same operations in the same order at each width):
/// exp(r)'s degree-13 Taylor polynomial, and the atanh series of log, q(s2) with log m = 2 s + s * s2 * q.
#define EXP_TAYLOR(q, r, FMA, SET1)                                                                              \
    q = SET1(1.0 / 6227020800.0);                                                                                \
    q = FMA(q, r, SET1(1.0 / 479001600.0));                                                                      \
    q = FMA(q, r, SET1(1.0 / 39916800.0));                                                                       \
    q = FMA(q, r, SET1(1.0 / 3628800.0));                                                                        \
    q = FMA(q, r, SET1(1.0 / 362880.0));                                                                         \
    q = FMA(q, r, SET1(1.0 / 40320.0));                                                                          \
    q = FMA(q, r, SET1(1.0 / 5040.0));                                                                           \
    q = FMA(q, r, SET1(1.0 / 720.0));                                                                            \
    q = FMA(q, r, SET1(1.0 / 120.0));                                                                            \
    q = FMA(q, r, SET1(1.0 / 24.0));                                                                             \
    q = FMA(q, r, SET1(1.0 / 6.0));                                                                              \
    q = FMA(q, r, SET1(0.5));                                                                                    \
    q = FMA(q, r, SET1(1.0));                                                                                    \
    q = FMA(q, r, SET1(1.0))
#define LOG_ATANH_SERIES(q, s2, FMA, SET1)                                                                       \
    q = SET1(2.0 / 23);                                                                                          \
    q = FMA(q, s2, SET1(2.0 / 21));                                                                              \
    q = FMA(q, s2, SET1(2.0 / 19));                                                                              \
    q = FMA(q, s2, SET1(2.0 / 17));                                                                              \
    q = FMA(q, s2, SET1(2.0 / 15));                                                                              \
    q = FMA(q, s2, SET1(2.0 / 13));                                                                              \
    q = FMA(q, s2, SET1(2.0 / 11));                                                                              \
    q = FMA(q, s2, SET1(2.0 / 9));                                                                               \
    q = FMA(q, s2, SET1(2.0 / 7));                                                                               \
    q = FMA(q, s2, SET1(2.0 / 5));                                                                               \
    q = FMA(q, s2, SET1(2.0 / 3))

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
    __m256d q;
    EXP_TAYLOR(q, r, _mm256_fmadd_pd, _mm256_set1_pd);
    // k + 1023 in the exponent field (k >= -1021 after the clamp; k sits in the low mantissa bits of t).
    __m256i bits = _mm256_add_epi64(_mm256_castpd_si256(t), _mm256_set1_epi64x(1023));
    __m256d scale = _mm256_castsi256_pd(_mm256_slli_epi64(bits, 52));
    return _mm256_andnot_pd(under, _mm256_mul_pd(q, scale));
}

/// Natural log of four positive normal values, within about 2 ulp of libm's: x = 2^e m with m in [sqrt(1/2),
/// sqrt(2)), log m = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.172, by its odd series through s^23.
INLINE TARGET __m256d log4(__m256d x) {
    __m256i bits = _mm256_castpd_si256(x);
    __m256i mantissa = _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi64x(0x000FFFFFFFFFFFFFLL)),
                                       _mm256_set1_epi64x(0x3FF0000000000000LL));
    __m256d m = _mm256_castsi256_pd(mantissa);
    // The biased exponent as a double: its bits placed in the mantissa of 2^52.
    __m256i biased = _mm256_srli_epi64(bits, 52);
    __m256d e = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(biased, _mm256_set1_epi64x(0x4330000000000000LL))),
                              _mm256_set1_pd(4503599627370496.0 + 1023.0));
    __m256d big = _mm256_cmp_pd(m, _mm256_set1_pd(1.4142135623730951), _CMP_GT_OQ);
    m = _mm256_blendv_pd(m, _mm256_mul_pd(m, _mm256_set1_pd(0.5)), big);
    e = _mm256_add_pd(e, _mm256_and_pd(big, _mm256_set1_pd(1.0)));
    __m256d f = _mm256_sub_pd(m, _mm256_set1_pd(1.0));
    __m256d s = _mm256_div_pd(f, _mm256_add_pd(m, _mm256_set1_pd(1.0)));
    __m256d s2 = _mm256_mul_pd(s, s);
    __m256d q;
    LOG_ATANH_SERIES(q, s2, _mm256_fmadd_pd, _mm256_set1_pd);
    // log m = 2 s + s * s2 * q; log x = e ln2_hi + (log m + e ln2_lo)
    __m256d logm = _mm256_fmadd_pd(_mm256_mul_pd(s, s2), q, _mm256_add_pd(s, s));
    __m256d low = _mm256_fmadd_pd(e, _mm256_set1_pd(1.90821492927058770002e-10), logm);
    return _mm256_fmadd_pd(e, _mm256_set1_pd(6.93147180369123816490e-01), low);
}

INLINE TARGET double hmax4(__m256d v) {
    __m128d a = _mm_max_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_max_sd(a, _mm_unpackhi_pd(a, a)));
}

INLINE TARGET double hsum4(__m256d v) {
    __m128d a = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(a, _mm_unpackhi_pd(a, a)));
}

#define KERNEL_NAME multinomial_avx2
#define KERNEL_TARGET TARGET
#define VD __m256d
#define VW 4
#define NVMAX 4
#define RBMAX 4
#define VZERO() _mm256_setzero_pd()
#define VBCAST(ptr) _mm256_broadcast_sd(ptr)
#define VLOAD(ptr) _mm256_loadu_pd(ptr)
#define VSTORE(ptr, v) _mm256_storeu_pd(ptr, v)
#define VFMA(a, b, c) _mm256_fmadd_pd(a, b, c)
#define VEXP(v) exp4(v)
#define VLOG(v) log4(v)
#define VSET1(x) _mm256_set1_pd(x)
#define VADD(a, b) _mm256_add_pd(a, b)
#define VSUB(a, b) _mm256_sub_pd(a, b)
#define VMUL(a, b) _mm256_mul_pd(a, b)
#define VMAX(a, b) _mm256_max_pd(a, b)
#define VHMAX(v) hmax4(v)
#define VHSUM(v) hsum4(v)
#include "multinomial_kernel.h"
#undef KERNEL_NAME
#undef KERNEL_TARGET
#undef VD
#undef VW
#undef NVMAX
#undef RBMAX
#undef VZERO
#undef VBCAST
#undef VLOAD
#undef VSTORE
#undef VFMA
#undef VEXP
#undef VLOG
#undef VSET1
#undef VADD
#undef VSUB
#undef VMUL
#undef VMAX
#undef VHMAX
#undef VHSUM

/// exp of eight values: exp4's scheme with AVX-512.
INLINE TARGET512 __m512d exp8z(__m512d x) {
    const __m512d low = _mm512_set1_pd(-708.0);
    __mmask8 under = _mm512_cmp_pd_mask(x, low, _CMP_LT_OQ);
    __m512d cl = _mm512_max_pd(x, low);
    const __m512d magic = _mm512_set1_pd(6755399441055744.0);
    __m512d t = _mm512_fmadd_pd(cl, _mm512_set1_pd(1.4426950408889634), magic);
    __m512d k = _mm512_sub_pd(t, magic);
    __m512d r = _mm512_fnmadd_pd(k, _mm512_set1_pd(6.93147180369123816490e-01), cl);
    r = _mm512_fnmadd_pd(k, _mm512_set1_pd(1.90821492927058770002e-10), r);
    __m512d q;
    EXP_TAYLOR(q, r, _mm512_fmadd_pd, _mm512_set1_pd);
    __m512i bits = _mm512_add_epi64(_mm512_castpd_si512(t), _mm512_set1_epi64(1023));
    __m512d scale = _mm512_castsi512_pd(_mm512_slli_epi64(bits, 52));
    return _mm512_maskz_mul_pd((__mmask8)~under, q, scale);
}

/// log4's scheme with AVX-512.
INLINE TARGET512 __m512d log8z(__m512d x) {
    __m512i bits = _mm512_castpd_si512(x);
    __m512i mantissa = _mm512_or_si512(_mm512_and_si512(bits, _mm512_set1_epi64(0x000FFFFFFFFFFFFFLL)),
                                       _mm512_set1_epi64(0x3FF0000000000000LL));
    __m512d m = _mm512_castsi512_pd(mantissa);
    __m512i biased = _mm512_srli_epi64(bits, 52);
    __m512d e = _mm512_sub_pd(_mm512_castsi512_pd(_mm512_or_si512(biased, _mm512_set1_epi64(0x4330000000000000LL))),
                              _mm512_set1_pd(4503599627370496.0 + 1023.0));
    __mmask8 big = _mm512_cmp_pd_mask(m, _mm512_set1_pd(1.4142135623730951), _CMP_GT_OQ);
    m = _mm512_mask_mul_pd(m, big, m, _mm512_set1_pd(0.5));
    e = _mm512_mask_add_pd(e, big, e, _mm512_set1_pd(1.0));
    __m512d f = _mm512_sub_pd(m, _mm512_set1_pd(1.0));
    __m512d s = _mm512_div_pd(f, _mm512_add_pd(m, _mm512_set1_pd(1.0)));
    __m512d s2 = _mm512_mul_pd(s, s);
    __m512d q;
    LOG_ATANH_SERIES(q, s2, _mm512_fmadd_pd, _mm512_set1_pd);
    __m512d logm = _mm512_fmadd_pd(_mm512_mul_pd(s, s2), q, _mm512_add_pd(s, s));
    __m512d low = _mm512_fmadd_pd(e, _mm512_set1_pd(1.90821492927058770002e-10), logm);
    return _mm512_fmadd_pd(e, _mm512_set1_pd(6.93147180369123816490e-01), low);
}

#define KERNEL_NAME multinomial_avx512
#define KERNEL_TARGET TARGET512
#define VD __m512d
#define VW 8
#define NVMAX 2
#define RBMAX 8
#define VZERO() _mm512_setzero_pd()
#define VBCAST(ptr) _mm512_set1_pd(*(ptr))
#define VLOAD(ptr) _mm512_loadu_pd(ptr)
#define VSTORE(ptr, v) _mm512_storeu_pd(ptr, v)
#define VFMA(a, b, c) _mm512_fmadd_pd(a, b, c)
#define VEXP(v) exp8z(v)
#define VLOG(v) log8z(v)
#define VSET1(x) _mm512_set1_pd(x)
#define VADD(a, b) _mm512_add_pd(a, b)
#define VSUB(a, b) _mm512_sub_pd(a, b)
#define VMUL(a, b) _mm512_mul_pd(a, b)
#define VMAX(a, b) _mm512_max_pd(a, b)
#define VHMAX(v) _mm512_reduce_max_pd(v)
#define VHSUM(v) _mm512_reduce_add_pd(v)
#include "multinomial_kernel.h"

static TARGET double multinomial_avx2_dispatch(const double *x, long n, long p, const long *labels, long k,
                                               const double *w, double *g, double scale, double *scratch) {
    switch ((k + 3) / 4) {
    case 1: return multinomial_avx2(x, n, p, labels, k, w, g, scale, scratch, 1, 4);
    case 2: return multinomial_avx2(x, n, p, labels, k, w, g, scale, scratch, 2, 4);
    case 3: return multinomial_avx2(x, n, p, labels, k, w, g, scale, scratch, 3, 4);
    default: return multinomial_avx2(x, n, p, labels, k, w, g, scale, scratch, 4, 3);
    }
}

static TARGET512 double multinomial_avx512_dispatch(const double *x, long n, long p, const long *labels, long k,
                                                    const double *w, double *g, double scale, double *scratch) {
    if (k <= 8) return multinomial_avx512(x, n, p, labels, k, w, g, scale, scratch, 1, 8);
    return multinomial_avx512(x, n, p, labels, k, w, g, scale, scratch, 2, 8);
}

double autopipe_multinomial(int level, const double *x, long n, long p, const long *labels, long k,
                            const double *w, double *g, double scale, double *scratch) {
    // Up to 4 classes fill one AVX2 vector; AVX-512 would carry 4 or more padding lanes (measured 1.3x slower for
    // 3 classes).
    if (level >= 2 && k > 4) return multinomial_avx512_dispatch(x, n, p, labels, k, w, g, scale, scratch);
    return multinomial_avx2_dispatch(x, n, p, labels, k, w, g, scale, scratch);
}
