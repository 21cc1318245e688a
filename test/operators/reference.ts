/**
 * Dense reference matrices for the operator tests, built by plain loops on row-major arrays,
 * independently of the operators under test.
 */
import { rng } from "@krylov-ts/operators";

/** A row-major m×n matrix. */
export interface Mat {
  m: number;
  n: number;
  a: Float64Array;
}

export function mat(m: number, n: number, a = new Float64Array(m * n)): Mat {
  return { m, n, a };
}

export function fromRows(rows: number[][]): Mat {
  const m = rows.length;
  const n = rows[0]?.length ?? 0;
  return mat(m, n, Float64Array.from(rows.flat()));
}

export function randomMat(m: number, n: number, seed: number): Mat {
  const r = rng(seed);
  const A = mat(m, n);
  for (let i = 0; i < m * n; i++) A.a[i] = r.normal();
  return A;
}

export function randomSym(n: number, seed: number): Mat {
  const A = randomMat(n, n, seed);
  return plus(A, T(A));
}

export function at(A: Mat, i: number, j: number): number {
  return A.a[i * A.n + j] as number;
}

export function eye(n: number): Mat {
  const I = mat(n, n);
  for (let i = 0; i < n; i++) I.a[i * n + i] = 1;
  return I;
}

export function T(A: Mat): Mat {
  const B = mat(A.n, A.m);
  for (let i = 0; i < A.m; i++) for (let j = 0; j < A.n; j++) B.a[j * A.m + i] = at(A, i, j);
  return B;
}

export function plus(A: Mat, B: Mat, beta = 1): Mat {
  const C = mat(A.m, A.n);
  for (let k = 0; k < A.a.length; k++) C.a[k] = (A.a[k] as number) + beta * (B.a[k] as number);
  return C;
}

export function times(alpha: number, A: Mat): Mat {
  return mat(A.m, A.n, A.a.map((v) => alpha * v));
}

export function mul(A: Mat, B: Mat): Mat {
  const C = mat(A.m, B.n);
  for (let i = 0; i < A.m; i++) {
    for (let j = 0; j < B.n; j++) {
      let s = 0;
      for (let k = 0; k < A.n; k++) s += at(A, i, k) * at(B, k, j);
      C.a[i * B.n + j] = s;
    }
  }
  return C;
}

export function blockDiag(blocks: Mat[]): Mat {
  const m = blocks.reduce((s, B) => s + B.m, 0);
  const n = blocks.reduce((s, B) => s + B.n, 0);
  const C = mat(m, n);
  let r = 0;
  let c = 0;
  for (const B of blocks) {
    for (let i = 0; i < B.m; i++) for (let j = 0; j < B.n; j++) C.a[(r + i) * n + c + j] = at(B, i, j);
    r += B.m;
    c += B.n;
  }
  return C;
}

export function sub(A: Mat, rows: number[], cols: number[]): Mat {
  const C = mat(rows.length, cols.length);
  rows.forEach((r, i) => cols.forEach((c, j) => (C.a[i * cols.length + j] = at(A, r, c))));
  return C;
}

/** The matrix with entry (rows[k], cols[k]) += values[k]. */
export function fromTriplets(rows: number[], cols: number[], values: number[], m: number, n: number): Mat {
  const C = mat(m, n);
  rows.forEach((r, k) => (C.a[r * n + (cols[k] as number)] = (C.a[r * n + (cols[k] as number)] as number) + (values[k] as number)));
  return C;
}

/** Orthonormal columns (modified Gram–Schmidt on random vectors), as k arrays of length n. */
export function orthonormal(n: number, k: number, seed: number): Float64Array[] {
  const r = rng(seed);
  const U: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const u = new Float64Array(n).map(() => r.normal());
    for (const v of U) {
      let s = 0;
      for (let i = 0; i < n; i++) s += (u[i] as number) * (v[i] as number);
      for (let i = 0; i < n; i++) u[i] = (u[i] as number) - s * (v[i] as number);
    }
    const nu = Math.hypot(...u);
    U.push(u.map((x) => x / nu));
  }
  return U;
}

export function matvec(A: Mat, x: ArrayLike<number>): Float64Array {
  const y = new Float64Array(A.m);
  for (let i = 0; i < A.m; i++) {
    let s = 0;
    for (let j = 0; j < A.n; j++) s += at(A, i, j) * (x[j] as number);
    y[i] = s;
  }
  return y;
}

/** max |aᵢ − bᵢ| / max(1, max |bᵢ|). */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let s = 1;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs((a[i] as number) - (b[i] as number)));
    s = Math.max(s, Math.abs(b[i] as number));
  }
  return a.length === b.length ? d / s : Infinity;
}

export function isSymmetricMat(A: Mat, tol = 1e-12): boolean {
  return A.m === A.n && maxRelDiff(A.a, T(A).a) <= tol;
}
