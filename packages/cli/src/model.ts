/**
 * The multilayer perceptron of `krylov hessian`, written with the autodiff ops over one flat
 * parameter vector θ, so that the loss is a function ℝⁿ → ℝ whose Hessian is an n×n operator.
 *
 * Layout of θ: for each layer ℓ in order, Wℓ (fan-in × fan-out, row-major) then bℓ (fan-out).
 * The forward pass is hℓ = act(hℓ₋₁ Wℓ + bℓ) with no activation on the last layer; the loss is
 * the mean softmax cross-entropy against one-hot rows, or the mean squared error
 * (1/(m·c)) Σ (ŷ − y)².
 *
 * @module
 */
import {
  add,
  constant,
  matmul,
  mean,
  relu,
  reshape,
  sigmoid,
  slice,
  softmaxCrossEntropy,
  softplus,
  square,
  sub,
  tanh,
  type Tensor,
} from "@krylov-ts/autodiff";
import { rng } from "@krylov-ts/operators";
import type { Dataset } from "./data.js";

/** The hidden-layer activations. */
export type Activation = "tanh" | "relu" | "sigmoid" | "softplus";

/** The training losses. */
export type Loss = "cross-entropy" | "mse";

/** The architecture: layer widths, activation and loss. */
export interface MlpSpec {
  /** d, the input width. */
  readonly inputs: number;
  /** Hidden layer widths. */
  readonly hidden: readonly number[];
  /** c, the output width. */
  readonly outputs: number;
  readonly activation: Activation;
  readonly loss: Loss;
}

/** Where one layer's weights and bias sit in θ. */
export interface LayerLayout {
  readonly fanIn: number;
  readonly fanOut: number;
  /** Offset of W (fanIn × fanOut, row-major). */
  readonly weights: number;
  /** Offset of b (fanOut). */
  readonly bias: number;
}

/** The layers' places in θ and the total parameter count n. */
export function layout(spec: MlpSpec): { layers: LayerLayout[]; size: number } {
  const widths = [spec.inputs, ...spec.hidden, spec.outputs];
  const layers: LayerLayout[] = [];
  let offset = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    const fanIn = widths[l] as number;
    const fanOut = widths[l + 1] as number;
    layers.push({ fanIn, fanOut, weights: offset, bias: offset + fanIn * fanOut });
    offset += fanIn * fanOut + fanOut;
  }
  return { layers, size: offset };
}

const activations: Record<Activation, (x: Tensor) => Tensor> = { tanh, relu, sigmoid, softplus };

/**
 * The training loss as a function of the flat parameter vector θ (a symbolic input of shape
 * [n]), on the whole data set (full batch).
 */
export function lossFunction(spec: MlpSpec, data: Dataset): (theta: Tensor) => Tensor {
  const { layers } = layout(spec);
  const X = constant(data.X, [data.samples, data.features]);
  const Y = constant(data.Y, [data.samples, data.outputs]);
  const act = activations[spec.activation];
  return (theta: Tensor): Tensor => {
    let h = X;
    layers.forEach((L, l) => {
      const W = reshape(slice(theta, [L.weights], [L.fanIn * L.fanOut]), [L.fanIn, L.fanOut]);
      const b = slice(theta, [L.bias], [L.fanOut]);
      const z = add(matmul(h, W), b);
      h = l + 1 < layers.length ? act(z) : z;
    });
    return spec.loss === "cross-entropy" ? softmaxCrossEntropy(h, Y) : mean(square(sub(h, Y)));
  };
}

/**
 * Initial θ: Glorot-normal weights, N(0, 2/(fanIn + fanOut)) (Glorot & Bengio 2010; He
 * initialization's 2/fanIn for relu), zero biases, from a seeded stream.
 */
export function initialParams(spec: MlpSpec, seed: number): Float64Array {
  const { layers, size } = layout(spec);
  const theta = new Float64Array(size);
  const random = rng(seed);
  for (const L of layers) {
    const variance = spec.activation === "relu" ? 2 / L.fanIn : 2 / (L.fanIn + L.fanOut);
    const s = Math.sqrt(variance);
    for (let i = 0; i < L.fanIn * L.fanOut; i++) theta[L.weights + i] = s * random.normal();
  }
  return theta;
}

/** The network's outputs (m×c, row-major) at θ, in plain arithmetic (for accuracy figures). */
export function predict(spec: MlpSpec, theta: ArrayLike<number>, data: Dataset): Float64Array {
  const { layers } = layout(spec);
  const m = data.samples;
  let h = data.X;
  layers.forEach((L, l) => {
    const z = new Float64Array(m * L.fanOut);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < L.fanOut; j++) {
        let s = theta[L.bias + j] as number;
        for (let p = 0; p < L.fanIn; p++) s += (h[i * L.fanIn + p] as number) * (theta[L.weights + p * L.fanOut + j] as number);
        z[i * L.fanOut + j] = l + 1 < layers.length ? activate(spec.activation, s) : s;
      }
    }
    h = z;
  });
  return h;
}

function activate(a: Activation, x: number): number {
  switch (a) {
    case "tanh":
      return Math.tanh(x);
    case "relu":
      return x > 0 ? x : 0;
    case "sigmoid":
      return 1 / (1 + Math.exp(-x));
    case "softplus":
      return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }
}

/** The fraction of samples whose largest output is at the one-hot label (classification). */
export function accuracy(outputs: Float64Array, data: Dataset): number {
  const c = data.outputs;
  let right = 0;
  for (let i = 0; i < data.samples; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if ((outputs[i * c + j] as number) > (outputs[i * c + best] as number)) best = j;
    if (data.Y[i * c + best] === 1) right++;
  }
  return right / data.samples;
}
