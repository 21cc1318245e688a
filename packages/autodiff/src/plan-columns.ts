/**
 * Elementwise steps of `BatchedStage.runUnit` on one-column values (`UnitBlocks`): k values of
 * shape [m, q], value j nonzero only in column c_j (c_j = −1: all zero).
 *
 * - `columnStep`: a one-column node (`mul`, `div`, `neg`, `add`, `sub` of a one-column operand)
 *   computed in its column only, O(k·m) instead of O(k·m·q). Its other entries are left stale
 *   when every reader reads only the column, and set to zero otherwise.
 * - `denseColumnStep`: d ± s of a dense (or fixed) d and a one-column s: d copied, and the
 *   column recomputed, which reads s only in its column.
 *
 * The values equal those of the ops' kernels on the full arrays as numbers (a copied −0 may
 * stay −0 where d + 0 gives +0). As everywhere in the unit-block rules, the entries outside
 * the column are taken as exactly zero, so 0·y = 0 assumes the other operand finite.
 *
 * @module
 */

import type { IRNode } from "./simplify.js";
import { Unit, type UnitState } from "./unit-blocks.js";

/** The ops `columnStep` and `denseColumnStep` compute. */
const columnOps: ReadonlySet<string> = new Set(["mul", "div", "neg", "add", "sub"]);

/**
 * How a one-column node is computed in `runUnit`: in its columns only, the rest of its buffer
 * left stale (every reader reads only the columns) or set to zero (some reader reads it all).
 */
export type ColumnMode = "column" | "zeroed";

/**
 * The one-column nodes of a block computed in their columns only: a product with a one-hot
 * right operand, and `mul`, `div`, `neg`, `add`, `sub` whose operands have the result's size,
 * are scalars or are zero. Their buffers are left stale outside the columns when every reader
 * reads only the columns: a zero reader (skipped), a node computed in its columns, a
 * product with the node as its one-column operand, or a sum with a dense operand
 * (`denseColumnStep`).
 */
export function columnModes(
  schedule: readonly IRNode[],
  readers: ReadonlyMap<IRNode, readonly IRNode[]>,
  batched: ReadonlySet<IRNode>,
  output: IRNode,
  state: ReadonlyMap<IRNode, UnitState>,
): Map<IRNode, ColumnMode> {
  const modes = new Map<IRNode, ColumnMode>();
  for (let p = schedule.length - 1; p >= 0; p--) {
    const n = schedule[p] as IRNode;
    if (state.get(n) !== Unit.OneColumn) continue;
    const computable =
      n.op === "matmul" || (columnOps.has(n.op) && n.shape.length === 2 && n.inputs.every((u) => u.size === n.size || u.size === 1 || state.get(u) === Unit.Zero));
    if (!computable) continue;
    const reads = (r: IRNode): boolean =>
      state.get(r) === Unit.Zero || modes.has(r) || (r.op === "matmul" && r.inputs.filter((u) => batched.has(u)).length === 1) || denseColumn(r, state) !== undefined;
    const allColumns = n !== output && (readers.get(n) ?? []).every(reads);
    modes.set(n, allColumns ? "column" : "zeroed");
  }
  return modes;
}

/**
 * The index of the one-column operand when n is a sum or difference of a one-column and a
 * dense or fixed operand, all of the same size (undefined otherwise).
 */
export function denseColumn(n: IRNode, state: ReadonlyMap<IRNode, UnitState>): 0 | 1 | undefined {
  if ((n.op !== "add" && n.op !== "sub") || state.get(n) !== Unit.Dense || n.shape.length !== 2) return undefined;
  const [a, b] = n.inputs as [IRNode, IRNode];
  if (a.size !== n.size || b.size !== n.size) return undefined;
  const sa = state.get(a);
  const sb = state.get(b);
  if (sa === Unit.OneColumn && sb !== Unit.OneColumn && sb !== Unit.Zero) return 0;
  if (sb === Unit.OneColumn && sa !== Unit.OneColumn && sa !== Unit.Zero) return 1;
  return undefined;
}

/**
 * The op computed in column c_j of each value j of a one-column result [k, m, q].
 *
 * @param ins - the operands: a batched one [k, …] or a fixed one, each of m·q entries or a scalar
 * @param isB - which operands are batched
 * @param sizes - the operands' sizes (m·q or 1)
 * @param column - c_j of each value, read at each run
 * @param zeroed - set the entries outside the columns to zero (else they are left as they are)
 */
export function columnStep(
  op: string,
  ins: readonly Float64Array[],
  isB: readonly boolean[],
  sizes: readonly number[],
  out: Float64Array,
  column: Int32Array,
  m: number,
  q: number,
  zeroed: boolean,
): () => void {
  if (!columnOps.has(op)) throw new Error(`plan-columns: no column rule for '${op}'`);
  const size = m * q;
  const a = ins[0] as Float64Array;
  const b = (ins[1] ?? ins[0]) as Float64Array;
  const sa = sizes[0] as number;
  const sb = (sizes[1] ?? sizes[0]) as number;
  // value j, row i of an operand: offset j·perValue + (c + i·q)·perEntry
  const va = isB[0] === true ? sa : 0;
  const vb = (isB[1] ?? isB[0]) === true ? sb : 0;
  const ea = sa === 1 ? 0 : 1;
  const eb = sb === 1 ? 0 : 1;
  const k = column.length;
  return () => {
    if (zeroed) out.fill(0);
    for (let j = 0; j < k; j++) {
      const c = column[j] as number;
      if (c < 0) continue;
      const o = j * size + c;
      const oa = j * va + c * ea;
      const ob = j * vb + c * eb;
      const qa = q * ea;
      const qb = q * eb;
      columnLoop(op, out, o, q, a, oa, qa, b, ob, qb, m);
    }
  };
}

/**
 * x₀ ± x₁ with one operand one-column (`sparse` is its index) and the other dense or fixed, all
 * of m·q entries: per value, the dense operand copied (negated for s − d) and column c_j
 * recomputed from both.
 */
export function denseColumnStep(
  op: "add" | "sub",
  ins: readonly Float64Array[],
  isB: readonly boolean[],
  sparse: 0 | 1,
  out: Float64Array,
  column: Int32Array,
  m: number,
  q: number,
): () => void {
  const size = m * q;
  const k = column.length;
  const dense = 1 - sparse;
  const d = ins[dense] as Float64Array;
  const x0 = ins[0] as Float64Array;
  const x1 = ins[1] as Float64Array;
  const v0 = isB[0] === true ? size : 0;
  const v1 = isB[1] === true ? size : 0;
  const negate = op === "sub" && sparse === 0;
  const views = Array.from({ length: k }, (_z, j) => (isB[dense] === true ? d.subarray(j * size, (j + 1) * size) : d));
  return () => {
    for (let j = 0; j < k; j++) {
      const o = j * size;
      const dj = views[j] as Float64Array;
      if (negate) for (let i = 0; i < size; i++) out[o + i] = 0 - (dj[i] as number);
      else out.set(dj, o);
      const c = column[j] as number;
      if (c < 0) continue;
      const o0 = j * v0 + c;
      const o1 = j * v1 + c;
      columnLoop(op, out, o + c, q, x0, o0, q, x1, o1, q, m);
    }
  };
}

/** out[o + i·q] = a[oa + i·qa] op b[ob + i·qb], i < m: one loop per op, each monomorphic. */
function columnLoop(op: string, out: Float64Array, o: number, q: number, a: Float64Array, oa: number, qa: number, b: Float64Array, ob: number, qb: number, m: number): void {
  switch (op) {
    case "mul":
      for (let i = 0; i < m; i++) out[o + i * q] = (a[oa + i * qa] as number) * (b[ob + i * qb] as number);
      return;
    case "div":
      for (let i = 0; i < m; i++) out[o + i * q] = (a[oa + i * qa] as number) / (b[ob + i * qb] as number);
      return;
    case "add":
      for (let i = 0; i < m; i++) out[o + i * q] = (a[oa + i * qa] as number) + (b[ob + i * qb] as number);
      return;
    case "sub":
      for (let i = 0; i < m; i++) out[o + i * q] = (a[oa + i * qa] as number) - (b[ob + i * qb] as number);
      return;
    case "neg":
      for (let i = 0; i < m; i++) out[o + i * q] = -(a[oa + i * qa] as number);
      return;
  }
}
