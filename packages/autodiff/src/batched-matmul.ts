/**
 * Products with one operand batched (k values) for `BatchedStage`: as one product k times
 * wider; and, for the unit-vector structure of `UnitBlocks`, products with k one-hot values
 * as copies of rows or columns, with k one-column values as outer products, rows or columns.
 *
 * @module
 */
import { gemm } from "@krylov-ts/operators";
import { getOp, type Attrs, type Shape } from "./graph.js";
import type { IRNode } from "./simplify.js";

/** Work arrays of one batched product (see `batchedMatmul`). */
export interface MatmulScratch {
  readonly At: Float64Array;
  readonly C: Float64Array;
  readonly Bs: Float64Array;
}

/**
 * C⁽ʲ⁾ = op(A⁽ʲ⁾)·op(B) or op(A)·op(B⁽ʲ⁾), j = 1 … k, as one product:
 * [A⁽¹⁾; …; A⁽ᵏ⁾]·op(B) with the rows stacked as the batch layout already is (a batched Aᵀ
 * transposed block by block first), or op(A)·[B⁽¹⁾ … B⁽ᵏ⁾] with the blocks side by side (for
 * Bᵀ the stacked rows are already that matrix transposed), its columns scattered back. A
 * right-batched product whose blocks are wide (the gather and scatter would move about as much
 * as op(A) holds) runs as k products op(A)·op(B⁽ʲ⁾) on the blocks in place instead.
 *
 * @param n - the matmul node (result [m, q])
 * @param ins - A and B (the batched one [k, …])
 * @param out - the k results [k, m, q]
 * @param scratch - work arrays: At of k·m·p (left-batched) or m·p entries, C of m·k·q and Bs of
 *   p·k·q (right-batched); shared by the computations of one node (they never run together)
 * @param rowsFrom - when given (right-batched products only), called at each run: only the
 *   rows r ≥ rowsFrom() of each result are computed (the others keep stale values)
 * @returns the computation, allocation-free when run
 */
export function batchedMatmul(n: IRNode, ins: readonly Float64Array[], leftBatched: boolean, out: Float64Array, k: number, scratch: MatmulScratch, rowsFrom?: () => number): () => void {
  const def = getOp("matmul");
  const [aN, bN] = n.inputs as [IRNode, IRNode];
  const tA = n.attrs.transposeA === true;
  const tB = n.attrs.transposeB === true;
  const [m, q] = n.shape as [number, number];
  const A = ins[0] as Float64Array;
  const B = ins[1] as Float64Array;
  if (leftBatched) {
    const p = tA ? (aN.shape[0] as number) : (aN.shape[1] as number);
    const attrs: Attrs = { transposeA: false, transposeB: tB };
    const shapes: Shape[] = [[k * m, p], bN.shape];
    if (!tA) return () => def.kernel([A, B], shapes, out, [k * m, q], attrs);
    const At = scratch.At;
    return () => {
      for (let j = 0; j < k; j++) transposeBlock(A, j * p * m, p, m, At, j * m * p);
      def.kernel([At, B], shapes, out, [k * m, q], attrs);
    };
  }
  const p = tB ? (bN.shape[1] as number) : (bN.shape[0] as number);
  if (2 * q * (p + m) >= m * p) {
    // op(A)·op(B⁽ʲ⁾) one value at a time, straight into out: no gather of the k blocks and no
    // scatter of the result, at the price of packing op(A) k times (m·p each), which is the
    // cheaper when the gather and scatter move as much (q·(p + m) per value) or more
    const rsa = tA ? 1 : p;
    const csa = tA ? m : 1;
    const rsb = tB ? 1 : q;
    const csb = tB ? p : 1;
    return () => {
      const r0 = rowsFrom === undefined ? 0 : Math.min(m, Math.max(0, rowsFrom()));
      if (r0 === m) return;
      for (let j = 0; j < k; j++) gemm(m - r0, q, p, A, r0 * rsa, rsa, csa, B, j * p * q, rsb, csb, out, j * m * q + r0 * q, q, 0);
    };
  }
  const C = scratch.C;
  const Bs = tB ? B : scratch.Bs;
  const bShape: Shape = tB ? [k * q, p] : [p, k * q];
  // Rows r0 … m−1 of op(A), contiguous: A itself, or Aᵀ copied at each run (A may change between runs).
  const At = rowsFrom !== undefined && tA ? scratch.At : A;
  const aShape = [m, p];
  const cShape = [m, k * q];
  const attrs: Attrs = { transposeA: tA && rowsFrom === undefined, transposeB: tB };
  return () => {
    if (!tB) {
      // [B⁽¹⁾ … B⁽ᵏ⁾]: row r of the wide matrix is row r of each block in turn
      for (let j = 0; j < k; j++) {
        for (let r = 0; r < p; r++) {
          const src = j * p * q + r * q;
          const dst = r * k * q + j * q;
          for (let c = 0; c < q; c++) Bs[dst + c] = B[src + c] as number;
        }
      }
    }
    let r0 = 0;
    if (rowsFrom === undefined) {
      def.kernel([A, Bs], [aN.shape, bShape], C, cShape, attrs);
    } else {
      r0 = Math.min(m, Math.max(0, rowsFrom()));
      if (r0 === m) return;
      if (tA) transposeBlock(A, 0, p, m, At, 0);
      aShape[0] = m - r0;
      cShape[0] = m - r0;
      def.kernel([At.subarray(r0 * p), Bs], [aShape, bShape], C, cShape, attrs);
    }
    for (let r = r0; r < m; r++) {
      for (let j = 0; j < k; j++) {
        const src = (r - r0) * k * q + j * q;
        const dst = j * m * q + r * q;
        for (let c = 0; c < q; c++) out[dst + c] = C[src + c] as number;
      }
    }
  };
}

/**
 * C = op(A)·op(B) for k values of a one-hot operand and a fixed other operand: each value
 * E = e_r e_cᵀ picks one row or column of the fixed operand, copied into a zero result
 * (O(k·m·q) instead of O(k·m·p·q)).
 *
 * @param hot - flat index of the 1 of each value of the one-hot operand (−1: zero)
 * @param leftHot - true when A is the one-hot operand
 * @param aShape - A's shape, @param bShape - B's shape (as stored, before op)
 * @param fixed - the fixed operand's data
 * @param out - the k results [k, m, q]
 * @param fill - zero the result first (default); without, only the copied rows or columns are
 *   written (for a reader that reads only those)
 */
export function oneHotMatmul(
  hot: Int32Array,
  leftHot: boolean,
  tA: boolean,
  tB: boolean,
  aShape: readonly number[],
  bShape: readonly number[],
  fixed: Float64Array,
  out: Float64Array,
  m: number,
  q: number,
  fill = true,
): void {
  const k = hot.length;
  if (fill) out.fill(0);
  for (let j = 0; j < k; j++) {
    const t = hot[j] as number;
    if (t < 0) continue;
    const C = j * m * q;
    if (leftHot) {
      // op(A) = E with its 1 at (row, col): row `row` of C is row `col` of op(B)
      const cA = aShape[1] as number;
      const [row, col] = tA ? [t % cA, (t / cA) | 0] : [(t / cA) | 0, t % cA];
      const cB = bShape[1] as number;
      const o = C + row * q;
      if (tB) for (let x = 0; x < q; x++) out[o + x] = fixed[x * cB + col] as number;
      else for (let x = 0; x < q; x++) out[o + x] = fixed[col * cB + x] as number;
    } else {
      // op(B) = E with its 1 at (row, col): column `col` of C is column `row` of op(A)
      const cB = bShape[1] as number;
      const [row, col] = tB ? [t % cB, (t / cB) | 0] : [(t / cB) | 0, t % cB];
      const cA = aShape[1] as number;
      if (tA) for (let x = 0; x < m; x++) out[C + x * q + col] = fixed[row * cA + x] as number;
      else for (let x = 0; x < m; x++) out[C + x * q + col] = fixed[x * cA + row] as number;
    }
  }
}

/**
 * C = op(A)·op(B) for k one-column values S of one operand (each nonzero only in column c) and
 * a fixed other operand F: an outer product or one row or column of C per value, written into
 * a zero result. With S on the left: op(A) = S gives C = S[:, c]·op(B)[c, :]; op(A) = Sᵀ has only
 * row c, so C[c, :] = S[:, c]ᵀ·op(B). With S on the right: op(B) = S gives C[:, c] = op(A)·S[:, c];
 * op(B) = Sᵀ gives C = op(A)[:, c]·S[:, c]ᵀ.
 *
 * @param column - the nonzero column of each value (−1: zero)
 * @param sparse - the k values [k, …shape of the operand]
 */
export function oneColumnMatmul(
  column: Int32Array,
  left: boolean,
  tA: boolean,
  tB: boolean,
  aShape: readonly number[],
  bShape: readonly number[],
  sparse: Float64Array,
  fixed: Float64Array,
  out: Float64Array,
  m: number,
  q: number,
): void {
  const k = column.length;
  const p = tA ? (aShape[0] as number) : (aShape[1] as number);
  const sSize = left ? m * p : p * q;
  out.fill(0);
  for (let j = 0; j < k; j++) {
    const c = column[j] as number;
    if (c < 0) continue;
    const C = j * m * q;
    const S = j * sSize;
    const F = fixed;
    if (left && !tA) {
      // S [m, p]: C[i, x] = S[i, c]·op(B)[c, x]
      for (let i = 0; i < m; i++) {
        const s = sparse[S + i * p + c] as number;
        if (tB) for (let x = 0; x < q; x++) out[C + i * q + x] = s * (F[x * p + c] as number);
        else for (let x = 0; x < q; x++) out[C + i * q + x] = s * (F[c * q + x] as number);
      }
    } else if (left) {
      // S [p, m]: C[c, x] = Σ_y S[y, c]·op(B)[y, x]
      const o = C + c * q;
      for (let y = 0; y < p; y++) {
        const s = sparse[S + y * m + c] as number;
        if (tB) for (let x = 0; x < q; x++) out[o + x] = (out[o + x] as number) + s * (F[x * p + y] as number);
        else for (let x = 0; x < q; x++) out[o + x] = (out[o + x] as number) + s * (F[y * q + x] as number);
      }
    } else if (!tB) {
      // S [p, q]: C[i, c] = Σ_y op(A)[i, y]·S[y, c]
      for (let i = 0; i < m; i++) {
        let acc = 0;
        if (tA) for (let y = 0; y < p; y++) acc += (F[y * m + i] as number) * (sparse[S + y * q + c] as number);
        else for (let y = 0; y < p; y++) acc += (F[i * p + y] as number) * (sparse[S + y * q + c] as number);
        out[C + i * q + c] = acc;
      }
    } else {
      // S [q, p]: C[i, x] = op(A)[i, c]·S[x, c]
      for (let i = 0; i < m; i++) {
        const a = tA ? (F[c * m + i] as number) : (F[i * p + c] as number);
        for (let x = 0; x < q; x++) out[C + i * q + x] = a * (sparse[S + x * p + c] as number);
      }
    }
  }
}

/** dst (cols × rows, at dOff) = the transpose of src (rows × cols, at sOff). */
function transposeBlock(src: Float64Array, sOff: number, rows: number, cols: number, dst: Float64Array, dOff: number): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) dst[dOff + c * rows + r] = src[sOff + r * cols + c] as number;
}
