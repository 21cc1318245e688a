import test from "ava";
import { dense, diagonal, rng } from "@krylov-ts/operators";
import { hutchinson } from "@krylov-ts/krylov";
import { withSpectrum } from "../helpers/dense.js";

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

test("hutchinson is exact with zero standard error on a diagonal operator (Rademacher probes)", (t) => {
  const d = [1, -2, 3.5, 7, 0.25];
  const { trace, standardError, stats } = hutchinson(diagonal(d), { probes: 10 });
  t.true(Math.abs(trace - sum(d)) < 1e-12);
  t.is(standardError, 0);
  t.is(stats.matvecs, 10);
});

test("hutchinson on a matrix of known spectrum lands within four standard errors of the trace", (t) => {
  const n = 60;
  const ev = Array.from({ length: n }, (_, i) => 1 + (i % 7) - 0.1 * i);
  const A = dense(withSpectrum(ev, 70), [n, n]);
  for (const seed of [1, 2, 3, 4, 5]) {
    const { trace, standardError, stats } = hutchinson(A, { probes: 200, seed });
    t.true(standardError > 0);
    t.true(Math.abs(trace - sum(ev)) <= 4 * standardError, `seed ${seed}: ${trace} vs ${sum(ev)} ± ${standardError}`);
    t.is(stats.status, "converged");
  }
});

test("hutch++ is exact on a symmetric low-rank matrix", (t) => {
  const n = 50;
  const ev = Array.from({ length: n }, (_, i) => (i < 3 ? [5, -2, 9][i] as number : 0));
  const A = dense(withSpectrum(ev, 71), [n, n]);
  const { trace, standardError, stats } = hutchinson(A, { method: "hutch++", probes: 12 });
  t.true(Math.abs(trace - 12) < 1e-10);
  t.true(standardError < 1e-10);
  t.true(stats.matvecs <= 12);
});

test("hutch++ on a decaying spectrum lands within four standard errors and beats plain hutchinson", (t) => {
  const n = 80;
  const ev = Array.from({ length: n }, (_, i) => Math.pow(0.8, i));
  const A = dense(withSpectrum(ev, 72), [n, n]);
  let errPlain = 0;
  let errPlus = 0;
  for (const seed of [1, 2, 3, 4, 5]) {
    const plus = hutchinson(A, { method: "hutch++", probes: 30, seed });
    t.true(Math.abs(plus.trace - sum(ev)) <= 4 * plus.standardError + 1e-12);
    errPlus += Math.abs(plus.trace - sum(ev));
    errPlain += Math.abs(hutchinson(A, { probes: 30, seed }).trace - sum(ev));
  }
  t.true(errPlus < errPlain);
});

test("hutchinson is deterministic for a seed and changes with it", (t) => {
  const A = dense(withSpectrum([1, 2, 3, 4, 5, 6], 73), [6, 6]);
  t.is(hutchinson(A, { seed: 4, probes: 20 }).trace, hutchinson(A, { seed: 4, probes: 20 }).trace);
  t.not(hutchinson(A, { seed: 4, probes: 20 }).trace, hutchinson(A, { seed: 5, probes: 20 }).trace);
});

test("hutchinson stops when its signal has fired", (t) => {
  const controller = new AbortController();
  controller.abort();
  const { stats } = hutchinson(diagonal([1, 2]), { signal: controller.signal });
  t.is(stats.status, "stopped");
  t.is(stats.matvecs, 0);
});

test("hutchinson throws errors naming the function, the argument and the sizes", (t) => {
  const A = diagonal([1, 2, 3]);
  t.throws(() => hutchinson(A, { probes: 1 }), { instanceOf: RangeError, message: /hutchinson: options.probes must be an integer ≥ 2/ });
  t.throws(() => hutchinson(A, { method: "hutch++", probes: 3 }), { instanceOf: RangeError, message: /hutchinson: options.probes must be an integer ≥ 4/ });
  t.throws(() => hutchinson(A, { method: "lanczos" as never }), { instanceOf: RangeError, message: /hutchinson: options.method must be/ });
  t.throws(() => hutchinson(dense([[1, 2]])), { instanceOf: RangeError, message: "hutchinson: A must be square but is 1×2" });
  t.throws(() => hutchinson(A, { seed: Number.NaN }), { instanceOf: RangeError, message: /hutchinson: options.seed/ });
  void rng;
});
