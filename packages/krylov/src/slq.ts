/**
 * Spectral density by stochastic Lanczos quadrature.
 *
 * @module
 */
import { rng, type LinearOperator } from "@krylov-ts/operators";
import { checkInteger, checkNumber, type Stats } from "./stats.js";
import { type Reorthogonalization } from "./lanczos/common.js";
import { checkFunction, checkSignal, oneOf, optionsObject, SLQ_OPTIONS, squareOperator, symmetryProbe } from "./solver-args.js";
import { lanczosProcess } from "./lanczos/process.js";
import { tridiagonalEigen } from "./tridiagonal.js";

/** What the callback of `slq` sees after each probe (one object, updated in place). */
export interface SlqProbe {
  /** Probes done so far, out of `options.probes`. */
  probes: number;
  /** Products with A so far. */
  matvecs: number;
  /**
   * The current estimate of tr(A) from the quadratures so far, n·Σ wᵢθᵢ (the mean over the probes
   * of n·vᵀAv/vᵀv, which the quadrature of f(θ) = θ gives exactly).
   */
  trace: number;
}

/** Options of `slq`. */
export interface SlqOptions {
  /** Number of random probe vectors. Default 10. */
  probes?: number;
  /** Lanczos steps per probe (quadrature nodes per probe). Default min(n, 30). */
  steps?: number;
  /** Probe distribution: `'rademacher'` (±1, default) or `'normal'`. */
  distribution?: "rademacher" | "normal";
  /** Reorthogonalization of each Lanczos run (see `lanczosProcess`). Default `'full'`. */
  reorthogonalization?: Reorthogonalization;
  /** Seed of the probes. Default 0. */
  seed?: number;
  /** Called after each probe; returning `true` stops the run (status `'stopped'`, with the probes done so far). */
  callback?: (info: SlqProbe) => boolean | void;
  /** Cancels the run between probes (status `'stopped'`, with the probes done so far). */
  signal?: AbortSignal;
  /** Refuse a non-symmetric A (two extra products on random probes, counted in `stats.matvecs`). Default false. */
  checkSymmetric?: boolean;
}

/** Result of `slq`. */
export interface SlqResult {
  /** Quadrature nodes: the Ritz values of every probe, one run after another. */
  nodes: Float64Array;
  /** Quadrature weights: squared first eigenvector components divided by the probe count; they sum to 1. */
  weights: Float64Array;
  /**
   * The Gaussian-smoothed density φ(t) = Σᵢ wᵢ·exp(−(t − θᵢ)²/(2σ²))/(σ√(2π)) at each grid point.
   * It integrates to 1 over ℝ. Default σ: (max θ − min θ)/100 (or 1e-3 when all nodes coincide).
   */
  density: (grid: ArrayLike<number>, sigma?: number) => Float64Array;
  /**
   * `status` `'converged'` when all probes ran (a Lanczos breakdown on an invariant subspace only
   * shortens that probe's quadrature, which is then exact), `'breakdown'` when a product with A
   * gave a non-finite coefficient (the probes before it are kept), `'stopped'` by the callback or
   * the signal.
   * `iterations` is the number of probes done; `residualNorm` is 0 (a quadrature has no residual), NaN after
   * a non-finite product.
   */
  stats: Stats;
}

/**
 * Estimates the spectral density φ(t) = (1/n)·Σⱼ δ(t − λⱼ) of a symmetric operator by stochastic
 * Lanczos quadrature (Golub & Meurant 1994; Lin, Saad & Yang 2016; Ubaru, Chen & Saad 2017; the
 * density of PyHessian, Yao et al. 2020). For each probe v (Rademacher, normalized), m Lanczos
 * steps from v give T_m = Y Θ Yᵀ and the Gauss quadrature
 *
 *     vᵀ f(A) v ≈ Σₖ τₖ² f(θₖ),   τₖ = Y_{1k},
 *
 * exact for polynomials of degree ≤ 2m − 1. Averaging over the probes: nodes θₖ with weights
 * τₖ²/probes, so that Σ w·f(θ) ≈ tr f(A)/n (e.g. n·Σ w·θ ≈ tr A).
 *
 * @param A - a symmetric n×n operator
 * @example
 * const { density } = slq(H, { probes: 20, steps: 40, seed: 1 });
 * const phi = density(grid, 0.01);
 */
export function slq(A: LinearOperator, options?: SlqOptions): SlqResult {
  const fn = "slq";
  const o = optionsObject(fn, options, SLQ_OPTIONS);
  const n = squareOperator(fn, "A", A);
  let matvecs = symmetryProbe(fn, A, o.checkSymmetric); // its products are counted
  if (n === 0) throw new RangeError(`${fn}: A is 0×0`);
  const probes = checkInteger(fn, "options.probes", o.probes ?? 10, 1);
  const steps = checkInteger(fn, "options.steps", o.steps ?? Math.min(n, 30), 1);
  if (steps > n) throw new RangeError(`${fn}: options.steps is ${steps} but A is ${n}×${n}`);
  const distribution = oneOf(fn, "options.distribution", o.distribution, ["rademacher", "normal"] as const, "rademacher");
  const reorth = oneOf<Reorthogonalization>(fn, "options.reorthogonalization", o.reorthogonalization, ["full", "partial", "none"], "full");
  const seed = checkNumber(fn, "options.seed", o.seed ?? 0, -Infinity);
  const callback = checkFunction(fn, "options.callback", o.callback);
  const signal = checkSignal(fn, o.signal);
  const start = performance.now();
  const random = rng(seed);
  const probe = new Float64Array(n);

  const nodes: number[] = [];
  const weights: number[] = [];
  let iterations = 0;
  let done = 0;
  let status: Stats["status"] = "converged";
  let message: string | undefined;
  let nonFinite = false; // a probe met a non-finite α or β
  let quadratureSum = 0; // Σ over the probes of Σₖ τₖ²θₖ = vᵀAv/vᵀv
  const info: SlqProbe = { probes: 0, matvecs: 0, trace: NaN };
  for (let p = 0; p < probes; p++) {
    if (signal?.aborted) {
      status = "stopped";
      message = "aborted by the signal";
      break;
    }
    for (let i = 0; i < n; i++) probe[i] = distribution === "rademacher" ? random.rademacher() : random.normal();
    const run = lanczosProcess(A, { steps, v0: probe, reorthogonalization: reorth });
    matvecs += run.stats.matvecs;
    iterations += run.stats.iterations;
    if (!run.stats.converged) {
      // A non-finite α or β (an overflowing or NaN product): no quadrature from this probe.
      status = "breakdown";
      nonFinite = true;
      message = `probe ${p + 1}: ${run.stats.message ?? "the Lanczos process broke down"}`;
      break;
    }
    const m = run.alpha.length;
    // Gauss quadrature of the probe: nodes θ_k, weights τ_k² = (first component of y_k)².
    // T is scaled by a power of two (exactly) to order 1 first, so that its eigensolver's squares neither overflow nor
    // underflow when ‖A‖ is near 1e±300; the weights do not depend on the scale, the nodes are scaled back.
    const scale = powerOfTwoNear(run.alpha, run.beta);
    const eig = tridiagonalEigen(run.alpha.map((x) => x / scale), run.beta.subarray(0, Math.max(m - 1, 0)).map((x) => x / scale), { vectors: "first" });
    const first = eig.first as Float64Array;
    for (let j = 0; j < m; j++) {
      const node = (eig.values[j] as number) * scale;
      nodes.push(node);
      weights.push((first[j] as number) ** 2);
      quadratureSum += node * (first[j] as number) ** 2;
    }
    done++;
    if (callback !== undefined) {
      info.probes = done;
      info.matvecs = matvecs;
      info.trace = (n * quadratureSum) / done;
      if (callback(info) === true && done < probes) {
        status = "stopped";
        message = "stopped by the callback";
        break;
      }
    }
  }
  // Each probe's weights sum to 1; average over the probes done.
  const w = Float64Array.from(weights, (x) => x / Math.max(done, 1));
  const theta = Float64Array.from(nodes);
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of theta) {
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  }
  const defaultSigma = hi > lo ? (hi - lo) / 100 : 1e-3;
  const density = (grid: ArrayLike<number>, sigma: number = defaultSigma): Float64Array => {
    if (grid === null || typeof grid !== "object" || typeof grid.length !== "number") {
      throw new TypeError("slq.density: grid must be an array of numbers");
    }
    checkNumber("slq.density", "sigma", sigma, 0, true);
    const out = new Float64Array(grid.length);
    const c = 1 / (sigma * Math.sqrt(2 * Math.PI));
    for (let g = 0; g < grid.length; g++) {
      const t = grid[g] as number;
      let s = 0;
      for (let i = 0; i < theta.length; i++) {
        const z = (t - (theta[i] as number)) / sigma;
        s += (w[i] as number) * Math.exp(-0.5 * z * z);
      }
      out[g] = c * s;
    }
    return out;
  };
  return {
    nodes: theta,
    weights: w,
    density,
    stats: {
      iterations: done,
      matvecs,
      converged: status === "converged",
      status,
      residualNorm: nonFinite ? NaN : 0,
      timeMs: performance.now() - start,
      message: `${done} probes, ${iterations} Lanczos steps${message === undefined ? "" : `; ${message}`}`,
    },
  };
}

/** 2^e nearest the largest |entry| of a and b (1 when all are 0), for an exact rescaling. */
function powerOfTwoNear(a: Float64Array, b: Float64Array): number {
  let big = 0;
  for (const x of a) big = Math.max(big, Math.abs(x));
  for (const x of b) big = Math.max(big, Math.abs(x));
  return big > 0 && Number.isFinite(big) ? 2 ** Math.round(Math.log2(big)) : 1;
}
