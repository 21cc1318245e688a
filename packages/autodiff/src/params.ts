/**
 * `params(spec)`: several parameter tensors (weights, biases) as one flat vector with named views.
 *
 * @module
 */
import type { NdArray } from "ndarray";
import { asVec, len, vec, view, type Vec, type VecLike } from "@krylov-ts/operators";
import { Tensor, checkShapeList, shapeStr, sizeOf, type Shape } from "./graph.js";
import { slice } from "./ops/slice.js";
import { reshape } from "./ops/reshape.js";

/** Names and shapes of the parameter tensors, in the order they are packed. */
export type ParamSpec = Readonly<Record<string, readonly number[]>> | readonly (readonly [string, readonly number[]])[];

/** One parameter tensor's place in the flat vector. */
export interface ParamEntry {
  readonly name: string;
  readonly shape: Shape;
  /** First index in the flat vector, and number of elements. */
  readonly offset: number;
  readonly size: number;
}

/** A value `pack` accepts for one parameter: row-major numbers, an ndarray, or a number for a scalar. */
export type ParamValue = ArrayLike<number> | NdArray | number;

/**
 * The layout of several parameter tensors in one flat vector of length n. `K` is the union of
 * the parameter names, so `views`, `pack` and `unpack` are typed by them.
 */
export class ParamLayout<K extends string = string> {
  /** Total number of parameters. */
  readonly n: number;
  readonly entries: readonly ParamEntry[];
  private readonly byName: ReadonlyMap<string, ParamEntry>;

  /** @internal use `params` */
  constructor(entries: readonly ParamEntry[]) {
    this.entries = entries;
    this.byName = new Map(entries.map((e) => [e.name, e]));
    this.n = entries.reduce((s, e) => s + e.size, 0);
  }

  /** The parameter names, in packing order. */
  get names(): string[] {
    return this.entries.map((e) => e.name);
  }

  /** The entry of one parameter; throws for an unknown name. */
  entry(name: string): ParamEntry {
    const e = this.byName.get(name);
    if (e === undefined) throw new RangeError(`params: no parameter named '${name}' (known: ${this.names.join(", ")})`);
    return e;
  }

  /**
   * The named tensors of a flat parameter Tensor `x` (shape [n]): each a `slice` of x
   * reshaped to its shape, so gradients flow back into x.
   */
  views(x: Tensor): Record<K, Tensor> {
    if (!(x instanceof Tensor)) throw new TypeError("params.views: x must be a Tensor");
    if (x.rank !== 1 || x.size !== this.n) {
      throw new RangeError(`params.views: x has shape ${shapeStr(x.shape)} but the parameters need [${this.n}]`);
    }
    const out = {} as Record<K, Tensor>;
    for (const e of this.entries) {
      const flat = e.offset === 0 && e.size === this.n ? x : slice(x, [e.offset], [e.size]);
      out[e.name as K] = reshape(flat, e.shape);
    }
    return out;
  }

  /**
   * Packs named values into one flat vector (into `out` when given). Every parameter must be
   * present with its number of elements (checked before anything is written: `out` is left
   * unchanged on error); ndarrays are read through their strides.
   */
  pack(values: Readonly<Record<K, ParamValue>>, out?: Vec): Vec {
    const o = out ?? vec(this.n);
    if (len(o) !== this.n) throw new RangeError(`params.pack: out has length ${len(o)} but the parameters need ${this.n}`);
    // Every value is checked before anything is written, so `out` is untouched on error.
    const readers = this.entries.map((e) => {
      const v = (values as Readonly<Record<string, ParamValue | undefined>>)[e.name];
      if (v === undefined) throw new RangeError(`params.pack: no value for parameter '${e.name}' ${shapeStr(e.shape)}`);
      return flatten(e, v);
    });
    this.entries.forEach((e, k) => {
      const flat = readers[k] as (i: number) => number;
      for (let i = 0; i < e.size; i++) o.set(e.offset + i, flat(i));
    });
    return o;
  }

  /**
   * The named parameters of a flat vector as ndarrays of their shapes, viewing x's storage
   * (no copy: writing into a view writes into x).
   */
  unpack(x: VecLike): Record<K, NdArray<Float64Array>> {
    const xv = asVec(x, "params.unpack", "x");
    if (len(xv) !== this.n) throw new RangeError(`params.unpack: x has length ${len(xv)} but the parameters need ${this.n}`);
    const s = xv.stride[0] as number;
    const out = {} as Record<K, NdArray<Float64Array>>;
    for (const e of this.entries) {
      const strides = rowMajorStrides(e.shape).map((d) => d * s);
      out[e.name as K] = view(xv.data, [...e.shape], strides, xv.offset + e.offset * s);
    }
    return out;
  }
}

/**
 * A flat parameter vector with named views, for models with several parameter tensors.
 *
 * @param spec - names and shapes, e.g. `{ W1: [784, 256], b1: [256], W2: [256, 10], b2: [10] }`
 *   (packed in this order)
 * @example
 * const P = params({ W: [3, 2], b: [2] });           // P.n = 8
 * const f = (x: Tensor) => { const { W, b } = P.views(x); return sum(add(matmul(X, W), b)); };
 * const x0 = P.pack({ W: [1, 2, 3, 4, 5, 6], b: [0, 0] });
 */
export function params<const S extends Readonly<Record<string, readonly number[]>>>(spec: S): ParamLayout<keyof S & string>;
export function params(spec: ParamSpec): ParamLayout;
export function params(spec: ParamSpec): ParamLayout {
  const pairs: (readonly [string, readonly number[]])[] = Array.isArray(spec)
    ? [...(spec as readonly (readonly [string, readonly number[]])[])]
    : Object.entries(spec as Readonly<Record<string, readonly number[]>>);
  if (pairs.length === 0) throw new RangeError("params: spec names no parameter");
  const entries: ParamEntry[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (const [name, shape] of pairs) {
    if (typeof name !== "string" || name === "") throw new TypeError("params: every parameter needs a non-empty name");
    if (seen.has(name)) throw new RangeError(`params: parameter '${name}' is named twice`);
    seen.add(name);
    const s = checkShapeList("params", `the shape of '${name}'`, shape);
    const size = sizeOf(s);
    entries.push({ name, shape: Object.freeze([...s]), offset, size });
    offset += size;
  }
  return new ParamLayout(entries);
}

function rowMajorStrides(shape: Shape): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= shape[i] as number;
  }
  return st;
}

/** A reader of the i-th row-major element of a parameter value, after checking its size. */
function flatten(e: ParamEntry, v: ParamValue): (i: number) => number {
  const bad = (got: string): RangeError =>
    new RangeError(`params.pack: parameter '${e.name}' ${shapeStr(e.shape)} needs ${e.size} values but got ${got}`);
  if (typeof v === "number") {
    if (e.size !== 1) throw bad("a number");
    return () => v;
  }
  if (typeof v === "object" && v !== null && "shape" in v && "stride" in v && "offset" in v && "get" in v) {
    const nd = v as NdArray;
    if (sizeOf(nd.shape) !== e.size) throw bad(`shape ${shapeStr(nd.shape)}`);
    const st = rowMajorStrides(nd.shape);
    return (i) => {
      let o = nd.offset;
      let r = i;
      for (let d = 0; d < nd.shape.length; d++) {
        const q = Math.floor(r / (st[d] as number));
        r -= q * (st[d] as number);
        o += q * (nd.stride[d] as number);
      }
      return Number((nd.data as ArrayLike<number>)[o]);
    };
  }
  const a = v as ArrayLike<number>;
  if (typeof a.length !== "number" || a.length !== e.size) throw bad(`${typeof a.length === "number" ? a.length : "no array"}`);
  return (i) => a[i] as number;
}
