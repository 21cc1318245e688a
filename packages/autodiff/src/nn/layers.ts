/**
 * Normalization, activation and lookup layers written with the package's ops, so their
 * derivatives of every order come from those of the ops.
 *
 * @module
 */
import { add } from "../ops/add.js";
import { div } from "../ops/div.js";
import { erf } from "../ops/erf.js";
import { gather } from "../ops/gather.js";
import { mean } from "../ops/mean.js";
import { mul } from "../ops/mul.js";
import { pow } from "../ops/pow.js";
import { sqrt } from "../ops/sqrt.js";
import { square } from "../ops/square.js";
import { sub } from "../ops/sub.js";
import { tanh } from "../ops/tanh.js";
import { toTensor, type TensorLike } from "../ops/util.js";
import type { Tensor } from "../graph.js";

/** Options of `gelu`: `approximate` 'none' (the default, as PyTorch's) is xΦ(x), 'tanh' the tanh form. */
export interface GeluOptions {
  readonly approximate?: "none" | "tanh";
}

/**
 * GELU (Hendrycks & Gimpel 2016). `approximate: 'none'` (the default): xΦ(x) = ½x(1 + erf(x/√2)),
 * PyTorch's `gelu()`, Keras' `gelu(approximate=False)`, TF.js's `'gelu'`. `approximate: 'tanh'`:
 * ½x(1 + tanh(√(2/π)(x + 0.044715x³))), PyTorch's `gelu(approximate='tanh')`, Keras'
 * `gelu(approximate=True)`, TF.js's `'gelu_new'`. The two differ by less than 5·10⁻⁴.
 */
export function gelu(x: TensorLike, options: GeluOptions = {}): Tensor {
  const t = toTensor("gelu", "x", x);
  const approximate = options.approximate ?? "none";
  if (approximate === "none") return mul(mul(0.5, t), add(1, erf(mul(Math.SQRT1_2, t))));
  if (approximate !== "tanh") throw new TypeError(`gelu: options.approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
  const inner = mul(Math.sqrt(2 / Math.PI), add(t, mul(0.044715, pow(t, 3))));
  return mul(mul(0.5, t), add(1, tanh(inner)));
}

/**
 * Layer normalization over the last axis (Ba, Kiros & Hinton 2016): (x − μ)/√(σ² + ε)·γ + β with
 * μ, σ² the mean and (biased) variance of each row; γ, β of the last axis' length.
 */
export function layerNorm(x: TensorLike, gamma: TensorLike, beta: TensorLike, eps = 1e-5): Tensor {
  const t = toTensor("layerNorm", "x", x);
  const centred = sub(t, mean(t, -1, true));
  const variance = mean(square(centred), -1, true);
  return add(mul(div(centred, sqrt(add(variance, eps))), gamma), beta);
}

/**
 * Batch normalization in inference form (Ioffe & Szegedy 2015) over the last axis (channels of
 * NHWC, features of a matrix): (x − mean)/√(variance + ε)·γ + β with the given statistics.
 * Keras' default ε is 10⁻³.
 */
export function batchNorm(x: TensorLike, stats: { mean: TensorLike; variance: TensorLike; gamma?: TensorLike; beta?: TensorLike }, eps = 1e-3): Tensor {
  const t = toTensor("batchNorm", "x", x);
  let y = div(sub(t, stats.mean), sqrt(add(stats.variance, eps)));
  if (stats.gamma !== undefined) y = mul(y, stats.gamma);
  if (stats.beta !== undefined) y = add(y, stats.beta);
  return y;
}

/** An embedding lookup: the rows `indices` of a table [V, D] (gather; its gradient a scatter-add). */
export function embedding(table: TensorLike, indices: readonly number[]): Tensor {
  return gather(table, indices);
}
