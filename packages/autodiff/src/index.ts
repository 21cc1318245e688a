/**
 * @krylov-ts/autodiff — a symbolic graph with higher-order reverse and forward mode.
 *
 * @module
 */
export {
  Tensor,
  input,
  constant,
  registerOp,
  getOp,
  listOps,
  makeNode,
  broadcastShapes,
  type Shape,
  type Attrs,
  type OpDef,
  type NestedArray,
  type NdArrayLike,
} from "./graph.js";
export * from "./ops/index.js";
export { grad, type GradOptions } from "./grad.js";
export { jvp } from "./jvp.js";
export { evaluate, type Bindings } from "./evaluate.js";
