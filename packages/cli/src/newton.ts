/**
 * The damped Newton step of `krylov hessian`: d solving (H + λI)d = −g by CG or MINRES, with
 * the quadratic model's predicted change and a report of negative curvature.
 *
 * @module
 */
import { cg, minres, type Stats } from "@krylov-ts/krylov";
import { axpy, dot, shift, vec, type LinearOperator, type Vec } from "@krylov-ts/operators";

/** Options of `dampedNewtonStep`. */
export interface NewtonOptions {
  /** λ ≥ 0. */
  readonly damping: number;
  readonly solver: "cg" | "minres";
  /** Stop when ‖(H + λI)d + g‖ ≤ rtol·‖g‖. */
  readonly rtol: number;
  readonly maxIterations: number;
  /** The smallest eigenvalue of H when known (from Lanczos), to tell whether H + λI is indefinite. */
  readonly lambdaMin?: number | undefined;
  /** Called after every solver iteration. */
  readonly callback?: (info: { iteration: number; residualNorm: number }) => void;
}

/** What `dampedNewtonStep` returns. */
export interface NewtonStep {
  /** The step d (a new vector). */
  readonly d: Vec;
  readonly stats: Stats;
  /** m(d) − f = gᵀd + ½dᵀHd, the change the quadratic model predicts. */
  readonly predictedChange: number;
  /** gᵀd (negative for a descent direction). */
  readonly directionalDerivative: number;
  readonly negativeCurvature: {
    /** CG met pᵀ(H + λI)p ≤ 0, or λmin(H) + λ < 0. */
    readonly met: boolean;
    /** With CG's negative-curvature exit: pᵀ(H + λI)p / pᵀp of the direction met. */
    readonly curvature?: number;
    /** λmin(H) + λ when λmin is known. */
    readonly lambdaMinPlusDamping?: number;
  };
}

/**
 * Solves (H + λI)d = −g (Nocedal & Wright 2006, §7.1: Newton–CG; MINRES for an indefinite
 * H + λI, which CG may not solve). CG stops at the first direction of non-positive curvature
 * and returns the iterate reached so far, as truncated Newton methods do.
 *
 * @param H - the symmetric n×n Hessian operator
 * @param g - the gradient, length n (not modified)
 */
export function dampedNewtonStep(H: LinearOperator, g: Vec, options: NewtonOptions): NewtonStep {
  const { damping, solver, lambdaMin } = options;
  const A = damping === 0 ? H : shift(H, damping); // H + λI
  const minusG = axpy(-1, g, vec(g.shape[0] as number)); // −g
  const solverOptions = {
    rtol: options.rtol,
    maxIterations: options.maxIterations,
    history: true,
    ...(options.callback === undefined ? {} : { callback: options.callback }),
  };
  const result = solver === "cg" ? cg(A, minusG, solverOptions) : minres(A, minusG, solverOptions);
  const d = result.x;
  const gd = dot(g, d);
  const predictedChange = gd + 0.5 * dot(d, H.apply(d)); // gᵀd + ½dᵀHd
  const curvature = "curvature" in result ? result.curvature : undefined;
  const indefinite = lambdaMin !== undefined && lambdaMin + damping < 0;
  return {
    d,
    stats: result.stats,
    predictedChange,
    directionalDerivative: gd,
    negativeCurvature: {
      met: result.stats.status === "negativeCurvature" || indefinite,
      ...(curvature === undefined ? {} : { curvature }),
      ...(lambdaMin === undefined ? {} : { lambdaMinPlusDamping: lambdaMin + damping }),
    },
  };
}
