/**
 * The Keras/TF.js activations by their serialized names, written with the package's ops so that
 * their derivatives of every order come from those of the ops.
 *
 * @module
 */
import type { Tensor } from "../graph.js";
import { abs } from "../ops/abs.js";
import { add } from "../ops/add.js";
import { div } from "../ops/div.js";
import { exp } from "../ops/exp.js";
import { greater } from "../ops/compare.js";
import { softmax } from "../ops/log-softmax.js";
import { mul } from "../ops/mul.js";
import { relu } from "../ops/relu.js";
import { sigmoid } from "../ops/sigmoid.js";
import { softplus } from "../ops/softplus.js";
import { sub } from "../ops/sub.js";
import { tanh } from "../ops/tanh.js";
import { where } from "../ops/where.js";
import { gelu } from "./layers.js";

/** elu(x) = x for x > 0, α(eˣ − 1) otherwise. */
function elu(x: Tensor, alpha = 1): Tensor {
  return where(greater(x, 0), x, mul(alpha, sub(exp(x), 1)));
}

// SELU's constants (Klambauer et al. 2017), as Keras and TF.js spell them.
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

const ACTIVATIONS: Readonly<Record<string, (x: Tensor) => Tensor>> = {
  linear: (x) => x,
  relu,
  tanh,
  sigmoid,
  softmax: (x) => softmax(x, -1),
  softplus,
  softsign: (x) => div(x, add(1, abs(x))),
  elu: (x) => elu(x),
  selu: (x) => mul(SELU_SCALE, elu(x, SELU_ALPHA)),
  swish: (x) => mul(x, sigmoid(x)),
  silu: (x) => mul(x, sigmoid(x)),
  // TF.js's 'gelu' is xΦ(x) with erf (as Keras' default), its 'gelu_new' the tanh form.
  gelu: (x) => gelu(x),
  gelu_new: (x) => gelu(x, { approximate: "tanh" }),
};

/** The activation serialized as `name`, or a TypeError naming the layer and the supported ones. */
export function activationNamed(where: string, name: string): (x: Tensor) => Tensor {
  const f = ACTIVATIONS[name];
  if (f === undefined) {
    throw new TypeError(`${where}: activation '${name}' is not supported; supported: ${Object.keys(ACTIVATIONS).join(", ")}`);
  }
  return f;
}
