/**
 * A compiled plan as plain data, so that another thread can run the same plan: the optimized
 * graph (after folding, simplification and merging) as a list of nodes — op name, indices of the
 * inputs, shape, attributes, a constant's values — in topological order, with the positions of
 * the outputs and of the varying and fixed inputs. Every field is structured-cloneable, so the
 * list crosses `postMessage` as it is.
 *
 * The optimization runs once, where the graph is; each thread rebuilds the same `Plan` from the
 * list (`planOf`). Two plans rebuilt from one list schedule the same kernels on the same shapes in
 * the same order, so on the same inputs they give the same bits (the kernels are deterministic
 * and the matrix products give the bits of one call for any split, gemm/split.ts).
 *
 * Only ops the package registers itself travel: a worker knows no op a user registered with
 * `registerOp` (`portable` reports such a graph by returning `undefined`).
 *
 * @module
 */
import { listOps, type Attrs, type Shape, type Tensor } from "./graph.js";
import "./ops/index.js";
import { Plan } from "./plan.js";
import { optimize, type IRNode } from "./simplify.js";

/** The ops registered when the package loads (a worker that loads the package has these). */
const BUILT_IN = new Set(listOps());

/** One node of a portable plan. */
export interface PortableNode {
  readonly op: string;
  /** Positions of the inputs in the node list (all earlier). */
  readonly inputs: readonly number[];
  readonly shape: Shape;
  readonly attrs: Attrs;
  /** A constant's values. */
  readonly value?: Float64Array;
}

/** A plan as data: nodes in topological order; inputs and outputs as positions (−1: an input no output reads). */
export interface PortablePlan {
  readonly nodes: readonly PortableNode[];
  readonly outputs: readonly number[];
  readonly varying: readonly number[];
  readonly fixed: readonly number[];
  /** Sizes of the varying inputs and of the outputs. */
  readonly varyingSizes: readonly number[];
  readonly outputSizes: readonly number[];
}

/**
 * The optimized graph from `inputs` and `fixed` to `outputs` as a portable plan (what
 * `compile(inputs, outputs, { fixed })` would run), or `undefined` when it uses an op that is
 * not built in.
 */
export function portable(inputs: readonly Tensor[], outputs: readonly Tensor[], fixed: readonly Tensor[]): PortablePlan | undefined {
  const opt = optimize(outputs);
  const index = new Map<IRNode, number>();
  const nodes: PortableNode[] = [];
  for (const n of opt.nodes) {
    if (!BUILT_IN.has(n.op)) return undefined;
    index.set(n, nodes.length);
    const node: PortableNode = { op: n.op, inputs: n.inputs.map((u) => index.get(u) as number), shape: n.shape, attrs: n.attrs };
    nodes.push(n.value === undefined ? node : { ...node, value: n.value });
  }
  const position = (t: Tensor): number => {
    for (const n of opt.nodes) if (n.source === t) return index.get(n) as number;
    return -1;
  };
  return {
    nodes,
    outputs: opt.outputs.map((n) => index.get(n) as number),
    varying: inputs.map(position),
    fixed: fixed.map(position),
    varyingSizes: inputs.map((t) => t.size),
    outputSizes: outputs.map((t) => t.size),
  };
}

/** The executable plan of a portable plan (built here: its buffers belong to this thread). */
export function planOf(p: PortablePlan): Plan {
  const nodes: IRNode[] = [];
  for (const [id, n] of p.nodes.entries()) {
    const value = n.value;
    nodes.push({
      id,
      op: n.op,
      inputs: n.inputs.map((i) => nodes[i] as IRNode),
      shape: n.shape,
      size: n.shape.reduce((a, b) => a * b, 1),
      attrs: n.attrs,
      value,
      source: undefined,
      zero: value !== undefined && value.every((x) => x === 0),
      one: value !== undefined && value.length > 0 && value.every((x) => x === 1),
    });
  }
  // An input no output reads is a placeholder outside the node list (the Plan gives it no slot).
  const at = (i: number): IRNode => nodes[i] ?? { id: -1, op: "input", inputs: [], shape: [], size: 0, attrs: {}, value: undefined, source: undefined, zero: false, one: false };
  return new Plan(nodes, p.outputs.map(at), p.varying.map(at), p.fixed.map(at));
}
