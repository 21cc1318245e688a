/**
 * The restarted GMRES driver shared by `gmres` and `fgmres` (private to the package): Arnoldi
 * cycles with Givens rotations on H̄, and the true residual measured at every restart.
 *
 * @module
 */
import type { LinearOperator, OptionKeys, Vec, VecLike } from "@krylov-ts/operators";
import { checkInteger, type Stats, type Status } from "./stats.js";
import { oneOf, solveSetup } from "./solver-args.js";
import { columnView, norm, PowerOfTwoScaled } from "./lanczos/common.js";
import { arnoldiOrthogonalize, basisColumns, ORTHOGONALIZATIONS, type Orthogonalization } from "./arnoldi.js";
import { basisSubtract } from "./lanczos/kernels.js";
import { normN, owned, releaseWorkspace, subScaledNorm2 } from "./kernels.js";
import { workspaceArrays } from "./simd/backend.js";

/** What the callback of `gmres`/`fgmres` sees after each inner (Arnoldi) step (one object, updated in place). */
export interface GmresIteration {
  /** Inner steps done so far, over all cycles (1 after the first). */
  iteration: number;
  /** Restart cycles completed before this step (0 in the first cycle). */
  restart: number;
  /**
   * The least-squares residual |γ_{j+1}| of the cycle: ‖b − Ax_j‖ in exact arithmetic (of
   * ‖M(b − Ax_j)‖ with left preconditioning). x_j itself is only formed at the end of a cycle.
   */
  residualNorm: number;
}

/** Options of `gmres` (and of `fgmres`, which has no `side`: it preconditions on the right). */
export interface GmresOptions {
  /**
   * Converged when the TRUE residual ‖b − Ax‖₂ ≤ max(rtol·‖b‖₂, atol). Default √ε ≈ 1.49e-8.
   * (SciPy's `gmres` tests the same rule, with a default rtol of 1e-5.)
   */
  rtol?: number;
  /** Absolute tolerance of the same rule. Default 0. */
  atol?: number;
  /** m, the Krylov dimension of a cycle (SciPy's `restart`). Default min(20, n) (SciPy's 20). */
  restart?: number;
  /**
   * Budget of inner (Arnoldi) steps over all cycles, each one product with A. Default
   * max(10·n, 1). (SciPy's `maxiter` counts cycles; multiply by `restart` to compare.)
   */
  maxIterations?: number;
  /** Warm start x₀ (length n; not modified). Default 0. */
  x0?: VecLike;
  /** A preconditioner M ≈ A⁻¹ (applied as z = M v); any operator, not necessarily symmetric. */
  M?: LinearOperator;
  /**
   * `'right'` (default): GMRES on A M u = b, x = M u: the residual minimized is the true one;
   * `'left'`: GMRES on M A x = M b: it minimizes ‖M(b − Ax)‖, while convergence is still
   * decided on ‖b − Ax‖.
   */
  side?: "left" | "right";
  /**
   * Gram–Schmidt variant of the Arnoldi step (see `Orthogonalization`): `'cgs2'` (default) or
   * `'mgs'`, both with a second pass when the vector lost more than 1/√2 of its norm. They give the
   * same iterates to working precision (2,306 and 753 products on convection–diffusion 256² at
   * Péclet 10 and 100, as SciPy's MGS); CGS2 sweeps the basis in blocks and took 0.37–0.50× SciPy's
   * time against MGS's 0.84–1.07× (docs/BENCHMARKS.md).
   */
  orthogonalization?: Orthogonalization;
  /**
   * Record |γ_{j+1}| after every inner step in `stats.residualHistory` (index 0: the initial
   * true ‖r₀‖; with left preconditioning the steps' values are of M r).
   */
  history?: boolean;
  /** Called after every inner step; returning `true` stops the run (status `'stopped'`) after x is formed. */
  callback?: (info: GmresIteration) => boolean | void;
  /** Cancels the run (status `'stopped'`), tested before every product with A; x is formed from the steps done. */
  signal?: AbortSignal;
}

/** The result of `gmres` and `fgmres`. */
export interface GmresResult {
  /** The approximate solution (a new vector). */
  x: Vec;
  /** `residualNorm` is the true ‖b − Ax‖₂ at the returned x; `iterations` counts inner steps. */
  stats: Stats;
  /** The true residual norm ‖b − Ax‖₂ measured at the end of every cycle (one product each, counted). */
  restartResiduals: number[];
}

/** The documented options of `gmres` and `fgmres`. */
const GMRES_OPTIONS = {
  rtol: true,
  atol: true,
  restart: true,
  maxIterations: true,
  x0: true,
  M: true,
  side: true,
  orthogonalization: true,
  history: true,
  callback: true,
  signal: true,
} as const satisfies OptionKeys<GmresOptions>;

/** One Arnoldi step's h_{j+1,j} below this fraction of ‖A v_j‖: K_j is invariant (lucky breakdown). */
const BREAKDOWN = 1e-14;

/**
 * Restarted GMRES(m) (Saad & Schultz 1986) and, with `flexible`, FGMRES(m) (Saad 1993): see
 * gmres.ts and fgmres.ts for the contract.
 */
export function restartedGmres(fn: string, A: LinearOperator, b: VecLike, options: GmresOptions | undefined, flexible: boolean): GmresResult {
  const t0 = performance.now();
  const setup = solveSetup<GmresIteration, GmresOptions>(fn, A, b, options, GMRES_OPTIONS);
  const { n, o, rtol, atol, maxIterations, history, callback, signal, x0 } = setup;
  // Scale: the run is on As = A·2^−e (e fixed on the first product) with b_s = b·2^−f (f from a safe
  // ‖b‖), both powers of two left at 0 unless a norm lies outside 2^±64, so that no norm, Gram–
  // Schmidt coefficient or rotation overflows or underflows for A or b of norm 1e±300. The solution
  // of As·x_s = b_s is x = x_s·2^(f−e), the residuals scale by 2^f: exactly, bit for bit.
  // The preconditioner likewise runs as M·2^−g (it does not change x: x = M u, or M A x = M b).
  const As = new PowerOfTwoScaled(A);
  const M = setup.M === undefined ? undefined : new PowerOfTwoScaled(setup.M);
  const bSafe = norm(setup.b, n);
  const bScale = bSafe > 0 && Number.isFinite(bSafe) && (bSafe < 2 ** -64 || bSafe > 2 ** 64) ? 2 ** Math.round(Math.log2(bSafe)) : 1;
  const bb = bScale === 1 ? setup.b : setup.b.map((v) => v / bScale);
  const m = Math.max(1, Math.min(checkInteger(fn, "options.restart", o.restart ?? 20, 1), n));
  const side = flexible ? "right" : oneOf(fn, "options.side", o.side, ["left", "right"] as const, "right");
  if (flexible && o.side !== undefined && o.side !== "right") {
    throw new RangeError(`${fn}: options.side must be 'right' (flexible GMRES preconditions on the right), got ${String(o.side)}`);
  }
  const method = oneOf(fn, "options.orthogonalization", o.orthogonalization, ORTHOGONALIZATIONS, "cgs2");
  let matvecs = setup.matvecs;

  // Workspace, allocated once: the basis V (m + 1 columns), Z = M·V for FGMRES (m columns),
  // x, r, u, and the small arrays that the SIMD kernels read (h: a column of H̄, y, g); a CSR
  // operator in a shared memory hosts it, so that its products copy nothing.
  const useZ = flexible && M !== undefined;
  const [V, Z, x, r, u, bw, h, y, g] = workspaceArrays(n, [(m + 1) * n, useZ ? m * n : 0, n, n, n, n, m + 1, m, m + 1], A) as Float64Array[] as [
    Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array,
  ];
  bw.set(bb); // b in the workspace, for the SIMD residual kernel
  const R = new Float64Array((m + 1) * m); // the rotated H̄ of the cycle, column j at j·(m + 1)
  const gamma = new Float64Array(m + 1); // γ = Qᵀ·β e₁, the rotated right-hand side
  const cs = new Float64Array(m);
  const sn = new Float64Array(m);
  const vCols: Vec[] = [];
  for (let c = 0; c <= m; c++) vCols.push(columnView(V, c * n, n)); // views made once
  const vArrays = basisColumns(V, n, m + 1);
  const zCols: Vec[] = [];
  if (useZ) for (let c = 0; c < m; c++) zCols.push(columnView(Z, c * n, n));
  const xv = columnView(x, 0, n);
  const rv = columnView(r, 0, n);
  const uv = columnView(u, 0, n);

  const bNorm = normN(bb, n);
  const target = Math.max(rtol * bNorm, atol / bScale);
  if (x0 !== undefined && bNorm > 0) x.set(x0); // b = 0: x = 0 solves it exactly (SciPy's convention)
  if (bScale !== 1) for (let i = 0; i < n; i++) x[i] = (x[i] as number) / bScale;
  let rNorm = trueResidual(); // ‖b − Ax₀‖
  if (As.scale !== 1 && x0 !== undefined && bNorm > 0) {
    // The first product (with x₀) fixed e: x₀ in the units of the run is x₀·2^(e−f); measure again.
    for (let i = 0; i < n; i++) x[i] = (x[i] as number) * As.scale;
    rNorm = trueResidual();
  }
  history?.push(rNorm * bScale);
  const restartResiduals: number[] = [];

  let status: Status = "maxIterations";
  let converged = false;
  let message: string | undefined;
  let k = 0; // inner steps over all cycles
  let cycles = 0;
  // The cycle's stopping level on |γ_{j+1}|: the target, scaled by ‖M r‖/‖r‖ with left
  // preconditioning, and lowered when a cycle's true residual missed what γ promised.
  let innerTarget = target;
  const info: GmresIteration = { iteration: 0, restart: 0, residualNorm: rNorm };

  if (!Number.isFinite(rNorm)) {
    status = "breakdown";
    message = "the initial residual is not finite";
  } else if (rNorm <= target) {
    status = "converged";
    converged = true;
  }
  let leftScale = side === "left" ? NaN : 1; // ‖M r‖ / ‖r‖ at the last restart
  while (!converged && status === "maxIterations" && k < maxIterations) {
    // v₁ = r/β (left: M r/β), with r the true residual of the current x.
    let beta: number;
    if (side === "left" && M !== undefined) {
      M.apply(rv, vCols[0] as Vec); // v ← M r
      beta = normN(V, n);
      if (Number.isNaN(leftScale)) {
        leftScale = beta / rNorm;
        innerTarget = target * leftScale;
      }
    } else {
      V.set(r.subarray(0, n));
      beta = rNorm;
    }
    if (!(beta > 0) || !Number.isFinite(beta)) {
      status = "breakdown";
      message = `‖M r‖ = ${beta} at a restart: the preconditioner maps the residual to ${beta === 0 ? "zero" : "a non-finite vector"}`;
      break;
    }
    for (let i = 0; i < n; i++) V[i] = (V[i] as number) / beta;
    gamma.fill(0);
    gamma[0] = beta; // γ = β e₁
    let j = 0; // steps of this cycle
    let singular = false;
    let lucky = false;
    let stop = false;
    while (j < m && k < maxIterations) {
      if (signal?.aborted) {
        status = "stopped";
        message = "aborted by the signal";
        stop = true;
        break;
      }
      const vj = vCols[j] as Vec;
      const w = vArrays[j + 1] as Float64Array;
      const wv = vCols[j + 1] as Vec;
      if (M === undefined) {
        As.apply(vj, wv); // w ← A v_j
      } else if (side === "left") {
        As.apply(vj, uv); // w ← M A v_j
        M.apply(uv, wv);
      } else if (useZ) {
        M.apply(vj, zCols[j] as Vec); // z_j ← M_j v_j (FGMRES keeps every z_j)
        As.apply(zCols[j] as Vec, wv); // w ← A z_j
      } else {
        M.apply(vj, uv); // w ← A M v_j
        As.apply(uv, wv);
      }
      matvecs++;
      k++;
      const normAv = normN(w, n);
      h.fill(0, 0, j + 1);
      const hNext = arnoldiOrthogonalize(V, vArrays, j + 1, n, w, h, g, method); // w ← w − Σ h_{ij} vᵢ
      const col = j * (m + 1);
      for (let i = 0; i <= j; i++) R[col + i] = h[i] as number;
      R[col + j + 1] = hNext; // h_{j+1,j} = ‖w‖
      for (let i = 0; i < j; i++) {
        // apply the earlier rotations Gᵢ to column j of H̄
        const a = R[col + i] as number;
        const c = R[col + i + 1] as number;
        R[col + i] = (cs[i] as number) * a + (sn[i] as number) * c;
        R[col + i + 1] = -(sn[i] as number) * a + (cs[i] as number) * c;
      }
      const hjj = R[col + j] as number;
      const rho = Math.hypot(hjj, hNext); // the rotation G_j zeroes h_{j+1,j}: [c s; −s c]·[h_jj; h_{j+1,j}] = [ρ; 0]
      if (!Number.isFinite(rho)) {
        status = "breakdown";
        message = `the Hessenberg column of step ${k} is not finite`;
        stop = true;
        break;
      }
      if (rho === 0) {
        singular = true; // A v_j ∈ span(v₁…v_{j−1}) after rotation: H̄_j is rank deficient
        break;
      }
      cs[j] = hjj / rho;
      sn[j] = hNext / rho;
      R[col + j] = rho;
      R[col + j + 1] = 0;
      gamma[j + 1] = -(sn[j] as number) * (gamma[j] as number); // γ_{j+1} = −s_j γ_j
      gamma[j] = (cs[j] as number) * (gamma[j] as number); // γ_j ← c_j γ_j
      j++;
      const estimate = Math.abs(gamma[j] as number); // ‖β e₁ − H̄_j y_j‖ = |γ_{j+1}|
      history?.push(estimate * bScale);
      lucky = hNext <= BREAKDOWN * normAv;
      if (!lucky) {
        for (let i = 0; i < n; i++) w[i] = (w[i] as number) / hNext; // v_{j+1} = w / h_{j+1,j}
      }
      if (callback !== undefined) {
        info.iteration = k;
        info.restart = cycles;
        info.residualNorm = estimate * bScale;
        if (callback(info) === true) {
          status = "stopped";
          message = "stopped by the callback";
          stop = true;
          break;
        }
      }
      if (lucky || estimate <= innerTarget) break;
    }
    if (j > 0) updateSolution(j);
    const previous = rNorm;
    rNorm = trueResidual(); // r = b − Ax, measured at every restart
    restartResiduals.push(rNorm * bScale);
    cycles++;
    if (!Number.isFinite(rNorm)) {
      status = "breakdown";
      message = "the residual is not finite";
      break;
    }
    if (rNorm <= target) {
      status = "converged";
      converged = true;
      break;
    }
    if (stop) break;
    if (singular) {
      status = "breakdown";
      message = `H̄ is singular at step ${k + 1} (A v_j lies in the span of the earlier basis after rotation): A restricted to the Krylov space is singular; ‖b − Ax‖ = ${(rNorm * bScale).toExponential(3)}`;
      break;
    }
    // Stagnation: the cycle did not reduce the norm it minimizes (‖M r‖ with left preconditioning).
    if (side === "left" ? !(Math.abs(gamma[j] as number) < beta) : !(rNorm < previous)) {
      status = "breakdown";
      message = `stagnation: a whole cycle of GMRES(${m}) did not reduce the residual (‖b − Ax‖ = ${(rNorm * bScale).toExponential(3)}), so every later cycle would repeat it`;
      break;
    }
    if (j > 0 && Math.abs(gamma[j] as number) <= innerTarget) {
      // γ promised the target but the true residual missed it (rounding drift): ask the next cycle for more.
      innerTarget *= Math.max(target / rNorm, 1e-3);
    }
  }
  if (status === "maxIterations") message = `the budget of ${maxIterations} inner steps ran out at ‖b − Ax‖ = ${(rNorm * bScale).toExponential(3)}`;

  const stats: Stats = { iterations: k, matvecs, converged, status, residualNorm: rNorm * bScale, timeMs: 0 };
  if (bScale !== 1 || As.scale !== 1) for (let i = 0; i < n; i++) x[i] = ((x[i] as number) * bScale) / As.scale; // x = x_s·2^(f−e)
  if (history !== undefined) stats.residualHistory = history;
  if (message !== undefined) stats.message = message;
  stats.timeMs = performance.now() - t0;
  const xOut = owned(x);
  releaseWorkspace(x);
  return { x: columnView(xOut, 0, n), stats, restartResiduals };

  /** x ← x + V_j y (right: + M V_j y; flexible: + Z_j y) with R_j y = γ₁…γ_j (back substitution). */
  function updateSolution(j: number): void {
    for (let i = j - 1; i >= 0; i--) {
      let s = gamma[i] as number;
      for (let c = i + 1; c < j; c++) s -= (R[c * (m + 1) + i] as number) * (y[c] as number);
      y[i] = s / (R[i * (m + 1) + i] as number);
    }
    for (let i = 0; i < j; i++) y[i] = -(y[i] as number); // basisSubtract computes w − Σ hᵢvᵢ
    if (M === undefined || side === "left") {
      basisSubtract(V, 0, j, n, x, y); // x ← x + V y
    } else if (useZ) {
      basisSubtract(Z, 0, j, n, x, y); // x ← x + Z y
    } else {
      u.fill(0);
      basisSubtract(V, 0, j, n, u, y); // u ← V y
      M.apply(uv, rv); // x ← x + M u (r is free until the residual is measured)
      for (let i = 0; i < n; i++) x[i] = (x[i] as number) + (r[i] as number);
    }
  }

  /** r ← b − Ax (one product, counted; none while x = 0); returns ‖r‖. */
  function trueResidual(): number {
    let nonzero = false;
    for (let i = 0; i < n && !nonzero; i++) nonzero = x[i] !== 0;
    if (!nonzero) {
      r.set(bb);
      return normN(r, n);
    }
    As.apply(xv, uv);
    matvecs++;
    return Math.sqrt(subScaledNorm2(bw, 1, u, r, n)); // r ← b − u
  }
}
