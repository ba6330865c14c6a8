// The body of the fused multinomial kernel, included once per instruction set by multinomial.c with these macros:
// KERNEL_NAME, KERNEL_TARGET, VD (vector type), VW (doubles per vector), NVMAX / RBMAX (largest NV / RB),
// VZERO(), VBCAST(pointer), VLOAD(pointer), VSTORE(pointer, v), VFMA(a, b, c) = a * b + c, VEXP(v), VLOG(v), VSET1(x), VADD, VSUB, VMUL,
// VMAX(a, b) lane-wise, VHMAX(v) / VHSUM(v) across the lanes.
//
// NV vectors of VW class lanes (lanes L = VW NV >= k); NV and RB are constants at each call site, so the lane
// loops unroll and the accumulators stay in registers. RB: rows (forward) or features (backward) per register
// block. Per block of BLOCK rows: logits Z = X_block W^T (broadcast x[j], fused multiply-add with the row j of W^T),
// softmax (shifted by the row maximum; padding lanes set to -inf so that exp gives 0), loss
// log(sum) - (z_y - max), residuals softmax - onehot written over Z, then G^T += X_block^T R.
INLINE KERNEL_TARGET double KERNEL_NAME(const double *x, long n, long p, const long *labels, long k, const double *w,
                                    double *g, double scale, double *scratch, const int NV,
                                    const int RB) {
    const long L = VW * NV;
    double *wt = scratch, *gt = scratch + p * L, *z = scratch + 2 * p * L, *zy = z + BLOCK * L, *sums = zy + BLOCK;
    for (long i = 0; i < 2 * p * L; i++) scratch[i] = 0;
    for (long c = 0; c < k; c++)
        for (long j = 0; j < p; j++) wt[j * L + c] = w[c * p + j];
    double total = 0;
    // 0 in the class lanes, -inf in the padding lanes.
    VD padding[NVMAX];
    for (int q = 0; q < NV; q++) {
        double lanes[VW];
        for (int i = 0; i < VW; i++) lanes[i] = VW * q + i < k ? 0.0 : -INFINITY;
        padding[q] = VLOAD(lanes);
    }
    for (long s = 0; s < n; s += BLOCK) {
        const long m = n - s < BLOCK ? n - s : BLOCK;
        const double *xb = x + s * p;
        // Logits, RB rows at a time (each W^T row loaded once for all of them).
        long b = 0;
        for (; b + RB <= m; b += RB) {
            const double *x0 = xb + b * p;
            VD a[RBMAX][NVMAX];
            for (int q = 0; q < RB; q++)
                for (int v = 0; v < NV; v++) a[q][v] = VZERO();
            for (long j = 0; j < p; j++) {
                for (int q = 0; q < RB; q++) {
                    VD sq = VBCAST(x0 + q * p + j);
                    for (int v = 0; v < NV; v++) a[q][v] = VFMA(sq, VLOAD(wt + j * L + VW * v), a[q][v]);
                }
            }
            for (int q = 0; q < RB; q++)
                for (int v = 0; v < NV; v++) VSTORE(z + (b + q) * L + VW * v, a[q][v]);
        }
        for (; b < m; b++) {
            const double *x0 = xb + b * p;
            VD a0[NVMAX];
            for (int v = 0; v < NV; v++) a0[v] = VZERO();
            for (long j = 0; j < p; j++) {
                VD s0 = VBCAST(x0 + j);
                for (int v = 0; v < NV; v++) a0[v] = VFMA(s0, VLOAD(wt + j * L + VW * v), a0[v]);
            }
            for (int v = 0; v < NV; v++) VSTORE(z + b * L + VW * v, a0[v]);
        }
        // Softmax, in vectors: padding lanes get -inf (so their exp is 0), each row is shifted by its largest
        // logit, and its exponentials are summed lane-wise over the vectors, then across the lanes.
        for (long r = 0; r < m; r++) {
            double *row = z + r * L;
            VD v[NVMAX];
            VD top = VSET1(-INFINITY);
            for (int q = 0; q < NV; q++) {
                v[q] = VADD(VLOAD(row + VW * q), padding[q]);
                top = VMAX(top, v[q]);
            }
            VD shift = VSET1(VHMAX(top));
            for (int q = 0; q < NV; q++) VSTORE(row + VW * q, VSUB(v[q], shift));
            zy[r] = row[labels[s + r]];
        }
        for (long i = 0; i < m * L; i += VW) VSTORE(z + i, VEXP(VLOAD(z + i)));
        for (long r = 0; r < m; r++) {
            double *row = z + r * L;
            VD acc = VLOAD(row);
            for (int q = 1; q < NV; q++) acc = VADD(acc, VLOAD(row + VW * q));
            double sum = VHSUM(acc);
            sums[r] = sum;
            VD inverse = VSET1(1 / sum);
            for (int q = 0; q < NV; q++) VSTORE(row + VW * q, VMUL(VLOAD(row + VW * q), inverse));
            row[labels[s + r]] -= 1;
        }
        // loss = logsumexp(z) - z_y = log(sum) - (z_y - top), the logs vectorised (padding rows: log 1 = 0).
        for (long r = m; r < BLOCK; r++) sums[r] = 1.0;
        for (long i = 0; i < BLOCK; i += VW) VSTORE(sums + i, VLOG(VLOAD(sums + i)));
        for (long r = 0; r < m; r++) total += sums[r] - zy[r];
        // G^T += X_block^T R, RB features at a time (each residual row loaded once for all of them).
        long j = 0;
        for (; j + RB <= p; j += RB) {
            VD a[RBMAX][NVMAX];
            for (int q = 0; q < RB; q++)
                for (int v = 0; v < NV; v++) a[q][v] = VLOAD(gt + (j + q) * L + VW * v);
            for (long r = 0; r < m; r++) {
                for (int q = 0; q < RB; q++) {
                    VD sq = VBCAST(xb + r * p + j + q);
                    for (int v = 0; v < NV; v++) a[q][v] = VFMA(sq, VLOAD(z + r * L + VW * v), a[q][v]);
                }
            }
            for (int q = 0; q < RB; q++)
                for (int v = 0; v < NV; v++) VSTORE(gt + (j + q) * L + VW * v, a[q][v]);
        }
        for (; j < p; j++) {
            VD g0[NVMAX];
            for (int v = 0; v < NV; v++) g0[v] = VLOAD(gt + j * L + VW * v);
            for (long r = 0; r < m; r++) {
                VD s0 = VBCAST(xb + r * p + j);
                for (int v = 0; v < NV; v++) g0[v] = VFMA(s0, VLOAD(z + r * L + VW * v), g0[v]);
            }
            for (int v = 0; v < NV; v++) VSTORE(gt + j * L + VW * v, g0[v]);
        }
    }
    for (long c = 0; c < k; c++)
        for (long j = 0; j < p; j++) g[c * p + j] = scale * gt[j * L + c];
    return total;
}
