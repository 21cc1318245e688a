/**
 * Hessian-vector products H·v of a scalar function, symbolically (graph nodes) or numerically.
 *
 * @module
 */
import { asVec, checkOptions, len, type OptionKeys, type Vec, type VecLike } from "@krylov-ts/operators";
import { Tensor, input, shapeStr } from "./graph.js";
import { grad } from "./grad.js";
import { jvp } from "./jvp.js";
import { mul } from "./ops/mul.js";
import { sum } from "./ops/sum.js";
import { reshape } from "./ops/reshape.js";
import { stopGradient } from "./ops/stop-gradient.js";
import { compile } from "./compile.js";

/**
 * How H·v is differentiated:
 * - `'reverse-over-reverse'`: H v = ∇ₓ⟨∇ₓ f(x), v⟩ (Christianson 1992), a second reverse pass
 *   through the first;
 * - `'forward-over-reverse'`: H v = d/dε ∇f(x + εv)|ε=0, the JVP of the gradient
 *   (Pearlmutter 1994).
 */
export type HvpMode = "reverse-over-reverse" | "forward-over-reverse";

/**
 * The default mode: forward-over-reverse. In `bench/autodiff.bench.ts` (MLP 784→256→10, batch
 * 256, n = 203,530) both modes compile to nearly the same plan, and forward-over-reverse was the
 * faster in every side-by-side run, by a small margin: 57.7 against 57.9 ms per H·v, gradient
 * 57.1 ms (docs/BENCHMARKS.md, autodiff section). It also needs two kernel calls fewer.
 */
export const defaultHvpMode: HvpMode = "forward-over-reverse";

/** A function from the flat parameter vector (shape [n]) to a scalar, written with the package's ops. */
export type ScalarFunction = (x: Tensor) => Tensor;

/** Options of `hvp`, `hessianOperator` and `hessian`. */
export interface HvpOptions {
  /** Default `defaultHvpMode`. */
  mode?: HvpMode;
}

/** The documented keys of `HvpOptions`. */
export const HVP_OPTIONS = { mode: true } as const satisfies OptionKeys<HvpOptions>;

/** Checks the options' keys against `known` (those of `HvpOptions` unless given), then resolves and checks the mode. */
export function resolveMode(fn: string, options: HvpOptions | undefined, known: Readonly<Record<string, true>> = HVP_OPTIONS): HvpMode {
  checkOptions(fn, options, known);
  const mode = options?.mode ?? defaultHvpMode;
  if (mode !== "reverse-over-reverse" && mode !== "forward-over-reverse") {
    throw new RangeError(`${fn}: mode must be 'reverse-over-reverse' or 'forward-over-reverse', got '${String(mode)}'`);
  }
  return mode;
}

/**
 * Calls `f(x)` and checks that it returns a scalar tensor; returns it with shape []. A shape or
 * type error raised inside f (a `reshape` or `params.views` that does not fit x) is thrown
 * again naming the entry point `fn` and the shape f was traced at, with the original as `cause`.
 */
export function traceScalar(fn: string, f: ScalarFunction, x: Tensor, arg = "f"): Tensor {
  if (typeof f !== "function") throw new TypeError(`${fn}: ${arg} must be a function from a Tensor to a scalar Tensor`);
  let y: unknown;
  try {
    y = f(x);
  } catch (e) {
    if (!(e instanceof RangeError || e instanceof TypeError)) throw e;
    const Err = e instanceof RangeError ? RangeError : TypeError;
    throw new Err(`${fn}: ${arg} failed on an input of shape ${shapeStr(x.shape)}: ${e.message}`, { cause: e });
  }
  if (!(y instanceof Tensor)) throw new TypeError(`${fn}: ${arg} must return a Tensor`);
  if (y.size !== 1) throw new RangeError(`${fn}: ${arg} must return a scalar but returned shape ${shapeStr(y.shape)}`);
  return y.rank === 0 ? y : reshape(y, []);
}

/** The graph of y = f(x), g = ∇f(x) and H·v at symbolic x and v (v is held constant). */
export function hvpGraph(f: ScalarFunction, x: Tensor, v: Tensor, mode: HvpMode, fn = "hvp"): { y: Tensor; g: Tensor; hv: Tensor } {
  if (!(x instanceof Tensor)) throw new TypeError(`${fn}: x must be a Tensor`);
  if (!(v instanceof Tensor)) throw new TypeError(`${fn}: v must be a Tensor`);
  if (v.shape.length !== x.shape.length || v.shape.some((d, i) => d !== x.shape[i])) {
    throw new RangeError(`${fn}: v has shape ${shapeStr(v.shape)} but x has shape ${shapeStr(x.shape)}`);
  }
  const y = traceScalar(fn, f, x);
  const g = grad(y, [x])[0] as Tensor;
  // v must not be differentiated through (the seed's point): H·v = ∇ₓ⟨∇ₓf, v⟩ with v constant.
  const vc = stopGradient(v);
  const hv = mode === "reverse-over-reverse" ? (grad(sum(mul(g, vc)), [x])[0] as Tensor) : (jvp([g], [x], [vc])[0] as Tensor);
  return { y, g, hv };
}

/**
 * The Hessian-vector product H(x)·v of a scalar function f.
 *
 * Symbolic form: `x` and `v` Tensors → the graph node of H·v (differentiable again; `v` is
 * wrapped in `stopGradient`, so a v computed from x is held constant as the definition
 * requires). Numeric form: `x` and `v` vectors of length n → H·v as a `Vec`, by compiling
 * and running the graph once (use `hessianOperator` for repeated products).
 *
 * @param f - from the flat parameter Tensor [n] to a scalar Tensor
 * @param options.mode - `'forward-over-reverse'` (default) or `'reverse-over-reverse'`
 * @example hvp((x) => sum(pow(x, 3)), [1, 2], [1, 0]) // [6, 0]
 */
export function hvp(f: ScalarFunction, x: Tensor, v: Tensor, options?: HvpOptions): Tensor;
export function hvp(f: ScalarFunction, x: VecLike, v: VecLike, options?: HvpOptions): Vec;
export function hvp(f: ScalarFunction, x: Tensor | VecLike, v: Tensor | VecLike, options?: HvpOptions): Tensor | Vec {
  const mode = resolveMode("hvp", options);
  if (x instanceof Tensor || v instanceof Tensor) {
    return hvpGraph(f, x as Tensor, v as Tensor, mode).hv;
  }
  const xv = asVec(x, "hvp", "x");
  const vv = asVec(v, "hvp", "v");
  const n = len(xv);
  if (len(vv) !== n) throw new RangeError(`hvp: v has length ${len(vv)} but x has length ${n}`);
  const xi = input([n], "x");
  const vi = input([n], "v");
  const { hv } = hvpGraph(f, xi, vi, mode);
  const out = compile([xi, vi], [hv]).run([xv, vv], [new Float64Array(n)]);
  return asVec(out[0] as Float64Array);
}
