/**
 * LOBPCG: a block of extreme eigenpairs of a symmetric generalized problem A x = λ B x
 * (B symmetric positive definite) with a preconditioner (Knyazev 2001).
 *
 * @module
 */
import { asVec, checkOperator, checkSquare, len, rng, shapeText, type LinearOperator, type OptionKeys, type Vec, type VecLike } from "@krylov-ts/operators";
import { checkInteger, checkNumber, type Stats, type Status } from "../stats.js";
import { checkFunction, checkSignal, oneOf, optionsObject, view } from "../solver-args.js";
import { smallSymmetricEigen } from "../lanczos/small-symmetric-eigen.js";
import { BlockBasis } from "./basis.js";

/** What the callback of `lobpcg` sees after each iteration. */
export interface LobpcgIteration {
  /** Iterations done (1-based). */
  iteration: number;
  /** The current Ritz values (in the order of the result). */
  values: Float64Array;
  /** Their residual norms ‖Axᵢ − θᵢBxᵢ‖ (from the implicitly updated products). */
  residualNorms: Float64Array;
  /** Columns still iterated (not yet meeting the tolerance). */
  active: number;
}

/** Options of `lobpcg`. */
export interface LobpcgOptions {
  /** Block size: the number of eigenpairs wanted, 1 ≤ k ≤ n. Default 1 (or the number of columns of X0). */
  k?: number;
  /** `'smallest'` (default) or `'largest'` eigenvalues. */
  which?: "smallest" | "largest";
  /** The symmetric positive definite B of A x = λ B x. Default I. */
  B?: LinearOperator;
  /** A symmetric positive definite preconditioner T ≈ A⁻¹ (applied to the residuals as w = T r). Default none. */
  M?: LinearOperator;
  /** Start block: k vectors of length n (never modified). Default seeded normal vectors. */
  X0?: readonly VecLike[];
  /**
   * Tolerance: a pair is accepted when ‖Ax − θBx‖ ≤ tol·(‖Ax‖ + |θ|·‖Bx‖) (x B-normalized), which
   * is scale invariant in A and in B. Default 1e-8.
   */
  tol?: number;
  /** Iteration budget. Default 500. */
  maxIterations?: number;
  /** Seed of the random start block. Default 0. */
  seed?: number;
  /** Called after every iteration; returning `true` stops the run with status `'stopped'`. */
  callback?: (info: LobpcgIteration) => boolean | void;
  /** Cancels the run (status `'stopped'`), tested before every block of products. */
  signal?: AbortSignal;
}

const LOBPCG_OPTIONS = {
  k: true,
  which: true,
  B: true,
  M: true,
  X0: true,
  tol: true,
  maxIterations: true,
  seed: true,
  callback: true,
  signal: true,
} as const satisfies OptionKeys<LobpcgOptions>;

/** The result of `lobpcg`. */
export interface LobpcgResult {
  /** The eigenvalues found: ascending for `'smallest'`, descending for `'largest'`. */
  values: Float64Array;
  /** The eigenvectors, B-orthonormal (xᵢᵀBxⱼ = δᵢⱼ), in the order of `values`. */
  vectors: Vec[];
  /** The true ‖Axᵢ − λᵢBxᵢ‖, measured with fresh products at the returned vectors. */
  residualNorms: Float64Array;
  /** `matvecs`: products with A; `residualNorm`: the largest ‖Ax − λBx‖/(‖Ax‖ + |λ|‖Bx‖). */
  stats: Stats;
  /** Products with B and applications of the preconditioner. */
  estimates: { bMatvecs: number; precondApplies: number };
}

/** Columns with at most this fraction of their B-norm left after orthogonalization are dropped. */
const DROP = 1e-10;

/**
 * The k smallest (or largest) eigenpairs of A x = λ B x for symmetric A and symmetric positive
 * definite B, by the locally optimal block preconditioned conjugate gradient method (Knyazev,
 * SIAM J. Sci. Comput. 23(2), 2001, Algorithm 4.1), in the form that keeps the trial basis
 * S = [X, W, P] B-orthonormal (Hetmaniuk & Lehoucq 2006): each iteration forms the residuals
 * R = AX − BXΘ, the preconditioned directions W = T R of the columns not yet converged (soft
 * locking), B-orthonormalizes S by Gram–Schmidt (dropping directions dependent to working
 * precision), and takes the Rayleigh–Ritz pairs of SᵀAS. The new X = S C and P = [W, P]·C_{W,P};
 * A·X, B·X, A·P, B·P are updated by the same combinations, so an iteration costs one product with
 * A (and with B) per active column.
 *
 * Convergence: ‖Axᵢ − θᵢBxᵢ‖ ≤ tol·(‖Axᵢ‖ + |θᵢ|·‖Bxᵢ‖) for every column on the implicitly
 * updated products triggers a verification with fresh products (k with A and k with B, counted):
 * `'converged'` only when every pair meets the test there; otherwise the run goes on from the
 * fresh products.
 *
 * @param A - n×n symmetric operator
 * @returns `{ values, vectors, residualNorms, stats, estimates }`
 * @example
 * const { values, vectors } = lobpcg(K, { B: Mass, M: jacobi, k: 4 }); // lowest vibration modes
 */
export function lobpcg(A: LinearOperator, options?: LobpcgOptions): LobpcgResult {
  const fn = "lobpcg";
  const t0 = performance.now();
  checkOperator(fn, "A", A);
  const n = checkSquare(fn, "A", A);
  const o = optionsObject(fn, options, LOBPCG_OPTIONS);
  const B = square(fn, "options.B", o.B, n);
  const T = square(fn, "options.M", o.M, n);
  if (o.X0 !== undefined && !Array.isArray(o.X0)) throw new TypeError(`${fn}: options.X0 must be an array of vectors`);
  const k = checkInteger(fn, "options.k", o.k ?? o.X0?.length ?? 1, 1);
  if (k > n) throw new RangeError(`${fn}: options.k is ${k} but A is ${shapeText(A)}`);
  if (o.X0 !== undefined && o.X0.length !== k) throw new RangeError(`${fn}: options.X0 has ${o.X0.length} vectors but options.k is ${k}`);
  const which = oneOf(fn, "options.which", o.which, ["smallest", "largest"] as const, "smallest");
  const tol = checkNumber(fn, "options.tol", o.tol ?? 1e-8, 0, true);
  const maxIterations = checkInteger(fn, "options.maxIterations", o.maxIterations ?? 500, 0);
  const seed = checkNumber(fn, "options.seed", o.seed ?? 0, -Infinity);
  const callback = checkFunction(fn, "options.callback", o.callback);
  const signal = checkSignal(fn, o.signal);
  const hasB = B !== undefined;

  // Blocks of k columns (column j at offset j·n): X, AX, BX; P, AP, BP; W, AW, BW; R.
  const X = new Float64Array(n * k), AX = new Float64Array(n * k), BX = hasB ? new Float64Array(n * k) : X;
  const P = new Float64Array(n * k), AP = new Float64Array(n * k), BP = hasB ? new Float64Array(n * k) : P;
  const W = new Float64Array(n * k), AW = new Float64Array(n * k), BW = hasB ? new Float64Array(n * k) : W;
  const R = new Float64Array(n * k);
  const basis = new BlockBasis(n, 3 * k, hasB, k);
  const G = new Float64Array(9 * k * k);
  const col = (a: Float64Array, j: number): Vec => view(a.subarray(j * n, (j + 1) * n));
  const cols = (a: Float64Array): Vec[] => Array.from({ length: k }, (_, j) => col(a, j));
  const [Xc, AXc, BXc, Wc, AWc, BWc, Rc] = [X, AX, BX, W, AW, BW, R].map(cols) as [Vec[], Vec[], Vec[], Vec[], Vec[], Vec[], Vec[]];
  const theta = new Float64Array(k);
  const rNorm = new Float64Array(k);
  const active = new Int32Array(k);
  const wanted: number[] = [];
  let np = 0; // columns of P
  let matvecs = 0, bMatvecs = 0, precondApplies = 0;

  // The start block.
  if (o.X0 !== undefined) {
    o.X0.forEach((x, j) => {
      const v = asVec(x, fn, `options.X0[${j}]`);
      if (len(v) !== n) throw new RangeError(`${fn}: options.X0[${j}] has length ${len(v)} but A is ${shapeText(A)}`);
      for (let i = 0; i < n; i++) X[j * n + i] = v.get(i);
    });
  } else {
    const r = rng(seed);
    for (let i = 0; i < n * k; i++) X[i] = r.normal();
  }

  // The iteration runs on A/ν, ν a power of two (exact) chosen at the first product when its
  // entries lie outside [1e-100, 1e100], so that the sums of squares of the residuals and of the
  // basis kernels neither overflow nor underflow on an operator at 1e±300; θ and ‖r‖ are
  // multiplied back by ν.
  let nu = 0;
  const applyA = (x: Vec, out: Vec): void => {
    const y = A.apply(x, out);
    const d = y.data as Float64Array;
    if (nu === 0) {
      let big = 0;
      for (let i = 0; i < n; i++) big = Math.max(big, Math.abs(y.get(i)));
      nu = big > 0 && Number.isFinite(big) && (big < 1e-100 || big > 1e100) ? 2 ** Math.round(Math.log2(big)) : 1;
    }
    if (nu !== 1) for (let i = 0; i < n; i++) d[i] = (d[i] as number) / nu;
  };

  /** AX and BX from fresh products. */
  const freshProducts = (): void => {
    for (let j = 0; j < k; j++) {
      applyA(Xc[j] as Vec, AXc[j] as Vec);
      if (B !== undefined) B.apply(Xc[j] as Vec, BXc[j] as Vec);
    }
    matvecs += k;
    if (hasB) bMatvecs += k;
  };

  /**
   * Rayleigh–Ritz on the basis: the wanted k Ritz pairs of SᵀAS become X (and AX, BX), and the
   * part of their coefficients on the columns after the first `kx` (W and P) becomes P.
   */
  const rayleighRitz = (kx: number): boolean => {
    const m = basis.projected(G);
    if (m < k) return false;
    const { values, vectors } = smallSymmetricEigen(G, m);
    wanted.length = 0;
    for (let c = 0; c < k; c++) wanted.push(which === "smallest" ? c : m - 1 - c);
    for (let c = 0; c < k; c++) theta[c] = values[wanted[c] as number] as number;
    basis.combine(basis.V, vectors, m, wanted, 0, X);
    basis.combine(basis.AV, vectors, m, wanted, 0, AX);
    if (hasB) basis.combine(basis.BV, vectors, m, wanted, 0, BX);
    if (m > kx) {
      basis.combine(basis.V, vectors, m, wanted, kx, P);
      basis.combine(basis.AV, vectors, m, wanted, kx, AP);
      if (hasB) basis.combine(basis.BV, vectors, m, wanted, kx, BP);
      np = k;
    } else {
      np = 0;
    }
    return true;
  };

  /** Residuals R = AX − BXΘ and their norms; returns the number of columns failing the test (marked in `active`). */
  const residuals = (): number => {
    let count = 0;
    let worst = 0;
    for (let j = 0; j < k; j++) {
      const th = theta[j] as number;
      let r2 = 0, a2 = 0, b2 = 0;
      for (let i = 0, o2 = j * n; i < n; i++, o2++) {
        const ax = AX[o2] as number;
        const bx = BX[o2] as number;
        const r = ax - th * bx; // r = Ax − θBx
        R[o2] = r;
        r2 += r * r;
        a2 += ax * ax;
        b2 += bx * bx;
      }
      rNorm[j] = Math.sqrt(r2);
      const scale = Math.sqrt(a2) + Math.abs(th) * Math.sqrt(b2);
      const ratio = scale > 0 ? (rNorm[j] as number) / scale : 0;
      worst = Math.max(worst, ratio);
      active[j] = ratio > tol ? 1 : 0;
      if (ratio > tol) count++;
    }
    lastWorst = worst;
    return count;
  };
  let lastWorst = Infinity;

  // Initial Rayleigh–Ritz on span X.
  freshProducts();
  basis.reset();
  for (let j = 0; j < k; j++) basis.append(X, AX, BX, j, DROP);
  let status: Status = "maxIterations";
  let message: string | undefined;
  let converged = false;
  let iterations = 0;
  const history: number[] = [];
  if (!rayleighRitz(k)) {
    status = "breakdown";
    message = `the start block spans fewer than ${k} B-orthonormal directions`;
  } else {
    for (;;) {
      let failing = residuals();
      history.push(lastWorst);
      if (failing === 0) {
        // Verify with fresh products (the implicit updates drift by rounding).
        freshProducts();
        for (let j = 0; j < k; j++) {
          let xa = 0, xb = 0;
          for (let i = 0, o2 = j * n; i < n; i++, o2++) {
            xa += (X[o2] as number) * (AX[o2] as number);
            xb += (X[o2] as number) * (BX[o2] as number);
          }
          theta[j] = xa / xb; // the Rayleigh quotient
        }
        failing = residuals();
        if (failing === 0) {
          status = "converged";
          converged = true;
          break;
        }
      }
      if (iterations >= maxIterations) break;
      if (signal?.aborted) { status = "stopped"; message = "aborted by the signal"; break; }
      // W = T R on the active columns, with A W and B W.
      let nw = 0;
      for (let j = 0; j < k; j++) {
        if (active[j] === 0) continue;
        if (T !== undefined) {
          T.apply(Rc[j] as Vec, Wc[nw] as Vec);
          precondApplies++;
        } else {
          W.set(R.subarray(j * n, (j + 1) * n), nw * n);
        }
        applyA(Wc[nw] as Vec, AWc[nw] as Vec);
        matvecs++;
        if (B !== undefined) {
          B.apply(Wc[nw] as Vec, BWc[nw] as Vec);
          bMatvecs++;
        }
        nw++;
      }
      // S = [X, W, P], B-orthonormalized; then Rayleigh–Ritz.
      basis.reset();
      for (let j = 0; j < k; j++) basis.append(X, AX, BX, j, DROP);
      const kx = basis.count;
      for (let j = 0; j < nw; j++) basis.append(W, AW, BW, j, DROP);
      for (let j = 0; j < np; j++) basis.append(P, AP, BP, j, DROP);
      iterations++;
      if (kx < k || basis.count === kx) {
        // X lost independence, or nothing new to add: the iteration cannot go on.
        status = "breakdown";
        message = kx < k ? "the block X lost B-orthonormality (dependent columns)" : "the new directions W are dependent on X to working precision";
        rayleighRitz(kx);
        residuals();
        break;
      }
      if (!rayleighRitz(kx)) { status = "breakdown"; message = "the trial basis has fewer than k directions"; break; }
      if (callback !== undefined) {
        const values = Float64Array.from(theta, (v) => v * nu);
        const norms = Float64Array.from(rNorm, (v) => v * nu);
        if (callback({ iteration: iterations, values, residualNorms: norms, active: failing }) === true) {
          status = "stopped";
          message = "stopped by the callback";
          break;
        }
      }
    }
  }
  // The reported residuals are always measured with fresh products.
  if (!converged) {
    freshProducts();
    residuals();
  }
  const vectors: Vec[] = [];
  for (let j = 0; j < k; j++) vectors.push(view(X.slice(j * n, (j + 1) * n)));
  const stats: Stats = {
    iterations,
    matvecs,
    converged,
    status,
    residualNorm: lastWorst,
    residualHistory: history,
    timeMs: performance.now() - t0,
  };
  if (message !== undefined) stats.message = message;
  return { values: Float64Array.from(theta, (v) => v * nu), vectors, residualNorms: Float64Array.from(rNorm, (v) => v * nu), stats, estimates: { bMatvecs, precondApplies } };
}

function square(fn: string, arg: string, M: unknown, n: number): LinearOperator | undefined {
  if (M === undefined) return undefined;
  checkOperator(fn, arg, M);
  const [r, c] = M.shape;
  if (r !== n || c !== n) throw new RangeError(`${fn}: ${arg} is ${r}×${c} but A is ${n}×${n}`);
  return M;
}
