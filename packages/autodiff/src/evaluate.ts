import { Tensor, getOp, shapeStr } from "./graph.js";

/** Values bound to the input nodes: a Map or a list of pairs. */
export type Bindings = ReadonlyMap<Tensor, ArrayLike<number>> | readonly (readonly [Tensor, ArrayLike<number>])[];

/**
 * Evaluates graph outputs by running each needed node's kernel once, in creation order, with no
 * optimization: the reference interpreter the compiler is checked against.
 *
 * @param outputs - a tensor or a list of tensors
 * @param bindings - a value (row-major, x.size numbers) for every `input` node the outputs need
 * @returns fresh Float64Arrays, one per output (a single one for a single tensor)
 * @example evaluate(add(x, 1), [[x, [1, 2]]])  // Float64Array [2, 3]
 */
export function evaluate(outputs: Tensor, bindings?: Bindings): Float64Array;
export function evaluate(outputs: readonly Tensor[], bindings?: Bindings): Float64Array[];
export function evaluate(outputs: Tensor | readonly Tensor[], bindings: Bindings = []): Float64Array | Float64Array[] {
  const list = outputs instanceof Tensor ? [outputs] : [...outputs];
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`evaluate: outputs[${i}] is not a Tensor`);
  });
  const bound = bindings instanceof Map ? (bindings as ReadonlyMap<Tensor, ArrayLike<number>>) : new Map(bindings as readonly (readonly [Tensor, ArrayLike<number>])[]);

  const needed = new Set<Tensor>();
  const stack = [...list];
  while (stack.length > 0) {
    const t = stack.pop() as Tensor;
    if (needed.has(t)) continue;
    needed.add(t);
    for (const inp of t.inputs) if (!needed.has(inp)) stack.push(inp);
  }
  const order = [...needed].sort((a, b) => a.id - b.id);
  const values = new Map<Tensor, Float64Array>();
  for (const node of order) {
    if (node.op === "input") {
      const v = bound.get(node);
      if (v === undefined) throw new RangeError(`evaluate: no value bound to input '${node.name ?? "?"}' of shape ${shapeStr(node.shape)}`);
      if (v.length !== node.size) {
        throw new RangeError(`evaluate: input '${node.name ?? "?"}' has shape ${shapeStr(node.shape)} (${node.size} elements) but its value has ${v.length}`);
      }
      values.set(node, Float64Array.from(v));
    } else if (node.op === "constant") {
      values.set(node, node.value as Float64Array);
    } else {
      const out = new Float64Array(node.size);
      getOp(node.op).kernel(
        node.inputs.map((i) => values.get(i) as Float64Array),
        node.inputs.map((i) => i.shape),
        out,
        node.shape,
        node.attrs,
      );
      values.set(node, out);
    }
  }
  const results = list.map((t) => Float64Array.from(values.get(t) as Float64Array));
  return outputs instanceof Tensor ? (results[0] as Float64Array) : results;
}
