/**
 * The dense matrix operator.
 *
 * @module
 */
import type { NdArray } from "ndarray";
import { BaseOperator } from "./operator.js";
import { checkOptions, type OptionKeys } from "./options.js";
import { isNdArray, type Vec } from "./vec.js";
import { view } from "./view.js";

/** A dense m×n matrix stored row-major, as an operator. */
export class DenseOperator extends BaseOperator {
  /** Row-major entries, length m·n: entry (i, j) is `data[i·n + j]`. */
  readonly data: Float64Array;

  /** @internal use `dense(...)` */
  constructor(data: Float64Array, rows: number, cols: number, symmetric: boolean) {
    super("dense", rows, cols, symmetric, true);
    this.data = data;
  }

  /** Entry (i, j). */
  get(i: number, j: number): number {
    return this.data[i * this.shape[1] + j] as number;
  }

  /** The matrix as an m×n ndarray (a view of the same storage). */
  toNdArray(): NdArray<Float64Array> {
    return view(this.data, [this.shape[0], this.shape[1]]);
  }

  protected _apply(x: Vec, out: Vec): void {
    const [m, n] = this.shape;
    const a = this.data;
    const xd = x.data;
    const xo = x.offset;
    const od = out.data;
    const oo = out.offset;
    for (let i = 0; i < m; i++) {
      let s = 0;
      const row = i * n;
      for (let j = 0; j < n; j++) s += (a[row + j] as number) * (xd[xo + j] as number);
      od[oo + i] = s;
    }
  }

  protected override _applyTranspose(x: Vec, out: Vec): void {
    const [m, n] = this.shape;
    const a = this.data;
    const xd = x.data;
    const od = out.data;
    const oo = out.offset;
    od.fill(0, oo, oo + n);
    for (let i = 0; i < m; i++) {
      const xi = xd[x.offset + i] as number;
      if (xi === 0) continue;
      const row = i * n;
      for (let j = 0; j < n; j++) od[oo + j] = (od[oo + j] as number) + xi * (a[row + j] as number);
    }
  }
}

/** Options of `dense`. */
export interface DenseOptions {
  /**
   * Promise that the matrix is symmetric. Default: detected exactly (A = Aᵀ entry by entry)
   * for square matrices.
   */
  symmetric?: boolean;
}

const DENSE_OPTIONS = { symmetric: true } as const satisfies OptionKeys<DenseOptions>;

/**
 * A dense matrix as an operator, from a 2-D ndarray (any strides, any numeric data), an array
 * of rows, or a row-major `Float64Array` with its shape. The entries are copied.
 *
 * @example dense([[2, 1], [1, 3]]).apply(vec([1, 1])) // [3, 4]
 */
export function dense(
  matrix: NdArray | ArrayLike<ArrayLike<number>> | Float64Array,
  shape?: readonly [number, number],
  options: DenseOptions = {},
): DenseOperator {
  checkOptions("dense", options, DENSE_OPTIONS);
  let data: Float64Array;
  let m: number;
  let n: number;
  if (matrix instanceof Float64Array) {
    if (shape === undefined) throw new TypeError("dense: a Float64Array needs its shape [rows, cols]");
    [m, n] = shape;
    if (!Number.isInteger(m) || !Number.isInteger(n) || m < 0 || n < 0) {
      throw new RangeError(`dense: shape must hold non-negative integers, got [${m}, ${n}]`);
    }
    if (matrix.length !== m * n) {
      throw new RangeError(`dense: data has length ${matrix.length} but shape ${m}×${n} needs ${m * n}`);
    }
    data = Float64Array.from(matrix);
  } else if (isNdArray(matrix)) {
    if (matrix.shape.length !== 2) {
      throw new RangeError(`dense: matrix must be 2-D but has shape [${matrix.shape.join(", ")}]`);
    }
    m = matrix.shape[0] as number;
    n = matrix.shape[1] as number;
    data = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) data[i * n + j] = Number(matrix.get(i, j));
  } else if (Array.isArray(matrix)) {
    m = matrix.length;
    const first = matrix[0];
    n = first === undefined ? 0 : first.length;
    data = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      const row = matrix[i] as ArrayLike<number>;
      if (row === null || typeof row !== "object" || typeof row.length !== "number") {
        throw new TypeError(`dense: row ${i} is not an array`);
      }
      if (row.length !== n) {
        throw new RangeError(`dense: row ${i} has length ${row.length} but row 0 has length ${n} (ragged rows)`);
      }
      for (let j = 0; j < n; j++) {
        const v = row[j];
        if (typeof v !== "number") throw new TypeError(`dense: entry (${i}, ${j}) is not a number`);
        data[i * n + j] = v;
      }
    }
  } else {
    throw new TypeError("dense: matrix must be a 2-D ndarray, an array of rows or a Float64Array");
  }
  const symmetric = options.symmetric ?? (m === n && isSymmetricData(data, n));
  if (symmetric && m !== n) throw new RangeError(`dense: symmetric was promised but the matrix is ${m}×${n}`);
  return new DenseOperator(data, m, n, symmetric);
}

function isSymmetricData(a: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (a[i * n + j] !== a[j * n + i]) return false;
  return true;
}
