// exp and tanh over buffers (VectorMath.swift's expCore / tanhCore, Cephes' algorithms) with 4- or 8-lane vectors,
// bit-identical to the Swift versions: the same constants and the same operations in the same order, separate
// multiplies and adds (no fused multiply-add). Swift compiles for SSE2, two lanes; FastICA's tanh and the RBF
// kernels' exp spend most of their time here.
#include "autopipe_kernels.h"

#include <stdint.h>
#include <string.h>

#pragma clang fp contract(off)

#define TARGET512 __attribute__((target("avx512f,avx512dq,avx2,fma")))
#define TARGET __attribute__((target("avx2,fma")))

static const double MAGIC = 6755399441055744.0;   // 1.5 * 2^52

static inline __attribute__((always_inline)) uint64_t bits_of(double x) {
    uint64_t b;
    memcpy(&b, &x, 8);
    return b;
}

static inline __attribute__((always_inline)) double from_bits(uint64_t b) {
    double x;
    memcpy(&x, &b, 8);
    return x;
}

static inline __attribute__((always_inline)) double exp_core(double x) {
    double t = x * 1.4426950408889634073599 + MAGIC;
    double k = t - MAGIC;
    double r = x - k * 6.93145751953125e-1;
    r -= k * 1.42860682030941723212e-6;
    double rr = r * r;
    double p = ((rr * 1.26177193074810590878e-4 + 3.02994407707441961300e-2) * rr + 9.99999999999999999910e-1) * r;
    double q = ((rr * 3.00198505138664455042e-6 + 2.52448340349684104192e-3) * rr + 2.27265548208155028766e-1) * rr
               + 2.00000000000000000009;
    double y = p / (q - p) * 2 + 1;
    int64_t exponent = (int64_t)bits_of(t) - (int64_t)bits_of(MAGIC) + 1023;
    return y * from_bits((uint64_t)exponent << 52);
}

static inline __attribute__((always_inline)) double tanh_core(double x) {
    double a = x < 0 ? -x : x;
    double z = x * x;
    double p = (z * -9.64399179425052238628e-1 - 9.92877231001918586564e1) * z - 1.61468768441708447952e3;
    double q = ((z + 1.12811678491632931402e2) * z + 2.23548839060100448583e3) * z + 4.84406305325125486048e3;
    double small = x + x * (z * p / q);
    double twice = a < 300 ? 2 * a : 600;
    double large = 1 - 2 / (exp_core(twice) + 1);
    double sign = x < 0 ? -large : large;
    return a < 0.625 ? small : sign;
}

static TARGET512 void exp512(double *v, long n, double scale) {
    for (long i = 0; i < n; i++) v[i] = exp_core(v[i] * scale);
}

static TARGET void exp256(double *v, long n, double scale) {
    for (long i = 0; i < n; i++) v[i] = exp_core(v[i] * scale);
}

static TARGET512 void tanh512(double *v, long n) {
    for (long i = 0; i < n; i++) v[i] = tanh_core(v[i]);
}

static TARGET void tanh256(double *v, long n) {
    for (long i = 0; i < n; i++) v[i] = tanh_core(v[i]);
}

void autopipe_exp_block(int level, double *v, long n, double scale) {
    if (level >= 2) exp512(v, n, scale); else exp256(v, n, scale);
}

void autopipe_tanh_block(int level, double *v, long n) {
    if (level >= 2) tanh512(v, n); else tanh256(v, n);
}

long autopipe_count_nan(const double *v, long n) {
    long count = 0;
    for (long i = 0; i < n; i++) count += v[i] != v[i];
    return count;
}

long autopipe_count_outside(const double *v, long n, double scale, double lo, double hi) {
    long count = 0;
    for (long i = 0; i < n; i++) {
        double x = v[i] * scale;
        count += !(x >= lo && x <= hi);
    }
    return count;
}
