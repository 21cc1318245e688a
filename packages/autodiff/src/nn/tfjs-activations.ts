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
  // TF.js's 'gelu_new' is the tanh form; its 'gelu' (and Keras' default) is the exact erf form,
  // which the package cannot express (no erf op), so it is refused below rather than approximated.
  gelu_new: gelu,
};

/** The activation serialized as `name`, or a TypeError naming the layer and the supported ones. */
export function activationNamed(where: string, name: string): (x: Tensor) => Tensor {
  const f = ACTIVATIONS[name];
  if (f === undefined) {
    const why = name === "gelu" ? " (the exact erf form; only the tanh form 'gelu_new' is supported)" : "";
    throw new TypeError(`${where}: activation '${name}' is not supported${why}; supported: ${Object.keys(ACTIVATIONS).join(", ")}`);
  }
  return f;
}
