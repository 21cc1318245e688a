/**
 * Sums and differences of operators: `add(A, B, …)` and `subtract(A, B)`.
 *
 * @module
 */
import { BaseOperator, checkOperator, type LinearOperator } from "./operator.js";
import { applyInto, applyTransposeInto, hasTranspose, operandName } from "./operand.js";
import { vec, type Vec } from "./vec.js";

/** Σᵢ cᵢAᵢ with fixed coefficients cᵢ = ±1, applied operand by operand. */
export class SumOperator extends BaseOperator {
  /** The operands Aᵢ. */
  readonly operands: readonly LinearOperator[];
  /** The coefficient of each operand (1 for `add`, 1 and −1 for `subtract`). */
  readonly coefficients: readonly number[];
  private readonly t: Vec;
  private readonly tT: Vec;

  /** @internal use `add` or `subtract` */
  constructor(name: string, operands: readonly LinearOperator[], coefficients: readonly number[]) {
    const [m, n] = (operands[0] as LinearOperator).shape;
    super(
      name,
      m,
      n,
      operands.every((A) => A.symmetric === true),
      operands.every(hasTranspose),
    );
    this.operands = operands;
    this.coefficients = coefficients;
    this.t = vec(m);
    this.tT = vec(n);
  }

  protected _apply(x: Vec, out: Vec): void {
    this.combine(x, out, this.t, false);
  }

  protected override _applyTranspose(x: Vec, out: Vec): void {
    this.combine(x, out, this.tT, true);
  }

  /** out = Σ cᵢ Aᵢ x (or Σ cᵢ Aᵢᵀ x), accumulating each term through `t`. */
  private combine(x: Vec, out: Vec, t: Vec, transposed: boolean): void {
    const ops = this.operands;
    const c = this.coefficients;
    const od = out.data;
    const oo = out.offset;
    const td = t.data;
    const k = td.length;
    for (let i = 0; i < ops.length; i++) {
      const A = ops[i] as LinearOperator;
      if (transposed) applyTransposeInto(A, x, i === 0 ? out : t);
      else applyInto(A, x, i === 0 ? out : t);
      const ci = c[i] as number;
      if (i === 0) {
        if (ci !== 1) for (let j = 0; j < k; j++) od[oo + j] = ci * (od[oo + j] as number);
      } else {
        for (let j = 0; j < k; j++) od[oo + j] = (od[oo + j] as number) + ci * (td[j] as number); // out ← out + cᵢ t
      }
    }
  }
}

function checkSameShape(fn: string, ops: readonly unknown[]): asserts ops is readonly LinearOperator[] {
  if (ops.length === 0) throw new TypeError(`${fn}: at least one operator is needed`);
  for (let i = 0; i < ops.length; i++) checkOperator(fn, operandName(i), ops[i]);
  const first = ops[0] as LinearOperator;
  for (let i = 1; i < ops.length; i++) {
    const B = ops[i] as LinearOperator;
    if (B.shape[0] !== first.shape[0] || B.shape[1] !== first.shape[1]) {
      throw new RangeError(
        `${fn}: A is ${first.shape[0]}×${first.shape[1]} but ${operandName(i)} is ${B.shape[0]}×${B.shape[1]}`,
      );
    }
  }
}

/**
 * A + B (+ C …) without materializing: each `apply` applies every operand once and sums.
 * Symmetric when every operand is. One temporary of length m is allocated here, none per apply.
 *
 * @param operands - two or more operators of the same shape m×n (one is returned as it is)
 * @example add(identity(3), diagonal([1, 2, 3])).apply(vec([1, 1, 1])) // [2, 3, 4]
 */
export function add(...operands: LinearOperator[]): LinearOperator {
  checkSameShape("add", operands);
  if (operands.length === 1) return operands[0] as LinearOperator;
  return new SumOperator(
    "add",
    operands,
    operands.map(() => 1),
  );
}

/**
 * A − B without materializing. Symmetric when both are.
 *
 * @param A - m×n
 * @param B - m×n
 * @example subtract(diagonal([3, 3]), identity(2)).apply(vec([1, 2])) // [2, 4]
 */
export function subtract(A: LinearOperator, B: LinearOperator): LinearOperator {
  checkSameShape("subtract", [A, B]);
  return new SumOperator("subtract", [A, B], [1, -1]);
}
