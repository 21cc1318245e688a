/**
 * Graph-level helpers shared by the ops' rules: numbers as constants, axis normalization,
 * zeros/ones of a shape, and `sumTo` (the reduction of a broadcast cotangent).
 *
 * @module
 */
import { Tensor, constant, shapeStr, type Shape } from "../graph.js";
import { sum } from "./sum.js";
import { reshape } from "./reshape.js";

/** A tensor or a number (a number becomes a scalar constant). */
export type TensorLike = Tensor | number;

/** The tensor itself, or a scalar constant for a number. */
export function toTensor(fn: string, arg: string, x: TensorLike): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === "number") return constant(x);
  throw new TypeError(`${fn}: ${arg} must be a Tensor or a number`);
}

/** A zeros constant of `shape`. */
export function zeros(shape: Shape): Tensor {
  let n = 1;
  for (const d of shape) n *= d;
  return constant(new Float64Array(n), shape);
}

/** A ones constant of `shape`. */
export function ones(shape: Shape): Tensor {
  let n = 1;
  for (const d of shape) n *= d;
  return constant(new Float64Array(n).fill(1), shape);
}

/** A zeros constant with the shape of `x`. */
export function zerosLike(x: Tensor): Tensor {
  return zeros(x.shape);
}

/** A ones constant with the shape of `x`. */
export function onesLike(x: Tensor): Tensor {
  return ones(x.shape);
}

/** An axis in [-rank, rank) as a non-negative index; throws naming `fn` otherwise. */
export function normalizeAxis(fn: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new RangeError(`${fn}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Axes (a number, a list, or undefined for all) as a sorted list of distinct non-negative axes. */
export function normalizeAxes(fn: string, axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === "number" ? [axes] : [...axes];
  const out = list.map((a) => normalizeAxis(fn, a, rank));
  out.sort((p, q) => p - q);
  for (let i = 1; i < out.length; i++) {
    if (out[i] === out[i - 1]) throw new RangeError(`${fn}: axis ${out[i]} is repeated in ${JSON.stringify(axes)}`);
  }
  return out;
}

/**
 * Sums `g` down to `shape`, undoing a NumPy broadcast of a tensor of `shape` to `g.shape`: the
 * leading axes `g` has in excess are summed away and the axes where `shape` has a 1 are summed
 * with `keepDims`. Returns `g` itself when the shapes already agree.
 */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  const lead = g.rank - shape.length;
  if (lead < 0) throw new RangeError(`sumTo: cannot sum ${shapeStr(g.shape)} down to ${shapeStr(shape)}`);
  const inner: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1 && g.shape[lead + i] !== 1) inner.push(lead + i);
    else if (shape[i] !== g.shape[lead + i]) {
      throw new RangeError(`sumTo: cannot sum ${shapeStr(g.shape)} down to ${shapeStr(shape)}`);
    }
  }
  const leading = Array.from({ length: lead }, (_, i) => i);
  if (inner.length === 0) {
    if (lead === 0) return g;
    return sum(g, leading);
  }
  return reshape(sum(g, [...leading, ...inner], true), shape);
}

/** True when two shapes are equal. */
export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
