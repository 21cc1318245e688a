import { makeNode, registerOp, shapeStr, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";
import { scatterAdd } from "./scatter-add.js";

/**
 * Rows of a table: table [V, D] → [L, D] with row i = table[indices[i]] (an embedding lookup).
 * Linear in the table: VJP scatterAdd(g, indices, V), JVP gather(ṫ, indices).
 *
 * @example gather(embeddings, [3, 1, 3])   // three rows, one of them twice
 */
export function gather(table: TensorLike, indices: readonly number[]): Tensor {
  return makeNode("gather", [toTensor("gather", "table", table)], { indices: [...indices] });
}

/** Throws naming `fn` unless every index is an integer in [0, rows). */
export function checkIndices(fn: string, indices: readonly number[], rows: number): void {
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i] as number;
    if (!Number.isInteger(k) || k < 0 || k >= rows) throw new RangeError(`${fn}: indices[${i}] = ${k} is not a row of a table with ${rows} rows`);
  }
}

registerOp<{ indices: readonly number[] }>({
  name: "gather",
  shape: (s, { indices }) => {
    const t = s[0] as Shape;
    if (t.length !== 2) throw new RangeError(`gather: table must be 2-D [V, D], got shape ${shapeStr(t)}`);
    checkIndices("gather", indices, t[0] as number);
    return [indices.length, t[1] as number];
  },
  kernel: (inputs, inShapes, out, _outShape, { indices }) => {
    const t = inputs[0] as Float64Array;
    const d = (inShapes[0] as Shape)[1] as number;
    for (let i = 0; i < indices.length; i++) out.set(t.subarray((indices[i] as number) * d, ((indices[i] as number) + 1) * d), i * d);
  },
  vjp: (node, g) => [scatterAdd(g, node.attrs.indices as readonly number[], (node.inputs[0] as Tensor).shape[0] as number)],
  jvp: (node, [t]) => (t ? gather(t, node.attrs.indices as readonly number[]) : null),
});
