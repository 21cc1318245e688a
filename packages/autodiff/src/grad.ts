import { checkOptions, type OptionKeys } from "@krylov-ts/operators";
import { Tensor, constant, getOp, shapeStr, type Shape } from "./graph.js";
import { add } from "./ops/add.js";
import { zeros, sameShape } from "./ops/util.js";

/** Options of `grad`. */
export interface GradOptions {
  /**
   * The cotangent ȳ seeding reverse mode, of y's shape (the result is then the VJP ȳᵀ·∂y/∂x).
   * Required when y is not a scalar; defaults to 1 for a scalar y.
   */
  readonly cotangent?: Tensor;
}

const GRAD_OPTIONS = { cotangent: true } as const satisfies OptionKeys<GradOptions>;

/**
 * Reverse-mode differentiation on the graph: the gradients ∂y/∂xᵢ (or the VJPs with a given
 * cotangent) as new graph nodes, one per x, built from each op's VJP rule. The result is a
 * graph like any other, so it can be differentiated again, to any order.
 *
 * Only nodes on a path from some x to y are visited, in reverse creation order (a topological
 * order, since a node's inputs are always older); contributions to a node are summed with `add`.
 * An x that y does not depend on gets a zeros constant of its shape. `stopGradient` nodes pass
 * no gradient.
 *
 * Reference: Griewank & Walther, Evaluating Derivatives (2008), ch. 3; the "symbol-to-symbol"
 * approach of Goodfellow, Bengio & Courville, Deep Learning (2016), §6.5.5.
 *
 * @param y - the output; a scalar unless `cotangent` is given
 * @param xs - the tensors to differentiate with respect to (usually inputs, but any node)
 * @returns one tensor per x, of x's shape
 * @example const [gx] = grad(sum(square(x)), [x]);  // 2x
 */
export function grad(y: Tensor, xs: readonly Tensor[], options: GradOptions = {}): Tensor[] {
  if (!(y instanceof Tensor)) throw new TypeError("grad: y must be a Tensor");
  xs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new TypeError(`grad: xs[${i}] is not a Tensor`);
  });
  checkOptions("grad", options, GRAD_OPTIONS);
  let seed = options.cotangent;
  if (seed === undefined) {
    if (y.size !== 1 || y.rank !== 0) {
      throw new RangeError(`grad: y has shape ${shapeStr(y.shape)}; give a cotangent for a non-scalar y`);
    }
    seed = constant(1);
  } else if (!(seed instanceof Tensor) || !sameShape(seed.shape, y.shape)) {
    const s = seed instanceof Tensor ? shapeStr(seed.shape) : "not a Tensor";
    throw new RangeError(`grad: the cotangent has shape ${s} but y has shape ${shapeStr(y.shape)}`);
  }

  const { order, onPath } = relevantNodes([y], xs);
  const cotangents = new Map<Tensor, Tensor>([[y, seed]]);
  // Reverse topological order: newest first.
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k] as Tensor;
    const g = cotangents.get(node);
    if (g === undefined || node.inputs.length === 0) continue;
    const gs = getOp(node.op).vjp(node, g);
    node.inputs.forEach((inp, i) => {
      const gi = gs[i];
      if (gi === null || gi === undefined || !onPath.has(inp)) return;
      checkShape(node, "VJP", i, gi.shape, inp.shape);
      const prev = cotangents.get(inp);
      cotangents.set(inp, prev === undefined ? gi : add(prev, gi));
    });
  }
  return xs.map((x) => cotangents.get(x) ?? zeros(x.shape));
}

/**
 * The nodes that lie on a path from some x to some y, sorted by id (a topological order), and
 * the same nodes as a set. A node whose op blocks derivatives still appears; its rules return null.
 */
export function relevantNodes(ys: readonly Tensor[], xs: readonly Tensor[]): { order: Tensor[]; onPath: Set<Tensor> } {
  // Ancestors of ys (iterative DFS).
  const ancestors = new Set<Tensor>();
  const stack: Tensor[] = [...ys];
  while (stack.length > 0) {
    const t = stack.pop() as Tensor;
    if (ancestors.has(t)) continue;
    ancestors.add(t);
    for (const inp of t.inputs) if (!ancestors.has(inp)) stack.push(inp);
  }
  const sorted = [...ancestors].sort((a, b) => a.id - b.id);
  // Descendants of xs among them, in one forward sweep.
  const onPath = new Set<Tensor>();
  for (const x of xs) if (ancestors.has(x)) onPath.add(x);
  const out: Tensor[] = [];
  for (const t of sorted) {
    if (!onPath.has(t) && t.inputs.some((i) => onPath.has(i))) onPath.add(t);
    if (onPath.has(t)) out.push(t);
  }
  return { order: out, onPath };
}

/** Throws when a derivative rule returned a tensor of the wrong shape (a bug in the rule). */
export function checkShape(node: Tensor, rule: string, i: number, got: Shape, want: Shape): void {
  if (!sameShape(got, want)) {
    throw new Error(`${node.op}: its ${rule} rule returned shape ${shapeStr(got)} for input ${i}, which has shape ${shapeStr(want)}`);
  }
}
