import test from "ava";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { dense, diagonal, readMatrixMarket, rng, toDense, type LinearOperator } from "@krylov-ts/operators";
import { lanczos, lanczosProcess, tridiagonalEigen } from "@krylov-ts/krylov";
import { poisson2d, poisson2dEigenvalues, randomIndefinite, randomSPD, symmetricEigen, withSpectrum, expectedEigenvalues, maxAbsDiff, orthogonalityLoss } from "../helpers/dense.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const matrices = path.resolve(repoRoot, "..", "shared", "data", "matrices");

const phrase = {
  largest: "the largest eigenvalues",
  smallest: "the smallest eigenvalues",
  both: "eigenvalues at both ends",
  magnitude: "the eigenvalues of largest magnitude",
} as const;

for (const which of ["largest", "smallest", "both", "magnitude"] as const) {
  test(`lanczos finds ${phrase[which]} of random SPD and indefinite matrices like the dense solver`, (t) => {
    const n = 60;
    for (const A of [randomSPD(n, 50, 3), randomIndefinite(n, 4)]) {
      const ref = symmetricEigen(A.data, n).values;
      const r = lanczos(A, { k: 5, which, tol: 1e-10, maxBasis: 24 });
      t.is(r.stats.status, "converged");
      t.true(maxAbsDiff(r.values, expectedEigenvalues(ref, 5, which)) < 1e-9);
      const normA = Math.max(Math.abs(ref[0] as number), Math.abs(ref[n - 1] as number));
      for (const res of r.residualNorms) t.true(res <= 1e-10 * normA * 1.5);
      t.true(orthogonalityLoss(r.vectors) < 1e-10);
    }
  });
}

test("the returned residual norms are the true ‖Av − λv‖ of the returned pairs", (t) => {
  const A = randomIndefinite(40, 7);
  const r = lanczos(A, { k: 3, which: "magnitude", tol: 1e-6 });
  r.vectors.forEach((v, j) => {
    const Av = A.apply(v);
    let s = 0;
    for (let i = 0; i < 40; i++) s += (Av.get(i) - (r.values[j] as number) * v.get(i)) ** 2;
    t.true(Math.abs(Math.sqrt(s) - (r.residualNorms[j] as number)) < 1e-12);
  });
});

for (const which of ["largest", "smallest"] as const) {
  test(`the ${which} eigenvalues of the 2-D Poisson operator come with their multiplicities`, (t) => {
    const N = 20;
    const exact = expectedEigenvalues(poisson2dEigenvalues(N), 6, which);
    const r = lanczos(poisson2d(N), { k: 6, which, tol: 1e-10 });
    t.is(r.stats.status, "converged");
    t.true(maxAbsDiff(r.values, exact) < 1e-12);
    // Repeated pairs are there twice, with orthogonal vectors.
    t.is(r.values.filter((x) => Math.abs(x - (exact[1] as number)) < 1e-9).length, 2);
    t.true(orthogonalityLoss(r.vectors) < 1e-10);
  });
}

test("an eigenvalue of multiplicity four in the wanted set is found four times", (t) => {
  const n = 50;
  const ev = Array.from({ length: n }, (_, i) => (i < 4 ? 10 : i < 6 ? 9 : (8 * i) / n));
  const A = dense(withSpectrum(ev, 8), [n, n], { symmetric: true });
  const r = lanczos(A, { k: 6, tol: 1e-10 });
  t.true(maxAbsDiff(r.values, [9, 9, 10, 10, 10, 10]) < 1e-9);
});

test("no ghost eigenvalues: each value found matches a distinct dense eigenvalue", (t) => {
  const n = 150;
  const ev = Array.from({ length: n }, (_, i) => 1 + (i * i) / 100);
  const A = dense(withSpectrum(ev, 3), [n, n], { symmetric: true });
  const r = lanczos(A, { k: 12, tol: 1e-10, maxBasis: 30 });
  t.true(maxAbsDiff(r.values, ev.slice(-12)) < 1e-8);
});

test("the top eigenvalues of gr_30_30 match the analytic 9-point stencil spectrum, repeated ones included", (t) => {
  const A = readMatrixMarket(readFileSync(path.join(matrices, "gr_30_30.mtx"), "utf8"));
  const ev: number[] = [];
  for (let i = 1; i <= 30; i++) {
    for (let j = 1; j <= 30; j++) ev.push(9 - (1 + 2 * Math.cos((i * Math.PI) / 31)) * (1 + 2 * Math.cos((j * Math.PI) / 31)));
  }
  ev.sort((a, b) => a - b);
  const r = lanczos(A, { k: 5, tol: 1e-10, maxBasis: 40 });
  t.is(r.stats.status, "converged");
  t.true(maxAbsDiff(r.values, ev.slice(-5)) < 1e-10);
});

test("the SuiteSparse matrices' extreme eigenvalues match dense references", (t) => {
  for (const name of ["mesh1e1", "LF10", "LFAT5"]) {
    const A = readMatrixMarket(readFileSync(path.join(matrices, `${name}.mtx`), "utf8"));
    const n = A.shape[0];
    const ref = symmetricEigen(toDense(A).data, n).values;
    const normA = Math.max(Math.abs(ref[0] as number), Math.abs(ref[n - 1] as number));
    const r = lanczos(A, { k: 2, which: "both", tol: 1e-12 });
    t.true(maxAbsDiff(r.values, expectedEigenvalues(ref, 2, "both")) < 1e-9 * normA, name);
  }
  // 494_bus (cond ≈ 2.4e6): its top four against a complete (494-step) Lanczos run without restarts.
  const A = readMatrixMarket(readFileSync(path.join(matrices, "494_bus.mtx"), "utf8"));
  const full = lanczosProcess(A, { steps: 494 });
  const ref = tridiagonalEigen(full.alpha, full.beta.subarray(0, full.alpha.length - 1)).values;
  const r = lanczos(A, { k: 4, tol: 1e-10 });
  t.is(r.stats.status, "converged");
  t.true(maxAbsDiff(r.values, Array.from(ref.slice(-4))) < 1e-8 * (ref[ref.length - 1] as number));
});

test("a complete basis on a small operator returns the exact spectrum", (t) => {
  const A = diagonal([3, 1, 4, 1, 5, 9, 2, 6]);
  const r = lanczos(A, { k: 8, tol: 1e-12 });
  t.deepEqual(Array.from(r.values, (x) => Math.round(x * 1e9) / 1e9), [1, 1, 2, 3, 4, 5, 6, 9]);
});

test("runs are deterministic for a seed and leave v0 unmodified", (t) => {
  const A = randomSPD(40, 20, 6);
  const v0 = rng(2).normalVec(40);
  const copy = Array.from(v0.data);
  const a = lanczos(A, { k: 3, v0 });
  const b = lanczos(A, { k: 3, v0 });
  t.deepEqual(Array.from(a.values), Array.from(b.values));
  t.is(a.stats.matvecs, b.stats.matvecs);
  t.deepEqual(Array.from(v0.data), copy);
});

test("a budget too small ends with status maxIterations and the best estimates, not an error", (t) => {
  const r = lanczos(poisson2d(30), { k: 4, maxMatvecs: 40, tol: 1e-12 });
  t.is(r.stats.status, "maxIterations");
  t.false(r.stats.converged);
  t.is(r.values.length, 4);
  t.true(r.stats.matvecs <= 40 + 4);
});

test("the callback and the signal stop the run with status stopped", (t) => {
  const A: LinearOperator = poisson2d(20);
  let calls = 0;
  const r = lanczos(A, { k: 4, callback: () => ++calls === 2 });
  t.is(r.stats.status, "stopped");
  t.is(calls, 2);
  const ac = new AbortController();
  ac.abort();
  t.is(lanczos(A, { k: 2, signal: ac.signal }).stats.status, "stopped");
});

test("reorthogonalization none still finds well-separated eigenvalues", (t) => {
  const n = 60;
  const A = randomSPD(n, 50, 3);
  const ref = symmetricEigen(A.data, n).values;
  const r = lanczos(A, { k: 2, tol: 1e-8, reorthogonalization: "none" });
  t.true(maxAbsDiff(r.values, Array.from(ref.slice(-2))) < 1e-7);
});

test("bad input throws errors naming the function, the argument and the sizes", (t) => {
  const A = randomSPD(5, 10, 1);
  t.throws(() => lanczos(A, { k: 6 }), { message: /lanczos: options.k is 6 but A is 5×5/ });
  t.throws(() => lanczos(A, { k: 0 }), { message: /lanczos: options.k/ });
  t.throws(() => lanczos(A, { which: "middle" as never }), { message: /lanczos: options.which/ });
  t.throws(() => lanczos(A, { tol: -1 }), { message: /lanczos: options.tol/ });
  t.throws(() => lanczos(A, { valueTol: -1 }), { message: /lanczos: options.valueTol/ });
  t.throws(() => lanczos(A, { maxMultiplicity: 0 }), { message: /lanczos: options.maxMultiplicity/ });
  t.throws(() => lanczos(A, { v0: [1, 2] }), { message: /lanczos: options.v0 has length 2 but A is 5×5/ });
  t.throws(() => lanczos(dense([[1, 2, 3], [4, 5, 6]])), { message: /lanczos: A must be square but is 2×3/ });
  t.throws(() => lanczos(dense([[1, 2], [0, 1]]), { k: 1, checkSymmetric: true }), { message: /lanczos: A \(2×2\) is not symmetric/ });
});

test("valueTol meets its eigenvalue error bound with fewer products than the same residual tolerance", (t) => {
  const n = 400;
  const ev = Array.from({ length: n }, (_, i) => 1 + i / n + (i >= n - 4 ? 0.05 * (i - n + 5) : 0));
  ev.sort((a, b) => a - b);
  const A = dense(withSpectrum(ev, 11), [n, n], { symmetric: true });
  const byResidual = lanczos(A, { k: 4, tol: 1e-10, maxBasis: 20 });
  const byValue = lanczos(A, { k: 4, tol: 1e-10, valueTol: 1e-10, maxBasis: 20 });
  t.is(byValue.stats.status, "converged");
  const top = ev.slice(-4);
  byValue.values.forEach((v, i) => t.true(Math.abs(v - (top[i] as number)) <= 1e-10 * Math.abs(top[i] as number)));
  t.true(byValue.stats.matvecs < byResidual.stats.matvecs);
  // The eigenvectors are only as good as ‖r‖ ≈ √(valueTol·gap·|λ|) allows, far above 1e-10·‖A‖.
  t.true(Math.max(...byValue.residualNorms) > 1e-9);
});

test("maxMultiplicity 2 finds the repeated Poisson eigenvalues twice with fewer products", (t) => {
  const N = 24;
  const exact = expectedEigenvalues(poisson2dEigenvalues(N), 6, "largest");
  const all = lanczos(poisson2d(N), { k: 6, tol: 1e-10 });
  const capped = lanczos(poisson2d(N), { k: 6, tol: 1e-10, maxMultiplicity: 2 });
  t.is(capped.stats.status, "converged");
  t.true(maxAbsDiff(all.values, exact) < 1e-12);
  t.true(maxAbsDiff(capped.values, exact) < 1e-12);
  t.true(capped.stats.matvecs < all.stats.matvecs);
  t.true(orthogonalityLoss(capped.vectors) < 1e-10);
});

test("an eigenvalue of multiplicity three is found three times", (t) => {
  const n = 80;
  const ev = Array.from({ length: n }, (_, i) => (i < 3 ? 5 : i < 5 ? 4.5 : (4 * i) / n));
  const A = dense(withSpectrum(ev, 5), [n, n], { symmetric: true });
  const r = lanczos(A, { k: 7, tol: 1e-10 });
  t.is(r.stats.status, "converged");
  const top = [...ev].sort((a, b) => a - b).slice(-7);
  t.true(maxAbsDiff(r.values, top) < 1e-9);
  t.true(orthogonalityLoss(r.vectors) < 1e-10);
});

test("history records one residual norm a restart cycle, falling to the tolerance, and the callback sees each entry", (t) => {
  const A = poisson2d(20); // ‖A‖ < 8
  const seen: number[] = [];
  const r = lanczos(A, { k: 4, tol: 1e-10, maxBasis: 20, history: true, callback: (info) => void seen.push(info.residualNorm) });
  const h = r.stats.residualHistory ?? [];
  t.is(r.stats.status, "converged");
  t.true(r.restarts > 2);
  t.is(h.length, r.restarts);
  t.deepEqual(seen, h);
  t.true(h.every((x) => Number.isFinite(x) && x >= 0));
  t.true((h[0] as number) > 1e-3);
  // The last entry is the largest estimate of the pairs returned: below tol·‖A‖, like their true residuals.
  t.true((h[h.length - 1] as number) <= 1e-10 * 8);
  t.true(r.stats.residualNorm <= 1e-9);
  t.is(lanczos(A, { k: 4, tol: 1e-10, maxBasis: 20 }).stats.residualHistory, undefined);
});

test("a history entry is the true residual of the wanted Ritz pairs while they are unconverged", (t) => {
  const n = 80;
  const A = randomSPD(n, 1e3, 6);
  // Stopped after one cycle, the answer is the cycle's best Ritz pairs, whose true residuals are computed.
  const r = lanczos(A, { k: 3, maxBasis: 10, history: true, callback: () => true });
  t.is(r.stats.status, "stopped");
  const h = r.stats.residualHistory ?? [];
  t.is(h.length, 1);
  t.true(Math.abs((h[0] as number) - r.stats.residualNorm) <= 1e-8 * r.stats.residualNorm);
});
