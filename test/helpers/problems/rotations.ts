/**
 * Non-symmetric matrices with known complex eigenvalues: block-diagonal 2×2 rotations
 * [[a, b], [−b, a]] (eigenvalues a ± ib), optionally followed by real 1×1 blocks, and
 * optionally hidden by a similarity S·D·S⁻¹ (orthogonal S keeps it normal; S = I + U with a
 * strictly upper triangular U makes it non-normal without changing the eigenvalues).
 */
import { dense, rng, type DenseOperator } from "@krylov-ts/operators";

/** Options of `rotationBlocks`. */
export interface RotationOptions {
  /** Real eigenvalues appended after the complex pairs. Default none. */
  real?: readonly number[];
  /**
   * 'none': block diagonal as is; 'orthogonal': Q·D·Qᵀ with a seeded random orthogonal Q;
   * 'nonNormal': S·D·S⁻¹ with S = I + U, U strictly upper triangular with entries of size
   * `scale`. Default 'orthogonal'.
   */
  mix?: "none" | "orthogonal" | "nonNormal";
  /** Size of U's entries with mix 'nonNormal'. Default 0.5. */
  scale?: number;
  seed?: number;
}

/**
 * The eigenvalues (re, im) of the blocks, in block order: each pair a ± ib as (a, b), (a, −b),
 * then the real ones.
 */
export function rotationEigenvalues(re: readonly number[], im: readonly number[], real: readonly number[] = []): { re: number[]; im: number[] } {
  const outRe: number[] = [];
  const outIm: number[] = [];
  re.forEach((a, j) => {
    const b = im[j] as number;
    outRe.push(a, a);
    outIm.push(b, -b);
  });
  for (const r of real) {
    outRe.push(r);
    outIm.push(0);
  }
  return { re: outRe, im: outIm };
}

/** The n×n matrix (n = 2·pairs + real) with eigenvalues re[j] ± i·im[j] and `real`, row-major. */
export function rotationMatrix(re: readonly number[], im: readonly number[], options: RotationOptions = {}): { a: Float64Array; n: number } {
  const real = options.real ?? [];
  const n = 2 * re.length + real.length;
  const d = new Float64Array(n * n);
  re.forEach((a, j) => {
    const b = im[j] as number;
    const p = 2 * j;
    d[p * n + p] = a;
    d[p * n + p + 1] = b;
    d[(p + 1) * n + p] = -b;
    d[(p + 1) * n + p + 1] = a;
  });
  real.forEach((r, j) => {
    const p = 2 * re.length + j;
    d[p * n + p] = r;
  });
  const mix = options.mix ?? "orthogonal";
  if (mix === "none") return { a: d, n };
  const r = rng(options.seed ?? 7);
  if (mix === "orthogonal") {
    const q = randomOrthogonal(n, () => r.normal());
    return { a: multiply(multiply(q, d, n), transpose(q, n), n), n };
  }
  // S = I + U (U strictly upper triangular); S⁻¹ by back substitution on the columns of I.
  const scale = options.scale ?? 0.5;
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    s[i * n + i] = 1;
    for (let j = i + 1; j < n; j++) s[i * n + j] = scale * r.normal();
  }
  const sInv = new Float64Array(n * n);
  for (let col = 0; col < n; col++) {
    for (let i = n - 1; i >= 0; i--) {
      let v = i === col ? 1 : 0;
      for (let j = i + 1; j < n; j++) v -= (s[i * n + j] as number) * (sInv[j * n + col] as number);
      sInv[i * n + col] = v;
    }
  }
  return { a: multiply(multiply(s, d, n), sInv, n), n };
}

/** `rotationMatrix` as a dense operator. */
export function rotationBlocks(re: readonly number[], im: readonly number[], options: RotationOptions = {}): DenseOperator {
  const { a, n } = rotationMatrix(re, im, options);
  return dense(a, [n, n]);
}

function randomOrthogonal(n: number, normal: () => number): Float64Array {
  const q = new Float64Array(n * n); // rows are the orthonormal vectors (Gram–Schmidt twice)
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < n; k++) q[j * n + k] = normal();
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < j; i++) {
        let t = 0;
        for (let k = 0; k < n; k++) t += (q[i * n + k] as number) * (q[j * n + k] as number);
        for (let k = 0; k < n; k++) q[j * n + k] = (q[j * n + k] as number) - t * (q[i * n + k] as number);
      }
    }
    let s = 0;
    for (let k = 0; k < n; k++) s += (q[j * n + k] as number) ** 2;
    s = Math.sqrt(s);
    for (let k = 0; k < n; k++) q[j * n + k] = (q[j * n + k] as number) / s;
  }
  return q;
}

function multiply(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k] as number;
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j] = (c[i * n + j] as number) + aik * (b[k * n + j] as number);
    }
  }
  return c;
}

function transpose(a: Float64Array, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j] as number;
  return t;
}
