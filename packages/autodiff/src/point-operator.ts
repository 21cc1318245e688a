/**
 * The shared machinery of the curvature operators (`hessianOperator`, `gaussNewtonOperator`):
 * a compiled plan with the point x as a fixed input, whose x-only part runs once per point and
 * whose v-dependent part runs on every `apply`.
 *
 * @module
 */
import { BaseOperator, asVec, len, type Vec, type VecLike } from "@krylov-ts/operators";
import type { CompiledDescription, CompiledFunction } from "./compile.js";

/** A symmetric n×n operator v ↦ plan(x, v) at a point x that `setPoint` moves. */
export abstract class PointOperator extends BaseOperator {
  private readonly fn: CompiledFunction;
  private readonly point: Float64Array;
  private readonly vals: Float64Array[] = [new Float64Array(0)];
  private readonly outs: Float64Array[] = [new Float64Array(0)];

  /**
   * @param fn - compiled with inputs [v] and the point as its one fixed input
   * @param x0 - the first point (copied)
   */
  protected constructor(name: string, fn: CompiledFunction, x0: Vec) {
    const n = len(x0);
    super(name, n, n, true, true);
    this.fn = fn;
    this.point = new Float64Array(n);
    this.setPoint(x0);
  }

  /** Moves the operator to the point `x` (recomputes the v-independent part once). */
  setPoint(x: VecLike): this {
    const fn = `${this.name}.setPoint`;
    const xv = asVec(x, fn, "x");
    if (len(xv) !== this.shape[0]) {
      throw new RangeError(`${fn}: x has length ${len(xv)} but the operator is ${this.shape[0]}×${this.shape[1]}`);
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
