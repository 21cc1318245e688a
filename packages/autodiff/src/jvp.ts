import { Tensor, getOp, shapeStr } from "./graph.js";
import { relevantNodes, checkShape } from "./grad.js";
import { zeros, sameShape } from "./ops/util.js";

/**
 * Forward-mode differentiation on the graph (Theano's R-op): the directional derivatives
 * ẏ = (∂y/∂x)·ẋ of every y for the tangents ẋ of the xs, as new graph nodes built from each op's
 * JVP rule (so they can be differentiated again). Nodes are visited in creation order (a
 * topological order); a y that does not depend on the xs gets a zeros constant of its shape;
 * `stopGradient` nodes have zero tangent.
 *
 * Reference: Pearlmutter, "Fast exact multiplication by the Hessian" (1994), the R{·} operator.
 *
 * @param ys - the outputs
 * @param xs - the tensors the tangents are attached to
 * @param tangents - one per x, of x's shape
 * @returns one tangent per y, of y's shape
 * @example const [hv] = jvp(grad(f, [x]), [x], [v]);  // forward-over-reverse H·v
 */
export function jvp(ys: readonly Tensor[], xs: readonly Tensor[], tangents: readonly Tensor[]): Tensor[] {
  if (xs.length !== tangents.length) {
    throw new RangeError(`jvp: ${xs.length} xs but ${tangents.length} tangents`);
  }
  ys.forEach((y, i) => {
    if (!(y instanceof Tensor)) throw new TypeError(`jvp: ys[${i}] is not a Tensor`);
  });
  const tan = new Map<Tensor, Tensor>();
  xs.forEach((x, i) => {
    const t = tangents[i] as Tensor;
    if (!(x instanceof Tensor)) throw new TypeError(`jvp: xs[${i}] is not a Tensor`);
    if (!(t instanceof Tensor) || !sameShape(t.shape, x.shape)) {
      const s = t instanceof Tensor ? shapeStr(t.shape) : "not a Tensor";
      throw new RangeError(`jvp: tangents[${i}] has shape ${s} but xs[${i}] has shape ${shapeStr(x.shape)}`);
    }
    tan.set(x, t);
  });
  const { order } = relevantNodes(ys, xs);
  for (const node of order) {
    if (tan.has(node) || node.inputs.length === 0) continue;
    const ts = node.inputs.map((inp) => tan.get(inp) ?? null);
    if (ts.every((t) => t === null)) continue;
    const t = getOp(node.op).jvp(node, ts);
    if (t === null) continue;
    checkShape(node, "JVP", 0, t.shape, node.shape);
    tan.set(node, t);
  }
  return ys.map((y) => tan.get(y) ?? zeros(y.shape));
}
