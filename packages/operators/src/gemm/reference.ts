/**
 * The JavaScript matrix product, the reference of the WebAssembly kernels (always present):
 * C = op(A)·op(B) (beta = 0) or C ← C + op(A)·op(B) (beta = 1) on Float64Arrays with element
 * offsets and strides, so that one routine serves every transpose case without copies.
 *
 * It adds in the order of gemm.wat (see there): for each block of {@link KC} values of p, each
 * entry's sum starts at 0 and adds op(A)(i, p)·op(B)(p, j) in increasing p, then is stored (the
 * first block with beta = 0) or added to C; so it gives the bits of the SIMD kernel.
 *
 * @module
 */

/** Depth of a block of p (the KC of gemm.wat): sums are formed per block of KC terms. */
export const KC = 256;

/** Scratch for one packed panel of op(B) (KC×4, interleaved) and one 4×4 block of C. */
const panel = new Float64Array(4 * KC);
const block = new Float64Array(16);

/**
 * C(i, j) = C[cOff + i·ldc + j] ← [beta·C(i, j) +] Σ_p op(A)(i, p)·op(B)(p, j), with
 * op(A)(i, p) = A[aOff + i·rsa + p·csa] and op(B)(p, j) = B[bOff + p·rsb + j·csb].
 *
 * For each block of KC values of p and each panel of 4 columns of C, the panel of op(B) is
 * packed into a contiguous KC×4 buffer (it then stays in L1), and each 4×4 block of C is
 * accumulated in 16 locals over p — 8 loads per 16 multiply-adds, no stores inside the loop (a
 * register-blocked micro-kernel after Goto & van de Geijn, "Anatomy of high-performance matrix
 * multiplication", 2008). About 4 GFLOP/s in float64 on one core here.
 */
export function gemmReference(
  m: number, n: number, k: number,
  A: Float64Array, aOff: number, rsa: number, csa: number,
  B: Float64Array, bOff: number, rsb: number, csb: number,
  C: Float64Array, cOff: number, ldc: number,
  beta: 0 | 1,
): void {
  if (m === 0 || n === 0) return;
  if (k === 0) {
    if (beta === 0) for (let i = 0; i < m; i++) C.fill(0, cOff + i * ldc, cOff + i * ldc + n);
    return;
  }
  const P = panel;
  for (let pc = 0; pc < k; pc += KC) {
    const kc = Math.min(KC, k - pc);
    const add = beta !== 0 || pc > 0;
    for (let j = 0; j < n; j += 4) {
      const w = Math.min(4, n - j);
      // Pack op(B)(pc…pc+kc−1, j…j+3) as P[4p + c], zero-padded past column n.
      for (let p = 0; p < kc; p++) {
        const o = bOff + (pc + p) * rsb + j * csb;
        for (let c = 0; c < 4; c++) P[4 * p + c] = c < w ? (B[o + c * csb] as number) : 0;
      }
      let i = 0;
      for (; i + 3 < m; i += 4) {
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        let a = aOff + i * rsa + pc * csa;
        for (let q = 0; q < 4 * kc; q += 4, a += csa) {
          const b0 = P[q] as number;
          const b1 = P[q + 1] as number;
          const b2 = P[q + 2] as number;
          const b3 = P[q + 3] as number;
          const a0 = A[a] as number;
          c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
          const a1 = A[a + rsa] as number;
          c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
          const a2 = A[a + 2 * rsa] as number;
          c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
          const a3 = A[a + 3 * rsa] as number;
          c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        const o = cOff + i * ldc + j;
        if (w === 4 && !add) {
          C[o] = c00; C[o + 1] = c01; C[o + 2] = c02; C[o + 3] = c03;
          const o1 = o + ldc;
          C[o1] = c10; C[o1 + 1] = c11; C[o1 + 2] = c12; C[o1 + 3] = c13;
          const o2 = o1 + ldc;
          C[o2] = c20; C[o2 + 1] = c21; C[o2 + 2] = c22; C[o2 + 3] = c23;
          const o3 = o2 + ldc;
          C[o3] = c30; C[o3 + 1] = c31; C[o3 + 2] = c32; C[o3 + 3] = c33;
        } else {
          block[0] = c00; block[1] = c01; block[2] = c02; block[3] = c03;
          block[4] = c10; block[5] = c11; block[6] = c12; block[7] = c13;
          block[8] = c20; block[9] = c21; block[10] = c22; block[11] = c23;
          block[12] = c30; block[13] = c31; block[14] = c32; block[15] = c33;
          for (let r = 0; r < 4; r++) {
            const or = o + r * ldc;
            for (let c = 0; c < w; c++) C[or + c] = add ? (C[or + c] as number) + (block[4 * r + c] as number) : (block[4 * r + c] as number);
          }
        }
      }
      // Leftover rows, one at a time against the same panel.
      for (; i < m; i++) {
        let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
        let a = aOff + i * rsa + pc * csa;
        for (let q = 0; q < 4 * kc; q += 4, a += csa) {
          const av = A[a] as number;
          c0 += av * (P[q] as number);
          c1 += av * (P[q + 1] as number);
          c2 += av * (P[q + 2] as number);
          c3 += av * (P[q + 3] as number);
        }
        const o = cOff + i * ldc + j;
        C[o] = add ? (C[o] as number) + c0 : c0;
        if (w > 1) C[o + 1] = add ? (C[o + 1] as number) + c1 : c1;
        if (w > 2) C[o + 2] = add ? (C[o + 2] as number) + c2 : c2;
        if (w > 3) C[o + 3] = add ? (C[o + 3] as number) + c3 : c3;
      }
    }
  }
}
