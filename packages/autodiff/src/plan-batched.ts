/**
 * The varying stage of a plan run on k values of its varying input at once: `hessian` pushes k
 * unit vectors e⁽ⁱ⁾ through the H·v graph together, so that products with a vector become
 * products with a matrix of k columns.
 *
 * Every value that depends on the varying input gets a batch axis in front: shape [k, …s], the
 * k values one after another. Each node runs by the first rule that fits:
 *
 * - elementwise ops (with broadcasting): one kernel call on the batched shapes, the batched
 *   operand padded to [k, 1, …, s] so that NumPy broadcasting lines the batch axis up;
 * - `matmul` with a batched left operand: one product [k·m, p]·op(B) (a batched Aᵀ is first
 *   transposed block by block);
 * - `matmul` with a batched right operand: one product op(A)·[B⁽¹⁾ … B⁽ᵏ⁾] (the blocks side by
 *   side, for Bᵀ simply stacked), its columns scattered back to the k results;
 * - `sum`, `transpose`, `broadcastTo`, `reshape`: the op on the batched shape, axes shifted by one;
 * - anything else (and a product of two batched operands): the op's kernel once per value, on
 *   views prepared when the runner is built; so are elementwise ops without broadcasting and
 *   sums over leading axes, where the op's kernel has a faster path than on the batched shape.
 *
 * `runUnit` runs k unit vectors, whose structure is known from the graph (`UnitBlocks`): nodes
 * whose k values are all zero are skipped (their readers see zeros; x + 0 and x − 0 become
 * copies), a product with a one-hot operand copies rows or columns of the other operand, and
 * one with a one-column operand is an outer product, a row or a column; elementwise ops on
 * one-column values run on their columns only, and a sum of a dense and a one-column value
 * copies the dense one and recomputes the column (plan-columns.ts). When only a suffix of
 * the output is needed (`SuffixDemand`), nodes none of which is needed are skipped and products
 * with a fixed left operand compute only their needed rows. The steps for each pattern of
 * states are prepared once, when the pattern is first met.
 *
 * Buffers are planned by liveness as in `Plan`, in one WebAssembly arena when the products are
 * large enough for the WebAssembly kernels (with copies of the products' fixed operands, taken
 * when the stage is built), so that the products run in place; a run allocates nothing (after
 * the first run of each pattern).
 *
 * @module
 */
import { getOp, type Attrs, type Shape } from "./graph.js";
import { planArrays, productSize } from "./plan-arena.js";
import type { Plan } from "./plan.js";
import type { IRNode } from "./simplify.js";
import { Unit, UnitBlocks, type UnitState } from "./unit-blocks.js";
import { SuffixDemand } from "./suffix-demand.js";
import { batchedMatmul, oneColumnMatmul, oneHotMatmul, type MatmulScratch } from "./batched-matmul.js";
import { columnModes, columnStep, denseColumn, denseColumnStep, type ColumnMode } from "./plan-columns.js";

const elementwise = new Set([
  "neg", "square", "sqrt", "exp", "log", "log1p", "tanh", "sigmoid", "relu", "softplus", "sin", "cos", "abs", "sign", "pow",
  "add", "sub", "mul", "div", "maximum", "greater", "greaterEqual",
]);

/** One prepared computation of the batched stage. */
type BatchStep = () => void;

/** Runs the varying stage of `plan` for k values of its single varying input. */
export class BatchedStage {
  /** The batched input, [k, …shape of the varying input]: write the k values here before `run`. */
  readonly input: Float64Array;
  /** The batched output, [k, …shape of the output]: valid after `run`. */
  readonly output: Float64Array;
  readonly k: number;
  private readonly plan: Plan;
  private readonly outputNode: IRNode;
  private readonly varying: IRNode | undefined;
  private readonly batched = new Set<IRNode>();
  private readonly schedule: readonly IRNode[];
  /** The readers of each varying node, in the schedule. */
  private readonly readers = new Map<IRNode, IRNode[]>();
  private readonly buf = new Map<IRNode, Float64Array>();
  /** Read-only zeros standing for a varying input that is zero in this block. */
  private readonly zeros: Float64Array;
  /** Scratch of each batched product, and copies of the fixed operands of the products. */
  private readonly scratch = new Map<IRNode, MatmulScratch>();
  private readonly fixedCopy = new Map<IRNode, Float64Array>();
  /** The steps with every node dense (`run`), and per pattern of unit-block states (`runUnit`). */
  private readonly dense: BatchStep[];
  private readonly variants = new Map<string, BatchStep[]>();
  private readonly units: UnitBlocks | undefined;
  /** The needed part of each node in `runUnit` (all of it in `run`). */
  private readonly demand: SuffixDemand;

  /**
   * @param nodes - the live nodes of the optimized graph, in topological order
   * @param output - the output node
   * @param varying - the varying input node (undefined when the output does not depend on it)
   * @param plan - the plan of the same nodes, whose fixed stage has run (source of the other values)
   * @param k - the batch size
   */
  constructor(nodes: readonly IRNode[], output: IRNode, varying: IRNode | undefined, plan: Plan, k: number) {
    this.k = k;
    this.plan = plan;
    this.outputNode = output;
    this.varying = varying;
    const batched = this.batched;
    if (varying !== undefined) batched.add(varying);
    for (const n of nodes) if (n.inputs.some((u) => batched.has(u))) batched.add(n);
    const schedule = nodes.filter((n) => batched.has(n) && n !== varying);
    this.schedule = schedule;
    for (const n of schedule) {
      for (const u of new Set(n.inputs)) {
        const list = this.readers.get(u);
        if (list === undefined) this.readers.set(u, [n]);
        else list.push(n);
      }
    }
    // A reshape (other than the output) shares the buffer of its root, its first ancestor that is
    // not a reshape, as in Plan: the root's buffer then lives until the last reader of either.
    const root = new Map<IRNode, IRNode>();
    const rootOf = (u: IRNode): IRNode => root.get(u) ?? u;
    for (const n of schedule) if (n.op === "reshape" && n !== output) root.set(n, rootOf(n.inputs[0] as IRNode));
    const lastUse = new Map<IRNode, number>();
    schedule.forEach((n, p) => n.inputs.forEach((u) => lastUse.set(rootOf(u), p)));
    const buf = this.buf;
    // Buffers are planned as indices into `sizes` (a pool by size, as in Plan), then allocated
    // together: in one WebAssembly arena when a product is large enough for the WebAssembly
    // kernels (the products then run in place), plain arrays otherwise.
    const sizes: number[] = [k * (varying?.size ?? 0)];
    const slot = new Map<IRNode, number>();
    if (varying !== undefined) slot.set(varying, 0);
    const pool = new Map<number, number[]>();
    let largest = 0;
    schedule.forEach((n, p) => {
      const r = root.get(n);
      if (r !== undefined) {
        slot.set(n, slot.get(r) as number);
      } else {
        const free = pool.get(n.size);
        let at: number;
        if (n !== output && free !== undefined && free.length > 0) at = free.pop() as number;
        else {
          at = sizes.length;
          sizes.push(k * n.size);
        }
        slot.set(n, at);
        largest = Math.max(largest, k * n.size);
      }
      for (const u of new Set(n.inputs.map(rootOf))) {
        if (u === varying || !batched.has(u) || lastUse.get(u) !== p || u === output) continue;
        const list = pool.get(u.size) ?? [];
        list.push(slot.get(u) as number);
        pool.set(u.size, list);
      }
    });
    const zerosAt = sizes.length;
    sizes.push(Math.max(largest, k * (varying?.size ?? 0)));
    // Per batched product: its scratch, and a copy of its fixed operand (taken now: the plan's
    // fixed stage has run and must not run again while this stage is used).
    const scratchAt = new Map<IRNode, { at: number; c: number; bs: number; fixedAt: number; fixed: IRNode }>();
    let largestProduct = 0;
    for (const n of schedule) {
      if (n.op !== "matmul") continue;
      const [aN, bN] = n.inputs as [IRNode, IRNode];
      const left = batched.has(aN);
      if (left === batched.has(bN)) continue;
      const [m, q] = n.shape as [number, number];
      const p = n.attrs.transposeA === true ? (aN.shape[0] as number) : (aN.shape[1] as number);
      largestProduct = Math.max(largestProduct, productSize(n, k));
      const fixed = left ? bN : aN;
      const entry = { at: sizes.length, c: 0, bs: 0, fixedAt: 0, fixed };
      sizes.push(left ? k * m * p : m * p); // At: a batched Aᵀ block by block, or the fixed Aᵀ
      entry.c = sizes.length;
      sizes.push(left ? 0 : m * k * q);
      entry.bs = sizes.length;
      sizes.push(left ? 0 : p * k * q);
      entry.fixedAt = sizes.length;
      sizes.push(fixed.size);
      scratchAt.set(n, entry);
    }
    const { arrays } = planArrays(sizes, largestProduct);
    this.input = arrays[0] as Float64Array;
    for (const [n, at] of slot) buf.set(n, arrays[at] as Float64Array);
    this.zeros = arrays[zerosAt] as Float64Array;
    for (const [n, e] of scratchAt) {
      const fixed = arrays[e.fixedAt] as Float64Array;
      fixed.set(plan.valueOf(e.fixed));
      this.fixedCopy.set(e.fixed, fixed);
      this.scratch.set(n, { At: arrays[e.at] as Float64Array, C: arrays[e.c] as Float64Array, Bs: arrays[e.bs] as Float64Array });
    }
    this.demand = new SuffixDemand(schedule, output, batched);
    this.dense = this.prepareAll(undefined);
    this.units = varying !== undefined && varying.shape.length === 1 ? new UnitBlocks(schedule, varying, k) : undefined;
    if (batched.has(output)) {
      this.output = buf.get(output) as Float64Array;
    } else {
      // The output does not depend on the varying input: the same value for every column.
      this.output = new Float64Array(k * output.size);
      const value = plan.valueOf(output);
      for (let j = 0; j < k; j++) this.output.set(value, j * output.size);
    }
  }

  /** Computes the output for the k values in `input`. */
  run(): void {
    for (const s of this.dense) s();
  }

  /**
   * Computes the output for the unit vectors e⁽ˢᵗᵃʳᵗ⁾ … e⁽ˢᵗᵃʳᵗ⁺ᶜᵒˡˢ⁻¹⁾ (zero values after
   * them when cols < k), written into `input` here. Nodes whose values are all zero for this
   * block are skipped, products with a one-hot operand copy rows or columns instead of
   * multiplying, and those with a one-column operand are outer products, rows or columns
   * (`UnitBlocks`); the computation for each pattern of states is prepared once.
   *
   * @param from - only the output entries from this flat index on are needed: nodes none of
   *   which is needed are skipped and products compute only their needed rows (`SuffixDemand`);
   *   the other output entries are left undefined (default 0: all needed)
   */
  runUnit(start: number, cols: number, from = 0): void {
    const n = this.varying?.size ?? 0;
    this.input.fill(0);
    for (let j = 0; j < cols; j++) this.input[j * n + start + j] = 1; // column j is e⁽ˢᵗᵃʳᵗ⁺ʲ⁾
    if (this.units === undefined) {
      this.run();
      return;
    }
    const key = this.units.update(start, cols);
    this.demand.update(from);
    let steps = this.variants.get(key);
    if (steps === undefined) {
      steps = this.prepareAll(this.units.state);
      this.variants.set(key, steps);
    }
    for (const s of steps) s();
  }

  /** The steps of every varying node given their states (undefined: all dense). */
  private prepareAll(state: ReadonlyMap<IRNode, UnitState> | undefined): BatchStep[] {
    const steps: BatchStep[] = [];
    const output = this.outputNode;
    const modes = state === undefined ? undefined : columnModes(this.schedule, this.readers, this.batched, output, state);
    for (const n of this.schedule) {
      if (state?.get(n) === Unit.Zero) {
        // A zero node is skipped: its readers see the zero buffer (an output is filled).
        if (n === output) {
          const out = this.buf.get(n) as Float64Array;
          steps.push(() => out.fill(0));
        }
        continue;
      }
      const step = this.prepare(n, state, modes?.get(n));
      if (state === undefined) {
        steps.push(step);
      } else {
        const from = this.demand.from;
        steps.push(() => {
          if ((from.get(n) as number) < n.size) step();
        });
      }
    }
    return steps;
  }

  /** The computation of node n on batched buffers, by the first rule that fits. */
  private prepare(n: IRNode, state: ReadonlyMap<IRNode, UnitState> | undefined, mode?: ColumnMode): BatchStep {
    const k = this.k;
    const def = getOp(n.op);
    const out = this.buf.get(n) as Float64Array;
    const isB = n.inputs.map((u) => this.batched.has(u));
    const valueOf = (u: IRNode, j: number): Float64Array => {
      if (!isB[j]) return n.op === "matmul" ? (this.fixedCopy.get(u) ?? this.plan.valueOf(u)) : this.plan.valueOf(u);
      return state?.get(u) === Unit.Zero ? this.zeros.subarray(0, k * u.size) : (this.buf.get(u) as Float64Array);
    };
    const ins = n.inputs.map(valueOf);
    const rank = n.shape.length;
    const bShape = (s: Shape): number[] => [k, ...new Array<number>(rank - s.length).fill(1), ...s];

    if (n.op === "reshape" || n.op === "stopGradient") {
      const x = ins[0] as Float64Array;
      if (x === out) return () => {}; // a reshape sharing its input's buffer
      return () => out.set(x);
    }
    const zeroIn = n.inputs.map((u, j) => isB[j] === true && state?.get(u) === Unit.Zero);
    if (state !== undefined && mode !== undefined && n.op !== "matmul") {
      const [m, q] = n.shape as [number, number];
      const column = (this.units as UnitBlocks).column.get(n) as Int32Array;
      const sizes = n.inputs.map((u, j) => (zeroIn[j] === true ? 1 : u.size)); // a zero operand read as a zero scalar
      return columnStep(n.op, ins, isB, sizes, out, column, m, q, mode === "zeroed");
    }
    const sparse = state === undefined ? undefined : denseColumn(n, state);
    if (state !== undefined && sparse !== undefined) {
      const [m, q] = n.shape as [number, number];
      const column = (this.units as UnitBlocks).column.get(n.inputs[sparse] as IRNode) as Int32Array;
      return denseColumnStep(n.op as "add" | "sub", ins, isB, sparse, out, column, m, q);
    }
    if ((n.op === "add" || n.op === "sub") && zeroIn.some((z) => z)) {
      // x + 0, x − 0: a copy; 0 − x: a negation (when x is varying and has the result's shape)
      const j = zeroIn[0] === true ? 1 : 0;
      const x = ins[j] as Float64Array;
      if (isB[j] === true && (n.inputs[j] as IRNode).size === n.size) {
        if (n.op === "sub" && j === 1) {
          return () => {
            for (let i = 0; i < x.length; i++) out[i] = 0 - (x[i] as number);
          };
        }
        return () => out.set(x);
      }
    }
    // Without broadcasting, and for sums over leading axes, the op's kernel on each value takes its fastest path.
    if (elementwise.has(n.op) && n.inputs.every((u) => u.size === n.size)) return this.perValue(n, ins, isB, out);
    if (n.op === "sum" && (n.attrs.axes as readonly number[]).every((a, i) => a === i)) return this.perValue(n, ins, isB, out);
    if (elementwise.has(n.op)) {
      const shapes = n.inputs.map((u, j) => (isB[j] ? bShape(u.shape) : u.shape));
      const outShape = [k, ...n.shape];
      return () => def.kernel(ins, shapes, out, outShape, n.attrs);
    }
    if (n.op === "sum" || n.op === "transpose" || n.op === "broadcastTo") {
      const attrs = shiftAttrs(n.op, n.attrs, k);
      const inShape = n.op === "broadcastTo" ? bShape((n.inputs[0] as IRNode).shape) : [k, ...(n.inputs[0] as IRNode).shape];
      const outShape = [k, ...n.shape];
      return () => def.kernel(ins, [inShape], out, outShape, attrs);
    }
    if (n.op === "matmul" && isB[0] !== isB[1]) {
      const hotInput = n.inputs[isB[0] === true ? 0 : 1] as IRNode;
      if (state?.get(hotInput) === Unit.OneHot) {
        // a product with k one-hot values: rows/columns of the fixed operand copied
        const hot = (this.units as UnitBlocks).hot.get(hotInput) as Int32Array;
        const [aN, bN] = n.inputs as [IRNode, IRNode];
        const fixed = ins[isB[0] === true ? 1 : 0] as Float64Array;
        const [m, q] = n.shape as [number, number];
        const tA = n.attrs.transposeA === true;
        const tB = n.attrs.transposeB === true;
        const fill = mode !== "column";
        return () => oneHotMatmul(hot, isB[0] === true, tA, tB, aN.shape, bN.shape, fixed, out, m, q, fill);
      }
      if (state?.get(hotInput) === Unit.OneColumn) {
        // a product with k one-column values: an outer product, a row or a column each
        const column = (this.units as UnitBlocks).column.get(hotInput) as Int32Array;
        const [aN, bN] = n.inputs as [IRNode, IRNode];
        const left = isB[0] === true;
        const sparse = ins[left ? 0 : 1] as Float64Array;
        const fixed = ins[left ? 1 : 0] as Float64Array;
        const [m, q] = n.shape as [number, number];
        const tA = n.attrs.transposeA === true;
        const tB = n.attrs.transposeB === true;
        return () => oneColumnMatmul(column, left, tA, tB, aN.shape, bN.shape, sparse, fixed, out, m, q);
      }
      // In `runUnit`, a product with a fixed left operand computes only the needed rows.
      const from = this.demand.from;
      const q = n.shape[1] as number;
      const rowsFrom = state !== undefined && isB[0] !== true && q > 0 ? () => Math.floor((from.get(n) as number) / q) : undefined;
      return batchedMatmul(n, ins, isB[0] === true, out, k, this.scratch.get(n) as MatmulScratch, rowsFrom);
    }
    return this.perValue(n, ins, isB, out);
  }

  /** The op's own kernel once per value, on views made here. */
  private perValue(n: IRNode, ins: readonly Float64Array[], isB: readonly boolean[], out: Float64Array): BatchStep {
    const def = getOp(n.op);
    const shapes = n.inputs.map((u) => u.shape);
    const calls = Array.from({ length: this.k }, (_, j) => ({
      ins: n.inputs.map((u, i) => (isB[i] ? (ins[i] as Float64Array).subarray(j * u.size, (j + 1) * u.size) : (ins[i] as Float64Array))),
      out: out.subarray(j * n.size, (j + 1) * n.size),
    }));
    return () => {
      for (const c of calls) def.kernel(c.ins, shapes, c.out, n.shape, n.attrs);
    };
  }
}

/** The attributes of `sum`/`transpose`/`broadcastTo` on the batched shape (batch axis 0). */
function shiftAttrs(op: string, attrs: Attrs, k: number): Attrs {
  if (op === "sum") return { ...attrs, axes: (attrs.axes as readonly number[]).map((a) => a + 1) };
  if (op === "transpose") return { ...attrs, perm: [0, ...(attrs.perm as readonly number[]).map((a) => a + 1)] };
  return { ...attrs, shape: [k, ...(attrs.shape as readonly number[])] };
}
