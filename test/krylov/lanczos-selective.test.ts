import test from "ava";
import { dense, diagonal } from "@krylov-ts/operators";
import { lanczos } from "@krylov-ts/krylov";
import {
  poisson2d, poisson2dEigenvalues, randomData, randomIndefinite, randomSPD, symmetricEigen, withSpectrum, expectedEigenvalues, maxAbsDiff, orthogonalityLoss,
} from "../helpers/dense.js";

/** How many of `values` lie within `tol` of x. */
const countNear = (values: ArrayLike<number>, x: number, tol: number): number => Array.from(values).filter((v) => Math.abs(v - x) <= tol).length;

test("selective orthogonalization finds the eigenvalues of random SPD and indefinite matrices like the dense solver, at every end", (t) => {
  const n = 60;
  for (const which of ["largest", "smallest", "both", "magnitude"] as const) {
    for (const A of [randomSPD(n, 50, 3), randomIndefinite(n, 4)]) {
      const ref = symmetricEigen(A.data, n).values;
      const r = lanczos(A, { k: 5, which, tol: 1e-10, maxBasis: 24, reorthogonalization: "selective" });
      t.is(r.stats.status, "converged", which);
      t.true(maxAbsDiff(r.values, expectedEigenvalues(ref, 5, which)) < 1e-9, which);
      const normA = Math.max(Math.abs(ref[0] as number), Math.abs(ref[n - 1] as number));
      for (const res of r.residualNorms) t.true(res <= 1e-10 * normA * 1.5, which);
      t.true(orthogonalityLoss(r.vectors) < 1e-10, which);
    }
  }
});

test("selective orthogonalization finds the top 8 eigenvalues of poisson2d(12) with their dense multiplicities", (t) => {
  const N = 12;
  const A = poisson2d(N);
  const all = poisson2dEigenvalues(N);
  const exact = expectedEigenvalues(all, 8, "largest");
  const r = lanczos(A, { k: 8, tol: 1e-10, reorthogonalization: "selective" });
  t.is(r.stats.status, "converged");
  t.true(maxAbsDiff(r.values, exact) < 1e-12);
  for (const res of r.residualNorms) t.true(res <= 1e-10 * 8 * 1.5);
  // Each value as many times as the dense spectrum has it within the top 8 (copies included).
  for (const x of exact) t.is(countNear(r.values, x, 1e-9), countNear(exact, x, 1e-9));
  t.true(orthogonalityLoss(r.vectors) < 1e-10);
});

test("selective orthogonalization finds an eigenvalue of multiplicity four four times", (t) => {
  const n = 50;
  const ev = Array.from({ length: n }, (_, i) => (i < 4 ? 10 : i < 6 ? 9 : (8 * i) / n));
  const A = dense(withSpectrum(ev, 8), [n, n], { symmetric: true });
  const r = lanczos(A, { k: 6, tol: 1e-10, reorthogonalization: "selective" });
  t.is(r.stats.status, "converged");
  t.true(maxAbsDiff(r.values, [9, 9, 10, 10, 10, 10]) < 1e-9);
  t.true(orthogonalityLoss(r.vectors) < 1e-10);
});

test("without reorthogonalization ghost copies of simple eigenvalues appear among a cycle's estimates, and selective orthogonalization has none", (t) => {
  const n = 200;
  const ev = Array.from({ length: n }, (_, i) => (i >= n - 3 ? 20 + i - n : (i * 10) / n)); // simple, gaps ≥ 0.05
  const A = dense(withSpectrum(ev, 1), [n, n], { symmetric: true });
  const ghostCycles = (mode: "none" | "selective"): { cycles: number; values: Float64Array; status: string } => {
    let cycles = 0;
    const r = lanczos(A, {
      k: 6, tol: 1e-10, maxBasis: 80, reorthogonalization: mode,
      callback: (info) => {
        const v = Array.from(info.values);
        if (v.some((x, i) => v.some((y, j) => j !== i && Math.abs(x - y) < 1e-6))) cycles++; // a value twice: A has none
      },
    });
    return { cycles, values: r.values, status: r.stats.status };
  };
  t.true(ghostCycles("none").cycles > 0);
  const selective = ghostCycles("selective");
  t.is(selective.cycles, 0);
  t.is(selective.status, "converged");
  const top = ev.slice(-6);
  t.true(maxAbsDiff(selective.values, top) < 1e-9);
  for (const x of top) t.is(countNear(selective.values, x, 1e-6), 1);
});

test("selective orthogonalization with valueTol meets its eigenvalue bound on the 2-D Poisson operator", (t) => {
  const N = 24;
  const exact = expectedEigenvalues(poisson2dEigenvalues(N), 6, "largest");
  const r = lanczos(poisson2d(N), { k: 6, valueTol: 1e-10, reorthogonalization: "selective" });
  t.is(r.stats.status, "converged");
  r.values.forEach((v, i) => t.true(Math.abs(v - (exact[i] as number)) <= 1e-10 * (exact[i] as number)));
});

// Before the restarted basis was re-orthonormalized, these runs returned values up to 1.5e5 for ‖A‖ = 1000 under a
// 'converged' status, or threw from the tridiagonal eigensolver on NaN coefficients.
test("without reorthogonalization thick restart no longer diverges: the values are the dense ones and the status is honest", (t) => {
  const cases: [string, Float64Array, number, number][] = [
    ["randomSPD(50, 1000, 2)", randomSPD(50, 1000, 2).data, 8, 30],
    ["randomSPD(100, 1000, 1)", randomSPD(100, 1000, 1).data, 12, 30],
    ["withSpectrum(1 + i²/100, 3), n = 50", withSpectrum(Array.from({ length: 50 }, (_, i) => 1 + (i * i) / 100), 3), 8, 30],
  ];
  for (const [label, a, k, maxBasis] of cases) {
    const n = Math.round(Math.sqrt(a.length));
    const ref = symmetricEigen(a, n).values;
    const normA = Math.max(Math.abs(ref[0] as number), Math.abs(ref[n - 1] as number));
    const r = lanczos(dense(a, [n, n], { symmetric: true }), { k, tol: 1e-8, maxBasis, reorthogonalization: "none" });
    for (const v of r.values) t.true(Math.abs(v) <= normA * (1 + 1e-8), label);
    t.is(r.stats.status, "converged", label);
    t.true(maxAbsDiff(r.values, ref.slice(n - k)) < 1e-6 * normA, label);
    for (const res of r.residualNorms) t.true(res <= 1e-8 * normA * 1.5, label);
  }
});

test("a run whose returned pairs' true residuals exceed the tolerance ends in breakdown, not converged", (t) => {
  // A slightly non-symmetric A: the projected estimates converge, the true residuals stay near 1e-5.
  const n = 60;
  const noise = randomData(n * n, 7);
  const a = Float64Array.from(randomSPD(n, 50, 3).data, (x, i) => x + 1e-5 * (noise[i] as number));
  for (const reorthogonalization of ["full", "selective", "none"] as const) {
    const r = lanczos(dense(a, [n, n]), { k: 4, tol: 1e-10, reorthogonalization });
    t.is(r.stats.status, "breakdown", reorthogonalization);
    t.false(r.stats.converged);
    t.regex(r.stats.message ?? "", /true residual .* over its tolerance/);
    t.true(r.stats.residualNorm > 100 * 1e-10 * 50);
  }
});

test("selective orthogonalization stays exact when the basis fills the space and outlying pairs converge within a few steps", (t) => {
  // With checks every ⌈m/10⌉ steps alone, good pairs were caught late here and the values went negative for an SPD A.
  const n = 40;
  for (const seed of [5, 6]) {
    const A = randomSPD(n, 1e4, seed);
    const ref = symmetricEigen(A.data, n).values;
    for (const which of ["smallest", "both"] as const) {
      const r = lanczos(A, { k: 3, which, valueTol: 1e-10, maxBasis: n, reorthogonalization: "selective" });
      t.is(r.stats.status, "converged", `${which} ${seed}`);
      r.values.forEach((v, i) => t.true(Math.abs(v - (expectedEigenvalues(ref, 3, which)[i] as number)) <= 1e-9 * Math.abs(v), `${which} ${seed}`));
    }
  }
});

test("lanczos 'selective' and 'none' keep their restarted basis once more vectors are locked than a cycle has columns", (t) => {
  // The restart re-orthonormalization projected off the just-locked vectors with a coefficient workspace of the
  // basis's size, indexed by locked slot: past it the columns turned NaN and were all dropped, so every cycle
  // began again from a random vector (k = 40, maxBasis 8 on diag(1…300): 5,159 products against 1,039 for 'full').
  const n = 300;
  const d = Array.from({ length: n }, (_, i) => 1 + i);
  const run = (reorthogonalization: "full" | "selective" | "none") => lanczos(diagonal(d), { k: 40, maxBasis: 8, tol: 1e-8, reorthogonalization });
  const full = run("full");
  t.is(full.stats.status, "converged");
  for (const mode of ["selective", "none"] as const) {
    const r = run(mode);
    t.is(r.stats.status, "converged", mode);
    t.true(maxAbsDiff(r.values, d.slice(n - 40)) < 1e-9, mode);
    t.true(r.stats.matvecs <= 1.25 * full.stats.matvecs, `${mode}: ${r.stats.matvecs} products, 'full' ${full.stats.matvecs}`);
  }
});
