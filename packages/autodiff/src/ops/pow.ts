import { makeNode, registerOp, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";
import { mul } from "./mul.js";

/**
 * Elementwise xᶜ for a constant exponent c (a number, not a tensor).
 *
 * VJP g·c·xᶜ⁻¹, JVP ẋ·c·xᶜ⁻¹ (zero for c = 0). Non-integer c gives NaN for x < 0, as `Math.pow`.
 *
 * @example pow(x, 4)  // x⁴; grad(grad(grad(sum(pow(x, 4))))) is 24x
 */
export function pow(x: TensorLike, c: number): Tensor {
  if (typeof c !== "number" || !Number.isFinite(c)) throw new TypeError(`pow: the exponent must be a finite number, got ${String(c)}`);
  return makeNode("pow", [toTensor("pow", "x", x)], { exponent: c });
}

/** c·xᶜ⁻¹ as a graph, or null when c = 0. */
function derivative(x: Tensor, c: number): Tensor | null {
  if (c === 0) return null;
  if (c === 1) return null;
  if (c === 2) return mul(x, 2);
  return mul(pow(x, c - 1), c);
}

registerOp<{ exponent: number }>({
  name: "pow",
  shape: (s) => s[0] as Shape,
  kernel: (inputs, _inShapes, out, _outShape, attrs) => {
    const x = inputs[0] as Float64Array;
    const c = attrs.exponent;
    if (c === 2) for (let i = 0; i < out.length; i++) out[i] = (x[i] as number) * (x[i] as number);
    else for (let i = 0; i < out.length; i++) out[i] = Math.pow(x[i] as number, c);
  },
  vjp: (node, g) => {
    const c = node.attrs.exponent as number;
    if (c === 0) return [null];
    const d = derivative(node.inputs[0] as Tensor, c);
    return [d ? mul(g, d) : g];
  },
  jvp: (node, [t]) => {
    const c = node.attrs.exponent as number;
    if (!t || c === 0) return null;
    const d = derivative(node.inputs[0] as Tensor, c);
    return d ? mul(t, d) : t;
  },
});
