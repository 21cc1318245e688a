/**
 * erf against values computed by mpmath at 40 digits (rounded to the nearest double), its
 * symmetry and special values, and gelu's two forms against their formulas. Its derivatives to
 * third order are checked with the other ops (ops-cases.ts).
 */
import test from "ava";
import { constant, erf, evaluate, gelu } from "@krylov-ts/autodiff";

const erfOf = (xs: readonly number[]): Float64Array => evaluate(erf(constant([...xs], [xs.length])), []) as unknown as Float64Array;

/** Distance in units in the last place of `expected`. */
function ulps(actual: number, expected: number): number {
  if (actual === expected) return 0;
  const ulp = 2 ** (Math.floor(Math.log2(Math.abs(expected))) - 52);
  return Math.abs(actual - expected) / ulp;
}

// [x, erf(x)] from mpmath.erf at 40 digits: the series near 0, both sides of the switch at ½,
// a table centre (3.96875 = 127/32 is not one), and the tail where erf rounds to 1.
const REFERENCE: readonly (readonly [number, number])[] = [
  [1e-300, 1.1283791670955126e-300],
  [1e-10, 1.1283791670955126e-10],
  [0.001, 0.0011283787909692365],
  [0.25, 0.27632639016823696],
  [0.49999999999999994, 0.5204998778130465],
  [0.5, 0.5204998778130465],
  [0.75, 0.7111556336535151],
  [1, 0.8427007929497149],
  [1.5, 0.9661051464753108],
  [2, 0.9953222650189527],
  [2.5, 0.999593047982555],
  [3, 0.9999779095030014],
  [3.96875, 0.9999999800760249],
  [4, 0.9999999845827421],
  [5, 0.9999999999984626],
  [5.9, 0.9999999999999999],
  [5.95, 1],
];

test("erf agrees with mpmath's values to within one ulp, from 1e-300 to the tail", (t) => {
  const got = erfOf(REFERENCE.map(([x]) => x));
  REFERENCE.forEach(([x, e], i) => t.true(ulps(got[i] as number, e) <= 1, `erf(${x}) = ${got[i]}, expected ${e}`));
});

test("erf is odd, keeps the sign of zero, is ±1 at ±∞ and NaN at NaN", (t) => {
  const xs = [0.3, 1.7, 4.2, 1e-8];
  const pos = erfOf(xs);
  const neg = erfOf(xs.map((x) => -x));
  xs.forEach((_, i) => t.is(neg[i], -(pos[i] as number)));
  const special = erfOf([0, -0, Infinity, -Infinity, NaN, 6, -7]);
  t.true(Object.is(special[0], 0));
  t.true(Object.is(special[1], -0));
  t.deepEqual(Array.from(special.slice(2)), [1, -1, NaN, 1, -1]);
});

test("erf is monotone across the centres of its table", (t) => {
  const xs = Array.from({ length: 4001 }, (_, i) => 0.45 + i * 0.0013);
  const y = erfOf(xs);
  for (let i = 1; i < y.length; i++) t.true((y[i] as number) >= (y[i - 1] as number), `erf(${xs[i]}) < erf(${xs[i - 1]})`);
});

test("gelu is xΦ(x) by default (mpmath's values) and the tanh form when asked", (t) => {
  // x·ncdf(x) from mpmath at 40 digits.
  const exact: readonly (readonly [number, number])[] = [
    [-6, -5.9195258702261885e-9], [-2.5, -0.015524163314440337], [-0.3, -0.1146265733433142], [0, 0],
    [0.7, 0.5306254434438489], [1.2, 1.0619163957339501], [3.1, 3.097000430039023], [8, 7.999999999999995],
  ];
  const xs = exact.map(([x]) => x);
  const g = evaluate(gelu(constant(xs, [xs.length])), []) as unknown as Float64Array;
  // ½x(1 + erf(x/√2)) loses the relative accuracy of 1 + erf far left (as PyTorch's): absolute 1e-16·|x|.
  exact.forEach(([x, e], i) => t.true(Math.abs((g[i] as number) - e) <= 2e-16 * Math.max(1, Math.abs(x)), `gelu(${x}) = ${g[i]}, expected ${e}`));
  const gt = evaluate(gelu(constant(xs, [xs.length]), { approximate: "tanh" }), []) as unknown as Float64Array;
  xs.forEach((v, i) => t.true(Math.abs((gt[i] as number) - 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))) < 1e-15));
  // The two forms differ, by less than 5e-4.
  const gap = Math.max(...xs.map((_, i) => Math.abs((g[i] as number) - (gt[i] as number))));
  t.true(gap > 1e-5 && gap < 5e-4, `gap ${gap}`);
});

test("gelu refuses an unknown approximation by name", (t) => {
  t.throws(() => gelu(constant([1]), { approximate: "sigmoid" as "tanh" }), { instanceOf: TypeError, message: "gelu: options.approximate must be 'none' or 'tanh', got \"sigmoid\"" });
});
