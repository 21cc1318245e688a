import { makeNode, registerOp, shapeStr, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";
import { checkIndices, gather } from "./gather.js";

/**
 * The adjoint of `gather`: values [L, D] added into `rows` rows of zeros, row i of the values into
 * row indices[i] (repeated indices accumulate). The gradient of an embedding lookup.
 * Linear: VJP gather(g, indices), JVP scatterAdd(v̇, indices, rows).
 */
export function scatterAdd(values: TensorLike, indices: readonly number[], rows: number): Tensor {
  return makeNode("scatterAdd", [toTensor("scatterAdd", "values", values)], { indices: [...indices], rows });
}

registerOp<{ indices: readonly number[]; rows: number }>({
  name: "scatterAdd",
  shape: (s, { indices, rows }) => {
    const v = s[0] as Shape;
    if (v.length !== 2 || v[0] !== indices.length) {
      throw new RangeError(`scatterAdd: values must be [${indices.length}, D] (one row per index), got shape ${shapeStr(v)}`);
    }
    if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`scatterAdd: rows must be a non-negative integer, got ${rows}`);
    checkIndices("scatterAdd", indices, rows);
    return [rows, v[1] as number];
  },
  kernel: (inputs, inShapes, out, _outShape, { indices }) => {
    const v = inputs[0] as Float64Array;
    const d = (inShapes[0] as Shape)[1] as number;
    out.fill(0);
    for (let i = 0; i < indices.length; i++) {
      const o = (indices[i] as number) * d;
      for (let k = 0; k < d; k++) out[o + k] = (out[o + k] as number) + (v[i * d + k] as number);
    }
  },
  vjp: (node, g) => [gather(g, node.attrs.indices as readonly number[])],
  jvp: (node, [t]) => (t ? scatterAdd(t, node.attrs.indices as readonly number[], node.attrs.rows as number) : null),
});
