/**
 * The `LinearOperator` contract and the base class every operator of this package extends.
 *
 * The public `apply` checks shapes, converts its argument at the edge, takes care of strided
 * and aliased vectors, and then calls the operator's own `_apply`, which may assume contiguous,
 * distinct vectors of the right lengths (the pattern of SciPy's `LinearOperator.matvec`).
 *
 * @module
 */
import { asVec, copy, len, vec, isContiguous, overlaps, type Vec, type VecLike } from "./vec.js";
import { checkOptions, type OptionKeys } from "./options.js";

/** A linear map ℝⁿ → ℝᵐ known only by its action on vectors. */
export interface LinearOperator {
  /** [rows, cols] = [m, n]. */
  readonly shape: readonly [rows: number, cols: number];
  /** out = A x; `x` has length n, `out` (allocated when omitted) length m. */
  apply(x: Vec, out?: Vec): Vec;
  /** out = Aᵀ x; `x` has length m, `out` length n. Absent when the transpose is unknown. */
  applyTranspose?(x: Vec, out?: Vec): Vec;
  /** A promise that A = Aᵀ, which solvers may rely on. */
  readonly symmetric?: boolean;
}

/** The shape of an operator as text: `3×4`. */
export function shapeText(A: { readonly shape: readonly [number, number] }): string {
  return `${A.shape[0]}×${A.shape[1]}`;
}

/** Throws unless `A` looks like a `LinearOperator`. */
export function checkOperator(fn: string, arg: string, A: unknown): asserts A is LinearOperator {
  if (
    typeof A !== "object" ||
    A === null ||
    !("shape" in A) ||
    !Array.isArray((A as LinearOperator).shape) ||
    typeof (A as LinearOperator).apply !== "function"
  ) {
    throw new TypeError(`${fn}: ${arg} must be a LinearOperator (an object with shape and apply)`);
  }
  const [m, n] = (A as LinearOperator).shape;
  if (!Number.isInteger(m) || !Number.isInteger(n) || m < 0 || n < 0) {
    throw new RangeError(`${fn}: ${arg} has invalid shape [${m}, ${n}]`);
  }
}

/** Throws unless `A` is square; returns n. */
export function checkSquare(fn: string, arg: string, A: LinearOperator): number {
  const [m, n] = A.shape;
  if (m !== n) throw new RangeError(`${fn}: ${arg} must be square but is ${m}×${n}`);
  return n;
}

/** Throws unless `shape` is a pair of non-negative integers. */
export function checkShape(fn: string, shape: readonly number[]): readonly [number, number] {
  if (!Array.isArray(shape) || shape.length !== 2) {
    throw new TypeError(`${fn}: shape must be a pair [rows, cols]`);
  }
  const [m, n] = shape as [number, number];
  if (!Number.isInteger(m) || !Number.isInteger(n) || m < 0 || n < 0) {
    throw new RangeError(`${fn}: shape must hold non-negative integers, got [${m}, ${n}]`);
  }
  return [m, n];
}

/**
 * The base of every operator in this package.
 *
 * Subclasses implement `_apply(x, out)` (and `_applyTranspose` when they pass
 * `transposable`): both vectors are contiguous (stride 1), do not share storage, and have the
 * right lengths. `out` must be written in full.
 */
export abstract class BaseOperator implements LinearOperator {
  readonly shape: readonly [number, number];
  readonly symmetric: boolean;
  /** Public name used in error messages (`dense`, `add`, …). */
  readonly name: string;
  /** Aᵀx, present only when the transpose is known. */
  readonly applyTranspose?: (x: Vec, out?: Vec) => Vec;
  /** Copies of a strided or aliased x and of a strided out: [A x's x, A x's out, Aᵀx's x, Aᵀx's out]. */
  private readonly scratch: Array<Vec | undefined> = [undefined, undefined, undefined, undefined];

  protected constructor(name: string, rows: number, cols: number, symmetric: boolean, transposable: boolean) {
    this.name = name;
    this.shape = [rows, cols];
    this.symmetric = symmetric && rows === cols;
    if (transposable || this.symmetric) {
      this.applyTranspose = (x: Vec, out?: Vec): Vec =>
        this.symmetric
          ? this.run(x, out, false, "applyTranspose")
          : this.run(x, out, true, "applyTranspose");
    }
  }

  /** out = A x. */
  apply(x: VecLike, out?: Vec): Vec {
    return this.run(x, out, false, "apply");
  }

  protected abstract _apply(x: Vec, out: Vec): void;

  protected _applyTranspose(_x: Vec, _out: Vec): void {
    throw new TypeError(`${this.name}: the transpose of this operator is not known`);
  }

  private run(xIn: VecLike, out: Vec | undefined, transpose: boolean, method: string): Vec {
    const fn = `${this.name}.${method}`;
    const x = asVec(xIn, fn, "x");
    const [m, n] = this.shape;
    const nIn = transpose ? m : n;
    const nOut = transpose ? n : m;
    if (len(x) !== nIn) {
      throw new RangeError(`${fn}: x has length ${len(x)} but the operator is ${m}×${n}`);
    }
    const o = out ?? vec(nOut);
    if (len(o) !== nOut) {
      throw new RangeError(`${fn}: out has length ${len(o)} but the operator is ${m}×${n}`);
    }
    // One pair of copies per direction: with m ≠ n, one pair shared by A x and Aᵀx was reallocated at each alternation.
    const slot = transpose ? 2 : 0;
    let xc = x;
    if (!isContiguous(x) || overlaps(o, x)) {
      const sx = (this.scratch[slot] ??= vec(nIn));
      xc = copy(x, sx);
    }
    if (isContiguous(o)) {
      if (transpose) this._applyTranspose(xc, o);
      else this._apply(xc, o);
      return o;
    }
    const so = (this.scratch[slot + 1] ??= vec(nOut));
    if (transpose) this._applyTranspose(xc, so);
    else this._apply(xc, so);
    copy(so, o);
    return o;
  }
}

/** The user's function behind `operator(shape, fn)`: writes A x into `out` (or returns it). */
export type ApplyFunction = (x: Vec, out: Vec) => Vec | void;

/** Options of `operator`. */
export interface OperatorOptions {
  /** The transpose's action, written like `apply`. */
  applyTranspose?: ApplyFunction;
  /** Promise that the operator is symmetric (then `applyTranspose` is `apply`). Default false. */
  symmetric?: boolean;
  /** Name used in error messages; default `operator`. */
  name?: string;
}

class FunctionOperator extends BaseOperator {
  constructor(
    shape: readonly [number, number],
    private readonly fn: ApplyFunction,
    private readonly fnT: ApplyFunction | undefined,
    symmetric: boolean,
    name: string,
  ) {
    super(name, shape[0], shape[1], symmetric, fnT !== undefined);
  }

  protected _apply(x: Vec, out: Vec): void {
    const r = this.fn(x, out);
    if (r !== undefined && r !== out) this.accept(r, out, "apply");
  }

  protected override _applyTranspose(x: Vec, out: Vec): void {
    const fnT = this.fnT as ApplyFunction;
    const r = fnT(x, out);
    if (r !== undefined && r !== out) this.accept(r, out, "applyTranspose");
  }

  private accept(r: Vec, out: Vec, method: string): void {
    const v = asVec(r, `${this.name}.${method}`, "the function's result");
    if (len(v) !== len(out)) {
      throw new RangeError(
        `${this.name}.${method}: the function returned length ${len(v)} but the operator is ${shapeText(this)}`,
      );
    }
    copy(v, out);
  }
}

const OPERATOR_OPTIONS = { applyTranspose: true, symmetric: true, name: true } as const satisfies OptionKeys<OperatorOptions>;

/**
 * Wraps a function as a first-class `LinearOperator`.
 *
 * @param shape - [rows, cols]
 * @param apply - writes A x into `out` (length rows) or returns a vector holding it
 * @example
 * const twice = operator([3, 3], (x, out) => scal(2, x, out), { symmetric: true });
 */
export function operator(
  shape: readonly [number, number],
  apply: ApplyFunction,
  options: OperatorOptions = {},
): BaseOperator {
  const s = checkShape("operator", shape);
  checkOptions("operator", options, OPERATOR_OPTIONS);
  if (typeof apply !== "function") throw new TypeError("operator: apply must be a function");
  if (options.applyTranspose !== undefined && typeof options.applyTranspose !== "function") {
    throw new TypeError("operator: options.applyTranspose must be a function");
  }
  const symmetric = options.symmetric ?? false;
  if (symmetric && s[0] !== s[1]) {
    throw new RangeError(`operator: symmetric was promised but the shape is ${s[0]}×${s[1]}`);
  }
  return new FunctionOperator(s, apply, options.applyTranspose, symmetric, options.name ?? "operator");
}
