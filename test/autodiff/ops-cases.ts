/**
 * The table of op cases shared by the ops*.test.ts files: each builds a small graph of one op on
 * random inputs (shapes chosen to exercise every broadcasting path), and the finite-difference
 * machinery that checks its derivative rules to third order.
 */
import { rng } from "@krylov-ts/operators";
import * as ad from "@krylov-ts/autodiff";
import { Tensor, input, constant, evaluate, grad, jvp } from "@krylov-ts/autodiff";

type Shape = readonly number[];

/** Where an input's random values are drawn. */
export type Domain = "any" | "positive" | "awayFromZero";

export interface OpCase {
  readonly name: string;
  readonly shapes: readonly Shape[];
  readonly f: (...xs: Tensor[]) => Tensor;
  /** Per-input domain (default "any"). */
  readonly domains?: readonly Domain[];
  /** False for piecewise ops: skipped at third order (their higher derivatives are 0 a.e. anyway). */
  readonly smooth?: boolean;
}

const c = (values: number[], shape: Shape): Tensor => constant(values, shape);

export const cases: readonly OpCase[] = [
  { name: "add of equal shapes", shapes: [[3, 4], [3, 4]], f: (a, b) => ad.add(a, b) },
  { name: "add with a bias [3, 4] + [4]", shapes: [[3, 4], [4]], f: (a, b) => ad.add(a, b) },
  { name: "add with a column [3, 1] + [3, 4]", shapes: [[3, 1], [3, 4]], f: (a, b) => ad.add(a, b) },
  { name: "add with a general broadcast [2, 1, 3] + [4, 1]", shapes: [[2, 1, 3], [4, 1]], f: (a, b) => ad.add(a, b) },
  { name: "add of a number", shapes: [[2, 3]], f: (a) => ad.add(2.5, a) },
  { name: "sub with a scalar tensor", shapes: [[2, 3], []], f: (a, b) => ad.sub(a, b) },
  { name: "sub with a general broadcast", shapes: [[3, 1], [1, 4]], f: (a, b) => ad.sub(a, b) },
  { name: "mul of equal shapes", shapes: [[3, 4], [3, 4]], f: (a, b) => ad.mul(a, b) },
  { name: "mul with a bias", shapes: [[4], [3, 4]], f: (a, b) => ad.mul(a, b) },
  { name: "mul with a column", shapes: [[3, 4], [3, 1]], f: (a, b) => ad.mul(a, b) },
  { name: "mul with a general broadcast", shapes: [[2, 1, 3], [4, 1]], f: (a, b) => ad.mul(a, b) },
  { name: "div of equal shapes", shapes: [[2, 3], [2, 3]], f: (a, b) => ad.div(a, b), domains: ["any", "awayFromZero"] },
  { name: "div with a broadcast divisor", shapes: [[3, 4], [4]], f: (a, b) => ad.div(a, b), domains: ["any", "awayFromZero"] },
  { name: "div of a number by a tensor", shapes: [[2, 3]], f: (a) => ad.div(1.5, a), domains: ["awayFromZero"] },
  { name: "neg", shapes: [[2, 3]], f: (a) => ad.neg(a) },
  { name: "pow with an integer exponent", shapes: [[2, 3]], f: (a) => ad.pow(a, 3) },
  { name: "pow with a fractional exponent", shapes: [[2, 3]], f: (a) => ad.pow(a, 2.5), domains: ["positive"] },
  { name: "pow with a negative exponent", shapes: [[5]], f: (a) => ad.pow(a, -1.5), domains: ["positive"] },
  { name: "square", shapes: [[2, 3]], f: (a) => ad.square(a) },
  { name: "sqrt", shapes: [[2, 3]], f: (a) => ad.sqrt(a), domains: ["positive"] },
  { name: "exp", shapes: [[2, 3]], f: (a) => ad.exp(a) },
  { name: "log", shapes: [[2, 3]], f: (a) => ad.log(a), domains: ["positive"] },
  { name: "log1p", shapes: [[2, 3]], f: (a) => ad.log1p(a), domains: ["positive"] },
  { name: "tanh", shapes: [[2, 3]], f: (a) => ad.tanh(a) },
  { name: "sigmoid", shapes: [[2, 3]], f: (a) => ad.sigmoid(a) },
  { name: "erf", shapes: [[2, 3]], f: (a) => ad.erf(ad.mul(2, a)) },
  { name: "relu", shapes: [[2, 3]], f: (a) => ad.relu(a), domains: ["awayFromZero"], smooth: false },
  { name: "softplus", shapes: [[2, 3]], f: (a) => ad.softplus(a) },
  { name: "sin", shapes: [[2, 3]], f: (a) => ad.sin(a) },
  { name: "cos", shapes: [[2, 3]], f: (a) => ad.cos(a) },
  { name: "abs", shapes: [[2, 3]], f: (a) => ad.abs(a), domains: ["awayFromZero"], smooth: false },
  { name: "maximum with a broadcast", shapes: [[3, 4], [4]], f: (a, b) => ad.maximum(a, b), smooth: false },
  {
    name: "where with a broadcast condition",
    shapes: [[2, 3], [3]],
    f: (a, b) => ad.where(c([1, 0, 1, 0, 0, 1], [2, 3]), a, b),
    smooth: false,
  },
  { name: "sum over every axis", shapes: [[2, 3]], f: (a) => ad.sum(a) },
  { name: "sum over the leading axis", shapes: [[3, 4]], f: (a) => ad.sum(a, 0) },
  { name: "sum over the trailing axis with keepDims", shapes: [[2, 3, 4]], f: (a) => ad.sum(a, -1, true) },
  { name: "sum over non-adjacent axes", shapes: [[2, 3, 4]], f: (a) => ad.sum(a, [0, 2]) },
  { name: "mean over an axis", shapes: [[3, 4]], f: (a) => ad.mean(a, 1) },
  { name: "matmul", shapes: [[3, 4], [4, 5]], f: (a, b) => ad.matmul(a, b) },
  { name: "matmul with transposeA", shapes: [[4, 6], [4, 2]], f: (a, b) => ad.matmul(a, b, { transposeA: true }) },
  { name: "matmul with transposeB", shapes: [[5, 4], [3, 4]], f: (a, b) => ad.matmul(a, b, { transposeB: true }) },
  {
    name: "matmul with both transposed",
    shapes: [[4, 5], [3, 4]],
    f: (a, b) => ad.matmul(a, b, { transposeA: true, transposeB: true }),
  },
  { name: "transpose of a matrix", shapes: [[3, 4]], f: (a) => ad.transpose(a) },
  { name: "transpose with a permutation", shapes: [[2, 3, 4]], f: (a) => ad.transpose(a, [1, 2, 0]) },
  { name: "reshape", shapes: [[2, 6]], f: (a) => ad.reshape(a, [3, -1]) },
  { name: "broadcastTo along new leading axes", shapes: [[3]], f: (a) => ad.broadcastTo(a, [2, 3]) },
  { name: "broadcastTo along an inner axis", shapes: [[3, 1, 2]], f: (a) => ad.broadcastTo(a, [2, 3, 4, 2]) },
  { name: "slice of a matrix", shapes: [[4, 5]], f: (a) => ad.slice(a, [1, 2], [2, -1]) },
  { name: "slice of a vector", shapes: [[7]], f: (a) => ad.slice(a, [2], [3]) },
  { name: "pad", shapes: [[2, 3]], f: (a) => ad.pad(a, [1, 0], [0, 2]) },
  { name: "concat along axis 0", shapes: [[2, 3], [1, 3]], f: (a, b) => ad.concat([a, b], 0) },
  { name: "concat along axis 1", shapes: [[2, 3], [2, 1], [2, 2]], f: (a, b, d) => ad.concat([a, b, d], 1) },
  { name: "logSumExp along the last axis", shapes: [[3, 4]], f: (a) => ad.logSumExp(a) },
  { name: "logSumExp along axis 0 with keepDims", shapes: [[3, 4]], f: (a) => ad.logSumExp(a, 0, true) },
  { name: "logSoftmax along the last axis", shapes: [[3, 4]], f: (a) => ad.logSoftmax(a) },
  { name: "logSoftmax along axis 0", shapes: [[3, 4]], f: (a) => ad.logSoftmax(a, 0) },
  { name: "softmax", shapes: [[2, 5]], f: (a) => ad.softmax(a) },
  {
    name: "softmaxCrossEntropy in logits and labels",
    shapes: [[3, 4], [3, 4]],
    f: (z, y) => ad.softmaxCrossEntropy(z, y),
    domains: ["any", "positive"],
  },
  { name: "dot", shapes: [[2, 3], [2, 3]], f: (a, b) => ad.dot(a, b) },
  {
    name: "im2col with stride, dilation and uneven padding",
    shapes: [[2, 5, 4, 2]],
    f: (a) => ad.im2col(a, { kernel: [2, 3], stride: [2, 1], dilation: [1, 2], padding: [1, 0, 2, 1] }),
  },
  {
    name: "col2im (the adjoint of im2col)",
    shapes: [[2 * 2 * 2, 2 * 2 * 3]],
    f: (a) => ad.col2im(a, { kernel: [2, 2], stride: [2, 2], dilation: [1, 1], padding: [1, 0, 0, 1] }, [2, 4, 3, 3]),
  },
  { name: "max along an inner axis", shapes: [[3, 4, 2]], f: (a) => ad.max(a, 1), smooth: false },
  { name: "max along the last axis with keepDims", shapes: [[2, 5]], f: (a) => ad.max(a, -1, true), smooth: false },
  { name: "gather with a repeated row", shapes: [[4, 3]], f: (a) => ad.gather(a, [2, 0, 2]) },
  { name: "scatterAdd with a repeated index", shapes: [[3, 2]], f: (a) => ad.scatterAdd(a, [1, 3, 1], 4) },
  { name: "conv2d, valid", shapes: [[2, 5, 5, 2], [3, 3, 2, 3]], f: (x, w) => ad.conv2d(x, w) },
  {
    name: "conv2d, same, stride 2, dilation 2",
    shapes: [[1, 6, 5, 2], [2, 3, 2, 2]],
    f: (x, w) => ad.conv2d(x, w, { padding: "same", stride: 2, dilation: [2, 1] }),
  },
  { name: "conv2d in 2 groups", shapes: [[1, 4, 4, 4], [2, 2, 2, 6]], f: (x, w) => ad.conv2d(x, w, { groups: 2, padding: [[1, 0], [0, 1]] }) },
  { name: "maxPool2d 2×2", shapes: [[2, 4, 4, 3]], f: (x) => ad.maxPool2d(x, 2), smooth: false },
  { name: "maxPool2d 3×3 stride 2 same", shapes: [[1, 5, 5, 2]], f: (x) => ad.maxPool2d(x, 3, { stride: 2, padding: "same" }), smooth: false },
  { name: "avgPool2d 2×2 same (padding not counted)", shapes: [[1, 5, 3, 2]], f: (x) => ad.avgPool2d(x, 2, { padding: "same" }) },
  { name: "gelu", shapes: [[2, 3]], f: (x) => ad.gelu(ad.mul(3, x)) },
  { name: "gelu, tanh form", shapes: [[2, 3]], f: (x) => ad.gelu(x, { approximate: "tanh" }) },
  { name: "layerNorm", shapes: [[3, 4], [4], [4]], f: (x, g, b) => ad.layerNorm(x, g, b) },
  {
    name: "batchNorm in inference form",
    shapes: [[2, 3, 3], [3], [3]],
    f: (x, g, b) => ad.batchNorm(x, { mean: c([0.1, -0.2, 0.3], [3]), variance: c([0.5, 1.5, 2], [3]), gamma: g, beta: b }),
  },
];

/** Random values for a shape in a domain (away from kinks and singularities where asked). */
export function randomValues(r: ReturnType<typeof rng>, shape: Shape, domain: Domain = "any"): Float64Array {
  let n = 1;
  for (const d of shape) n *= d;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = r.uniform();
    if (domain === "positive") out[i] = 0.3 + 1.7 * u;
    else if (domain === "awayFromZero") out[i] = (r.uniform() < 0.5 ? -1 : 1) * (0.3 + 1.2 * u);
    else out[i] = 2 * u - 1;
  }
  return out;
}

/** A built case: inputs, their values, the output. */
export interface Built {
  readonly xs: Tensor[];
  readonly values: Float64Array[];
  readonly y: Tensor;
}

export function build(k: OpCase, seed: number): Built {
  const r = rng(seed);
  const xs = k.shapes.map((s, i) => input(s, `x${i}`));
  const values = k.shapes.map((s, i) => randomValues(r, s, k.domains?.[i] ?? "any"));
  return { xs, values, y: k.f(...xs) };
}

/** Bindings of xs to values. */
export function bind(xs: readonly Tensor[], values: readonly ArrayLike<number>[]): [Tensor, ArrayLike<number>][] {
  return xs.map((x, i) => [x, values[i] as ArrayLike<number>]);
}

/** The values moved by ±h along directions ds. */
export function shifted(values: readonly Float64Array[], ds: readonly Float64Array[], h: number): Float64Array[] {
  return values.map((v, i) => v.map((x, j) => x + h * ((ds[i] as Float64Array)[j] as number)));
}

/**
 * The central difference (F(x + h·d) − F(x − h·d)) / 2h of a vector-valued function F given as
 * graph outputs (all concatenated).
 */
export function centralDifference(
  outs: readonly Tensor[],
  xs: readonly Tensor[],
  values: readonly Float64Array[],
  ds: readonly Float64Array[],
  h: number,
  extra: readonly [Tensor, ArrayLike<number>][] = [],
): Float64Array {
  const plus = flat(evaluate(outs, [...bind(xs, shifted(values, ds, h)), ...extra]));
  const minus = flat(evaluate(outs, [...bind(xs, shifted(values, ds, -h)), ...extra]));
  return plus.map((p, i) => (p - (minus[i] as number)) / (2 * h));
}

/** Concatenation of arrays. */
export function flat(arrays: readonly ArrayLike<number>[]): Float64Array {
  let n = 0;
  for (const a of arrays) n += a.length;
  const out = new Float64Array(n);
  let k = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) out[k++] = a[i] as number;
  return out;
}

/** ‖a − b‖∞ / max(1, ‖b‖∞). */
export function scaledErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 1;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs((a[i] as number) - (b[i] as number)));
    den = Math.max(den, Math.abs(b[i] as number));
  }
  if (a.length !== b.length) return Infinity;
  return num / den;
}

/** Σ ⟨a_i, b_i⟩ over lists of arrays. */
export function inner(as: readonly ArrayLike<number>[], bs: readonly ArrayLike<number>[]): number {
  let s = 0;
  as.forEach((a, i) => {
    const b = bs[i] as ArrayLike<number>;
    for (let j = 0; j < a.length; j++) s += (a[j] as number) * (b[j] as number);
  });
  return s;
}

/**
 * The scalar used for the higher-order checks, L(x) = ⟨sin(f(x)), c⟩: the sine makes the second
 * derivative of L involve both f's first-derivative rules and their own derivatives, even for
 * linear ops.
 */
export function scalarOf(y: Tensor, cValues: Float64Array): Tensor {
  return ad.sum(ad.mul(ad.sin(y), constant(cValues, y.shape)));
}

/** ⟨gs, vs⟩ as a graph. */
export function innerGraph(gs: readonly Tensor[], vs: readonly Tensor[]): Tensor {
  let s: Tensor | null = null;
  gs.forEach((g, i) => {
    const term = ad.dot(g, vs[i] as Tensor);
    s = s === null ? term : ad.add(s, term);
  });
  return s as unknown as Tensor;
}

export { grad, jvp };
