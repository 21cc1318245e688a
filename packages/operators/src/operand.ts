/**
 * Helpers the composition operators share for calling their operands, which may be any
 * `LinearOperator` (ours or a user's object): apply into a given `out`, apply the transpose
 * (through `apply` when the operand is symmetric and has no `applyTranspose`), and name an
 * operand's shape in error messages. Internal to the package.
 *
 * @module
 */
import type { LinearOperator } from "./operator.js";
import { copy, type Vec } from "./vec.js";

/** out = A x, whether `A.apply` writes into `out` or returns another vector. */
export function applyInto(A: LinearOperator, x: Vec, out: Vec): void {
  const r = A.apply(x, out);
  if (r !== out) copy(r, out);
}

/** out = Aᵀ x; requires `hasTranspose(A)`. */
export function applyTransposeInto(A: LinearOperator, x: Vec, out: Vec): void {
  const r = A.applyTranspose !== undefined ? A.applyTranspose(x, out) : A.apply(x, out);
  if (r !== out) copy(r, out);
}

/** True when Aᵀx can be computed: `applyTranspose` is present or A promises symmetry. */
export function hasTranspose(A: LinearOperator): boolean {
  return typeof A.applyTranspose === "function" || A.symmetric === true;
}

/** The letter naming the i-th operand of a variadic function in messages: A, B, C, … */
export function operandName(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : `operands[${i}]`;
}
