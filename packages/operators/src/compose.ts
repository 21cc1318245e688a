/**
 * `compose(A, B, …)`: the product A·B·… without materializing.
 *
 * @module
 */
import { BaseOperator, checkOperator, type LinearOperator } from "./operator.js";
import { applyInto, applyTransposeInto, hasTranspose, operandName } from "./operand.js";
import { isTransposeOf } from "./transpose.js";
import { vec, type Vec } from "./vec.js";

/** F₀·F₁·…·Fₖ₋₁, applied right to left through temporaries allocated once. */
export class ProductOperator extends BaseOperator {
  /** The factors, leftmost first. */
  readonly factors: readonly LinearOperator[];
  /** t[i] holds Fᵢ·…·Fₖ₋₁ x (length rows of Fᵢ), for i = 1…k−1. */
  private readonly t: Vec[];
  /** tT[i] holds Fᵢᵀ·…·F₀ᵀ x (length cols of Fᵢ), for i = 0…k−2. */
  private readonly tT: Vec[];

  /** @internal use `compose(...)` */
  constructor(factors: readonly LinearOperator[]) {
    const first = factors[0] as LinearOperator;
    const last = factors[factors.length - 1] as LinearOperator;
    const transposable = factors.every(hasTranspose);
    super("compose", first.shape[0], last.shape[1], isSymmetricProduct(factors), transposable);
    this.factors = factors;
    this.t = factors.map((F, i) => vec(i === 0 ? 0 : F.shape[0]));
    this.tT = transposable ? factors.map((F, i) => vec(i === factors.length - 1 ? 0 : F.shape[1])) : [];
  }

  protected _apply(x: Vec, out: Vec): void {
    const F = this.factors;
    const k = F.length;
    let src = x;
    for (let i = k - 1; i >= 0; i--) {
      const dst = i === 0 ? out : (this.t[i] as Vec);
      applyInto(F[i] as LinearOperator, src, dst); // tᵢ = Fᵢ tᵢ₊₁
      src = dst;
    }
  }

  protected override _applyTranspose(x: Vec, out: Vec): void {
    const F = this.factors;
    const k = F.length;
    let src = x;
    for (let i = 0; i < k; i++) {
      const dst = i === k - 1 ? out : (this.tT[i] as Vec);
      applyTransposeInto(F[i] as LinearOperator, src, dst); // (F₀⋯Fₖ₋₁)ᵀ = Fₖ₋₁ᵀ⋯F₀ᵀ
      src = dst;
    }
  }
}

/**
 * A product is symmetric when it reads the same transposed: Fᵢ = (Fₖ₋₁₋ᵢ)ᵀ for every i
 * (known structurally, e.g. Aᵀ·A, A·A for a symmetric A, or B·S·Bᵀ with S symmetric).
 * Otherwise A·B is not symmetric in general and is not marked so.
 */
function isSymmetricProduct(F: readonly LinearOperator[]): boolean {
  const k = F.length;
  for (let i = 0; i <= (k - 1) >> 1; i++) {
    const P = F[i] as LinearOperator;
    const Q = F[k - 1 - i] as LinearOperator;
    if (i === k - 1 - i ? P.symmetric !== true : !isTransposeOf(P, Q)) return false;
  }
  return true;
}

/**
 * A·B (·C …) without materializing: `apply` applies the rightmost factor first. Nested
 * products are flattened. Symmetric only when the product reads the same transposed
 * (Aᵀ·A, A·A with A symmetric, …), never in general.
 *
 * @param factors - A (m×p), B (p×q), …: each one's columns match the next one's rows
 * @returns an m×(cols of the last) operator; a single factor is returned as it is
 * @throws RangeError naming both factors when the inner sizes differ (`compose: A is 3×4 but B is 5×5`)
 * @example compose(diagonal([1, 2]), diagonal([3, 4])).apply(vec([1, 1])) // [3, 8]
 */
export function compose(...factors: LinearOperator[]): LinearOperator {
  if (factors.length === 0) throw new TypeError("compose: at least one operator is needed");
  for (let i = 0; i < factors.length; i++) checkOperator("compose", operandName(i), factors[i]);
  for (let i = 1; i < factors.length; i++) {
    const P = factors[i - 1] as LinearOperator;
    const Q = factors[i] as LinearOperator;
    if (P.shape[1] !== Q.shape[0]) {
      throw new RangeError(
        `compose: ${operandName(i - 1)} is ${P.shape[0]}×${P.shape[1]} but ${operandName(i)} is ${Q.shape[0]}×${Q.shape[1]}`,
      );
    }
  }
  if (factors.length === 1) return factors[0] as LinearOperator;
  const flat = factors.flatMap((F) => (F instanceof ProductOperator ? F.factors : [F]));
  return new ProductOperator(flat);
}
