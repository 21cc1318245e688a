/**
 * Gradients of a scalar function at a point: once (`gradient`) or compiled for repeated calls
 * (`gradientFunction`).
 *
 * @module
 */
import { asVec, checkLength, len, vec, type Vec, type VecLike } from "@krylov-ts/operators";
import { input } from "./graph.js";
import { grad } from "./grad.js";
import { compile } from "./compile.js";
import { traceScalar, type ScalarFunction } from "./hvp.js";

/**
 * ∇f(x0) as a new `Vec` (compiles the graph and runs it once).
 *
 * @param f - from the flat parameter Tensor [n] to a scalar Tensor
 * @param x0 - the point, length n
 * @example gradient((x) => sum(square(x)), [1, 2]) // [2, 4]
 */
export function gradient(f: ScalarFunction, x0: VecLike): Vec {
  const x = asVec(x0, "gradient", "x0");
  const n = len(x);
  const xi = input([n], "x");
  const y = traceScalar("gradient", f, xi);
  const g = grad(y, [xi])[0];
  const out = vec(n);
  compile([xi], [g as NonNullable<typeof g>]).run([x], [out.data]);
  return out;
}

/** What a compiled gradient function returns. */
export interface ValueAndGradient {
  value: number;
  gradient: Vec;
}

/**
 * Compiles f and ∇f once for inputs of length n; the returned function evaluates both.
 *
 * @param f - from the flat parameter Tensor [n] to a scalar Tensor
 * @param n - the number of parameters
 * @returns `(x, out?) => { value, gradient }`: the gradient is written into `out` (length n,
 *   contiguous) when given, else into a new `Vec`. With `out` a call allocates only the small
 *   result object.
 */
export function gradientFunction(f: ScalarFunction, n: number): (x: VecLike, out?: Vec) => ValueAndGradient {
  checkLength("gradientFunction", "n", n);
  const xi = input([n], "x");
  const y = traceScalar("gradientFunction", f, xi);
  const g = grad(y, [xi])[0];
  const fn = compile([xi], [y, g as NonNullable<typeof g>]);
  const outs: Float64Array[] = [new Float64Array(1), new Float64Array(0)];
  const vals: Float64Array[] = [new Float64Array(0)];
  return (x: VecLike, out?: Vec): ValueAndGradient => {
    const xv = asVec(x, "gradientFunction", "x");
    if (len(xv) !== n) throw new RangeError(`gradientFunction: x has length ${len(xv)} but the function was compiled for ${n}`);
    const o = out ?? vec(n);
    if (len(o) !== n) throw new RangeError(`gradientFunction: out has length ${len(o)} but the function was compiled for ${n}`);
    if (o.stride[0] !== 1) throw new RangeError("gradientFunction: out must be contiguous (stride 1)");
    vals[0] = xv.offset === 0 && xv.stride[0] === 1 && xv.data.length === n ? xv.data : Float64Array.from({ length: n }, (_, i) => xv.get(i));
    outs[1] = o.offset === 0 && o.data.length === n ? o.data : o.data.subarray(o.offset, o.offset + n);
    fn.run(vals, outs);
    return { value: outs[0]?.[0] as number, gradient: o };
  };
}
