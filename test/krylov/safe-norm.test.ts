/**
 * The 2-norms are safe from overflow and underflow: ‖s·x‖ = |s|·‖x‖ for s from 1e-320 to 1e300,
 * on contiguous and strided vectors (nrm2 of @krylov-ts/operators) and on workspace arrays in
 * WebAssembly memory and plain arrays (normN, normFromSquares of the solvers' kernels), and
 * NaN / ∞ propagate.
 */
import test from "ava";
import fc from "fast-check";
import ndarray from "ndarray";
import { nrm2, vec } from "@krylov-ts/operators";
import { dotN, normFromSquares, normN, scaledNorm, workspace } from "../../packages/krylov/src/kernels.js";

const SCALES = [1e-320, 1e-300, 1e-200, 1e-150, 1e-50, 1, 1e50, 1e150, 1e200, 1e300];

/** ‖x‖ of moderate entries, accumulated in the plain way (no scaling needed at this scale). */
const plain = (x: readonly number[]): number => Math.sqrt(x.reduce((s, v) => s + v * v, 0));

const vectors = fc.record({
  x: fc.array(fc.integer({ min: -4000, max: 4000 }).map((k) => k / 1000), { minLength: 1, maxLength: 40 }),
  s: fc.constantFrom(...SCALES),
  stride: fc.integer({ min: 1, max: 3 }),
});

test("nrm2, normN, normFromSquares and scaledNorm of s·x are |s|·‖x‖ at every scale", (t) => {
  fc.assert(
    fc.property(vectors, ({ x, s, stride }) => {
      const ref = plain(x);
      const sx = x.map((v) => v * s);
      // The reference in s's units; subnormal s·x entries carry only an absolute accuracy of 2⁻¹⁰⁷⁴.
      const expected = ref * s;
      const tol = 1e-14 * expected + x.length * 5e-324;
      const n = sx.length;
      const [w] = workspace(n, 1) as [Float64Array];
      w.set(sx);
      const plainArray = Float64Array.from(sx);
      const strided = ndarray(new Float64Array(n * stride), [n], [stride]);
      sx.forEach((v, i) => strided.set(i, v));
      const got = [
        nrm2(vec(sx)),
        nrm2(strided),
        normN(w, n),
        normN(plainArray, n),
        normFromSquares(dotN(plainArray, plainArray, n), plainArray, n),
        scaledNorm(plainArray, n),
      ];
      return got.every((g) => Math.abs(g - expected) <= tol);
    }),
    { seed: 77, numRuns: 300 },
  );
  t.pass();
});

test("the norms of a vector holding NaN are NaN, and of one holding ∞ (and no NaN) are ∞", (t) => {
  for (const [x, want] of [[[1, NaN, 2], NaN], [[Infinity, 1], Infinity], [[1e300, -Infinity], Infinity], [[Infinity, NaN], NaN], [[NaN, Infinity], NaN]] as const) {
    const a = Float64Array.from(x);
    for (const [name, got] of [["nrm2", nrm2(vec(a))], ["normN", normN(a, a.length)], ["scaledNorm", scaledNorm(a, a.length)]] as const) {
      t.true(Object.is(got, want), `${name}(${x.join(", ")}) = ${got}, expected ${want}`);
    }
  }
});

test("the norms of zero vectors are 0", (t) => {
  const z = new Float64Array(5);
  t.is(normN(z, 5), 0);
  t.is(nrm2(vec(z)), 0);
  t.is(scaledNorm(z, 5), 0);
});
