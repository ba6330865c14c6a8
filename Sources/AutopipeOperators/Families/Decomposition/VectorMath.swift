import CAutopipeKernels
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// exp, tanh and cos over buffers with Cephes' algorithms (Cody-Waite range reduction, rational / polynomial
/// approximations), accurate to a few ulps, written branch-free so the compiler vectorises the loops: several
/// times faster than one C-library call per element (numpy evaluates these with SIMD too, so the kernel maps and
/// FastICA need them to keep up). Each block of 256 values is first checked; a block holding an argument outside
/// the reduced algorithms' range (non-finite, |x| beyond the exp range, |x| > 1e6 for cos) uses the C library.
/// On CPUs with AVX2 or AVX-512, exp and tanh blocks run in `CAutopipeKernels` (vmath.c): the same operations on
/// four or eight lanes, bit-identical (VectorMathKernelTests compares them).
enum VectorMath {
    static let block = 256
    /// The vector kernels' instruction level (0: the Swift loops).
    static let kernelLevel = autopipe_kernels_level()
    /// 1.5 * 2^52: adding and subtracting it rounds a double of magnitude < 2^51 to an integer.
    static let magic = 6_755_399_441_055_744.0

    // MARK: exp

    /// Cephes exp.c for x in [-708, 709]: exp(x) = 2^k exp(r), |r| <= ln2 / 2,
    /// exp(r) = 1 + 2 r P(r²) / (Q(r²) - r P(r²)).
    @inline(__always)
    static func expCore(_ x: Double) -> Double {
        let t = x * 1.4426950408889634073599 + magic
        let k = t - magic
        var r = x - k * 6.93145751953125e-1
        r -= k * 1.42860682030941723212e-6
        let rr = r * r
        let p = ((rr * 1.26177193074810590878e-4 + 3.02994407707441961300e-2) * rr + 9.99999999999999999910e-1) * r
        let q = ((rr * 3.00198505138664455042e-6 + 2.52448340349684104192e-3) * rr
                 + 2.27265548208155028766e-1) * rr + 2.00000000000000000009
        let y = p / (q - p) * 2 + 1
        let exponent = Int64(bitPattern: t.bitPattern) &- Int64(bitPattern: magic.bitPattern) &+ 1023
        return y * Double(bitPattern: UInt64(bitPattern: exponent &<< 52))
    }

    /// `v[i] = exp(scale * v[i])` in place (`level`: see `kernelLevel`).
    static func exp(_ v: UnsafeMutableBufferPointer<Double>, scale: Double = 1, level: Int32 = kernelLevel) {
        var start = 0
        while start < v.count {
            let end = min(start + block, v.count)
            let inRange = v.baseAddress.map { autopipe_count_outside($0 + start, end - start, scale, -708, 709) == 0 } ?? true
            if inRange, level > 0, let base = v.baseAddress {
                autopipe_exp_block(level, base + start, end - start, scale)
            } else if inRange {
                for i in start..<end { v[i] = expCore(v[i] * scale) }
            } else {
                for i in start..<end { v[i] = Glibc.exp(v[i] * scale) }
            }
            start = end
        }
    }

    // MARK: tanh

    /// Cephes tanh.c: a rational approximation for |x| < 0.625, else sign(x) (1 - 2 / (exp(2|x|) + 1)).
    @inline(__always)
    static func tanhCore(_ x: Double) -> Double {
        let a = x < 0 ? -x : x
        let z = x * x
        let p = (z * -9.64399179425052238628e-1 - 9.92877231001918586564e1) * z - 1.61468768441708447952e3
        let q = ((z + 1.12811678491632931402e2) * z + 2.23548839060100448583e3) * z + 4.84406305325125486048e3
        let small = x + x * (z * p / q)
        let twice = a < 300 ? 2 * a : 600
        let large = 1 - 2 / (expCore(twice) + 1)
        let signed = x < 0 ? -large : large
        return a < 0.625 ? small : signed
    }

    /// `v[i] = tanh(v[i])` in place (`level`: see `kernelLevel`).
    static func tanh(_ v: UnsafeMutableBufferPointer<Double>, level: Int32 = kernelLevel) {
        var start = 0
        while start < v.count {
            let end = min(start + block, v.count)
            let finite = v.baseAddress.map { autopipe_count_nan($0 + start, end - start) == 0 } ?? true
            if finite, level > 0, let base = v.baseAddress {
                autopipe_tanh_block(level, base + start, end - start)
            } else if finite {
                for i in start..<end { v[i] = tanhCore(v[i]) }
            } else {
                for i in start..<end { v[i] = Glibc.tanh(v[i]) }
            }
            start = end
        }
    }

    // MARK: cos

    /// Cephes sin.c's cos for |x| <= 1e6: reduction by pi/4 with a three-part constant, octant j (computed in
    /// doubles so the loop vectorises), polynomials on [0, pi/4].
    @inline(__always)
    static func cosCore(_ input: Double) -> Double {
        let x = input < 0 ? -input : input
        let t = x * 1.27323954473516268615
        var y = (t + magic) - magic
        y = y > t ? y - 1 : y
        let h = (y * 0.5 + magic) - magic
        let hf = h > y * 0.5 ? h - 1 : h
        let odd = y - 2 * hf
        y += odd
        let e = (y * 0.125 + magic) - magic
        let ef = e > y * 0.125 ? e - 1 : e
        let j = y - 8 * ef
        let high = j > 3
        let j2 = high ? j - 4 : j
        let flip = high != (j2 > 1)
        let useSin = j2 == 1 || j2 == 2
        let z = ((x - y * 7.85398125648498535156e-1) - y * 3.77489470793079817668e-8) - y * 2.69515142907905952645e-15
        let zz = z * z
        var c = zz * -1.13585365213876817300e-11 + 2.08757008419747316778e-9
        c = c * zz - 2.75573141792967388112e-7
        c = c * zz + 2.48015872888517045348e-5
        c = c * zz - 1.38888888888730564116e-3
        c = c * zz + 4.16666666666665929218e-2
        let cosValue = 1 - zz * 0.5 + zz * zz * c
        var s = zz * 1.58962301576546568060e-10 - 2.50507477628578072866e-8
        s = s * zz + 2.75573136213857245213e-6
        s = s * zz - 1.98412698295895385996e-4
        s = s * zz + 8.33333333332211858878e-3
        s = s * zz - 1.66666666666666307295e-1
        let sinValue = z + z * zz * s
        let value = useSin ? sinValue : cosValue
        return flip ? -value : value
    }
    /// `v[i] = cos(v[i] + offsets[i % width]) * scale` in place, row by row (RBFSampler's map).
    static func cosine(_ v: UnsafeMutableBufferPointer<Double>, offsets: UnsafeBufferPointer<Double>, scale: Double) {
        let width = offsets.count
        guard width > 0 else { return }
        for r in 0..<(v.count / width) {
            let base = r * width
            for j in 0..<width { v[base + j] += offsets[j] }
            let row = UnsafeMutableBufferPointer(rebasing: v[base..<(base + width)])
            let inRange = row.baseAddress.map { autopipe_count_outside($0, width, 1, -1e6, 1e6) == 0 } ?? true
            if inRange {
                cosInPlace(row, scale: scale)
            } else {
                for j in 0..<width { row[j] = Glibc.cos(row[j]) * scale }
            }
        }
    }

    /// `v[i] = cos(v[i]) * scale` for arguments already checked to be within [-1e6, 1e6].
    static func cosInPlace(_ v: UnsafeMutableBufferPointer<Double>, scale: Double) {
        for i in 0..<v.count { v[i] = cosCore(v[i]) * scale }
    }
}
