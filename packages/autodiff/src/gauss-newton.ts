/**
 * `gaussNewtonOperator(model, loss, x0)`: the generalized Gauss–Newton matrix Jᵀ H_L J.
 *
 * @module
 */
import { asVec, len, type Vec, type VecLike } from "@krylov-ts/operators";
import { Tensor, input, shapeStr } from "./graph.js";
import { grad } from "./grad.js";
import { jvp } from "./jvp.js";
import { mul } from "./ops/mul.js";
import { sum } from "./ops/sum.js";
import { stopGradient } from "./ops/stop-gradient.js";
import { compile } from "./compile.js";
import { PointOperator } from "./point-operator.js";
import { traceScalar, type ScalarFunction } from "./hvp.js";

/** A model: from the flat parameter Tensor [n] to its output z (any shape). */
export type ModelFunction = (x: Tensor) => Tensor;

/**
 * G = J(x0)ᵀ · H_L(z0) · J(x0), with z = model(x), J = ∂z/∂x and H_L = ∂²loss/∂z² at
 * z0 = model(x0): the Hessian of loss∘model without the term of the model's curvature
 * (Schraudolph 2002). Positive semi-definite whenever the loss is convex in z (softmax
 * cross-entropy, squared error), which makes it the matrix CG can always be run on.
 *
 * Each `apply(v)` computes u = J v (forward mode), w = H_L u (forward over reverse on the
 * loss alone), and Jᵀ w (reverse mode), in one compiled plan whose v-independent part (the
 * forward pass, the loss's gradient) runs once per point.
 */
export class GaussNewtonOperator extends PointOperator {
  /** @internal use `gaussNewtonOperator` */
  constructor(model: ModelFunction, loss: ScalarFunction, x0: Vec) {
    const n = len(x0);
    if (typeof model !== "function") throw new TypeError("gaussNewtonOperator: model must be a function from a Tensor to a Tensor");
    const x = input([n], "x");
    const v = input([n], "v");
    const z = model(x);
    if (!(z instanceof Tensor)) throw new TypeError("gaussNewtonOperator: model must return a Tensor");
    // H_L is the loss's Hessian at z with z held constant (no curvature of the model).
    const zc = stopGradient(z);
    const L = traceScalar("gaussNewtonOperator", loss, zc, "loss");
    const gz = grad(L, [zc])[0] as Tensor;
    const u = jvp([z], [x], [stopGradient(v)])[0] as Tensor; // u = J v
    const w = jvp([gz], [zc], [u])[0] as Tensor; // w = H_L u
    if (w.size !== z.size) throw new RangeError(`gaussNewtonOperator: H_L·u has shape ${shapeStr(w.shape)} but z has ${shapeStr(z.shape)}`);
    const out = grad(sum(mul(z, stopGradient(w))), [x])[0] as Tensor; // Jᵀ w
    super("gaussNewtonOperator", compile([v], [out], { fixed: [x] }), x0);
  }
}

/**
 * The generalized Gauss–Newton matrix Jᵀ H_L J of `loss(model(x))` at x0, as a symmetric
 * positive semi-definite `LinearOperator` (for a loss convex in the model's output).
 *
 * @param model - from the flat parameters [n] to the model's output z (e.g. logits [B, C])
 * @param loss - from z to a scalar (e.g. `(z) => softmaxCrossEntropy(z, labels)`)
 * @param x0 - the point, length n (copied)
 * @example
 * const G = gaussNewtonOperator((x) => matmul(X, reshape(x, [d, c])), (z) => softmaxCrossEntropy(z, Y), x0);
 */
export function gaussNewtonOperator(model: ModelFunction, loss: ScalarFunction, x0: VecLike): GaussNewtonOperator {
  const x = asVec(x0, "gaussNewtonOperator", "x0");
  return new GaussNewtonOperator(model, loss, x);
}
