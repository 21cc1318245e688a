import { makeNode, registerOp, shapeStr, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";
import { add } from "./add.js";
import { checkOptions, gemm, type OptionKeys } from "@krylov-ts/operators";

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
 * The kernel is `gemm` of @krylov-ts/operators on the current kernel backend (WebAssembly SIMD
 * or relaxed SIMD where available, else JavaScript; `setKernelBackend`), reading the operands
 * in place through strides in every transpose case; the compiled plans keep their buffers in
 * one WebAssembly memory, so the product runs there without copies.
 *
 * @example matmul(x, w)                        // [B, 784]·[784, 256]
 * @example matmul(g, w, { transposeB: true })  // g·wᵀ
 */
export function matmul(a: TensorLike, b: TensorLike, options: MatmulOptions = {}): Tensor {
  checkOptions("matmul", options, { transposeA: true, transposeB: true } satisfies OptionKeys<MatmulOptions>);
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
    // op(A)(i, p) = A[i·ars + p·acs], op(B)(p, j) = B[p·brs + j·bcs]
    const ars = transposeA ? 1 : k;
    const acs = transposeA ? m : 1;
    const brs = transposeB ? 1 : n;
    const bcs = transposeB ? k : 1;
    gemm(m, n, k, A, 0, ars, acs, B, 0, brs, bcs, out, 0, n, 0);
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
