/**
 * `hessianOperator(f, x0)`: the Hessian of f at x0 as a symmetric `LinearOperator`.
 *
 * @module
 */
import { BaseOperator, asVec, len, type Vec, type VecLike } from "@krylov-ts/operators";
import { input } from "./graph.js";
import { compile, type CompiledDescription, type CompiledFunction } from "./compile.js";
import { hvpGraph, resolveMode, type HvpMode, type HvpOptions, type ScalarFunction } from "./hvp.js";

/**
 * The Hessian ∇²f(x0) as a matrix-free symmetric operator of size n×n.
 *
 * The H·v graph is built and compiled once with x as a fixed input: the nodes that depend on
 * x only (the forward pass, the gradient, the activations' derivatives) run once per point
 * (`setPoint`), and each `apply(v, out)` runs only the nodes that depend on v, with buffers
 * planned once (no allocation in `apply` when `out` is given).
 */
export class HessianOperator extends BaseOperator {
  /** The differentiation mode of the H·v graph. */
  readonly mode: HvpMode;
  private readonly fn: CompiledFunction;
  private readonly point: Float64Array;
  private readonly vals: Float64Array[] = [new Float64Array(0)];
  private readonly outs: Float64Array[] = [new Float64Array(0)];

  /** @internal use `hessianOperator` */
  constructor(f: ScalarFunction, x0: Vec, mode: HvpMode) {
    const n = len(x0);
    super("hessianOperator", n, n, true, true);
    this.mode = mode;
    const x = input([n], "x");
    const v = input([n], "v");
    const { hv } = hvpGraph(f, x, v, mode, "hessianOperator");
    this.fn = compile([v], [hv], { fixed: [x] });
    this.point = new Float64Array(n);
    this.setPoint(x0);
  }

  /** Moves the operator to the Hessian at `x` (recomputes the v-independent part once). */
  setPoint(x: VecLike): this {
    const xv = asVec(x, "hessianOperator.setPoint", "x");
    if (len(xv) !== this.shape[0]) {
      throw new RangeError(`hessianOperator.setPoint: x has length ${len(xv)} but the operator is ${this.shape[0]}×${this.shape[1]}`);
    }
    for (let i = 0; i < this.point.length; i++) this.point[i] = xv.get(i);
    this.fn.bindFixed([this.point]);
    return this;
  }

  /** The compiled plan's counts: nodes, buffers, flops of one `apply`, rewrites. */
  describe(): CompiledDescription {
    return this.fn.describe();
  }

  protected _apply(x: Vec, out: Vec): void {
    const n = this.shape[0];
    this.vals[0] = x.offset === 0 && x.data.length === n ? x.data : x.data.subarray(x.offset, x.offset + n);
    this.outs[0] = out.offset === 0 && out.data.length === n ? out.data : out.data.subarray(out.offset, out.offset + n);
    this.fn.run(this.vals, this.outs);
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
