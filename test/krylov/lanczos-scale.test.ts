import test from "ava";
import { dense, diagonal } from "@krylov-ts/operators";
import { lanczos, lanczosProcess, slq } from "@krylov-ts/krylov";
import { withSpectrum } from "../helpers/dense.js";

const scales = [1e300, 1e-300, 1e150, 1e-150, 1e50, 1e-50, 1e-170];
const strategies = ["full", "partial", "selective", "none"] as const;

/** A symmetric 40×40 matrix of spectrum ±[0.5, 3] (a dense, full one: every product mixes all entries). */
const spectrum = Array.from({ length: 40 }, (_, i) => (i % 2 ? -1 : 1) * (0.5 + (2.5 * i) / 39));
const a = withSpectrum(spectrum, 3);
const scaled = (s: number) => dense(a.map((x) => x * s), [40, 40], { symmetric: true });

const relDiff = (x: ArrayLike<number>, y: ArrayLike<number>, s: number): number =>
  Math.max(0, ...Array.from(x, (v, i) => Math.abs(v - (y[i] as number) * s) / Math.abs((y[i] as number) * s)));

test("lanczos on diag(3, −2, 1, 0.5, −0.25, 2.5, 1.5, −1)·1e-170 finds 2.5e-170 and 3e-170 with nonzero true residuals", (t) => {
  const d = [3, -2, 1, 0.5, -0.25, 2.5, 1.5, -1].map((x) => x * 1e-170);
  const r = lanczos(diagonal(Float64Array.from(d)), { k: 2 });
  t.is(r.stats.status, "converged");
  t.true(Math.abs((r.values[0] as number) / 2.5e-170 - 1) < 1e-12);
  t.true(Math.abs((r.values[1] as number) / 3e-170 - 1) < 1e-12);
  for (const res of r.residualNorms) t.true(res <= 1e-8 * 3e-170);
});

for (const reorthogonalization of strategies) {
  test(`lanczos '${reorthogonalization}' on s·A returns s·(its result on A) for s from 1e-300 to 1e300`, (t) => {
    const ref = lanczos(scaled(1), { k: 4, which: "magnitude", tol: 1e-10, reorthogonalization });
    t.is(ref.stats.status, "converged");
    for (const s of scales) {
      const r = lanczos(scaled(s), { k: 4, which: "magnitude", tol: 1e-10, reorthogonalization });
      t.is(r.stats.status, "converged", `s = ${s}`);
      t.true(relDiff(r.values, ref.values, s) < 1e-12, `s = ${s}: ${Array.from(r.values)}`);
      // the contract on the true residuals, in the units of s·A (‖s·A‖ = 3s)
      for (const res of r.residualNorms) t.true(res > 0 && res <= 1e-10 * 3 * s, `s = ${s}: residual ${res}`);
      t.true(r.stats.residualNorm > 0 && r.stats.residualNorm <= 1e-10 * 3 * s);
    }
  });
}

test("lanczosProcess on s·A returns s·α and s·β for s from 1e-300 to 1e300", (t) => {
  const ref = lanczosProcess(scaled(1), { steps: 12 });
  for (const s of scales) {
    const r = lanczosProcess(scaled(s), { steps: 12 });
    t.is(r.stats.status, "converged", `s = ${s}`);
    t.true(relDiff(r.alpha, ref.alpha, s) < 1e-10, `s = ${s}: α`);
    t.true(relDiff(r.beta, ref.beta, s) < 1e-10, `s = ${s}: β`);
  }
});

test("slq on s·A returns nodes s·θ with the same weights for s from 1e-300 to 1e300", (t) => {
  const ref = slq(scaled(1), { probes: 2, steps: 10 });
  for (const s of scales) {
    const r = slq(scaled(s), { probes: 2, steps: 10 });
    t.is(r.stats.status, "converged", `s = ${s}`);
    t.true(relDiff(r.nodes, ref.nodes, s) < 1e-9, `s = ${s}: nodes`);
    t.true(Array.from(r.weights).every((w, i) => Math.abs(w - (ref.weights[i] as number)) < 1e-9), `s = ${s}: weights`);
  }
});

test("lanczos scales by the first nonzero product: a start vector in the null space of a 1e-200 operator", (t) => {
  const d = Float64Array.from([0, 1, 2, 3, 4, 5], (x) => x * 1e-200);
  const r = lanczos(diagonal(d), { k: 2, v0: [1, 0, 0, 0, 0, 0] });
  t.is(r.stats.status, "converged");
  t.true(Math.abs((r.values[0] as number) / 4e-200 - 1) < 1e-12 && Math.abs((r.values[1] as number) / 5e-200 - 1) < 1e-12);
  for (const res of r.residualNorms) t.true(res <= 1e-8 * 5e-200);
});
