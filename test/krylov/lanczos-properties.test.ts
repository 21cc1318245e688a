import test from "ava";
import fc from "fast-check";
import { diagonal, dense } from "@krylov-ts/operators";
import { lanczos, lanczosProcess, slq } from "@krylov-ts/krylov";
import { expectedEigenvalues, withSpectrum } from "../helpers/dense.js";

const seed = 20261204;
const strategies = ["full", "partial", "selective", "none"] as const;
const whichs = ["largest", "smallest", "both", "magnitude"] as const;
const scales = [1, 1e-300, 1e-150, 1e-50, 1e50, 1e150, 1e300];

/**
 * A random spectrum: distinct values on a grid of eighths in [−4, 4], each with a multiplicity 1–5, optionally each spread into a
 * cluster 1e-6 or 1e-12 wide (relative), optionally with its negatives (± pairs), cut to n ≤ 64 values.
 */
const spectrumArb = fc
  .record({
    values: fc.array(fc.record({ x: fc.integer({ min: -32, max: 32 }), copies: fc.integer({ min: 1, max: 5 }) }), { minLength: 1, maxLength: 16 }),
    width: fc.constantFrom(0, 1e-6, 1e-12),
    pm: fc.boolean(),
    spread: fc.array(fc.double({ min: -0.5, max: 0.5, noNaN: true }), { minLength: 64, maxLength: 64 }),
  })
  .map(({ values, width, pm, spread }) => {
    const d: number[] = [];
    let s = 0;
    for (const { x, copies } of values) for (let c = 0; c < copies; c++) d.push((x || 1) / 8 + width * (spread[s++ % 64] as number));
    if (pm) d.push(...d.map((x) => -x));
    return d.slice(0, 64);
  });

/** Whether the k wanted eigenvalues are separated from the rest (no tie at the boundary of the wanted set). */
function wantedSetIsUnique(sorted: Float64Array, k: number, which: (typeof whichs)[number]): boolean {
  const n = sorted.length;
  if (k >= n) return true;
  const gapAt = (a: number, b: number) => Math.abs(a - b) > 1e-3;
  if (which === "largest") return gapAt(sorted[n - k] as number, sorted[n - k - 1] as number);
  if (which === "smallest") return gapAt(sorted[k - 1] as number, sorted[k] as number);
  if (which === "both") {
    const lo = Math.floor(k / 2);
    const hi = Math.ceil(k / 2);
    return (lo === 0 || gapAt(sorted[lo - 1] as number, sorted[lo] as number)) && gapAt(sorted[n - hi] as number, sorted[n - hi - 1] as number);
  }
  const mags = Array.from(sorted, Math.abs).sort((a, b) => b - a);
  return gapAt(mags[k - 1] as number, mags[k] as number);
}

test(`lanczos meets its contract or says why not, on random spectra with multiplicities, clusters, ± pairs and scales 1e±300 (property, seed ${seed})`, (t) => {
  t.log(`fast-check seed ${seed}`);
  fc.assert(
    fc.property(
      spectrumArb, fc.constantFrom(...strategies), fc.constantFrom(...whichs), fc.integer({ min: 1, max: 8 }), fc.constantFrom(...scales),
      (d, reorthogonalization, which, kWanted, s) => {
        const n = d.length;
        const k = Math.min(kWanted, n);
        const sorted = Float64Array.from(d).sort();
        const normA = Math.max(...d.map(Math.abs)) * s;
        const tol = 1e-8;
        const r = lanczos(diagonal(Float64Array.from(d, (x) => x * s)), { k, which, reorthogonalization, tol });
        if (r.stats.status !== "converged") return typeof r.stats.message === "string" && r.stats.message.length > 0;
        if (r.values.length !== k) return false;
        // every returned pair meets ‖Av − λv‖ ≤ max(tol, 100ε√n)·‖A‖ on its true residual
        const bound = Math.max(tol, 100 * Number.EPSILON * Math.sqrt(n)) * normA;
        if (!Array.from(r.residualNorms).every((res) => res <= bound)) return false;
        // each returned value is within its residual of an eigenvalue, and (when the wanted set is unambiguous) the
        // values are the wanted ones with every copy, to the residual bound
        if (!Array.from(r.values).every((v) => d.some((x) => Math.abs(x * s - v) <= bound * 1.0001))) return false;
        if (!wantedSetIsUnique(sorted, k, which)) return true;
        const want = expectedEigenvalues(sorted, k, which);
        return want.every((x, i) => Math.abs(x * s - (r.values[i] as number)) <= bound * 1.0001 + 1e-6 * Math.abs(x * s) * (d.length > 1 ? 1 : 0));
      },
    ),
    { seed, numRuns: 150 },
  );
  t.pass();
});

test(`lanczosProcess and slq keep their identities on random dense spectra at any scale (property, seed ${seed})`, (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: -32, max: 32 }).map((i) => (i || 1) / 8), { minLength: 2, maxLength: 24 }), fc.constantFrom(...scales),
      fc.constantFrom("full", "partial") as fc.Arbitrary<"full" | "partial">,
      (ev, s, reorthogonalization) => {
        const n = ev.length;
        const a = withSpectrum(ev.map((x) => x * s), 5);
        const A = dense(a, [n, n], { symmetric: true });
        const steps = Math.min(n, 8);
        const p = lanczosProcess(A, { steps, reorthogonalization, basis: true });
        if (p.stats.status !== "converged" && !(p.stats.status === "breakdown" && p.stats.converged)) return false;
        const normA = Math.max(...ev.map(Math.abs)) * s;
        // α, β are those of the basis: α_j = v_jᵀAv_j to rounding, and the tridiagonal's values lie in the spectrum
        const V = p.basis ?? [];
        for (let j = 0; j < p.alpha.length; j++) {
          const v = V[j];
          if (v === undefined) return false;
          const Av = A.apply(v);
          let q = 0;
          for (let i = 0; i < n; i++) q += (v.data[i] as number) * (Av.data[i] as number);
          if (!(Math.abs(q - (p.alpha[j] as number)) <= 1e-12 * normA)) return false;
        }
        const q = slq(A, { probes: 2, steps, reorthogonalization });
        if (q.stats.status !== "converged") return false;
        const lo = Math.min(...ev) * s;
        const hi = Math.max(...ev) * s;
        const slack = 1e-10 * normA;
        const weightSum = Array.from(q.weights).reduce((x, y) => x + y, 0);
        return Array.from(q.nodes).every((x) => x >= lo - slack && x <= hi + slack) && Math.abs(weightSum - 1) < 1e-12;
      },
    ),
    { seed, numRuns: 60 },
  );
  t.pass();
});
