/**
 * `compile(inputs, outputs)`: an optimized, allocation-free executable of a graph.
 *
 * @module
 */
import { checkOptions, type OptionKeys } from "@krylov-ts/operators";
import { Tensor, shapeStr, type Shape } from "./graph.js";
import { Plan } from "./plan.js";
import { collect, optimize, type GraphCounts, type IRNode } from "./simplify.js";

/** A value bound to an input: a `Float64Array`, an ndarray over one, or an array of numbers. */
export type InputValue = Float64Array | ArrayLike<number> | { readonly data: ArrayLike<number>; readonly offset: number; readonly stride: readonly number[]; readonly shape: readonly number[] };

/** Options of `compile`. */
export interface CompileOptions {
  /**
   * Inputs bound separately by `bindFixed`: the nodes depending only on them (and constants)
   * run once per `bindFixed`, and each `run` executes only the nodes depending on `inputs`.
   * Default none.
   */
  fixed?: readonly Tensor[];
}

const COMPILE_OPTIONS = { fixed: true } as const satisfies OptionKeys<CompileOptions>;

/** What a compiled function costs, from `describe()`. */
export interface CompiledDescription {
  /** Live nodes after optimization (inputs and constants included). */
  nodes: number;
  /** Kernel calls of one `run` / of one `bindFixed`. */
  steps: number;
  fixedSteps: number;
  /** Buffers the plan owns (intermediates and outputs) and their total bytes. */
  buffers: number;
  bufferBytes: number;
  /** Constants kept (after folding and merging) and their bytes. */
  constants: number;
  constantBytes: number;
  /** Estimated floating-point operations of one `run` / one `bindFixed`. */
  flops: number;
  fixedFlops: number;
  /** Kernel calls of one `run`, by op. */
  byOp: Record<string, number>;
  /** Node counts of the graph as given, and after optimization. */
  before: GraphCounts;
  after: GraphCounts;
  /** How often each rewrite fired (`fold`, `cse`, `mulZero`, …). */
  rewrites: Record<string, number>;
}

/** The executable returned by `compile`. */
export class CompiledFunction {
  private readonly plan: Plan;
  private readonly inputs: readonly Tensor[];
  private readonly fixed: readonly Tensor[];
  private readonly staging = new Map<number, Float64Array>();
  private readonly bound: Float64Array[];
  private readonly boundFixed: Float64Array[];
  private readonly outputSizes: readonly number[];
  private readonly description: CompiledDescription;
  private fixedReady: boolean;

  /** @internal */
  constructor(inputs: readonly Tensor[], outputs: readonly Tensor[], fixed: readonly Tensor[]) {
    this.inputs = inputs;
    this.fixed = fixed;
    const opt = optimize(outputs);
    const irOf = new Map<Tensor, IRNode>();
    for (const n of opt.nodes) if (n.source !== undefined) irOf.set(n.source, n);
    const placeholder = (t: Tensor): IRNode =>
      irOf.get(t) ?? { id: -1, op: "input", inputs: [], shape: t.shape, size: t.size, attrs: t.attrs, value: undefined, source: t, zero: false, one: false };
    this.plan = new Plan(opt.nodes, opt.outputs, inputs.map(placeholder), fixed.map(placeholder));
    this.bound = inputs.map(() => new Float64Array(0));
    this.boundFixed = fixed.map(() => new Float64Array(0));
    this.outputSizes = outputs.map((o) => o.size);
    this.fixedReady = fixed.length === 0;
    const c = this.plan.counts;
    this.description = {
      nodes: opt.after.nodes,
      steps: c.varyingSteps,
      fixedSteps: c.fixedSteps,
      buffers: c.buffers,
      bufferBytes: c.bufferBytes,
      constants: c.constants,
      constantBytes: c.constantBytes,
      flops: c.varyingFlops,
      fixedFlops: c.fixedFlops,
      byOp: c.varyingByOp,
      before: opt.before,
      after: opt.after,
      rewrites: opt.rewrites,
    };
  }

  /**
   * Binds the fixed inputs (in the order given to `compile`'s `fixed` option) and computes
   * every node that depends only on them. The values are held by reference until the next
   * `bindFixed`: do not modify them in between.
   */
  bindFixed(values: readonly InputValue[]): void {
    this.bindAll("bindFixed", this.fixed, values, this.boundFixed, 1_000_000);
    this.plan.runFixed(this.boundFixed);
    this.fixedReady = true;
  }

  /**
   * Runs the plan with `values` bound to `inputs` by position. Returns the outputs as
   * `Float64Array`s (row-major). Without `outs` these are buffers owned by the function and
   * overwritten by the next `run` (copy them to keep them); with `outs` (one array per output,
   * of the output's size, not overlapping an input's elements; distinct views of one buffer are fine) the results are written there and `outs`
   * is returned. Nothing is allocated after the first call.
   */
  run(values: readonly InputValue[], outs?: readonly Float64Array[]): readonly Float64Array[] {
    if (!this.fixedReady) throw new Error("compile.run: bindFixed must be called before run (the function has fixed inputs)");
    this.bindAll("run", this.inputs, values, this.bound, 0);
    if (outs !== undefined) {
      if (!Array.isArray(outs) || outs.length !== this.outputSizes.length) {
        throw new RangeError(`compile.run: outs must hold ${this.outputSizes.length} arrays`);
      }
      for (let k = 0; k < outs.length; k++) {
        const o = outs[k];
        if (!(o instanceof Float64Array) || o.length !== this.outputSizes[k]) {
          throw new RangeError(`compile.run: outs[${k}] must be a Float64Array of length ${this.outputSizes[k]}`);
        }
        for (const b of this.bound) {
          if (b.buffer === o.buffer && b.byteOffset < o.byteOffset + o.byteLength && o.byteOffset < b.byteOffset + b.byteLength) {
            throw new RangeError(`compile.run: outs[${k}] overlaps the storage of an input`);
          }
        }
      }
    }
    return this.plan.runVarying(this.bound, outs);
  }

  /** Node, buffer and flop counts of the plan, before and after optimization. */
  describe(): CompiledDescription {
    return this.description;
  }

  private bindAll(fn: string, inputs: readonly Tensor[], values: readonly InputValue[], bound: Float64Array[], stagingBase: number): void {
    if (!Array.isArray(values) || values.length !== inputs.length) {
      const got = Array.isArray(values) ? values.length : typeof values;
      throw new RangeError(`compile.${fn}: expected ${inputs.length} input values, got ${got}`);
    }
    for (let i = 0; i < inputs.length; i++) {
      bound[i] = this.asData(fn, inputs[i] as Tensor, values[i] as InputValue, stagingBase + i);
    }
  }

  /** The value as a contiguous Float64Array of the input's size (a staging copy when needed). */
  private asData(fn: string, t: Tensor, v: InputValue, key: number): Float64Array {
    const label = `input '${t.name ?? "x"}' ${shapeStr(t.shape)}`;
    if (v instanceof Float64Array) {
      if (v.length !== t.size) throw new RangeError(`compile.${fn}: ${label} needs ${t.size} values but got ${v.length}`);
      return v;
    }
    let stage = this.staging.get(key);
    if (stage === undefined) {
      stage = new Float64Array(t.size);
      this.staging.set(key, stage);
    }
    if (typeof v === "object" && v !== null && "stride" in v && "offset" in v && "data" in v && "shape" in v) {
      const n = v.shape.reduce((a, b) => a * b, 1);
      if (n !== t.size) throw new RangeError(`compile.${fn}: ${label} needs ${t.size} values but got shape ${shapeStr(v.shape)}`);
      if (v.shape.length === 1 && v.data instanceof Float64Array && v.stride[0] === 1) {
        return v.offset === 0 && v.data.length === n ? v.data : v.data.subarray(v.offset, v.offset + n);
      }
      if (v.shape.length !== 1) throw new RangeError(`compile.${fn}: ${label}: pass an ndarray as a 1-D view or a Float64Array`);
      const s = v.stride[0] as number;
      for (let i = 0; i < n; i++) stage[i] = Number(v.data[v.offset + i * s]);
      return stage;
    }
    const a = v as ArrayLike<number>;
    if (a === null || typeof a !== "object" || typeof a.length !== "number") {
      throw new TypeError(`compile.${fn}: ${label} must be a Float64Array, an ndarray or an array of numbers`);
    }
    if (a.length !== t.size) throw new RangeError(`compile.${fn}: ${label} needs ${t.size} values but got ${a.length}`);
    for (let i = 0; i < a.length; i++) stage[i] = a[i] as number;
    return stage;
  }
}

/**
 * Compiles the graph from `inputs` to `outputs` into a function that runs it without
 * allocating.
 *
 * The compiler sorts the graph topologically, folds constant subgraphs (with the ops' own
 * kernels), simplifies algebraically (x·0, x·1, x+0, x−0, −(−x), transposes of transposes,
 * zero operands of matmul; broadcasting respected), merges common subexpressions (op, inputs,
 * attributes by value; constants by value), drops dead nodes and plans buffers by liveness
 * (see `describe()` for the counts before and after).
 *
 * @param inputs - `input` tensors bound by position in `run`
 * @param outputs - tensors to compute
 * @param options.fixed - inputs bound by `bindFixed`, whose dependent nodes are cached
 * @example
 * const x = input([3], "x");
 * const y = sum(mul(x, x));
 * const fn = compile([x], [y, grad(y, [x])[0]]);
 * const [value, g] = fn.run([Float64Array.of(1, 2, 3)]); // 14, [2, 4, 6]
 */
export function compile(inputs: readonly Tensor[], outputs: readonly Tensor[], options: CompileOptions = {}): CompiledFunction {
  checkOptions("compile", options, COMPILE_OPTIONS);
  const fixed = options.fixed ?? [];
  checkTensors("inputs", inputs, true);
  checkTensors("outputs", outputs, false);
  checkTensors("options.fixed", fixed, true);
  const all = [...inputs, ...fixed];
  if (new Set(all).size !== all.length) throw new RangeError("compile: an input is listed twice (in inputs or options.fixed)");
  const listed = new Set(all);
  for (const t of collect(outputs)) {
    if (t.op === "input" && !listed.has(t)) {
      throw new RangeError(`compile: the outputs depend on input '${t.name ?? "x"}' ${shapeStr(t.shape as Shape)}, which is not among the inputs`);
    }
  }
  return new CompiledFunction(inputs, outputs, fixed);
}

function checkTensors(arg: string, ts: readonly Tensor[], mustBeInputs: boolean): void {
  if (!Array.isArray(ts)) throw new TypeError(`compile: ${arg} must be an array of Tensors`);
  ts.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`compile: ${arg}[${i}] is not a Tensor`);
    if (mustBeInputs && t.op !== "input") throw new TypeError(`compile: ${arg}[${i}] is a '${t.op}' node, not an input`);
  });
}
