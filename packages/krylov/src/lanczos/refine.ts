/**
 * Private to `lanczos`: the check of the answer on its true residuals and, where a pair misses its
 * contract, a refinement of all pairs by Rayleigh–Ritz on span{Y, R} (one block Davidson step;
 * Davidson 1975, Knyazev 2001 without the previous directions). It fixes what the Lanczos estimates
 * could not see: the residual error a semi-orthogonal basis leaves (`'partial'`, `'selective'`, `'none'`),
 * of about the loss of orthogonality times ‖A‖.
 *
 * @module
 */
import { nrm2, vec, type LinearOperator } from "@krylov-ts/operators";
import type { Answer, End } from "./select.js";
import { smallSymmetricEigen } from "./small-symmetric-eigen.js";

/** What a returned pair must meet: ‖r‖ ≤ max(tol, floor)·‖A‖est, or ‖r‖²/gap ≤ valueTol·|λ|. */
export interface Contract {
  tol: number;
  valueTol: number;
  /** The rounding floor of a computed residual, relative to ‖A‖ (100ε√n). */
  floor: number;
}

/** Index of the first pair of `a` whose true residual misses the contract (−1 when none does). */
export function firstMiss(a: Answer, c: Contract, normEst: number): number {
  return Array.from(a.residualNorms).findIndex((r, i) => !meets(r, a.values[i] as number, a.gaps[i] as number, c, normEst));
}

/** The largest over the pairs of ‖r‖ / (the most the contract accepts for it). */
export function worstRatio(a: Answer, c: Contract, normEst: number): number {
  let worst = 0;
  a.residualNorms.forEach((r, i) => {
    let bound = Math.max(c.tol, c.floor) * normEst;
    const gap = a.gaps[i] as number;
    if (c.valueTol > 0 && gap > 0) bound = Math.max(bound, Math.sqrt(c.valueTol * Math.abs(a.values[i] as number) * gap));
    worst = Math.max(worst, r / bound);
  });
  return worst;
}

/**
 * Index of the first pair of `a` that meets the contract only through the rounding floor (its
 * residual above tol·‖A‖est and, with `valueTol`, above the value test too); −1 when none does.
 */
export function firstFloorOnly(a: Answer, c: Contract, normEst: number): number {
  return Array.from(a.residualNorms).findIndex((r, i) => !meets(r, a.values[i] as number, a.gaps[i] as number, { ...c, floor: 0 }, normEst));
}

function meets(r: number, lambda: number, gap: number, c: Contract, normEst: number): boolean {
  if (r <= Math.max(c.tol, c.floor) * normEst) return true;
  return c.valueTol > 0 && gap > 0 && (r * r) / gap <= c.valueTol * Math.abs(lambda);
}

/**
 * One Rayleigh–Ritz step on the span of the pairs' vectors Y (orthonormal) and their residuals
 * R = AY − YΛ, orthonormalized (two classical Gram–Schmidt passes; a residual that is in the span
 * already is dropped): the k wanted Ritz pairs of that 2k-dimensional space (by the ends' scores) replace
 * them. Costs one product per residual kept; the new products A·y come from those already made. Returns
 * the refined answer and the number of products.
 */
export function refine(A: LinearOperator, n: number, ends: readonly End[], a: Answer): { answer: Answer; products: number } {
  const k = a.values.length;
  const B: Float64Array[] = a.vectors.map((v) => v.data);
  const AB: Float64Array[] = [...a.products];
  for (let i = 0; i < k; i++) {
    const y = B[i] as Float64Array;
    const Ay = a.products[i] as Float64Array;
    const lambda = a.values[i] as number;
    const q = new Float64Array(n);
    for (let t = 0; t < n; t++) q[t] = (Ay[t] as number) - lambda * (y[t] as number);
    const before = nrm2(vec(q));
    if (!(before > 0)) continue;
    for (let pass = 0; pass < 2; pass++) {
      for (const b of B) {
        let d = 0;
        for (let t = 0; t < n; t++) d += (b[t] as number) * (q[t] as number);
        for (let t = 0; t < n; t++) q[t] = (q[t] as number) - d * (b[t] as number);
      }
    }
    const after = nrm2(vec(q));
    if (!(after > 1e-10 * before)) continue;
    for (let t = 0; t < n; t++) q[t] = (q[t] as number) / after;
    B.push(q);
    AB.push(A.apply(vec(q), vec(n)).data);
  }
  const p = B.length;
  // G = BᵀAB, symmetrized (it is symmetric in exact arithmetic).
  const G = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      const bi = B[i] as Float64Array;
      const bj = B[j] as Float64Array;
      const abi = AB[i] as Float64Array;
      const abj = AB[j] as Float64Array;
      let x = 0;
      let y = 0;
      for (let t = 0; t < n; t++) {
        x += (bi[t] as number) * (abj[t] as number);
        y += (bj[t] as number) * (abi[t] as number);
      }
      G[i * p + j] = G[j * p + i] = 0.5 * (x + y);
    }
  }
  const { values: theta, vectors: S } = smallSymmetricEigen(G, p);
  // The wanted ones: each end's best `count` by its score, as the driver picks them.
  const chosen: number[] = [];
  for (const end of ends) {
    const order = Array.from({ length: p }, (_, i) => i).filter((i) => !chosen.includes(i));
    order.sort((x, y) => end.score(theta[y] as number) - end.score(theta[x] as number));
    chosen.push(...order.slice(0, end.count));
  }
  chosen.sort((x, y) => (theta[x] as number) - (theta[y] as number));
  const out: Answer = {
    values: new Float64Array(chosen.length), vectors: [], products: [], residualNorms: new Float64Array(chosen.length),
    gaps: a.gaps.slice(0, chosen.length), allConverged: a.allConverged,
  };
  chosen.forEach((i, c) => {
    const y = vec(n);
    const Ay = new Float64Array(n);
    for (let l = 0; l < p; l++) {
      const s = S[l * p + i] as number;
      const bl = B[l] as Float64Array;
      const abl = AB[l] as Float64Array;
      for (let t = 0; t < n; t++) {
        y.data[t] = (y.data[t] as number) + s * (bl[t] as number);
        Ay[t] = (Ay[t] as number) + s * (abl[t] as number);
      }
    }
    const lambda = theta[i] as number;
    const r = new Float64Array(n);
    for (let t = 0; t < n; t++) r[t] = (Ay[t] as number) - lambda * (y.data[t] as number);
    out.values[c] = lambda;
    out.vectors.push(y);
    out.products.push(Ay);
    out.residualNorms[c] = nrm2(vec(r));
  });
  return { answer: out, products: p - k };
}
