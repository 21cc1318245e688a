/**
 * Extreme eigenpairs of a symmetric operator: thick-restart (band) Lanczos with locking. The driver
 * (ARPACK's dsaup2): cycles of steps on a `LanczosBasis` (basis.ts), the choice of the Ritz pairs to lock
 * and keep (select.ts), phases that search for copies of repeated eigenvalues; the reorthogonalization
 * is one `ReorthStrategy` (reorth.ts, partial.ts, selective.ts).
 *
 * @module
 */
import { rng, type LinearOperator } from "@krylov-ts/operators";
import { checkInteger, checkNumber, type Stats } from "../stats.js";
import { checkBoolean, checkFunction, checkSignal, LANCZOS_OPTIONS, oneOf, optionsObject, squareOperator, symmetryProbe } from "../solver-args.js";
import { LanczosBasis } from "./basis.js";
import { PowerOfTwoScaled, startVector } from "./common.js";
import type { LanczosOptions, LanczosResult } from "./options.js";
import { PartialReorth } from "./partial.js";
import { FullAfterLoss, FullReorth, NoReorth, type ReorthStrategy } from "./reorth.js";
import { answer, chooseRitz, endsOf, openCopies, wantedSet, type Locked, type Which } from "./select.js";
import { SelectiveReorth } from "./selective.js";
import { firstFloorOnly, firstMiss, refine, worstRatio } from "./refine.js";

export type { LanczosOptions, LanczosResult, LanczosRestartInfo } from "./options.js";
export type { Which } from "./select.js";

/**
 * The k extreme eigenpairs of a symmetric operator A, each to ‖Av − λv‖ ≤ tol·‖A‖est, where
 * ‖A‖est is the largest |Ritz value| met (a lower bound of ‖A‖₂ that is sharp after a few steps),
 * or, with `valueTol`, to an eigenvalue error estimate ‖r‖²/gap ≤ valueTol·|λ|.
 *
 * Thick-restart Lanczos (Wu & Simon 2000; Stathopoulos, Saad & Wu 1998) in its band form (Ruhe
 * 1979): the basis holds closed columns, whose products with A lie in the basis, and one or more
 * open ones; each step multiplies the oldest open column by A, orthogonalizes the result against
 * the locked vectors and the basis (the known couplings in one sweep, then one classical
 * Gram–Schmidt pass over everything, repeated when it removed more than 1 − 1/√2 of the norm;
 * its subtraction is skipped when the coefficients Vᵀw are below 1e-12·‖w‖, so that a step
 * usually sweeps the basis once; with `reorthogonalization: 'partial'` the pass over the basis is made only
 * when Simon's estimates of the loss of orthogonality ask for it, with `'selective'` it is a pass over the
 * converged ("good") Ritz vectors of the cycle) and appends it as a new open column. The projected matrix H = VᵀAV is kept in full. A cycle ends
 * at m closed columns: the Ritz pairs of H's closed block, with residual ‖E·s‖ (E: the couplings
 * to the open columns), are computed; the wanted pairs that are accepted are locked (removed
 * from the basis, every later vector is orthogonalized against them) and the basis restarts from
 * the best unconverged Ritz vectors (a quarter of m, at least one more than the wanted ones
 * pending) plus the open columns. Memory: (m + b + locked)·n numbers for b open columns.
 *
 * Repeated eigenvalues: a Krylov space from b start vectors holds at most b directions of each
 * eigenspace. The run goes in phases, each from an empty basis opened by b vectors (the first by
 * v0 alone; later ones by random vectors orthogonal to the locked ones). Once a phase has the
 * wanted set all locked, if it found some value c ≥ b times (and fewer than `maxMultiplicity`
 * times in all) there may be copies left: a new phase starts, from one random vector (c = 1:
 * cheaper than a block of two when the copies are few, as measured on 2-D Poisson and an MLP
 * Hessian) or from c + 1 of them (c > 1, e.g. after an invariant subspace). Otherwise
 * the run ends when the phase's best unlocked Ritz value is resolved without entering the
 * wanted set (residual below a thousandth of its distance to it). Every copy of a repeated
 * eigenvalue in the wanted set is thus found, up to a probability-zero event for the random
 * vectors; `maxMultiplicity` spares the last, confirming phase when multiplicities are bounded.
 *
 * @param A - a symmetric n×n operator
 * @returns `values` ascending, `vectors`, true `residualNorms`, `restarts`, `stats`
 * @example
 * const { values } = lanczos(A, { k: 6, which: "largest", tol: 1e-10 });
 */
export function lanczos(A: LinearOperator, options?: LanczosOptions): LanczosResult {
  const fn = "lanczos";
  const o = optionsObject(fn, options, LANCZOS_OPTIONS);
  const n = squareOperator(fn, "A", A);
  const probeProducts = symmetryProbe(fn, A, o.checkSymmetric);
  if (n === 0) throw new RangeError(`${fn}: A is 0×0`);
  const k = checkInteger(fn, "options.k", o.k ?? Math.min(6, n), 1);
  if (k > n) throw new RangeError(`${fn}: options.k is ${k} but A is ${n}×${n}`);
  const which = oneOf<Which>(fn, "options.which", o.which, ["largest", "smallest", "both", "magnitude"], "largest");
  const tol = checkNumber(fn, "options.tol", o.tol ?? 1e-8, 0);
  const valueTol = checkNumber(fn, "options.valueTol", o.valueTol ?? 0, 0);
  const m = Math.min(checkInteger(fn, "options.maxBasis", o.maxBasis ?? Math.max(4 * k, 50), 2), n);
  const maxMatvecs = checkInteger(fn, "options.maxMatvecs", o.maxMatvecs ?? Math.max(1000, 20 * n), 1);
  const maxRestarts = checkInteger(fn, "options.maxRestarts", o.maxRestarts ?? 10000, 1);
  const reorth = oneOf(fn, "options.reorthogonalization", o.reorthogonalization, ["full", "partial", "selective", "none"] as const, "full");
  const seed = checkNumber(fn, "options.seed", o.seed ?? 0, -Infinity);
  const maxMult = o.maxMultiplicity === undefined ? Infinity : checkInteger(fn, "options.maxMultiplicity", o.maxMultiplicity, 1);
  const history: number[] | undefined = checkBoolean(fn, "options.history", o.history, false) ? [] : undefined;
  const callback = checkFunction(fn, "options.callback", o.callback);
  const signal = checkSignal(fn, o.signal);
  const start = performance.now();
  const ends = endsOf(which, k);
  const checkEvery = Math.max(1, Math.ceil(m / 10));
  // The loss of orthogonality allowed ('partial', 'selective'). The coefficients a reorthogonalization removes are left
  // out of H, which leaves an error of about that loss times ‖A‖ in the Ritz vectors' residuals: hence at most tol, besides √ε.
  const omegaMax = Math.min(Math.sqrt(Number.EPSILON), Math.max(tol, Number.EPSILON));
  const psi = Number.EPSILON * Math.sqrt(n); // Simon's estimate of a freshly orthogonalized inner product
  const bCap = Math.min(k + 1, 8); // most start vectors a phase may have
  const cap = m + bCap; // columns: at most m closed plus the open ones
  let strategy: ReorthStrategy =
    reorth === "full" ? new FullReorth()
    : reorth === "partial" ? new PartialReorth(cap, psi, omegaMax)
    : reorth === "selective" ? new SelectiveReorth(n, cap, omegaMax, checkEvery)
    : new NoReorth(cap);
  const basis = new LanczosBasis(n, m, cap, Math.min(k + 4, n), m + k + 4, strategy, rng(seed + 1));
  const locked = basis.locked;
  // 'none' keeps no orthogonality: its Ritz values may leave the spectrum and are no bound of ‖A‖ (see the contract below).
  basis.trackProducts = reorth === "none";
  startVector(fn, o.v0, seed, A, basis.V);
  // The run is on A/2^e (e = 0 unless ‖A‖ is far from 1): eigenvalues and residuals are multiplied by 2^e on the way out.
  const As = new PowerOfTwoScaled(A);

  let matvecs = probeProducts; // the symmetry probe's, then the method's own
  let steps = 0;
  let restarts = 0;
  let phaseB = 1; // start vectors of the current phase
  let phaseLocked: Locked[] = []; // pairs locked since the phase began
  let status: Stats["status"] | undefined;
  let message: string | undefined;
  let nonFinite = false; // a product gave a non-finite α or β
  // 'partial' and 'selective' promise semi-orthogonality (loss ≤ √ε) from estimates; it is measured at each check of the
  // cycle on the newest column (one sweep), and a loss past 10 times what they allow (the estimates missed it: near-dependent blocks in tight
  // clusters) ends the cycle without locking anything, and the run goes on with full reorthogonalization and QR restarts.
  const audited = reorth === "partial" || reorth === "selective";
  const lossLimit = 10 * omegaMax;
  let lossNote: string | undefined;
  const startPhase = (b: number): boolean => {
    phaseB = b;
    phaseLocked = [];
    return basis.startPhase(b, locked.length === 0 && restarts === 0);
  };
  if (!startPhase(1)) status = "converged";

  while (status === undefined) {
    // Expand the oldest open column until m columns are closed (or the budget or the space runs out).
    const closedMax = Math.min(m, basis.closed + (maxMatvecs - matvecs));
    let exhausted = false;
    let lost = false; // the basis of this cycle lost orthogonality (measured)
    while (basis.closed < closedMax) {
      if (signal?.aborted) break; // tested before every product; the cycle ends and the run stops below
      if (basis.cols === basis.closed && !basis.appendColumn(true)) {
        exhausted = true; // the basis and the locked vectors span the whole space
        break;
      }
      matvecs++;
      steps++;
      const bad = basis.step(As);
      if (bad !== undefined) {
        status = "breakdown";
        nonFinite = true;
        message = `non-finite coefficient at step ${steps} ${bad}`;
        break;
      }
      // End the cycle as soon as its end has a decision to make: the wanted set complete with new pairs to lock (a fresh
      // phase may confirm them) or with its frontier resolved (the run may end). Pairs locked earlier in the phase are no
      // reason: their copies were counted when they were locked, and a cycle cut short then keeps too few Ritz vectors to
      // progress. Tested every ⌈m/10⌉ steps, and when the strategy asks ('selective': its good set).
      const closed = basis.closed;
      const due = closed < closedMax && closed % checkEvery === 0;
      if (due || (closed < closedMax && strategy.checkDue(closed))) {
        const q = basis.rayleighRitz(tol, valueTol);
        strategy.checked(basis.V, n, closed, cap, q.S, q.res, basis.normEst);
        if (due) {
          if (audited && basis.newestLoss() > lossLimit) {
            lost = true;
            break;
          }
          const c = chooseRitz(ends, locked, q.theta, q.res, q.ok, 0, basis.cols > closed);
          if (c.allLocked && (c.lock.length > 0 || c.frontierConverged)) break;
        }
      }
    }
    if (status !== undefined) break; // a non-finite product: the locked pairs so far are the answer
    if (basis.closed === 0) {
      if (signal?.aborted) {
        status = "stopped";
        message = "aborted by the signal";
      } else status = "converged";
      break;
    }
    if (audited && !lost && basis.newestLoss() > lossLimit) lost = true;
    if (lost) {
      const loss = basis.newestLoss();
      strategy = new FullAfterLoss(cap);
      basis.setStrategy(strategy);
      lossNote = `'${reorth}' lost orthogonality (measured ${loss.toExponential(1)} after step ${steps}): full reorthogonalization from then on`;
    }
    restarts++;
    const q = basis.rayleighRitz(tol, valueTol);
    const { theta, res, ok } = q;
    const choice = chooseRitz(ends, locked, theta, res, ok, Math.max(basis.closed - 2, 0), basis.cols > basis.closed);
    // All wanted pairs locked: done when this phase found every value fewer times than it had start
    // vectors (so no copy is left; or the value has maxMultiplicity copies in all) and its best unlocked
    // pair is resolved; else a new phase: one start vector, or one more than the most copies of a value
    // it found when that is more than one (a block phase finds every copy it can hold at once).
    let nextPhase = 0;
    if (lost) {
      // Nothing is locked or concluded from a basis that lost orthogonality: its Ritz values may be ghosts.
    } else if (choice.allLocked) {
      const now = choice.lock.map((i) => ({ value: theta[i] as number, res: res[i] as number }));
      const copies = openCopies([...phaseLocked, ...now], [...locked, ...now], phaseB, maxMult, basis.normEst);
      if (copies > 0) nextPhase = copies > 1 ? Math.max(1, Math.min(copies + 1, bCap, maxMult - 1)) : 1;
      else if (choice.frontierConverged || exhausted) status = "converged";
    } else if (exhausted) {
      status = "converged";
    }
    if (status === undefined && signal?.aborted) {
      status = "stopped";
      message = "aborted by the signal";
    }
    const current = wantedSet(ends, locked, theta, res, [...choice.lock, ...choice.pendingWanted]);
    history?.push(current.residual * As.scale);
    if (status !== "stopped" && callback !== undefined) {
      const values = current.values.map((x) => x * As.scale);
      const info = { restart: restarts, matvecs, locked: locked.length + choice.lock.length, values, residualNorm: current.residual * As.scale };
      if (callback(info) === true && status === undefined) {
        status = "stopped";
        message = "stopped by the callback";
      }
    }
    if (status === undefined && (matvecs >= maxMatvecs || restarts >= maxRestarts)) {
      status = "maxIterations";
      message = `budget ran out after ${matvecs} products and ${restarts} cycles`;
    }
    // Lock the converged wanted pairs (when stopping short, the best unconverged ones too); keep the rest.
    const lockIdx = lost ? [] : status === undefined || status === "converged" ? choice.lock : [...choice.lock, ...choice.pendingWanted];
    const keepIdx = status === undefined && nextPhase === 0 ? choice.keep : [];
    const kept = basis.restart(q, keepIdx, lockIdx, status !== undefined || nextPhase > 0);
    for (const [c, i] of lockIdx.entries()) {
      if (!kept[c]) continue;
      const l = { value: theta[i] as number, end: choice.endOf[i] as number, converged: ok[i] === 1, res: res[i] as number, gap: q.gap[i] as number };
      locked.push(l);
      phaseLocked.push(l);
    }
    if (status === undefined && nextPhase > 0 && !startPhase(nextPhase)) status = "converged";
  }

  let ans = answer(As, n, ends, locked, basis.L, k);
  matvecs += ans.values.length;
  let finalStatus = status === "converged" && !ans.allConverged ? "maxIterations" : (status ?? "maxIterations");
  // 'converged' is the contract on the true residuals: ‖r‖ ≤ max(tol, 100ε√n)·‖A‖est, or ‖r‖²/gap ≤ valueTol·|λ|. A basis
  // that lost orthogonality leaves residuals the estimates did not show: up to two Rayleigh–Ritz steps on span{Y, R}
  // (k products each) repair them; a pair still missing its contract (or a non-symmetric A) makes the run a breakdown.
  if (finalStatus === "converged") {
    const contract = { tol, valueTol, floor: 100 * psi };
    // ‖A‖est: the largest |Ritz value| met, which bounds ‖A‖ from below when the basis kept (semi-)orthogonality; for
    // 'none', whose Ritz values may be ghosts outside the spectrum, the largest ‖A·v‖ of a unit column or |λ| returned.
    if (reorth === "none") basis.normEst = Math.max(basis.productNorm, ...Array.from(ans.values, Math.abs));
    let current = ans;
    for (let round = 0; round < 3 && firstMiss(current, contract, basis.normEst) >= 0; round++) {
      const refined = refine(As, n, ends, current);
      matvecs += refined.products;
      current = refined.answer;
      // The best seen is kept: near the rounding floor a step may not improve, and a pair next to an unwanted
      // eigenvalue may first take up some of it (the next step removes it).
      if (worstRatio(current, contract, basis.normEst) < worstRatio(ans, contract, basis.normEst)) ans = current;
    }
    const c = firstMiss(ans, contract, basis.normEst);
    const f = c >= 0 ? -1 : firstFloorOnly(ans, contract, basis.normEst);
    if (c >= 0) {
      finalStatus = "breakdown";
      message = `the true residual of λ = ${(ans.values[c] as number) * As.scale} is ${(ans.residualNorms[c] as number) * As.scale}, over its tolerance: the estimates were not borne out (a basis that lost orthogonality, or a non-symmetric A)`;
    } else if (f >= 0) {
      // Every pair is at the rounding floor but the asked tol is below it: not what was asked, as CG's 'stagnated'.
      finalStatus = "stagnated";
      message = `tol ${tol} is below the rounding floor 100ε√n = ${contract.floor.toExponential(2)} of a computed residual (relative to ‖A‖est): every pair reached the floor, but the true residual of λ = ${(ans.values[f] as number) * As.scale} is ${((ans.residualNorms[f] as number) * As.scale).toExponential(2)}, above tol·‖A‖est = ${(tol * basis.normEst * As.scale).toExponential(2)}`;
    }
  }
  if (lossNote !== undefined) message = message === undefined ? lossNote : `${message}; ${lossNote}`;
  const { values, vectors, residualNorms } = ans;
  for (let i = 0; i < values.length; i++) {
    values[i] = (values[i] as number) * As.scale;
    residualNorms[i] = (residualNorms[i] as number) * As.scale;
  }
  return {
    values,
    vectors,
    residualNorms,
    restarts,
    stats: {
      iterations: steps,
      matvecs,
      converged: finalStatus === "converged",
      status: finalStatus,
      // NaN after a non-finite product: no residual of the run can be trusted then, even of the pairs locked before it.
      residualNorm: nonFinite ? NaN : residualNorms.reduce((x, y) => Math.max(x, y), 0),
      ...(history !== undefined ? { residualHistory: history } : {}),
      timeMs: performance.now() - start,
      ...(message !== undefined ? { message } : {}),
    },
  };
}
