/**
 * Small dense non-symmetric problems and references for the tests: random matrices with a
 * controlled spectrum, the dense eigenvalues by ml-matrix (JAMA's Hessenberg QR, a reference
 * independent of the package's own small Schur solver), and the residual of a solve.
 */
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { dense, rng, type DenseOperator } from "@krylov-ts/operators";

/** A random n×n non-symmetric matrix shift·I + G/√n (G Gaussian): eigenvalues in the disc |λ − shift| ≲ 1. */
export function randomNonsymmetric(n: number, shift = 3, seed = 3): { a: Float64Array; op: DenseOperator } {
  const r = rng(seed);
  const a = new Float64Array(n * n);
  const s = 1 / Math.sqrt(n);
  for (let i = 0; i < n * n; i++) a[i] = s * r.normal();
  for (let i = 0; i < n; i++) a[i * n + i] = (a[i * n + i] as number) + shift;
  return { a, op: dense(a, [n, n]) };
}

/** The n×n skew-symmetric matrix G − Gᵀ (seeded): xᵀAx = 0 for every x. */
export function randomSkew(n: number, seed = 4): { a: Float64Array; op: DenseOperator } {
  const r = rng(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = r.normal();
      a[i * n + j] = v;
      a[j * n + i] = -v;
    }
  }
  return { a, op: dense(a, [n, n]) };
}

/** All eigenvalues (re, im) of a dense row-major n×n matrix (ml-matrix's JAMA port). */
export function denseEigenvalues(a: Float64Array, n: number): { re: number[]; im: number[] } {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(a.subarray(i * n, (i + 1) * n)));
  const e = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: false });
  return { re: e.realEigenvalues, im: e.imaginaryEigenvalues };
}

/** ‖b − Ax‖₂ for a dense row-major A. */
export function denseResidual(a: Float64Array, n: number, b: ArrayLike<number>, x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    let t = b[i] as number;
    for (let j = 0; j < n; j++) t -= (a[i * n + j] as number) * (x[j] as number);
    s += t * t;
  }
  return Math.sqrt(s);
}
