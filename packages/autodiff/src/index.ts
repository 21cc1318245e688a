/**
 * @krylov-ts/autodiff — a symbolic graph with higher-order reverse and forward mode.
 *
 * @module @krylov-ts/autodiff
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
export { conv2d, type Conv2dOptions } from "./nn/conv2d.js";
export { maxPool2d, avgPool2d, type PoolOptions } from "./nn/pool.js";
export { gelu, layerNorm, batchNorm, embedding, type GeluOptions } from "./nn/layers.js";
export { sequential, dense, conv2dLayer, pool2dLayer, flatten, activationLayer, type Layer, type SequentialModel, type Activation as LayerActivation, type Initializer } from "./nn/sequential.js";
export type { Padding, Pair } from "./nn/window-options.js";
export { grad, type GradOptions } from "./grad.js";
export { jvp } from "./jvp.js";
export { evaluate, type Bindings } from "./evaluate.js";
export { compile, CompiledFunction, type CompileOptions, type CompiledDescription, type InputValue } from "./compile.js";
export { hvp, defaultHvpMode, type HvpMode, type HvpOptions, type ScalarFunction } from "./hvp.js";
export { hessianOperator, HessianOperator } from "./hessian-operator.js";
export { datasetHessianOperator, datasetGaussNewtonOperator, datasetGradient, type Dataset, type Batch, type BatchLoss, type DatasetOptions } from "./dataset-operator.js";
export { gradient, gradientFunction, type ValueAndGradient } from "./gradient.js";
export { hessian, type HessianOptions } from "./hessian.js";
export { params, ParamLayout, type ParamSpec, type ParamEntry, type ParamValue } from "./params.js";
export { gaussNewtonOperator, GaussNewtonOperator, type ModelFunction } from "./gauss-newton.js";
export { jacobianOperator, vjpOperator, JacobianOperator, type VectorFunction } from "./jacobian-operator.js";
export { loadTfjsModel, type TfjsModel, type TfjsWeightData } from "./nn/tfjs.js";
