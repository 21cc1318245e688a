/**
 * `projector(U)`: the orthogonal projector I − UUᵀ onto the complement of span(U), used to
 * deflate known eigenvectors.
 *
 * @module
 */
import type { NdArray } from "ndarray";
import { BaseOperator } from "./operator.js";
import { checkOptions, type OptionKeys } from "./options.js";
import { asVec, isNdArray, len, type Vec, type VecLike } from "./vec.js";

/** P = I − UUᵀ: c = Uᵀx, then out = x − Uc (k dot products and k axpys). */
export class ProjectorOperator extends BaseOperator {
  /** The columns u₀…uₖ₋₁ of U (private copies). */
  readonly basis: readonly Float64Array[];
  /** Uᵀx, allocated once. */
  private readonly c: Float64Array;

  /** @internal use `projector(U)` */
  constructor(basis: readonly Float64Array[], n: number) {
    super("projector", n, n, true, true);
    this.basis = basis;
    this.c = new Float64Array(basis.length);
  }

  protected _apply(x: Vec, out: Vec): void {
    const n = this.shape[0];
    const xd = x.data;
    const xo = x.offset;
    const od = out.data;
    const oo = out.offset;
    const U = this.basis;
    const c = this.c;
    for (let j = 0; j < U.length; j++) {
      const u = U[j] as Float64Array;
      let s = 0;
      for (let i = 0; i < n; i++) s += (u[i] as number) * (xd[xo + i] as number);
      c[j] = s; // cⱼ = ⟨uⱼ, x⟩
    }
    od.set(xd.subarray(xo, xo + n), oo);
    for (let j = 0; j < U.length; j++) {
      const u = U[j] as Float64Array;
      const cj = c[j] as number;
      for (let i = 0; i < n; i++) od[oo + i] = (od[oo + i] as number) - cj * (u[i] as number); // out ← out − cⱼuⱼ
    }
  }
}

/** Options of `projector`. */
export interface ProjectorOptions {
  /**
   * Largest accepted |⟨uᵢ, uⱼ⟩ − δᵢⱼ|; U is refused beyond it. Default 1e-8; `Infinity`
   * skips the check (then the operator is I − UUᵀ all the same, but not a projector).
   */
  orthonormalityTolerance?: number;
}

const PROJECTOR_OPTIONS = { orthonormalityTolerance: true } as const satisfies OptionKeys<ProjectorOptions>;

/**
 * I − UUᵀ for U with orthonormal columns: x minus its components along u₀…uₖ₋₁. Symmetric.
 * The columns are copied.
 *
 * @param U - an array of k vectors of length n, or an n×k ndarray whose columns are the vectors
 * @example projector([vec([1, 0])]).apply(vec([3, 4])) // [0, 4]
 */
export function projector(U: readonly VecLike[] | NdArray, options: ProjectorOptions = {}): ProjectorOperator {
  checkOptions("projector", options, PROJECTOR_OPTIONS);
  const tol = options.orthonormalityTolerance ?? 1e-8;
  let basis: Float64Array[];
  let n: number;
  if (isNdArray(U)) {
    if (U.shape.length !== 2) throw new RangeError(`projector: U must be an n×k ndarray but has shape [${U.shape.join(", ")}]`);
    n = U.shape[0] as number;
    const k = U.shape[1] as number;
    basis = [];
    for (let j = 0; j < k; j++) {
      const u = new Float64Array(n);
      for (let i = 0; i < n; i++) u[i] = Number(U.get(i, j));
      basis.push(u);
    }
  } else if (Array.isArray(U)) {
    if (U.length === 0) throw new RangeError("projector: U must hold at least one vector (or be an n×0 ndarray)");
    const vs = U.map((u, j) => asVec(u, "projector", `U[${j}]`));
    n = len(vs[0] as Vec);
    basis = vs.map((v, j) => {
      if (len(v) !== n) throw new RangeError(`projector: U[${j}] has length ${len(v)} but U[0] has length ${n}`);
      const u = new Float64Array(n);
      for (let i = 0; i < n; i++) u[i] = v.get(i);
      return u;
    });
  } else {
    throw new TypeError("projector: U must be an array of vectors or an n×k ndarray");
  }
  checkOrthonormal(basis, tol);
  return new ProjectorOperator(basis, n);
}

function checkOrthonormal(U: readonly Float64Array[], tol: number): void {
  if (!(tol < Infinity)) return;
  for (let a = 0; a < U.length; a++) {
    for (let b = a; b < U.length; b++) {
      const ua = U[a] as Float64Array;
      const ub = U[b] as Float64Array;
      let s = 0;
      for (let i = 0; i < ua.length; i++) s += (ua[i] as number) * (ub[i] as number);
      const err = Math.abs(s - (a === b ? 1 : 0));
      if (!(err <= tol)) {
        throw new RangeError(
          `projector: U is not orthonormal: |⟨u${a}, u${b}⟩ − ${a === b ? 1 : 0}| = ${err.toExponential(2)} exceeds ${tol}`,
        );
      }
    }
  }
}
