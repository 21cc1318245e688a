/**
 * `hessianOperator(f, x0)`: the Hessian of f at x0 as a symmetric `LinearOperator`.
 *
 * @module
 */
import { asVec, len, type Vec, type VecLike } from "@krylov-ts/operators";
import { input } from "./graph.js";
import { compile } from "./compile.js";
import { PointOperator } from "./point-operator.js";
import { hvpGraph, resolveMode, type HvpMode, type HvpOptions, type ScalarFunction } from "./hvp.js";

/**
 * The Hessian ∇²f(x0) as a matrix-free symmetric operator of size n×n.
 *
 * The H·v graph is built and compiled once with x as a fixed input: the nodes that depend on
 * x only (the forward pass, the gradient, the activations' derivatives) run once per point
 * (`setPoint`), and each `apply(v, out)` runs only the nodes that depend on v, with buffers
 * planned once (no allocation in `apply` when `out` is given).
 */
export class HessianOperator extends PointOperator {
  /** The differentiation mode of the H·v graph. */
  readonly mode: HvpMode;

  /** @internal use `hessianOperator` */
  constructor(f: ScalarFunction, x0: Vec, mode: HvpMode) {
    const n = len(x0);
    const x = input([n], "x");
    const v = input([n], "v");
    const { hv } = hvpGraph(f, x, v, mode, "hessianOperator");
    super("hessianOperator", compile([v], [hv], { fixed: [x] }), x0);
    this.mode = mode;
  }
}

/**
 * The Hessian of a scalar function at x0, as a symmetric `LinearOperator` (Deep Learning book
 * §6.5.10: H·v costs about as much as a gradient, and Krylov methods need nothing else).
 *
 * @param f - from the flat parameter Tensor [n] to a scalar Tensor (see `params` for models
 *   with several parameter tensors)
 * @param x0 - the point, length n (copied)
 * @param options.mode - `'forward-over-reverse'` (default, faster in the benchmark) or
 *   `'reverse-over-reverse'`
 * @example
 * const H = hessianOperator((x) => sum(pow(x, 4)), [1, 2]);
 * H.apply(vec([1, 0])) // [12, 0]
 */
export function hessianOperator(f: ScalarFunction, x0: VecLike, options?: HvpOptions): HessianOperator {
  const mode = resolveMode("hessianOperator", options);
  const x = asVec(x0, "hessianOperator", "x0");
  return new HessianOperator(f, x, mode);
}
