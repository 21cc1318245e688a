/**
 * lobpcg against dense references: the standard problem (Jacobi eigenvalues of the matrix), the
 * generalized problem A x = λ B x (eigenvalues of L⁻¹AL⁻ᵀ, B = LLᵀ by Cholesky), B-orthonormality
 * of the vectors, true residuals, the effect of a preconditioner, block size 1, and the errors.
 */
import test from "ava";
import fc from "fast-check";
import { dense, diagonal, operator, type Vec } from "@krylov-ts/operators";
import { lobpcg } from "@krylov-ts/krylov";
import { matvec, poisson2d, poisson2dEigenvalues, randomSPD, symmetricEigen, withSpectrum } from "../helpers/dense.js";

/** Eigenvalues (ascending) of A x = λ B x for dense symmetric A and SPD B: those of L⁻¹AL⁻ᵀ with B = LLᵀ. */
function generalizedEigenvalues(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let s = b[j * n + j]!;
    for (let p = 0; p < j; p++) s -= L[j * n + p]! ** 2;
    L[j * n + j] = Math.sqrt(s);
    for (let i = j + 1; i < n; i++) {
      let t = b[i * n + j]!;
      for (let p = 0; p < j; p++) t -= L[i * n + p]! * L[j * n + p]!;
      L[i * n + j] = t / L[j * n + j]!;
    }
  }
  // Y = L⁻¹ A (forward substitution on each column), then C = L⁻¹ Yᵀ (A symmetric so C = L⁻¹AL⁻ᵀ).
  const solveL = (m: Float64Array): Float64Array => {
    const out = new Float64Array(n * n);
    for (let c = 0; c < n; c++) {
      for (let i = 0; i < n; i++) {
        let s = m[i * n + c]!;
        for (let p = 0; p < i; p++) s -= L[i * n + p]! * out[p * n + c]!;
        out[i * n + c] = s / L[i * n + i]!;
      }
    }
    return out;
  };
  const Y = solveL(a);
  const Yt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Yt[i * n + j] = Y[j * n + i]!;
  const C = solveL(Yt);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) C[i * n + j] = C[j * n + i] = 0.5 * (C[i * n + j]! + C[j * n + i]!);
  return symmetricEigen(C, n).values;
}

function arr(v: Vec): Float64Array {
  return Float64Array.from({ length: v.shape[0] ?? 0 }, (_, i) => v.get(i));
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

test("lobpcg finds the 4 smallest eigenpairs of a symmetric matrix with the dense eigenvalues", (t) => {
  const n = 60;
  const ev = Array.from({ length: n }, (_, i) => 1 + i * i * 0.1);
  const a = withSpectrum(ev, 3);
  const { values, vectors, residualNorms, stats } = lobpcg(dense(a, [n, n], { symmetric: true }), { k: 4, tol: 1e-10 });
  t.true(stats.converged, stats.message);
  for (let i = 0; i < 4; i++) t.true(Math.abs(values[i]! - ev[i]!) < 1e-9 * ev[n - 1]!, `λ${i} ${values[i]} vs ${ev[i]}`);
  for (let i = 0; i < 4; i++) {
    const x = arr(vectors[i]!);
    const r = matvec(a, n, n, x).map((v, j) => v - values[i]! * x[j]!);
    t.true(Math.abs(Math.hypot(...r) - residualNorms[i]!) < 1e-12 * ev[n - 1]!);
    for (let j = 0; j <= i; j++) t.true(Math.abs(dot(x, arr(vectors[j]!)) - (i === j ? 1 : 0)) < 1e-10);
  }
});

test("lobpcg solves the generalized problem A x = λ B x: dense eigenvalues, B-orthonormal vectors", (t) => {
  const n = 40;
  const a = withSpectrum(Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * (1 + i)), 5); // indefinite A
  const Bop = randomSPD(n, 20, 6);
  const b = Bop.data;
  const ref = generalizedEigenvalues(a, b, n);
  for (const which of ["smallest", "largest"] as const) {
    const { values, vectors, stats } = lobpcg(dense(a, [n, n], { symmetric: true }), { B: Bop, k: 3, which, tol: 1e-10 });
    t.true(stats.converged, stats.message);
    const want = which === "smallest" ? [ref[0]!, ref[1]!, ref[2]!] : [ref[n - 1]!, ref[n - 2]!, ref[n - 3]!];
    for (let i = 0; i < 3; i++) t.true(Math.abs(values[i]! - want[i]!) < 1e-8 * Math.abs(ref[n - 1]!), `${which} λ${i} ${values[i]} vs ${want[i]}`);
    for (let i = 0; i < 3; i++) {
      const bx = matvec(b, n, n, arr(vectors[i]!));
      for (let j = 0; j < 3; j++) t.true(Math.abs(dot(arr(vectors[j]!), bx) - (i === j ? 1 : 0)) < 1e-9);
    }
  }
});

test("a preconditioner cuts lobpcg's iterations on a matrix with a wide diagonal", (t) => {
  const N = 12;
  const n = N * N;
  const P = poisson2d(N);
  const d = Float64Array.from({ length: n }, (_, i) => 1 + 50 * ((i * 7) % n) / n);
  const A = operator([n, n], (x, out) => {
    P.apply(x, out);
    for (let i = 0; i < n; i++) out.data[out.offset + i] = out.data[out.offset + i]! + d[i]! * x.data[x.offset + i]!;
  }, { symmetric: true });
  const jacobi = diagonal(d.map((v) => 1 / (v + 4)));
  const plain = lobpcg(A, { k: 3, tol: 1e-8, maxIterations: 1000 });
  const pre = lobpcg(A, { k: 3, tol: 1e-8, M: jacobi, maxIterations: 1000 });
  t.true(plain.stats.converged && pre.stats.converged);
  t.true(pre.stats.iterations < plain.stats.iterations, `${pre.stats.iterations} vs ${plain.stats.iterations}`);
  for (let i = 0; i < 3; i++) t.true(Math.abs(pre.values[i]! - plain.values[i]!) < 1e-7 * plain.values[2]!);
  t.is(pre.estimates.precondApplies > 0, true);
});

test("lobpcg with block size 1 finds the smallest Poisson eigenvalue", (t) => {
  const N = 16;
  const { values, stats } = lobpcg(poisson2d(N), { tol: 1e-10 });
  t.true(stats.converged);
  t.is(values.length, 1);
  t.true(Math.abs(values[0]! - poisson2dEigenvalues(N)[0]!) < 1e-9);
});

test("lobpcg agrees with the dense eigenvalues on random spectra (property, seeded)", (t) => {
  const seed = 99;
  const result = fc.check(
    fc.property(fc.integer({ min: 12, max: 40 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 1e6 }), (n, k, s) => {
      const ev = Array.from({ length: n }, (_, i) => 1 + i + ((s + i * 13) % 7) * 0.01);
      const a = withSpectrum(ev, s);
      const sorted = [...ev].sort((x, y) => x - y);
      const r = lobpcg(dense(a, [n, n], { symmetric: true }), { k, tol: 1e-9, seed: s, maxIterations: 2000 });
      if (!r.stats.converged) return false;
      for (let i = 0; i < k; i++) if (Math.abs(r.values[i]! - sorted[i]!) > 1e-7 * sorted[n - 1]!) return false;
      return true;
    }),
    { seed, numRuns: 30 },
  );
  t.false(result.failed, `seed ${seed}: counterexample ${JSON.stringify(result.counterexample)}`);
});

test("lobpcg starts from X0, leaves it unmodified, and stops on the callback, the signal and the budget", (t) => {
  const n = 50;
  const a = withSpectrum(Array.from({ length: n }, (_, i) => 1 + i), 8);
  const A = dense(a, [n, n], { symmetric: true });
  const X0 = [Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1)), Float64Array.from({ length: n }, (_, i) => Math.cos(3 * i))];
  const copies = X0.map((x) => Float64Array.from(x));
  const r = lobpcg(A, { X0, tol: 1e-9 });
  t.true(r.stats.converged);
  t.is(r.values.length, 2);
  t.deepEqual(X0, copies);
  let calls = 0;
  const s = lobpcg(A, { k: 2, callback: (info) => { calls++; t.is(info.iteration, calls); return calls === 3; } });
  t.is(s.stats.status, "stopped");
  t.is(s.stats.iterations, 3);
  const ac = new AbortController();
  ac.abort();
  t.is(lobpcg(A, { k: 2, signal: ac.signal }).stats.status, "stopped");
  const m = lobpcg(A, { k: 2, tol: 1e-14, maxIterations: 2 });
  t.is(m.stats.status, "maxIterations");
  t.false(m.stats.converged);
});

test("lobpcg rejects bad shapes and options with one-line errors", (t) => {
  const A = dense(new Float64Array(9), [3, 3], { symmetric: true });
  t.throws(() => lobpcg(dense(new Float64Array(6), [2, 3])), { instanceOf: RangeError, message: "lobpcg: A must be square but is 2×3" });
  t.throws(() => lobpcg(A, { k: 4 }), { instanceOf: RangeError, message: "lobpcg: options.k is 4 but A is 3×3" });
  t.throws(() => lobpcg(A, { B: diagonal([1, 1]) }), { instanceOf: RangeError, message: "lobpcg: options.B is 2×2 but A is 3×3" });
  t.throws(() => lobpcg(A, { k: 2, X0: [[1, 0, 0]] }), { instanceOf: RangeError, message: "lobpcg: options.X0 has 1 vectors but options.k is 2" });
  t.throws(() => lobpcg(A, { X0: [[1, 0]] }), { instanceOf: RangeError, message: "lobpcg: options.X0[0] has length 2 but A is 3×3" });
  t.throws(() => lobpcg(A, { tols: 1 } as never), { instanceOf: TypeError, message: /unknown option 'tols'/ });
});
