/**
 * The structure of a block of unit vectors [e⁽ⁱ⁾ … e⁽ⁱ⁺ᵏ⁻¹⁾] as it flows through the varying
 * stage of a graph, found from the graph alone (never by reading numbers): for each varying
 * node, whether its k values are all exactly zero, each a unit vector or zero ("one-hot"), or
 * anything else ("dense").
 *
 * In a Hessian graph the vector v reaches a model through its parameter views, `slice` and
 * `reshape` of v. For a block of columns inside one parameter's range the views of the other
 * parameters are zero, and the view of that parameter holds one 1 per column. The rules:
 *
 * - the varying input is one-hot: column j is e⁽ⁱ⁺ʲ⁾ (zero past the last column of a short block);
 * - `slice` of a one-hot vector is one-hot, its indices shifted by `begin` (zero outside the
 *   range); `reshape` and `stopGradient` keep the state and the flat indices;
 * - ops linear in their inputs (`add`, `sub`, `neg`, `sum`, `transpose`, `broadcastTo`,
 *   `slice`, `pad`, `concat`, …) and ops with f(0) = 0 (`square`, `tanh`, `sin`, …) are zero
 *   when every input is varying and zero;
 * - `mul`, `matmul` and `dot` are zero when a varying input is zero, `div` when its numerator
 *   is (the compiler's `x·0 → 0` rule, which assumes the other operand finite);
 * - a matrix product op(A)·E with a one-hot E = e_r e_cᵀ on the right is nonzero only in one
 *   column ("one-column"; X·Ẇ₁ in an MLP); so are `neg`, `mul` and `div` (numerator) of a
 *   one-column matrix of the result's shape (the other operands may broadcast), and its sum
 *   with a zero;
 * - everything else is dense.
 *
 * @module
 */
import type { IRNode } from "./simplify.js";

/** The state of a varying node for one block: all zero, one-hot, one nonzero column, or anything else. */
export type UnitState = 0 | 1 | 2 | 3;
/** The named states. */
export const Unit = { Zero: 0, OneHot: 1, Dense: 2, OneColumn: 3 } as const;

/** Ops that are zero when all their inputs are varying and zero. */
const zeroIfAllZero = new Set([
  "add", "sub", "neg", "sum", "transpose", "reshape", "broadcastTo", "slice", "pad", "stopGradient", "concat",
  "square", "sqrt", "tanh", "sin", "abs", "relu", "sign",
]);

/** Ops that are zero when any varying input is zero (the other operands finite). */
const zeroIfAnyZero = new Set(["mul", "matmul", "dot"]);

/** The per-block states and one-hot indices of the varying nodes of a schedule. */
export class UnitBlocks {
  /** State of each varying node (the varying input included), valid after `update`. */
  readonly state = new Map<IRNode, UnitState>();
  /**
   * For a one-hot node, the flat index of the 1 in each of the k values (−1 for a zero value).
   * `reshape`/`stopGradient` share their input's array.
   */
  readonly hot = new Map<IRNode, Int32Array>();
  /** For a one-column node, the index of the nonzero column of each of the k values (−1: zero). */
  readonly column = new Map<IRNode, Int32Array>();
  private readonly nodes: readonly IRNode[];
  private readonly varying: IRNode;
  private readonly k: number;

  /**
   * @param schedule - the varying nodes in topological order, without the varying input
   * @param varying - the varying input (rank 1)
   * @param k - the batch size
   */
  constructor(schedule: readonly IRNode[], varying: IRNode, k: number) {
    this.nodes = schedule;
    this.varying = varying;
    this.k = k;
    this.hot.set(varying, new Int32Array(k));
    for (const n of schedule) {
      const u = n.inputs[0] as IRNode;
      if ((n.op === "reshape" || n.op === "stopGradient") && this.hot.has(u)) this.hot.set(n, this.hot.get(u) as Int32Array);
      else if (n.op === "slice" && u.shape.length === 1 && this.hot.has(u)) this.hot.set(n, new Int32Array(k));
      if (n.shape.length === 2) this.column.set(n, new Int32Array(k));
    }
  }

  /**
   * Computes the states for the block of columns e⁽ˢᵗᵃʳᵗ⁾ … e⁽ˢᵗᵃʳᵗ⁺ᶜᵒˡˢ⁻¹⁾ and returns a key:
   * equal keys mean equal states (so the same prepared computation serves both blocks).
   */
  update(start: number, cols: number): string {
    const { state, hot, k } = this;
    const h0 = hot.get(this.varying) as Int32Array;
    for (let j = 0; j < k; j++) h0[j] = j < cols ? start + j : -1;
    state.set(this.varying, cols > 0 ? Unit.OneHot : Unit.Zero);
    let key = "";
    for (const n of this.nodes) {
      const s = this.stateOf(n);
      state.set(n, s);
      key += String(s);
    }
    return key;
  }

  private stateOf(n: IRNode): UnitState {
    const { state, hot, k } = this;
    const ins = n.inputs.map((u) => state.get(u));
    const u0 = ins[0];
    if (hot.has(n) && u0 !== Unit.Dense) {
      if (u0 === Unit.Zero) return Unit.Zero;
      if (n.op !== "slice") return Unit.OneHot;
      // slice of a one-hot vector: the indices shifted into [0, size), −1 outside
      const src = hot.get(n.inputs[0] as IRNode) as Int32Array;
      const dst = hot.get(n) as Int32Array;
      const begin = (n.attrs.begin as readonly number[])[0] as number;
      let any = false;
      for (let j = 0; j < k; j++) {
        const t = (src[j] as number) - begin;
        const inside = (src[j] as number) >= 0 && t >= 0 && t < n.size;
        dst[j] = inside ? t : -1;
        any ||= inside;
      }
      return any ? Unit.OneHot : Unit.Zero;
    }
    if (zeroIfAllZero.has(n.op) && ins.every((s) => s === Unit.Zero)) return Unit.Zero;
    if (zeroIfAnyZero.has(n.op) && ins.some((s) => s === Unit.Zero)) return Unit.Zero;
    if (n.op === "div" && u0 === Unit.Zero) return Unit.Zero;
    return this.columnOf(n, ins) ? Unit.OneColumn : Unit.Dense;
  }

  /** True (and the columns set) when n is one-column by the rules of the module comment. */
  private columnOf(n: IRNode, ins: readonly (UnitState | undefined)[]): boolean {
    const dst = this.column.get(n);
    if (dst === undefined) return false;
    if (n.op === "matmul" && n.attrs.transposeB !== true && ins[1] === Unit.OneHot && ins[0] === undefined) {
      // op(A)·E with E's 1 at (r, c): column c; r, c from the flat index in B [p, q]
      const q = (n.inputs[1] as IRNode).shape[1] as number;
      const src = this.hot.get(n.inputs[1] as IRNode) as Int32Array;
      for (let j = 0; j < this.k; j++) dst[j] = (src[j] as number) < 0 ? -1 : (src[j] as number) % q;
      return true;
    }
    if (n.op === "matmul" && n.attrs.transposeB === true && ins[1] === Unit.OneHot && ins[0] === undefined) {
      // op(A)·Eᵀ with E [q, p] having its 1 at (r, c): column r
      const p = (n.inputs[1] as IRNode).shape[1] as number;
      const src = this.hot.get(n.inputs[1] as IRNode) as Int32Array;
      for (let j = 0; j < this.k; j++) dst[j] = (src[j] as number) < 0 ? -1 : ((src[j] as number) / p) | 0;
      return true;
    }
    let source = -1;
    if (n.op === "neg" || (n.op === "div" && ins[1] === undefined)) source = ins[0] === Unit.OneColumn ? 0 : -1;
    else if (n.op === "mul" && ins.filter((s) => s === Unit.OneColumn).length === 1) source = ins.indexOf(Unit.OneColumn);
    else if ((n.op === "add" || n.op === "sub") && ins.includes(Unit.Zero)) source = ins.indexOf(Unit.OneColumn);
    // the one-column operand must have the result's shape (the others may broadcast: 0·y = 0)
    if (source < 0 || (n.inputs[source] as IRNode).size !== n.size) return false;
    dst.set(this.column.get(n.inputs[source] as IRNode) as Int32Array);
    return true;
  }
}
