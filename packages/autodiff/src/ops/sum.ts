import { makeNode, registerOp, type Shape, type Tensor } from "../graph.js";
import { toTensor, normalizeAxes, type TensorLike } from "./util.js";
import { reshape } from "./reshape.js";
import { broadcastTo } from "./broadcast-to.js";
import { sumRowsWasm } from "./elementwise-wasm.js";
import { stridedOffsets, strideBuffer, prod } from "./strided.js";

/**
 * The sum over `axes` (a number, a list, or all axes when omitted; negative axes count from
 * the end). With `keepDims` the summed axes stay as 1s.
 *
 * VJP broadcastTo(reshape(g, keepDims shape), x.shape); JVP sum(ẋ, axes, keepDims).
 *
 * @example sum(x)          // a scalar
 * @example sum(x, 0)       // column sums of a matrix (the bias gradient)
 */
export function sum(x: TensorLike, axes?: number | readonly number[], keepDims = false): Tensor {
  const t = toTensor("sum", "x", x);
  return makeNode("sum", [t], { axes: normalizeAxes("sum", axes, t.rank), keepDims });
}

/** The shape of x with the summed axes set to 1. */
function keptShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

registerOp<{ axes: readonly number[]; keepDims: boolean }>({
  name: "sum",
  shape: (s, attrs) => {
    const shape = s[0] as Shape;
    normalizeAxes("sum", attrs.axes, shape.length);
    const kept = keptShape(shape, attrs.axes);
    return attrs.keepDims ? kept : shape.filter((_d, i) => !attrs.axes.includes(i));
  },
  kernel: (inputs, inShapes, out, _outShape, attrs) => sumKernel(inputs[0] as Float64Array, inShapes[0] as Shape, out, attrs.axes),
  vjp: (node, g) => {
    const x = node.inputs[0] as Tensor;
    const axes = node.attrs.axes as readonly number[];
    return [broadcastTo(reshape(g, keptShape(x.shape, axes)), x.shape)];
  },
  jvp: (node, [t]) => (t ? sum(t, node.attrs.axes as readonly number[], node.attrs.keepDims as boolean) : null),
});

/**
 * Sums x over `axes`. Fast paths: every axis (a total), leading axes (`out[j] = Σ_r x[r, j]`,
 * the bias gradient), trailing axes (row sums); otherwise a strided walk.
 */
function sumKernel(x: Float64Array, shape: Shape, out: Float64Array, axes: readonly number[]): void {
  const rank = shape.length;
  const k = axes.length;
  if (k === 0) {
    out.set(x);
    return;
  }
  let leading = true;
  let trailing = true;
  for (let i = 0; i < k; i++) {
    if (axes[i] !== i) leading = false;
    if (axes[i] !== rank - k + i) trailing = false;
  }
  if (k === rank) {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i] as number;
    out[0] = s;
    return;
  }
  if (leading) {
    const rows = prod(shape, 0, k);
    const n = out.length;
    if (rows === 0) {
      out.fill(0);
      return;
    }
    if (sumRowsWasm(x, rows, out)) return;
    out.set(x.subarray(0, n));
    for (let r = 1; r < rows; r++) {
      const o = r * n;
      for (let j = 0; j < n; j++) out[j] = (out[j] as number) + (x[o + j] as number);
    }
    return;
  }
  if (trailing) {
    const m = prod(shape, rank - k, rank);
    for (let r = 0; r < out.length; r++) {
      let s = 0;
      const o = r * m;
      for (let j = 0; j < m; j++) s += x[o + j] as number;
      out[r] = s;
    }
    return;
  }
  // General: walk x, adding each element into the output offset of its kept indices.
  const strides = strideBuffer(0, rank);
  let stride = 1;
  for (let d = rank - 1; d >= 0; d--) {
    if (axes.includes(d)) strides[d] = 0;
    else {
      strides[d] = stride;
      stride *= shape[d] as number;
    }
  }
  const off = stridedOffsets(shape, strides, 0);
  out.fill(0);
  for (let i = 0; i < x.length; i++) {
    const o = off[i] as number;
    out[o] = (out[o] as number) + (x[i] as number);
  }
}
