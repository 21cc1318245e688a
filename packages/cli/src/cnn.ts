/**
 * The small CNN of `krylov hessian --model cnn` for 28×28 grey images (MNIST):
 * conv 3×3×8 (same) → activation → max-pool 2 → conv 3×3×16 (same) → activation → max-pool 2 →
 * dense 784 → 10, n = 9,098 parameters, over one flat parameter vector; its mean loss over a
 * whole data set and that loss's Hessian as an operator streamed over minibatches.
 *
 * @module
 */
import {
  conv2dLayer, constant, datasetGradient, datasetHessianOperator, dense, evaluate, flatten, pool2dLayer, relu, sigmoid, softmaxCrossEntropy,
  softplus, sequential, tanh, type Batch, type SequentialModel, type Tensor,
} from "@krylov-ts/autodiff";
import type { LinearOperator, Vec } from "@krylov-ts/operators";
import type { Dataset } from "./data.js";
import type { Activation } from "./model.js";

const activations = { tanh, relu, sigmoid, softplus } as const;

/** The CNN for `classes` outputs over [28, 28, 1] images. */
export function cnn(activation: Activation, classes = 10): SequentialModel {
  const f = activations[activation];
  return sequential(
    [
      conv2dLayer(8, 3, { padding: "same", activation: f }),
      pool2dLayer("max", 2),
      conv2dLayer(16, 3, { padding: "same", activation: f }),
      pool2dLayer("max", 2),
      flatten(),
      dense(classes),
    ],
    [28, 28, 1],
  );
}

/** The data set as the dataset operators take it (images [28, 28, 1], one-hot targets). */
function images(data: Dataset) {
  return { inputs: data.X, targets: data.Y, inputShape: [28, 28, 1], targetShape: [data.outputs] };
}

/** The batch loss: mean softmax cross-entropy of the CNN. */
function batchLoss(model: SequentialModel): (theta: Tensor, batch: Batch) => Tensor {
  return (theta, batch) => softmaxCrossEntropy(model.apply(theta, batch.inputs), batch.targets);
}

/** The mean loss on the whole data set as one graph (full-batch training). */
export function cnnLoss(model: SequentialModel, data: Dataset): (theta: Tensor) => Tensor {
  const X = constant(data.X, [data.samples, 28, 28, 1]);
  const Y = constant(data.Y, [data.samples, data.outputs]);
  return (theta) => softmaxCrossEntropy(model.apply(theta, X), Y);
}

/** The whole-data-set loss Hessian at θ, each product streamed over minibatches of `batchSize`. */
export function cnnHessian(model: SequentialModel, data: Dataset, theta: Float64Array, batchSize: number): LinearOperator {
  return datasetHessianOperator(batchLoss(model), theta, images(data), { batchSize });
}

/** θ ↦ the whole-data-set loss and gradient, streamed over minibatches. */
export function cnnGradient(model: SequentialModel, data: Dataset, batchSize: number): (theta: Vec | Float64Array) => { value: number; gradient: Vec } {
  return datasetGradient(batchLoss(model), model.n, images(data), { batchSize });
}

/** The fraction of images classified right at θ. */
export function cnnAccuracy(model: SequentialModel, data: Dataset, theta: Float64Array): number {
  const out = evaluate(model.apply(constant(theta, [model.n]), constant(data.X, [data.samples, 28, 28, 1])), []) as unknown as { data?: Float64Array };
  const z = out.data ?? (out as unknown as Float64Array);
  const c = data.outputs;
  let right = 0;
  for (let i = 0; i < data.samples; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if ((z[i * c + j] as number) > (z[i * c + best] as number)) best = j;
    if (data.Y[i * c + best] === 1) right++;
  }
  return right / data.samples;
}
