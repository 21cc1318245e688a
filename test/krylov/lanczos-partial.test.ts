import test from "ava";
import { dense } from "@krylov-ts/operators";
import { lanczos } from "@krylov-ts/krylov";
import { poisson2d, poisson2dEigenvalues, randomIndefinite, randomSPD, symmetricEigen, withSpectrum, expectedEigenvalues, maxAbsDiff, orthogonalityLoss } from "../helpers/dense.js";

test("partial reorthogonalization finds the eigenvalues of random SPD and indefinite matrices like the dense solver, at every end", (t) => {
  const n = 60;
  for (const which of ["largest", "smallest", "both", "magnitude"] as const) {
    for (const A of [randomSPD(n, 50, 3), randomIndefinite(n, 4)]) {
      const ref = symmetricEigen(A.data, n).values;
      const r = lanczos(A, { k: 5, which, tol: 1e-10, maxBasis: 24, reorthogonalization: "partial" });
      t.is(r.stats.status, "converged", which);
      t.true(maxAbsDiff(r.values, expectedEigenvalues(ref, 5, which)) < 1e-9, which);
      const normA = Math.max(Math.abs(ref[0] as number), Math.abs(ref[n - 1] as number));
      for (const res of r.residualNorms) t.true(res <= 1e-10 * normA * 1.5, which);
      t.true(orthogonalityLoss(r.vectors) < 1e-10, which);
    }
  }
});

test("partial reorthogonalization finds the 2-D Poisson eigenvalues with their multiplicities", (t) => {
  const N = 20;
  for (const which of ["largest", "smallest"] as const) {
    const exact = expectedEigenvalues(poisson2dEigenvalues(N), 6, which);
    const r = lanczos(poisson2d(N), { k: 6, which, tol: 1e-10, reorthogonalization: "partial" });
    t.is(r.stats.status, "converged");
    t.true(maxAbsDiff(r.values, exact) < 1e-12);
    t.is(r.values.filter((x) => Math.abs(x - (exact[1] as number)) < 1e-9).length, 2);
    t.true(orthogonalityLoss(r.vectors) < 1e-10);
  }
});

test("partial reorthogonalization finds an eigenvalue of multiplicity four four times", (t) => {
  const n = 50;
  const ev = Array.from({ length: n }, (_, i) => (i < 4 ? 10 : i < 6 ? 9 : (8 * i) / n));
  const A = dense(withSpectrum(ev, 8), [n, n], { symmetric: true });
  const r = lanczos(A, { k: 6, tol: 1e-10, reorthogonalization: "partial" });
  t.is(r.stats.status, "converged");
  t.true(maxAbsDiff(r.values, [9, 9, 10, 10, 10, 10]) < 1e-9);
  t.true(orthogonalityLoss(r.vectors) < 1e-10);
});

test("without reorthogonalization spurious eigenvalues appear through lost orthogonality, and partial reorthogonalization has none", (t) => {
  const n = 150;
  const ev = Array.from({ length: n }, (_, i) => 1 + (i * i) / 100); // simple, gaps ≥ 0.01
  const A = dense(withSpectrum(ev, 3), [n, n], { symmetric: true });
  // Since each thick restart re-orthonormalizes the basis, 'none' no longer returns values A does not have (it did,
  // diverging): the spurious copies show in a cycle's estimates, with a cycle long enough to lose orthogonality.
  let copies = 0;
  lanczos(A, {
    k: 12, tol: 1e-10, maxBasis: 100, reorthogonalization: "none",
    callback: (info) => {
      const v = Array.from(info.values);
      if (v.some((x, i) => v.some((y, j) => j !== i && Math.abs(x - y) < 1e-6))) copies++; // a simple eigenvalue twice
    },
  });
  t.true(copies > 0);
  const partial = lanczos(A, { k: 12, tol: 1e-10, maxBasis: 30, reorthogonalization: "partial" });
  t.is(partial.stats.status, "converged");
  t.true(maxAbsDiff(partial.values, ev.slice(-12)) < 1e-8); // each a distinct eigenvalue, the top 12
  const full = lanczos(A, { k: 12, tol: 1e-10, maxBasis: 30 });
  t.true(maxAbsDiff(partial.values, full.values) < 1e-10);
});

test("partial reorthogonalization with valueTol meets its eigenvalue bound on the 2-D Poisson operator", (t) => {
  const N = 24;
  const exact = expectedEigenvalues(poisson2dEigenvalues(N), 6, "largest");
  const r = lanczos(poisson2d(N), { k: 6, valueTol: 1e-10, reorthogonalization: "partial" });
  t.is(r.stats.status, "converged");
  r.values.forEach((v, i) => t.true(Math.abs(v - (exact[i] as number)) <= 1e-10 * (exact[i] as number)));
});

test("options.reorthogonalization must be full, partial, selective or none", (t) => {
  t.throws(() => lanczos(randomSPD(5, 10, 1), { k: 1, reorthogonalization: "some" as never }), { message: /lanczos: options.reorthogonalization/ });
});
