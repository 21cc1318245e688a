/**
 * The compiler's executor: a schedule of kernel calls over buffers planned by liveness.
 *
 * Every value lives in a storage slot. Inputs' slots point at the caller's arrays (never
 * written), constants' slots at their data, `reshape` nodes share their input's slot (a
 * row-major reshape is the same buffer), and each computed node gets a buffer from a pool keyed
 * by size, returned to the pool once its last reader has run, so one buffer serves many nodes
 * whose lifetimes do not overlap. A kernel's output buffer is taken before its inputs are
 * released, so it never aliases an input. Outputs get buffers of their own.
 *
 * Nodes are split in two stages: stage 0 depends only on the "fixed" inputs (and constants),
 * stage 1 on at least one varying input. Stage 0 runs once per binding of the fixed inputs
 * (`runFixed`); its results read by stage 1 stay pinned, so each `runVarying` executes only
 * stage 1. All buffers are allocated when the plan is built: a run allocates nothing.
 *
 * Its internal buffers, and the constants that products read, live in one WebAssembly arena
 * when a product is large enough for the WebAssembly kernels (plan-arena.ts): the products then
 * run in place, without copying operands in and results out. Outputs stay plain arrays (they
 * are handed to the caller).
 *
 * @module
 */
import { getOp, type Attrs, type OpDef, type Shape } from "./graph.js";
import type { IRNode } from "./simplify.js";
import { planArrays, productConstants, productSize } from "./plan-arena.js";

/** One kernel call. */
interface Step {
  readonly node: IRNode;
  readonly def: OpDef;
  readonly inSlots: readonly number[];
  /** Refilled from the slots before each call (no allocation). */
  readonly ins: Float64Array[];
  readonly inShapes: readonly Shape[];
  readonly outSlot: number;
  readonly attrs: Attrs;
}

/** Where an output's value is found after a run. */
interface OutputEntry {
  /** The slot holding the value. */
  readonly slot: number;
  /** True when `slot` is the output's own buffer, written by a stage-1 step. */
  readonly direct: boolean;
  /** The buffer returned to the caller when no `outs` are given. */
  readonly buffer: Float64Array;
}

/** Sizes and counts of a plan, for `describe()`. */
export interface PlanCounts {
  /** Kernel calls per run of the fixed stage / of the varying stage. */
  fixedSteps: number;
  varyingSteps: number;
  /** Planned buffers (pool and outputs; inputs and constants excluded) and their bytes. */
  buffers: number;
  bufferBytes: number;
  constants: number;
  constantBytes: number;
  /** Estimated floating-point operations of one run of each stage. */
  fixedFlops: number;
  varyingFlops: number;
  /** Kernel calls of the varying stage, by op. */
  varyingByOp: Record<string, number>;
}

/** The executable plan of an optimized graph. */
export class Plan {
  private readonly store: Float64Array[];
  private readonly fixedSteps: Step[] = [];
  private readonly varyingSteps: Step[] = [];
  private readonly outputsInfo: OutputEntry[] = [];
  private readonly inputSlots: number[];
  private readonly fixedSlots: number[];
  readonly counts: PlanCounts;
  private readonly slotOf = new Map<IRNode, number>();

  /**
   * @param nodes - live nodes in topological order
   * @param outputs - the output nodes (may repeat, may be inputs or constants)
   * @param varying - the input nodes bound by `runVarying`, in order
   * @param fixed - the input nodes bound by `runFixed`, in order
   */
  constructor(nodes: readonly IRNode[], outputs: readonly IRNode[], varying: readonly IRNode[], fixed: readonly IRNode[]) {
    const stage = new Map<IRNode, 0 | 1>();
    const varyingSet = new Set(varying);
    for (const n of nodes) {
      let s: 0 | 1 = varyingSet.has(n) ? 1 : 0;
      for (const u of n.inputs) if (stage.get(u) === 1) s = 1;
      stage.set(n, s);
    }
    // Slots: one per storage root; a reshape shares its input's root.
    const slotOf = this.slotOf;
    const root = new Map<IRNode, IRNode>();
    this.store = [];
    const empty = new Float64Array(0);
    for (const n of nodes) {
      if (n.op === "reshape") {
        const r = root.get(n.inputs[0] as IRNode) as IRNode;
        root.set(n, r);
        slotOf.set(n, slotOf.get(r) as number);
        continue;
      }
      root.set(n, n);
      slotOf.set(n, this.store.length);
      this.store.push(n.op === "constant" ? (n.value as Float64Array) : empty);
    }
    // An input no output depends on gets slot -1 and is ignored.
    this.inputSlots = varying.map((n) => slotOf.get(n) ?? -1);
    this.fixedSlots = fixed.map((n) => slotOf.get(n) ?? -1);

    const computed = (n: IRNode): boolean => n.op !== "input" && n.op !== "constant" && n.op !== "reshape";
    const schedule = [...nodes.filter((n) => computed(n) && stage.get(n) === 0), ...nodes.filter((n) => computed(n) && stage.get(n) === 1)];
    const nFixed = schedule.filter((n) => stage.get(n) === 0).length;

    // Outputs: the first occurrence of a computed node owns its buffer; the rest are copies.
    const owned = new Set<IRNode>();
    const copySources = new Set<IRNode>();
    for (const o of outputs) {
      if (computed(o) && !owned.has(o)) owned.add(o);
      else copySources.add(root.get(o) as IRNode);
    }
    // Last reader of each root, by schedule position; pinned roots are never released.
    const lastUse = new Map<IRNode, number>();
    const pinned = new Set<IRNode>([...owned, ...copySources]);
    schedule.forEach((n, p) => {
      for (const u of n.inputs) {
        const r = root.get(u) as IRNode;
        lastUse.set(r, p);
        if (stage.get(r) === 0 && stage.get(n) === 1) pinned.add(r);
      }
    });
    const pool = new Map<number, Float64Array[]>();
    let buffers = 0;
    let bufferBytes = 0;
    // Internal buffers are planned as placeholders (distinct empty arrays) and allocated at the
    // end, together, in a WebAssembly arena or as plain arrays.
    const planned: Array<{ placeholder: Float64Array; size: number }> = [];
    const fresh = (size: number): Float64Array => {
      buffers++;
      bufferBytes += 8 * size;
      const placeholder = new Float64Array(0);
      planned.push({ placeholder, size });
      return placeholder;
    };
    const release = new Map<number, IRNode[]>();
    for (const [r, p] of lastUse) {
      if (!computed(r) || pinned.has(r)) continue;
      const list = release.get(p);
      if (list === undefined) release.set(p, [r]);
      else list.push(r);
    }
    let fixedFlops = 0;
    let varyingFlops = 0;
    const varyingByOp: Record<string, number> = {};
    schedule.forEach((n, p) => {
      let buf: Float64Array;
      const free = pool.get(n.size);
      if (!pinned.has(n) && free !== undefined && free.length > 0) buf = free.pop() as Float64Array;
      else buf = fresh(n.size);
      this.store[slotOf.get(n) as number] = buf;
      const inSlots = n.inputs.map((u) => slotOf.get(u) as number);
      const step: Step = {
        node: n,
        def: getOp(n.op),
        inSlots,
        ins: inSlots.map(() => empty),
        inShapes: n.inputs.map((u) => u.shape),
        outSlot: slotOf.get(n) as number,
        attrs: n.attrs,
      };
      const f = flopsOf(n);
      if (p < nFixed) {
        this.fixedSteps.push(step);
        fixedFlops += f;
      } else {
        this.varyingSteps.push(step);
        varyingFlops += f;
        varyingByOp[n.op] = (varyingByOp[n.op] ?? 0) + 1;
      }
      // A root with no reader (only possible for an output) is pinned; others go back after their last reader.
      if (!lastUse.has(n) && !pinned.has(n)) (pool.get(n.size) ?? pool.set(n.size, []).get(n.size))?.push(buf);
      for (const r of release.get(p) ?? []) {
        const b = this.store[slotOf.get(r) as number] as Float64Array;
        (pool.get(r.size) ?? pool.set(r.size, []).get(r.size))?.push(b);
      }
    });
    for (const o of outputs) {
      const slot = slotOf.get(o) as number;
      const direct = owned.has(o) && stage.get(o) === 1 && !this.outputsInfo.some((e) => e.slot === slot && e.direct);
      const ownedFixed = owned.has(o) && stage.get(o) === 0 && !this.outputsInfo.some((e) => e.slot === slot);
      const buffer = direct || ownedFixed ? (this.store[slot] as Float64Array) : new Float64Array(o.size);
      if (!(direct || ownedFixed)) {
        buffers++;
        bufferBytes += 8 * o.size;
      }
      this.outputsInfo.push({ slot, direct, buffer });
    }
    this.allocate(nodes, planned, new Set(this.outputsInfo.map((e) => e.buffer)));
    let constants = 0;
    let constantBytes = 0;
    for (const n of nodes) {
      if (n.op === "constant") {
        constants++;
        constantBytes += 8 * n.size;
      }
    }
    this.counts = {
      fixedSteps: this.fixedSteps.length,
      varyingSteps: this.varyingSteps.length,
      buffers,
      bufferBytes,
      constants,
      constantBytes,
      fixedFlops,
      varyingFlops,
      varyingByOp,
    };
  }

  /**
   * Replaces the placeholders by buffers: those of outputs as plain arrays; the others, and
   * the constants that matrix products read, in one arena when a product is large enough for
   * the WebAssembly kernels (plain arrays otherwise).
   */
  private allocate(nodes: readonly IRNode[], planned: ReadonlyArray<{ placeholder: Float64Array; size: number }>, outputs: ReadonlySet<Float64Array>): void {
    const store = this.store;
    const inArena = planned.filter((p) => !outputs.has(p.placeholder));
    const constants = productConstants(nodes);
    const largest = Math.max(0, ...nodes.filter((n) => n.op === "matmul").map((n) => productSize(n)));
    const { arrays, inArena: placed } = planArrays([...inArena.map((p) => p.size), ...constants.map((c) => c.size)], largest);
    const real = new Map<Float64Array, Float64Array>();
    for (const p of planned) if (outputs.has(p.placeholder)) real.set(p.placeholder, new Float64Array(p.size));
    inArena.forEach((p, i) => real.set(p.placeholder, arrays[i] as Float64Array));
    constants.forEach((c, i) => {
      // Plain arrays: the constant's own data; in an arena: its copy there.
      const view = arrays[inArena.length + i] as Float64Array;
      if (!placed) return;
      view.set(c.value as Float64Array);
      store[this.slotOf.get(c) as number] = view;
    });
    for (let i = 0; i < store.length; i++) {
      const r = real.get(store[i] as Float64Array);
      if (r !== undefined) store[i] = r;
    }
    this.outputsInfo.forEach((e, i) => {
      const r = real.get(e.buffer);
      if (r !== undefined) this.outputsInfo[i] = { ...e, buffer: r };
    });
  }

  /** Binds the fixed inputs and runs stage 0. */
  runFixed(values: readonly Float64Array[]): void {
    for (let i = 0; i < this.fixedSlots.length; i++) {
      const slot = this.fixedSlots[i] as number;
      if (slot >= 0) this.store[slot] = values[i] as Float64Array;
    }
    this.exec(this.fixedSteps);
  }

  /**
   * Binds the varying inputs and runs stage 1; returns the outputs (the plan's own buffers, or
   * `outs` when given). Stage 0 must have run when there are fixed inputs.
   */
  runVarying(values: readonly Float64Array[], outs: readonly Float64Array[] | undefined): Float64Array[] | readonly Float64Array[] {
    const store = this.store;
    for (let i = 0; i < this.inputSlots.length; i++) {
      const slot = this.inputSlots[i] as number;
      if (slot >= 0) store[slot] = values[i] as Float64Array;
    }
    const info = this.outputsInfo;
    if (outs !== undefined) {
      for (let k = 0; k < info.length; k++) {
        const e = info[k] as OutputEntry;
        if (e.direct) store[e.slot] = outs[k] as Float64Array;
      }
    }
    this.exec(this.varyingSteps);
    const result = outs ?? this.results;
    for (let k = 0; k < info.length; k++) {
      const e = info[k] as OutputEntry;
      const target = result[k] as Float64Array;
      if (store[e.slot] !== target) target.set(store[e.slot] as Float64Array);
    }
    if (outs !== undefined) {
      for (let k = 0; k < info.length; k++) {
        const e = info[k] as OutputEntry;
        if (e.direct) store[e.slot] = e.buffer;
      }
    }
    return result;
  }

  /**
   * The current value of a node that does not depend on the varying inputs (a constant, a
   * fixed input, or a stage-0 node read by stage 1 or by an output), valid after `runFixed`.
   */
  valueOf(node: IRNode): Float64Array {
    const slot = this.slotOf.get(node);
    if (slot === undefined) throw new Error(`plan: node ${node.op}#${node.id} is not in the plan`);
    return this.store[slot] as Float64Array;
  }

  /** The plan-owned output buffers (created once). */
  private get results(): Float64Array[] {
    return (this.resultList ??= this.outputsInfo.map((e) => e.buffer));
  }
  private resultList: Float64Array[] | undefined;

  private exec(steps: readonly Step[]): void {
    const store = this.store;
    for (let s = 0; s < steps.length; s++) {
      const st = steps[s] as Step;
      const ins = st.ins;
      for (let j = 0; j < ins.length; j++) ins[j] = store[st.inSlots[j] as number] as Float64Array;
      st.def.kernel(ins, st.inShapes, store[st.outSlot] as Float64Array, st.node.shape, st.attrs);
    }
  }
}

/** A rough count of floating-point operations of one node. */
function flopsOf(n: IRNode): number {
  if (n.op === "matmul") {
    const a = n.inputs[0] as IRNode;
    const k = n.attrs.transposeA === true ? (a.shape[a.shape.length - 2] as number) : (a.shape[a.shape.length - 1] as number);
    return 2 * n.size * k;
  }
  let inSize = 0;
  for (const u of n.inputs) inSize = Math.max(inSize, u.size);
  return Math.max(n.size, inSize);
}
