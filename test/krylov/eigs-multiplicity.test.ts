import test from "ava";
import fc from "fast-check";
import { dense, vec, type Vec } from "@krylov-ts/operators";
import { eigs, type EigsWhich } from "@krylov-ts/krylov";
import { convectionDiffusion2d, convectionDiffusion2dSymmetric, denseEigenvalues, rotationMatrix } from "../helpers/problems/index.js";
import { maxAbsDiff } from "../helpers/dense.js";

type C = { re: number; im: number };
const WHICH: readonly EigsWhich[] = ["largestMagnitude", "smallestMagnitude", "largestReal", "smallestReal"];

/** The dense reference's eigenvalues sorted as `which` asks (pairs +im first), with multiplicity. */
function reference(a: Float64Array, n: number, which: EigsWhich): C[] {
  const { re, im } = denseEigenvalues(a, n);
  const key = keyOf(which);
  return re.map((r, i) => ({ re: r, im: im[i] as number })).sort((x, y) => key(x) - key(y) || y.im - x.im);
}

/**
 * Whether the returned values are the wanted ones of the sorted reference `ref`, with multiplicity:
 * each returned value matches a distinct reference value within `tol`·max(1, |λ|), and every
 * reference value left unmatched ranks no better (by `key`) than the worst returned one (ties at the
 * k-th place may go either way). Returns what is wrong, or "" when nothing is.
 */
function unmatched(re: Float64Array, im: Float64Array, ref: readonly C[], tol: number, which: EigsWhich): string {
  const key = keyOf(which);
  const pool = ref.map((v) => ({ ...v, used: false }));
  const wrong: string[] = [];
  let worst = -Infinity;
  for (let i = 0; i < re.length; i++) {
    const v = { re: re[i] as number, im: im[i] as number };
    worst = Math.max(worst, key(v));
    let best = -1;
    let dist = Infinity;
    pool.forEach((p, j) => {
      const d = Math.hypot(p.re - v.re, p.im - v.im);
      if (!p.used && d < dist) {
        dist = d;
        best = j;
      }
    });
    if (best < 0 || dist > tol * Math.max(1, Math.hypot(v.re, v.im))) wrong.push(`${v.re}${v.im >= 0 ? "+" : ""}${v.im}i is no eigenvalue (${dist.toExponential(1)} from the nearest unused)`);
    else (pool[best] as { used: boolean }).used = true;
  }
  for (const p of pool) {
    if (!p.used && key(p) < worst - tol * Math.max(1, Math.hypot(p.re, p.im))) wrong.push(`${p.re}${p.im >= 0 ? "+" : ""}${p.im}i is missing`);
  }
  return wrong.join(", ");
}

function keyOf(which: EigsWhich): (v: C) => number {
  return (v) => (which === "largestMagnitude" ? -Math.hypot(v.re, v.im) : which === "smallestMagnitude" ? Math.hypot(v.re, v.im) : which === "largestReal" ? -v.re : v.re);
}

/** The largest |cos| of the angle between two returned eigenvectors of the same value (1: the same vector twice). */
function worstCopyCosine(re: Float64Array, im: Float64Array, vectors: readonly { re: Vec; im: Vec }[]): number {
  let worst = 0;
  for (let i = 0; i < re.length; i++) {
    for (let j = i + 1; j < re.length; j++) {
      if (Math.hypot((re[i] as number) - (re[j] as number), (im[i] as number) - (im[j] as number)) > 1e-8 * Math.hypot(re[i] as number, im[i] as number)) continue;
      const a = vectors[i] as { re: Vec; im: Vec };
      const b = vectors[j] as { re: Vec; im: Vec };
      let cr = 0, ci = 0; // aᴴb
      for (let t = 0; t < a.re.data.length; t++) {
        const ar = a.re.data[t] as number, ai = a.im.data[t] as number, br = b.re.data[t] as number, bi = b.im.data[t] as number;
        cr += ar * br + ai * bi;
        ci += ar * bi - ai * br;
      }
      worst = Math.max(worst, Math.hypot(cr, ci));
    }
  }
  return worst;
}

test("eigs returns both copies of the double eigenvalues of 2-D convection–diffusion from a start vector symmetric in i ↔ j", (t) => {
  // λᵢⱼ = λⱼᵢ: the 6 largest are λ₁₁ > λ₁₂ = λ₂₁ > λ₂₂ > λ₁₃ = λ₃₁. From v0 = 1 every Krylov vector of the
  // Kronecker form is symmetric under i ↔ j to the last bit, so the first run sees one vector of each
  // double eigenspace: only a search from a vector without that symmetry brings the copies.
  const N = 12;
  const n = N * N;
  for (const peclet of [10, 30]) {
    const A = convectionDiffusion2dSymmetric(N, { peclet });
    const csr = convectionDiffusion2d(N, { peclet });
    const a = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      const e = vec(n);
      e.data[j] = 1;
      const col = csr.apply(e).data;
      for (let i = 0; i < n; i++) a[i * n + j] = col[i] as number;
    }
    const probe = vec(Float64Array.from({ length: n }, (_, i) => Math.sin(i)));
    t.true(maxAbsDiff(A.apply(probe).data, csr.apply(probe).data) < 1e-13, "the Kronecker form is the CSR matrix");
    const ref = reference(a, n, "largestMagnitude");
    const { re, im, vectors, residualNorms, stats, search } = eigs(A, { k: 6, v0: new Float64Array(n).fill(1), tol: 1e-12 });
    t.is(stats.status, "converged", `Pe ${peclet}: ${stats.message ?? ""}`);
    t.is(re.length, 6);
    t.is(unmatched(re, im, ref, 1e-8, "largestMagnitude"), "", `Pe ${peclet}: returned ${Array.from(re).join(", ")}; reference ${ref.slice(0, 6).map((v) => v.re).join(", ")}`);
    t.true(search.searches >= 1 && search.found >= 2, `Pe ${peclet}: ${JSON.stringify(search)}`);
    t.true(worstCopyCosine(re, im, vectors as { re: Vec; im: Vec }[]) < 0.999, "the copies' eigenvectors are independent");
    for (let i = 0; i < 6; i++) t.true((residualNorms[i] as number) <= 1e-12 * Math.abs(re[i] as number) * 1.0000001);
  }
});

test("eigs returns real and complex-pair eigenvalues of multiplicity 2 to 4 with independent eigenvectors", (t) => {
  // 9 ± 2i three times, 7 four times, 6 ± 1i twice, then simple values; hidden by a non-normal similarity.
  const pairsRe = [9, 9, 9, 6, 6, 3, 2.5, 1];
  const pairsIm = [2, 2, 2, 1, 1, 0.7, 0.3, 0.2];
  const real = [7, 7, 7, 7, 4, 3.5, 2, 1.5, 0.5, 0.25];
  for (const mix of ["orthogonal", "nonNormal"] as const) {
    const { a, n } = rotationMatrix(pairsRe, pairsIm, { real, mix, scale: 0.2, seed: 11 });
    for (const [which, k] of [["largestReal", 12], ["largestMagnitude", 14]] as const) {
      const ref = reference(a, n, which);
      const { re, im, vectors, stats } = eigs(dense(a, [n, n]), { k, which, tol: 1e-11, maxBasis: 22 });
      t.is(stats.status, "converged", `${mix} ${which}: ${stats.message ?? ""}`);
      t.is(unmatched(re, im, ref, 1e-7, which), "", `${mix} ${which}: ${Array.from(re, (r, i) => `${r.toFixed(6)}${(im[i] as number) >= 0 ? "+" : ""}${(im[i] as number).toFixed(6)}i`).join(" ")}`);
      t.true(worstCopyCosine(re, im, vectors as { re: Vec; im: Vec }[]) < 0.999, `${mix} ${which}`);
    }
  }
});

test("eigs on random matrices with planted multiplicities returns the dense reference's wanted values with multiplicity, or does not say converged (property, 40 cases)", (t) => {
  const seed = 1010;
  t.log(`fast-check seed ${seed}`);
  let converged = 0;
  let cases = 0;
  fc.assert(
    fc.property(
      fc.array(fc.record({ re: fc.double({ min: 1, max: 10, noNaN: true }), im: fc.double({ min: 0.1, max: 3, noNaN: true }), copies: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 4 }),
      fc.array(fc.record({ value: fc.double({ min: 1, max: 10, noNaN: true }), copies: fc.integer({ min: 1, max: 4 }) }), { minLength: 2, maxLength: 6 }),
      fc.constantFrom(...WHICH),
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 0, max: 10_000 }),
      (pairs, reals, which, k, s) => {
        const pairsRe = pairs.flatMap((p) => Array<number>(p.copies).fill(p.re));
        const pairsIm = pairs.flatMap((p) => Array<number>(p.copies).fill(p.im));
        const real = reals.flatMap((r) => Array<number>(r.copies).fill(r.value));
        const { a, n } = rotationMatrix(pairsRe, pairsIm, { real, mix: s % 2 === 0 ? "orthogonal" : "nonNormal", scale: 0.2, seed: s });
        if (k > n) return true;
        cases++;
        const ref = reference(a, n, which);
        const { re, im, stats } = eigs(dense(a, [n, n]), { k, which, tol: 1e-11, maxBasis: Math.min(n, Math.max(k + 2, 12)), seed: s });
        if (stats.status !== "converged") return true;
        converged++;
        return unmatched(re, im, ref, 1e-6, which) === "";
      },
    ),
    { seed, numRuns: 40 },
  );
  t.true(converged >= 0.8 * cases, `${converged} of ${cases} converged`);
});
