import test from "ava";
import fc from "fast-check";
import { dense, diagonal, rng, vec, type Vec } from "@krylov-ts/operators";
import { eigs, type EigsWhich } from "@krylov-ts/krylov";
import { realSchur, reorderSchur, schurBlocks } from "../../packages/krylov/src/eigs/small-schur.js";
import { denseSolve } from "../helpers/dense.js";
import { convectionDiffusion2d, denseEigenvalues, randomNonsymmetric, rotationBlocks, rotationEigenvalues, rotationMatrix } from "../helpers/problems/index.js";

type C = { re: number; im: number };

/** The reference eigenvalues sorted as `which` asks (pairs +im first). */
function sortedReference(a: Float64Array, n: number, which: EigsWhich): C[] {
  const { re, im } = denseEigenvalues(a, n);
  const key = (v: C): number =>
    which === "largestMagnitude" ? -Math.hypot(v.re, v.im) : which === "smallestMagnitude" ? Math.hypot(v.re, v.im) : which === "largestReal" ? -v.re : v.re;
  return re.map((r, i) => ({ re: r, im: im[i] as number })).sort((x, y) => key(x) - key(y) || y.im - x.im);
}

/** ‖Ax − λx‖ for x = xr + i·xi, computed here with the operator. */
function pairResidual(A: { apply(x: Vec): Vec }, l: C, xr: Vec, xi: Vec): number {
  const ar = A.apply(vec(Float64Array.from(xr.data))).data;
  const ai = A.apply(vec(Float64Array.from(xi.data))).data;
  let s = 0;
  for (let i = 0; i < ar.length; i++) {
    const r = (ar[i] as number) - l.re * (xr.data[i] as number) + l.im * (xi.data[i] as number);
    const q = (ai[i] as number) - l.re * (xi.data[i] as number) - l.im * (xr.data[i] as number);
    s += r * r + q * q;
  }
  return Math.sqrt(s);
}

for (const which of ["largestMagnitude", "smallestMagnitude", "largestReal", "smallestReal"] as const) {
  test(`eigs finds the 6 ${which} eigenvalues of a random 60×60 matrix as the dense QR algorithm does, with verified residuals`, (t) => {
    const n = 60;
    const { a, op } = randomNonsymmetric(n, which === "smallestMagnitude" ? 3 : 0, 17); // shifted: the smallest |λ| at the edge of the spectrum, where Krylov methods find them
    const ref = sortedReference(a, n, which);
    const { re, im, vectors, residualNorms, stats } = eigs(op, { k: 6, which, tol: 1e-12, maxBasis: 30 });
    t.is(stats.status, "converged");
    t.true(re.length === 6 || (re.length === 7 && im[6] !== 0));
    for (let i = 0; i < re.length; i++) {
      const e = ref[i] as C;
      t.true(Math.hypot((re[i] as number) - e.re, (im[i] as number) - e.im) <= 1e-9 * Math.max(1, Math.hypot(e.re, e.im)), `${which} #${i}: ${re[i]}+${im[i]}i vs ${e.re}+${e.im}i`);
      const v = (vectors as { re: Vec; im: Vec }[])[i] as { re: Vec; im: Vec };
      const r = pairResidual(op, { re: re[i] as number, im: im[i] as number }, v.re, v.im);
      t.true(Math.abs(r - (residualNorms[i] as number)) <= 1e-12, `reported ${residualNorms[i]} measured ${r}`);
      t.true(r <= Math.max(1e-12 * Math.hypot(re[i] as number, im[i] as number), 1e-14 * n));
    }
  });
}

test("eigs returns the known complex eigenvalues of hidden 2×2 rotation blocks as (re, ±im) pairs", (t) => {
  const reParts = [1, 2, 3, 4, 5, 6, 7, 8];
  const imParts = [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4];
  for (const mix of ["orthogonal", "nonNormal"] as const) {
    const A = rotationBlocks(reParts, imParts, { mix, real: [0.1, 0.2, 0.3, 0.4], scale: 0.3, seed: 5 });
    const { re, im, stats } = eigs(A, { k: 4, which: "largestReal", tol: 1e-12 });
    t.is(stats.status, "converged", mix);
    t.deepEqual(Array.from(re, (x) => Math.round(x * 1e6) / 1e6), [8, 8, 7, 7]);
    t.deepEqual(Array.from(im, (x) => Math.round(x * 1e6) / 1e6), [4, -4, 3.5, -3.5]);
  }
  const { re: r0, im: i0 } = rotationEigenvalues([1], [2], [3]);
  t.deepEqual([r0, i0], [[1, 1, 3], [2, -2, 0]]);
});

test("eigs with shift-and-invert through a dense LU solve finds the eigenvalues nearest σ", (t) => {
  const n = 50;
  const { a, op } = randomNonsymmetric(n, 0, 23);
  const sigma = 0.3;
  const shifted = Float64Array.from(a);
  for (let i = 0; i < n; i++) shifted[i * n + i] = (shifted[i * n + i] as number) - sigma;
  let solves = 0;
  const solve = (x: Vec, out: Vec): void => {
    solves++;
    out.data.set(denseSolve(shifted, n, x.data.subarray(x.offset, x.offset + n)), out.offset);
  };
  const { re, im, residualNorms, stats } = eigs(op, { k: 4, sigma, solve, tol: 1e-12 });
  t.is(stats.status, "converged");
  const { re: rr, im: ii } = denseEigenvalues(a, n);
  const near = rr.map((r, i) => ({ re: r, im: ii[i] as number })).sort((x, y) => Math.hypot(x.re - sigma, x.im) - Math.hypot(y.re - sigma, y.im));
  for (let i = 0; i < re.length; i++) {
    const hit = near.slice(0, re.length + 1).some((e) => Math.hypot(e.re - (re[i] as number), e.im - (im[i] as number)) < 1e-10);
    t.true(hit, `${re[i]}+${im[i]}i is not among the ${re.length + 1} nearest σ`);
    t.true((residualNorms[i] as number) <= 1e-10);
  }
  t.true(solves > 0);
  t.true(stats.matvecs >= solves);
});

test("eigs on 2-D convection–diffusion at Péclet 10 finds the largest eigenvalue 4 + 2c + 4√(1+c)·cos(π/(N+1))", (t) => {
  const N = 16;
  const A = convectionDiffusion2d(N, { peclet: 10 });
  const c = (10 / (N + 1)) / Math.SQRT2;
  const exact = 4 + 2 * c + 4 * Math.sqrt(1 + c) * Math.cos(Math.PI / (N + 1));
  const { re, im, stats } = eigs(A, { k: 1, which: "largestReal" });
  t.is(stats.status, "converged");
  t.true(Math.abs((re[0] as number) - exact) < 1e-8 * exact, `${re[0]} vs ${exact}`);
  t.is(im[0], 0);
});

test("eigs with k = n (m = n) converges in one cycle on an invariant Krylov space", (t) => {
  const A = diagonal([5, 4, 3, 2, 1]);
  const { re, stats, restarts } = eigs(A, { k: 5 });
  t.is(stats.status, "converged");
  t.is(restarts, 1);
  t.deepEqual(Array.from(re, (x) => Math.round(x * 1e10) / 1e10), [5, 4, 3, 2, 1]);
});

test("eigs on the zero operator returns zero eigenvalues, converged", (t) => {
  const { re, im, residualNorms, stats } = eigs(diagonal(new Float64Array(30)), { k: 3 });
  t.is(stats.status, "converged");
  t.deepEqual(Array.from(re), [0, 0, 0]);
  t.deepEqual(Array.from(im), [0, 0, 0]);
  t.deepEqual(Array.from(residualNorms), [0, 0, 0]);
});

test("eigs reports the budget, the callback and the signal without claiming convergence", (t) => {
  const A = convectionDiffusion2d(20, { peclet: 10 });
  const budget = eigs(A, { k: 4, maxRestarts: 1, maxBasis: 10, tol: 1e-14 });
  t.is(budget.stats.status, "maxIterations");
  t.false(budget.stats.converged);
  t.is(budget.re.length, 4);
  const seen: number[] = [];
  const cb = eigs(A, { k: 2, maxBasis: 8, callback: (info) => (seen.push(info.restart), info.restart === 2), history: true });
  t.is(cb.stats.status, "stopped");
  t.deepEqual(seen, [1, 2]);
  t.is(cb.stats.residualHistory?.length, 2);
  const controller = new AbortController();
  controller.abort();
  t.is(eigs(A, { signal: controller.signal }).stats.status, "stopped");
});

test("the real Schur form and its reordering keep H = Z·T·Zᵀ, ZᵀZ = I and T quasi-triangular (property, 80 cases)", (t) => {
  const seed = 2002;
  t.log(`fast-check seed ${seed}`);
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 0, max: 100_000 }), fc.double({ min: -1, max: 1, noNaN: true }), (m, s, cut) => {
      const r = rng(s);
      const H = Float64Array.from({ length: m * m }, () => r.normal());
      const T = Float64Array.from(H);
      const Z = new Float64Array(m * m);
      if (!realSchur(T, Z, m, new Float64Array(m))) return false;
      const before = schurBlocks(T, m).map((b) => b.re).sort((x, y) => x - y);
      const placed = reorderSchur(T, Z, m, (b) => b.re < cut);
      const blocks = schurBlocks(T, m);
      // the selected ones lead, and the spectrum is unchanged
      let seenUnselected = false;
      for (const b of blocks) {
        if (b.re >= cut) seenUnselected = true;
        else if (seenUnselected && Math.abs(b.re - cut) > 1e-8) return false;
      }
      const after = blocks.map((b) => b.re).sort((x, y) => x - y);
      if (before.some((v, i) => Math.abs(v - (after[i] as number)) > 1e-9 * (1 + Math.abs(v)))) return false;
      if (placed !== blocks.filter((b) => b.re < cut).reduce((a, b) => a + (b.im > 0 ? 2 : b.im < 0 ? 0 : b.size === 1 ? 1 : 1), 0)) return false;
      let err = 0, orth = 0;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < m; j++) {
          let x = 0, d = 0;
          for (let p = 0; p < m; p++) {
            d += (Z[p * m + i] as number) * (Z[p * m + j] as number);
            for (let q = 0; q < m; q++) x += (Z[i * m + p] as number) * (T[p * m + q] as number) * (Z[j * m + q] as number);
          }
          err = Math.max(err, Math.abs(x - (H[i * m + j] as number)));
          orth = Math.max(orth, Math.abs(d - (i === j ? 1 : 0)));
          if (i > j + 1 && T[i * m + j] !== 0) return false;
        }
      }
      return err < 1e-12 * m && orth < 1e-13 * m;
    }),
    { seed, numRuns: 80 },
  );
  t.pass();
});

test("eigs refuses bad arguments with one-line errors", (t) => {
  const A = dense([[1, 2], [3, 4]]);
  t.throws(() => eigs(A, { k: 3 }), { instanceOf: RangeError, message: "eigs: options.k is 3 but A is 2×2 (k ≤ n)" });
  t.throws(() => eigs(A, { which: "largest" as EigsWhich }), { instanceOf: RangeError, message: /eigs: options\.which must be one of/ });
  t.throws(() => eigs(A, { sigma: 1 }), { instanceOf: TypeError, message: "eigs: options.sigma and options.solve go together (shift-and-invert)" });
  t.throws(() => eigs(dense([[1, 2, 3], [4, 5, 6]])), { message: /eigs: A/ });
  t.throws(() => eigs(A, { nev: 2 } as unknown as { k: number }), { instanceOf: TypeError, message: /eigs: unknown option 'nev'/ });
  const big = diagonal(Float64Array.from({ length: 50 }, (_, i) => i));
  t.throws(() => eigs(big, { k: 10, maxBasis: 11 }), { instanceOf: RangeError, message: "eigs: options.maxBasis is 11 but needs at least k + 2 = 12 (or n = 50)" });
  void rotationMatrix;
});
