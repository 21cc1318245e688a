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
    this.vals[0] = this.view(x, this.vals[0] as Float64Array);
    this.outs[0] = this.view(out, this.outs[0] as Float64Array);
    this.fn.run(this.vals, this.outs);
  }

  /** The n elements of a contiguous vector as a Float64Array, reusing `last` when it is that view already. */
  private view(v: Vec, last: Float64Array): Float64Array {
    const n = this.shape[0];
    const d = v.data;
    if (v.offset === 0 && d.length === n) return d;
    if (last.buffer === d.buffer && last.byteOffset === d.byteOffset + v.offset * 8 && last.length === n) return last;
    return d.subarray(v.offset, v.offset + n);
  }
}
