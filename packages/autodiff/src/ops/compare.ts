/**
 * Comparisons as 0/1 masks: `greater(a, b)` = [a > b] and `greaterEqual(a, b)` = [a ≥ b], with
 * broadcasting. They serve as the derivative masks of relu and maximum. Piecewise constant, so
 * their derivatives are taken as 0 everywhere: no gradient flows through them.
 *
 * @module
 */
import { makeNode, registerOp, broadcastShapes, type Shape, type Tensor } from "../graph.js";
import { binaryMap } from "./strided.js";
import { toTensor, type TensorLike } from "./util.js";

/** Elementwise [a > b] as 1 or 0, with broadcasting; no derivative. */
export function greater(a: TensorLike, b: TensorLike): Tensor {
  return makeNode("greater", [toTensor("greater", "a", a), toTensor("greater", "b", b)]);
}

/** Elementwise [a ≥ b] as 1 or 0, with broadcasting; no derivative. */
export function greaterEqual(a: TensorLike, b: TensorLike): Tensor {
  return makeNode("greaterEqual", [toTensor("greaterEqual", "a", a), toTensor("greaterEqual", "b", b)]);
}

const gt = (x: number, y: number): number => (x > y ? 1 : 0);
const ge = (x: number, y: number): number => (x >= y ? 1 : 0);

registerOp({
  name: "greater",
  shape: (s) => broadcastShapes("greater", s[0] as Shape, s[1] as Shape),
  kernel: (inputs, inShapes, out, outShape) =>
    binaryMap(inputs[0] as Float64Array, inShapes[0] as Shape, inputs[1] as Float64Array, inShapes[1] as Shape, out, outShape, gt),
  vjp: () => [null, null],
  jvp: () => null,
});

registerOp({
  name: "greaterEqual",
  shape: (s) => broadcastShapes("greaterEqual", s[0] as Shape, s[1] as Shape),
  kernel: (inputs, inShapes, out, outShape) =>
    binaryMap(inputs[0] as Float64Array, inShapes[0] as Shape, inputs[1] as Float64Array, inShapes[1] as Shape, out, outShape, ge),
  vjp: () => [null, null],
  jvp: () => null,
});
