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
 * - everything else is dense.
 *
 * @module
 */
import type { IRNode } from "./simplify.js";

/** The state of a varying node for one block: all zero, one-hot, or anything else. */
export type UnitState = 0 | 1 | 2;
/** The named states. */
export const Unit = { Zero: 0, OneHot: 1, Dense: 2 } as const;

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
    return Unit.Dense;
  }
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
): void {
  const k = hot.length;
  out.fill(0);
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
