/**
 * @krylov-ts/krylov — Krylov solvers, eigenvalues, trace and spectral density on `LinearOperator`s.
 *
 * @packageDocumentation
 */
export type { Status, Stats } from "./stats.js";
export { tridiagonalEigen, type TridiagonalEigenOptions, type TridiagonalEigenResult } from "./tridiagonal.js";
