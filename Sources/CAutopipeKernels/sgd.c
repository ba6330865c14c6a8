// SGD's per-sample dot product and axpy (Sources/AutopipeOperators/Families/Linear/SGD.swift) with wider vectors,
// bit-identical to the Swift versions: the same lanes, the same association of the partial sums, separate
// multiplies and adds (no fused multiply-add, so that the results do not depend on the CPU).
#include "autopipe_kernels.h"

#include <immintrin.h>

#pragma clang fp contract(off)

#define TARGET512 __attribute__((target("avx512f,avx2,fma")))
#define TARGET __attribute__((target("avx2,fma")))

/// sgdDot's order: two 8-lane accumulators over 16-entry steps, one more 8-entry step into the first, a 2-lane tail
/// accumulator; then v = a0 + a1, h = v[0..<4] + v[4..<8], q = (h[0..<2] + h[2..<4]) + tail, s = q[0] + q[1], plus
/// the last odd entry.
static TARGET512 double dot512(const double *w, const double *x, long n) {
    __m512d a0 = _mm512_setzero_pd(), a1 = _mm512_setzero_pd();
    long c = 0;
    for (; c + 16 <= n; c += 16) {
        a0 = _mm512_add_pd(a0, _mm512_mul_pd(_mm512_loadu_pd(w + c), _mm512_loadu_pd(x + c)));
        a1 = _mm512_add_pd(a1, _mm512_mul_pd(_mm512_loadu_pd(w + c + 8), _mm512_loadu_pd(x + c + 8)));
    }
    if (c + 8 <= n) {
        a0 = _mm512_add_pd(a0, _mm512_mul_pd(_mm512_loadu_pd(w + c), _mm512_loadu_pd(x + c)));
        c += 8;
    }
    __m128d tail = _mm_setzero_pd();
    for (; c + 2 <= n; c += 2) tail = _mm_add_pd(tail, _mm_mul_pd(_mm_loadu_pd(w + c), _mm_loadu_pd(x + c)));
    __m512d v = _mm512_add_pd(a0, a1);
    __m256d h = _mm256_add_pd(_mm512_castpd512_pd256(v), _mm512_extractf64x4_pd(v, 1));
    __m128d q = _mm_add_pd(_mm_add_pd(_mm256_castpd256_pd128(h), _mm256_extractf128_pd(h, 1)), tail);
    double s = _mm_cvtsd_f64(q) + _mm_cvtsd_f64(_mm_unpackhi_pd(q, q));
    if (c < n) s += w[c] * x[c];
    return s;
}

static TARGET double dot256(const double *w, const double *x, long n) {
    __m256d a0l = _mm256_setzero_pd(), a0h = _mm256_setzero_pd(), a1l = _mm256_setzero_pd(), a1h = _mm256_setzero_pd();
    long c = 0;
    for (; c + 16 <= n; c += 16) {
        a0l = _mm256_add_pd(a0l, _mm256_mul_pd(_mm256_loadu_pd(w + c), _mm256_loadu_pd(x + c)));
        a0h = _mm256_add_pd(a0h, _mm256_mul_pd(_mm256_loadu_pd(w + c + 4), _mm256_loadu_pd(x + c + 4)));
        a1l = _mm256_add_pd(a1l, _mm256_mul_pd(_mm256_loadu_pd(w + c + 8), _mm256_loadu_pd(x + c + 8)));
        a1h = _mm256_add_pd(a1h, _mm256_mul_pd(_mm256_loadu_pd(w + c + 12), _mm256_loadu_pd(x + c + 12)));
    }
    if (c + 8 <= n) {
        a0l = _mm256_add_pd(a0l, _mm256_mul_pd(_mm256_loadu_pd(w + c), _mm256_loadu_pd(x + c)));
        a0h = _mm256_add_pd(a0h, _mm256_mul_pd(_mm256_loadu_pd(w + c + 4), _mm256_loadu_pd(x + c + 4)));
        c += 8;
    }
    __m128d tail = _mm_setzero_pd();
    for (; c + 2 <= n; c += 2) tail = _mm_add_pd(tail, _mm_mul_pd(_mm_loadu_pd(w + c), _mm_loadu_pd(x + c)));
    // v[0..<4] = a0l + a1l, v[4..<8] = a0h + a1h; h = v[0..<4] + v[4..<8].
    __m256d h = _mm256_add_pd(_mm256_add_pd(a0l, a1l), _mm256_add_pd(a0h, a1h));
    __m128d q = _mm_add_pd(_mm_add_pd(_mm256_castpd256_pd128(h), _mm256_extractf128_pd(h, 1)), tail);
    double s = _mm_cvtsd_f64(q) + _mm_cvtsd_f64(_mm_unpackhi_pd(q, q));
    if (c < n) s += w[c] * x[c];
    return s;
}

double autopipe_sgd_dot(int level, const double *w, const double *x, long n) {
    return level >= 2 ? dot512(w, x, n) : dot256(w, x, n);
}

static TARGET512 void axpy512(double a, const double *x, double *w, long n) {
    __m512d av = _mm512_set1_pd(a);
    long c = 0;
    for (; c + 8 <= n; c += 8)
        _mm512_storeu_pd(w + c, _mm512_add_pd(_mm512_loadu_pd(w + c), _mm512_mul_pd(av, _mm512_loadu_pd(x + c))));
    for (; c < n; c++) w[c] += a * x[c];
}

static TARGET void axpy256(double a, const double *x, double *w, long n) {
    __m256d av = _mm256_set1_pd(a);
    long c = 0;
    for (; c + 4 <= n; c += 4)
        _mm256_storeu_pd(w + c, _mm256_add_pd(_mm256_loadu_pd(w + c), _mm256_mul_pd(av, _mm256_loadu_pd(x + c))));
    for (; c < n; c++) w[c] += a * x[c];
}

void autopipe_sgd_axpy(int level, double a, const double *x, double *w, long n) {
    if (level >= 2) axpy512(a, x, w, n); else axpy256(a, x, w, n);
}
