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
 * The kernel runs over row-major data with contiguous inner loops: i-k-j order with a 4-row
 * micro-kernel when op(B) = B (also for Aᵀ, whose 4 columns are then adjacent), 4-row blocked
 * dot products when op(B) = Bᵀ; it allocates nothing.
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
    // A(i, p) = A[i·ars + p·acs]
    const ars = transposeA ? 1 : k;
    const acs = transposeA ? m : 1;
    if (!transposeB) gemmRowB(A, ars, acs, B, out, m, k, n);
    else if (!transposeA) gemmDotB(A, B, out, m, k, n);
    else gemmGeneric(A, ars, acs, B, out, m, k, n);
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

/**
 * C = A·B with B row-major k×n: for each block of 4 rows of C, for each p, the 4 values A(i..i+3, p)
 * scale row p of B into the 4 rows of C (i-k-j order, contiguous inner loop over j).
 */
function gemmRowB(A: Float64Array, ars: number, acs: number, B: Float64Array, C: Float64Array, m: number, k: number, n: number): void {
  C.fill(0, 0, m * n);
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const c0 = i * n;
    const c1 = c0 + n;
    const c2 = c1 + n;
    const c3 = c2 + n;
    for (let p = 0; p < k; p++) {
      const ap = i * ars + p * acs;
      const a0 = A[ap] as number;
      const a1 = A[ap + ars] as number;
      const a2 = A[ap + 2 * ars] as number;
      const a3 = A[ap + 3 * ars] as number;
      const bo = p * n;
      for (let j = 0; j < n; j++) {
        const bv = B[bo + j] as number;
        C[c0 + j] = (C[c0 + j] as number) + a0 * bv;
        C[c1 + j] = (C[c1 + j] as number) + a1 * bv;
        C[c2 + j] = (C[c2 + j] as number) + a2 * bv;
        C[c3 + j] = (C[c3 + j] as number) + a3 * bv;
      }
    }
  }
  for (; i < m; i++) {
    const c0 = i * n;
    for (let p = 0; p < k; p++) {
      const a0 = A[i * ars + p * acs] as number;
      const bo = p * n;
      for (let j = 0; j < n; j++) C[c0 + j] = (C[c0 + j] as number) + a0 * (B[bo + j] as number);
    }
  }
}

/**
 * C = A·Bᵀ with A m×k and B n×k row-major: C(i, j) = ⟨row i of A, row j of B⟩, four rows of A
 * against one row of B at a time (both inner reads contiguous).
 */
function gemmDotB(A: Float64Array, B: Float64Array, C: Float64Array, m: number, k: number, n: number): void {
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const r0 = i * k;
    const r1 = r0 + k;
    const r2 = r1 + k;
    const r3 = r2 + k;
    for (let j = 0; j < n; j++) {
      const bo = j * k;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let p = 0; p < k; p++) {
        const bv = B[bo + p] as number;
        s0 += (A[r0 + p] as number) * bv;
        s1 += (A[r1 + p] as number) * bv;
        s2 += (A[r2 + p] as number) * bv;
        s3 += (A[r3 + p] as number) * bv;
      }
      C[i * n + j] = s0;
      C[(i + 1) * n + j] = s1;
      C[(i + 2) * n + j] = s2;
      C[(i + 3) * n + j] = s3;
    }
  }
  for (; i < m; i++) {
    const r0 = i * k;
    for (let j = 0; j < n; j++) {
      const bo = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += (A[r0 + p] as number) * (B[bo + p] as number);
      C[i * n + j] = s;
    }
  }
}

/** C = Aᵀ·Bᵀ (rare): C(i, j) = Σ_p A(i, p)·B[j, p] with A read through its strides. */
function gemmGeneric(A: Float64Array, ars: number, acs: number, B: Float64Array, C: Float64Array, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      const bo = j * k;
      for (let p = 0; p < k; p++) s += (A[i * ars + p * acs] as number) * (B[bo + p] as number);
      C[i * n + j] = s;
    }
  }
}
