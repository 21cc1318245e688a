/**
 * Which part of each varying node's value a run needs, when only a suffix of the output is
 * wanted: `hessian` needs only the entries j ≥ i of rows i … i+k−1 (the upper triangle; the
 * rest follows from symmetry), so for a block starting at i only output entries [i, n) matter.
 *
 * A backward pass over the graph gives each varying node the first flat index from which its
 * value is needed (`from`; `size` when none of it is). A rule says which suffix of an input
 * the suffix [a, size) of the output depends on:
 *
 * - `reshape`, `stopGradient`, and elementwise ops on an input of the output's size: [a, …);
 * - `pad` of a vector by `before` zeros: [a − before, …); `slice` of a vector from `begin`:
 *   [a + begin, …) (a superset of the block it reads); input j of a `concat` of vectors,
 *   placed at `offset`: [a − offset, …);
 * - `matmul` with a result of q columns needs its rows r ≥ ⌊a/q⌋: those rows of op(A), which
 *   for an A not transposed is A's suffix from r·(columns of A), and the whole of op(B);
 * - any other op: the whole of every input, unless none of its output is needed.
 *
 * A node needed by several readers needs the union (the smallest start). The runner may skip a
 * node none of which is needed and compute a product's needed rows only: the other entries of
 * its buffers then hold stale values, which by these rules reach no needed entry.
 *
 * @module
 */
import type { IRNode } from "./simplify.js";

/** Elementwise ops: output entry i depends only on entry i of each input of the output's size. */
const positionwise = new Set([
  "neg", "square", "sqrt", "exp", "log", "log1p", "tanh", "sigmoid", "relu", "softplus", "sin", "cos", "abs", "sign", "pow",
  "add", "sub", "mul", "div", "maximum", "greater", "greaterEqual", "where", "reshape", "stopGradient",
]);

/** The needed suffix of each varying node, for a needed suffix of the output. */
export class SuffixDemand {
  /** First needed flat index of each varying node (its size when none is needed), after `update`. */
  readonly from = new Map<IRNode, number>();
  private readonly nodes: readonly IRNode[];
  private readonly output: IRNode;
  private readonly varying: ReadonlySet<IRNode>;

  /**
   * @param schedule - the varying nodes in topological order (the varying input excluded)
   * @param output - the output node
   * @param varying - every node depending on the varying input (the input included)
   */
  constructor(schedule: readonly IRNode[], output: IRNode, varying: ReadonlySet<IRNode>) {
    this.nodes = schedule;
    this.output = output;
    this.varying = varying;
  }

  /** Computes `from` for every varying node when the output is needed from flat index `a0`. */
  update(a0: number): void {
    const from = this.from;
    for (const n of this.varying) from.set(n, n.size);
    from.set(this.output, Math.max(0, Math.min(a0, this.output.size)));
    for (let p = this.nodes.length - 1; p >= 0; p--) {
      const n = this.nodes[p] as IRNode;
      const a = from.get(n) as number;
      if (a >= n.size) continue;
      n.inputs.forEach((u, j) => {
        if (!this.varying.has(u)) return;
        const need = Math.max(0, Math.min(inputFrom(n, j, a), u.size));
        if (need < (from.get(u) as number)) from.set(u, need);
      });
    }
  }
}

/** The first entry of input j that output entries [a, size) of n depend on. */
function inputFrom(n: IRNode, j: number, a: number): number {
  const u = n.inputs[j] as IRNode;
  if (positionwise.has(n.op)) return u.size === n.size ? a : 0;
  if (n.op === "pad" && n.shape.length === 1) return a - ((n.attrs.before as readonly number[])[0] as number);
  if (n.op === "slice" && n.shape.length === 1) return a + ((n.attrs.begin as readonly number[])[0] as number);
  if (n.op === "concat" && n.shape.length === 1) {
    let offset = 0;
    for (let i = 0; i < j; i++) offset += (n.inputs[i] as IRNode).size;
    return a - offset;
  }
  if (n.op === "matmul") {
    const q = n.shape[1] as number;
    const r0 = Math.floor(a / q);
    if (j === 0 && n.attrs.transposeA !== true) return r0 * (u.shape[1] as number);
    return 0;
  }
  return 0;
}
