// HistGradientBoosting's split scan over one feature's node histogram (HistTreeGrower.findSplitAndPush), in
// three passes so the costly part vectorises: (1) walk the marked bins in scan order and keep the running sums,
// (2) compute every candidate's gain with the grower's exact operations (two divisions each, no fused multiply-add),
// (3) take the first candidate with the largest gain. The sequential scan it replaces stopped early when the
// growing side left too few samples or too little hessian on the other; those conditions only get worse further
// on, so masking them gives the same answer. Bit-identical to the former Swift loop (HistBoostingGoldenTests).
#include "autopipe_kernels.h"

#include <math.h>
#include <stdint.h>

#pragma clang fp contract(off)

#define TARGET512 __attribute__((target("avx512f,avx512dq,avx2,fma")))
#define TARGET __attribute__((target("avx2,fma")))

// The gain of candidate i, or -inf when it breaks a constraint (min_samples_leaf, min_hessian_to_split) or does not
// gain (a NaN gain fails gain > 0): the grower's exact operations, two divisions, no fused multiply-add.
static inline __attribute__((always_inline)) double candidate_gain(
    const double *ga, const double *ha, const double *na, long i, double n, double sum_g, double sum_h, double loss,
    double l2, double min_leaf, double min_hess, int accumulated_is_left) {
    double g_acc = ga[i], h_acc = ha[i], n_acc = na[i];
    double g_rest = sum_g - g_acc, h_rest = sum_h - h_acc, n_rest = n - n_acc;
    double gl = accumulated_is_left ? g_acc : g_rest, hl = accumulated_is_left ? h_acc : h_rest;
    double gr = accumulated_is_left ? g_rest : g_acc, hr = accumulated_is_left ? h_rest : h_acc;
    double vl = -gl / ((hl + l2) + 1e-15);
    double vr = -gr / ((hr + l2) + 1e-15);
    double gain = (loss - gl * vl) - gr * vr;
    int ok = (n_acc >= min_leaf) & (n_rest >= min_leaf) & (h_acc >= min_hess) & (h_rest >= min_hess) & (gain > 0);
    return ok ? gain : -INFINITY;
}

// Pass 2 and 3: gains of m candidates whose accumulated side holds (ga, ha, na), the other side the rest; the
// accumulated side is the left child when accumulated_is_left. Returns the index of the first largest gain above
// `above` and above 0 (scikit-learn's min_gain_to_split), or -1.
static inline __attribute__((always_inline)) long best_candidate(
    const double *ga, const double *ha, const double *na, double *gains, long m, double n, double sum_g,
    double sum_h, double loss, double l2, double min_leaf, double min_hess, int accumulated_is_left, double above) {
    // Few candidates (a small node): one scalar pass, keeping the first largest gain as it goes. The same gains
    // and the same answer as the vector passes below, without their fixed cost.
    if (m <= 8) {
        long best = -1;
        double most = -INFINITY;
        for (long i = 0; i < m; i++) {
            double gain = candidate_gain(ga, ha, na, i, n, sum_g, sum_h, loss, l2, min_leaf, min_hess,
                                         accumulated_is_left);
            if (gain > most) {
                most = gain;
                best = i;
            }
        }
        if (best < 0 || !(most > above)) return -1;
        gains[best] = most;
        return best;
    }
    for (long i = 0; i < m; i++) {
        gains[i] = candidate_gain(ga, ha, na, i, n, sum_g, sum_h, loss, l2, min_leaf, min_hess, accumulated_is_left);
    }
    // The largest gain, in eight independent lanes so the loop vectorises (gains hold no NaN: a NaN gain
    // failed gain > 0 and is -inf).
    double lanes[8] = {-INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY};
    long i8 = 0;
    for (; i8 + 8 <= m; i8 += 8) {
        for (int l = 0; l < 8; l++) lanes[l] = gains[i8 + l] > lanes[l] ? gains[i8 + l] : lanes[l];
    }
    double most = -INFINITY;
    for (; i8 < m; i8++) most = gains[i8] > most ? gains[i8] : most;
    for (int l = 0; l < 8; l++) most = lanes[l] > most ? lanes[l] : most;
    if (!(most > above) || most == -INFINITY) return -1;
    for (long i = 0; i < m; i++) {
        if (gains[i] == most) return i;
    }
    return -1;
}

// Pass 1, one bin: adds bin b to the running sums and records them as candidate m.
static inline __attribute__((always_inline)) void take(const autopipe_hist_bin *bins, long b, int constant_hessian,
                                                       double *g, double *h, long *count, double *ga, double *ha,
                                                       double *na, long *index, long *m) {
    const autopipe_hist_bin *bin = bins + b;
    *count += bin->c;
    *h += constant_hessian ? (double)bin->c : bin->h;
    *g += bin->g;
    ga[*m] = *g; ha[*m] = *h; na[*m] = (double)*count; index[*m] = b;
    (*m)++;
}

static inline __attribute__((always_inline)) void scan(
    const autopipe_hist_bin *bins, const uint64_t *marks, long end, long top, long n, double sum_g, double sum_h,
    double loss, double l2, long min_leaf, double min_hess, int constant_hessian, autopipe_split_scan *out) {
    double ga[256], ha[256], na[256], gains[256];
    long index[256];
    out->found = 0;
    out->gain = -1;
    // Left to right over bins [0, end): missing values (if any) go right.
    long m = 0;
    double g = 0, h = 0;
    long count = 0;
    for (long w = 0; w < 4; w++) {
        long low = w * 64;
        if (low >= end) break;
        uint64_t bits = marks[w];
        if (end - low < 64) bits &= (((uint64_t)1) << (end - low)) - 1;
        while (bits) {
            long b = low + __builtin_ctzll(bits);
            bits &= bits - 1;
            take(bins, b, constant_hessian, &g, &h, &count, ga, ha, na, index, &m);
        }
    }
    long best = best_candidate(ga, ha, na, gains, m, (double)n, sum_g, sum_h, loss, l2, (double)min_leaf, min_hess,
                               1, -1.0);
    if (best >= 0) {
        out->found = 1;
        out->gain = gains[best];
        out->bin = index[best];
        out->missing_left = 0;
        out->g_left = ga[best]; out->h_left = ha[best]; out->n_left = (long)na[best];
    }
    // Right to left (top >= 1 only when the feature has missing values): adding bin j to the right side, from
    // top down to 1, tries threshold j - 1 with missing values on the left.
    if (top < 1) return;
    m = 0; g = 0; h = 0; count = 0;
    for (long w = top >> 6; w >= 0; w--) {
        long low = w * 64;
        uint64_t bits = marks[w];
        if (top - low < 63) bits &= (((uint64_t)1) << (top - low + 1)) - 1;
        if (w == 0) bits &= ~(uint64_t)1;
        while (bits) {
            long k = 63 - __builtin_clzll(bits);
            bits &= ~(((uint64_t)1) << k);
            take(bins, low + k, constant_hessian, &g, &h, &count, ga, ha, na, index, &m);
        }
    }
    best = best_candidate(ga, ha, na, gains, m, (double)n, sum_g, sum_h, loss, l2, (double)min_leaf, min_hess, 0,
                          out->gain);
    if (best >= 0) {
        out->found = 1;
        out->gain = gains[best];
        out->bin = index[best] - 1;
        out->missing_left = 1;
        out->g_left = sum_g - ga[best]; out->h_left = sum_h - ha[best]; out->n_left = n - (long)na[best];
    }
}

static TARGET512 void scan512(const autopipe_hist_bin *bins, const uint64_t *marks, long end, long top, long n,
                              double sum_g, double sum_h, double loss, double l2, long min_leaf, double min_hess,
                              int constant_hessian, autopipe_split_scan *out) {
    scan(bins, marks, end, top, n, sum_g, sum_h, loss, l2, min_leaf, min_hess, constant_hessian, out);
}

static TARGET void scan256(const autopipe_hist_bin *bins, const uint64_t *marks, long end, long top, long n,
                           double sum_g, double sum_h, double loss, double l2, long min_leaf, double min_hess,
                           int constant_hessian, autopipe_split_scan *out) {
    scan(bins, marks, end, top, n, sum_g, sum_h, loss, l2, min_leaf, min_hess, constant_hessian, out);
}

static void scan128(const autopipe_hist_bin *bins, const uint64_t *marks, long end, long top, long n,
                    double sum_g, double sum_h, double loss, double l2, long min_leaf, double min_hess,
                    int constant_hessian, autopipe_split_scan *out) {
    scan(bins, marks, end, top, n, sum_g, sum_h, loss, l2, min_leaf, min_hess, constant_hessian, out);
}

void autopipe_hist_split_scan(int level, const autopipe_hist_bin *bins, const uint64_t *marks, long end, long top,
                              long n, double sum_g, double sum_h, double loss, double l2, long min_leaf,
                              double min_hess, int constant_hessian, autopipe_split_scan *out) {
    if (level >= 2) {
        scan512(bins, marks, end, top, n, sum_g, sum_h, loss, l2, min_leaf, min_hess, constant_hessian, out);
    } else if (level == 1) {
        scan256(bins, marks, end, top, n, sum_g, sum_h, loss, l2, min_leaf, min_hess, constant_hessian, out);
    } else {
        scan128(bins, marks, end, top, n, sum_g, sum_h, loss, l2, min_leaf, min_hess, constant_hessian, out);
    }
}
