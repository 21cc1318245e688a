/**
 * The symbolic graph: tensors are nodes (op, inputs, shape, attributes), built by calling ops
 * on other tensors. Shapes are checked when a node is built. Each op is an `OpDef` in one
 * registry: a shape rule, a kernel on flat row-major buffers, and VJP and JVP rules that build
 * new nodes with the same public ops (so derivatives can be differentiated again).
 *
 * @module
 */

/** A tensor's shape; `[]` is a scalar. */
export type Shape = readonly number[];

/** An op's attributes: plain data, compared by value when the compiler merges nodes. */
export type Attrs = Readonly<Record<string, number | string | boolean | null | readonly number[]>>;

/** A node of the graph. Create them with the ops, `input` and `constant`, never with `new`. */
export class Tensor {
  /** Unique, increasing in creation order (so inputs always have smaller ids). */
  readonly id: number;
  /** The op's registered name. */
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly shape: Shape;
  /** Number of elements (1 for a scalar). */
  readonly size: number;
  readonly attrs: Attrs;
  /** The data of a `constant` node (row-major); undefined for every other op. */
  readonly value: Float64Array | undefined;
  /** The name of an `input` node. */
  readonly name: string | undefined;

  /** @internal */
  constructor(op: string, inputs: readonly Tensor[], shape: Shape, attrs: Attrs, value?: Float64Array, name?: string) {
    this.id = nextId++;
    this.op = op;
    this.inputs = inputs;
    this.shape = Object.freeze([...shape]);
    this.size = sizeOf(shape);
    this.attrs = attrs;
    this.value = value;
    this.name = name;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `Tensor(${this.op}#${this.id}, [${this.shape.join(", ")}])`;
  }
}

let nextId = 0;

/** Everything the package knows about one op. */
export interface OpDef<A extends Attrs = Attrs> {
  readonly name: string;
  /**
   * The output shape from the input shapes; throws a `RangeError` naming the op and the shapes
   * when they do not fit.
   */
  shape(inputs: readonly Shape[], attrs: A): Shape;
  /**
   * Writes the output (row-major, `outShape`) into `out`. `out` may hold stale data from an
   * earlier use of the buffer and never aliases an input.
   */
  kernel(inputs: readonly Float64Array[], inShapes: readonly Shape[], out: Float64Array, outShape: Shape, attrs: A): void;
  /**
   * Reverse mode: the cotangents of the inputs given `g`, the cotangent of `node`'s output,
   * built with public ops; `null` where no gradient flows (or it is identically zero).
   */
  vjp(node: Tensor, g: Tensor): readonly (Tensor | null)[];
  /**
   * Forward mode: the tangent of `node`'s output given the inputs' tangents (`null` = zero),
   * built with public ops; `null` when the result is zero.
   */
  jvp(node: Tensor, tangents: readonly (Tensor | null)[]): Tensor | null;
}

const registry = new Map<string, OpDef>();

/** Adds an op to the registry; refuses a name that is already taken. */
export function registerOp<A extends Attrs>(def: OpDef<A>): OpDef<A> {
  if (registry.has(def.name)) throw new Error(`registerOp: an op named '${def.name}' is already registered`);
  for (const k of ["shape", "kernel", "vjp", "jvp"] as const) {
    if (typeof def[k] !== "function") throw new TypeError(`registerOp: op '${def.name}' lacks its ${k} rule`);
  }
  registry.set(def.name, def as unknown as OpDef);
  return def;
}

/** The definition of a registered op; throws for an unknown name. */
export function getOp(name: string): OpDef {
  const d = registry.get(name);
  if (d === undefined) throw new Error(`getOp: no op named '${name}'`);
  return d;
}

/** The names of every registered op. */
export function listOps(): string[] {
  return [...registry.keys()];
}

/** Builds a node of a registered op, checking shapes through the op's shape rule. */
export function makeNode(op: string, inputs: readonly Tensor[], attrs: Attrs = {}): Tensor {
  const def = getOp(op);
  for (let i = 0; i < inputs.length; i++) {
    if (!(inputs[i] instanceof Tensor)) throw new TypeError(`${op}: input ${i} is not a Tensor`);
  }
  const shape = def.shape(
    inputs.map((t) => t.shape),
    attrs,
  );
  return new Tensor(op, inputs, shape, attrs);
}

/** The number of elements of a shape. */
export function sizeOf(shape: Shape): number {
  let s = 1;
  for (const d of shape) s *= d;
  return s;
}

/** A shape as text: `[2, 3]`. */
export function shapeStr(shape: Shape): string {
  return `[${shape.join(", ")}]`;
}

/** Throws unless `shape` is a list of non-negative integers. */
export function checkShapeList(fn: string, arg: string, shape: unknown): Shape {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new RangeError(`${fn}: ${arg} must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  return shape as number[];
}

/**
 * The NumPy broadcast of two shapes (aligned at the right; a 1 stretches); throws naming
 * `fn` and both shapes when they do not broadcast.
 */
export function broadcastShapes(fn: string, a: Shape, b: Shape): Shape {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(`${fn}: shapes ${shapeStr(a)} and ${shapeStr(b)} do not broadcast`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

registerOp({
  name: "input",
  shape: (_inputs, attrs) => attrs.shape as readonly number[],
  kernel: () => {
    throw new Error("input: an input's value must be bound when the graph runs");
  },
  vjp: () => [],
  jvp: () => null,
});

registerOp({
  name: "constant",
  shape: (_inputs, attrs) => attrs.shape as readonly number[],
  kernel: () => {
    throw new Error("constant: a constant's value is bound when the graph is compiled");
  },
  vjp: () => [],
  jvp: () => null,
});

/**
 * A symbolic input (a placeholder bound to a value when the graph runs).
 *
 * @param shape - its shape; `[]` for a scalar
 * @param name - a label for error messages and `describe()`
 */
export function input(shape: Shape, name = "x"): Tensor {
  const s = checkShapeList("input", "shape", shape);
  return new Tensor("input", [], s, { shape: [...s] }, undefined, name);
}

/**
 * A constant tensor from a number, an array (nested arrays give the shape), a typed array
 * with an explicit shape, or an ndarray. The data are copied.
 *
 * @example constant([[1, 2], [3, 4]]).shape // [2, 2]
 */
export function constant(data: number | ArrayLike<number> | NestedArray | NdArrayLike, shape?: Shape): Tensor {
  let flat: Float64Array;
  let s: Shape;
  if (typeof data === "number") {
    flat = Float64Array.of(data);
    s = shape ?? [];
  } else if (isNdArrayLike(data)) {
    s = data.shape;
    flat = new Float64Array(sizeOf(s));
    let k = 0;
    const idx = new Array<number>(s.length).fill(0);
    for (let i = 0; i < flat.length; i++) {
      let o = data.offset;
      for (let d = 0; d < s.length; d++) o += (idx[d] as number) * (data.stride[d] as number);
      flat[k++] = Number(data.data[o]);
      for (let d = s.length - 1; d >= 0; d--) {
        idx[d] = (idx[d] as number) + 1;
        if ((idx[d] as number) < (s[d] as number)) break;
        idx[d] = 0;
      }
    }
  } else if (Array.isArray(data) && data.length > 0 && Array.isArray(data[0])) {
    const inferred: number[] = [];
    let level: unknown = data;
    while (Array.isArray(level)) {
      inferred.push(level.length);
      level = level[0];
    }
    const values: number[] = [];
    flattenInto("constant", data as NestedArray, inferred, 0, values);
    flat = Float64Array.from(values);
    s = inferred;
  } else {
    flat = Float64Array.from(data as ArrayLike<number>);
    s = shape ?? [flat.length];
  }
  if (shape !== undefined) {
    checkShapeList("constant", "shape", shape);
    if (sizeOf(shape) !== flat.length) {
      throw new RangeError(`constant: data has ${flat.length} elements but shape ${shapeStr(shape)} needs ${sizeOf(shape)}`);
    }
    s = shape;
  }
  for (let i = 0; i < flat.length; i++) {
    if (Number.isNaN(flat[i]) && typeof data !== "number" && !isNdArrayLike(data)) {
      const v = (data as ArrayLike<unknown>)[i];
      if (typeof v !== "number") throw new TypeError(`constant: element ${i} is not a number`);
    }
  }
  return new Tensor("constant", [], s, { shape: [...s] }, flat);
}

/** Nested arrays of numbers, as `constant` accepts them. */
export type NestedArray = readonly (number | NestedArray)[];

/** The fields of an ndarray that `constant` reads. */
export interface NdArrayLike {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
  readonly stride: readonly number[];
  readonly offset: number;
}

function isNdArrayLike(x: unknown): x is NdArrayLike {
  return typeof x === "object" && x !== null && "shape" in x && "stride" in x && "offset" in x && "data" in x;
}

function flattenInto(fn: string, a: NestedArray, shape: number[], depth: number, out: number[]): void {
  if (a.length !== shape[depth]) {
    throw new RangeError(`${fn}: ragged nested array: length ${a.length} at depth ${depth} but ${shape[depth]} expected`);
  }
  for (const v of a) {
    if (depth === shape.length - 1) {
      if (typeof v !== "number") throw new TypeError(`${fn}: a non-number at depth ${depth}`);
      out.push(v);
    } else {
      if (!Array.isArray(v)) throw new RangeError(`${fn}: ragged nested array at depth ${depth}`);
      flattenInto(fn, v as NestedArray, shape, depth + 1, out);
    }
  }
}
