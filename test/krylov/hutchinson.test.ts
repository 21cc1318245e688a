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

test("hutchinson's callback sees every probe with the running estimate, which ends at the returned trace", (t) => {
  const A = dense(withSpectrum([1, 2, 3, 4, 5, 6, 7, 8], 5), [8, 8]);
  const seen: { probes: number; trace: number; standardError: number }[] = [];
  const r = hutchinson(A, { probes: 20, seed: 3, callback: (info) => void seen.push({ ...info }) });
  t.deepEqual(seen.map((s) => s.probes), Array.from({ length: 20 }, (_, i) => i + 1));
  t.is(seen.at(-1)?.trace, r.trace);
  t.is(seen.at(-1)?.standardError, r.standardError);
  t.true(Number.isNaN(seen[0]?.standardError));
  t.is(r.stats.status, "converged");
});

test("hutchinson's callback stops the run, the estimate using the probes done", (t) => {
  const A = dense(withSpectrum([1, 2, 3, 4, 5, 6, 7, 8], 5), [8, 8]);
  let fifth = NaN;
  const r = hutchinson(A, { probes: 20, seed: 3, callback: (info) => {
    fifth = info.trace;
    return info.probes === 5;
  } });
  t.is(r.stats.status, "stopped");
  t.is(r.stats.matvecs, 5);
  t.is(r.trace, fifth);
  t.regex(r.stats.message ?? "", /callback/);
  t.is(hutchinson(A, { probes: 20, seed: 3, callback: () => true }).stats.matvecs, 1);
});

test("hutch++'s callback counts the sketch products and reports an estimate once the residual probes begin", (t) => {
  const A = dense(withSpectrum([10, 5, 1, 0.5, 0.1, 0.05, 0.01, 0.005, 0.001], 2), [9, 9]);
  const seen: { probes: number; trace: number }[] = [];
  const r = hutchinson(A, { probes: 12, method: "hutch++", callback: (info) => void seen.push({ probes: info.probes, trace: info.trace }) });
  t.is(seen.length, r.stats.matvecs);
  t.deepEqual(seen.map((s) => s.probes), Array.from({ length: seen.length }, (_, i) => i + 1));
  const firstEstimate = seen.findIndex((s) => !Number.isNaN(s.trace));
  t.true(firstEstimate > 0);
  t.true(seen.slice(firstEstimate).every((s) => Number.isFinite(s.trace)));
  t.is(seen.at(-1)?.trace, r.trace);
});

test("hutchinson refuses a callback that is not a function", (t) => {
  t.throws(() => hutchinson(diagonal([1, 2]), { callback: 3 as never }), { instanceOf: TypeError, message: /hutchinson: options.callback must be a function/ });
});
