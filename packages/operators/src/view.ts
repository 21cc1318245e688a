/**
 * Strided views with the `ndarray` interface, built without generating code.
 *
 * The `ndarray` package compiles a class per data type and dimension with `new Function` the first
 * time it sees them, so a page whose Content-Security-Policy has no `'unsafe-eval'` cannot call
 * `ndarray()` at all. The vectors and matrices this library creates are instead instances of the
 * class below: the same fields (`data`, `shape`, `stride`, `offset`, `dtype`, `size`, `order`,
 * `dimension`, `T`) and methods (`get`, `set`, `index`, `lo`, `hi`, `step`, `transpose`, `pick`),
 * with the same semantics, so they are `NdArray`s to TypeScript and to any code written for
 * ndarray; and ndarrays made by the `ndarray` package are accepted everywhere as before.
 *
 * @module
 */
import type { NdArray } from "ndarray";

/**
 * `ndarray(data, shape, stride, offset)` without code generation: a view of `data` (a
 * `Float64Array` here) with the given shape, strides (default row-major) and offset.
 *
 * @example view(new Float64Array(6), [2, 3]).get(1, 2) // element 5
 */
export function view(data: Float64Array, shape: readonly number[], stride?: readonly number[], offset = 0): NdArray<Float64Array> {
  const s = stride === undefined ? rowMajor(shape) : [...stride];
  return new StridedView(data, [...shape], s, offset) as unknown as NdArray<Float64Array>;
}

/** A 1-D view: `view(data, [n], [stride], offset)`. */
export function view1(data: Float64Array, n: number, stride = 1, offset = 0): NdArray<Float64Array> {
  return new StridedView(data, [n], [stride], offset) as unknown as NdArray<Float64Array>;
}

function rowMajor(shape: readonly number[]): number[] {
  const stride = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    stride[d] = s;
    s *= shape[d] as number;
  }
  return stride;
}

/** The view class (see the module comment); element (i, j, …) is `data[offset + Σ stride[d]·index[d]]`. */
class StridedView {
  constructor(
    public data: Float64Array,
    public shape: number[],
    public stride: number[],
    public offset: number,
  ) {}

  get dtype(): "float64" {
    return "float64";
  }

  get dimension(): number {
    return this.shape.length;
  }

  get size(): number {
    let n = 1;
    for (const s of this.shape) n *= s;
    return n;
  }

  /**
   * The axes from the smallest |stride| to the largest (ndarray's `order`, ties broken as ndarray
   * breaks them: its 3-D case is a fixed decision tree, the others a stable sort).
   */
  get order(): number[] {
    const a = this.stride.map(Math.abs);
    if (a.length === 3) {
      const [s0, s1, s2] = a as [number, number, number];
      if (s0 > s1) return s1 > s2 ? [2, 1, 0] : s0 > s2 ? [1, 2, 0] : [1, 0, 2];
      if (s0 > s2) return [2, 0, 1];
      return s2 > s1 ? [0, 1, 2] : [0, 2, 1];
    }
    return a.map((_, d) => d).sort((x, y) => (a[x] as number) - (a[y] as number));
  }

  /** All axes reversed (for a matrix, its transpose). */
  get T(): StridedView {
    return this.transpose(...this.shape.map((_, d) => this.shape.length - 1 - d));
  }

  index(...i: number[]): number {
    let k = this.offset;
    for (let d = 0; d < this.stride.length; d++) k += (this.stride[d] as number) * (i[d] as number);
    return k;
  }

  get(...i: number[]): number {
    if (this.stride.length === 1) return this.data[this.offset + (this.stride[0] as number) * (i[0] as number)] as number;
    return this.data[this.index(...i)] as number;
  }

  set(...args: number[]): number {
    const v = args[args.length - 1] as number;
    if (this.stride.length === 1) this.data[this.offset + (this.stride[0] as number) * (args[0] as number)] = v;
    else this.data[this.index(...args.slice(0, -1))] = v;
    return v;
  }

  /** The view starting at index (i, j, …) along each axis given as a non-negative number. */
  lo(...i: Array<number | null | undefined>): StridedView {
    const shape = [...this.shape];
    let offset = this.offset;
    for (let d = 0; d < shape.length; d++) {
      const k = i[d];
      if (typeof k === "number" && k >= 0) {
        offset += (this.stride[d] as number) * k;
        shape[d] = (shape[d] as number) - k;
      }
    }
    return new StridedView(this.data, shape, [...this.stride], offset);
  }

  /** The view ending before index (i, j, …) along each axis given as a non-negative number. */
  hi(...i: Array<number | null | undefined>): StridedView {
    const shape = this.shape.map((s, d) => {
      const k = i[d];
      return typeof k === "number" && k >= 0 ? k : s;
    });
    return new StridedView(this.data, shape, [...this.stride], this.offset);
  }

  /** Every s-th element along each axis given as a nonzero integer (from the end when negative). */
  step(...s: Array<number | null | undefined>): StridedView {
    const shape = [...this.shape];
    const stride = [...this.stride];
    let offset = this.offset;
    for (let d = 0; d < shape.length; d++) {
      const k = s[d];
      if (typeof k !== "number" || (k | 0) === 0) continue;
      const n = shape[d] as number;
      if (k < 0) {
        offset += (stride[d] as number) * (n - 1);
        shape[d] = Math.ceil(-n / k);
      } else {
        shape[d] = Math.ceil(n / k);
      }
      stride[d] = (stride[d] as number) * k;
    }
    return new StridedView(this.data, shape, stride, offset);
  }

  /** The axes permuted: axis d of the result is axis `axes[d]`, or axis d where not given (as ndarray). */
  transpose(...axes: Array<number | undefined>): StridedView {
    const n = this.shape.length;
    const order = Array.from({ length: n }, (_, d) => (axes[d] === undefined ? d : (axes[d] as number) | 0));
    return new StridedView(
      this.data,
      order.map((d) => this.shape[d] as number),
      order.map((d) => this.stride[d] as number),
      this.offset,
    );
  }

  /** The view with each axis given a non-negative index fixed there (and dropped). */
  pick(...i: Array<number | null | undefined>): StridedView {
    const shape: number[] = [];
    const stride: number[] = [];
    let offset = this.offset;
    for (let d = 0; d < this.shape.length; d++) {
      const k = i[d];
      if (typeof k === "number" && k >= 0) offset += (this.stride[d] as number) * (k | 0);
      else {
        shape.push(this.shape[d] as number);
        stride.push(this.stride[d] as number);
      }
    }
    return new StridedView(this.data, shape, stride, offset);
  }
}
