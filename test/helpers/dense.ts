/**
 * Dense references and problem generators shared by the tests (and the benchmarks).
 *
 * Matrices are row-major `Float64Array`s of n·n entries. The references are textbook
 * algorithms written for clarity, not speed: cyclic Jacobi for the symmetric eigenproblem
 * (Golub & Van Loan §8.5) and Gaussian elimination with partial pivoting.
 */
import { dense, operator, rng, type DenseOperator, type LinearOperator, type Vec } from "@krylov-ts/operators";

/** Eigenvalues (ascending) and eigenvectors (columns of `vectors`, row-major n×n) of a symmetric matrix. */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from(a);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  const at = (i: number, j: number): number => A[i * n + j] as number;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const v = at(i, j) ** 2;
        total += v;
        if (i !== j) off += v;
      }
    }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = at(p, q);
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (at(q, q) - at(p, p)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = at(k, p);
          const akq = at(k, q);
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = at(p, k);
          const aqk = at(q, k);
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p] as number;
          const vkq = V[k * n + q] as number;
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => at(i, i) - at(j, j));
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = at(src, src);
    for (let k = 0; k < n; k++) vectors[k * n + dst] = V[k * n + src] as number;
  });
  return { values, vectors };
}

/** x solving A x = b (Gaussian elimination with partial pivoting); throws when A is singular. */
export function denseSolve(a: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const A = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(A[i * n + k] as number) > Math.abs(A[p * n + k] as number)) p = i;
    if (A[p * n + k] === 0) throw new Error("denseSolve: singular matrix");
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = A[k * n + j] as number;
        A[k * n + j] = A[p * n + j] as number;
        A[p * n + j] = t;
      }
      const t = x[k] as number;
      x[k] = x[p] as number;
      x[p] = t;
    }
    for (let i = k + 1; i < n; i++) {
      const f = (A[i * n + k] as number) / (A[k * n + k] as number);
      if (f === 0) continue;
      for (let j = k; j < n; j++) A[i * n + j] = (A[i * n + j] as number) - f * (A[k * n + j] as number);
      x[i] = (x[i] as number) - f * (x[k] as number);
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i] as number;
    for (let j = i + 1; j < n; j++) s -= (A[i * n + j] as number) * (x[j] as number);
    x[i] = s / (A[i * n + i] as number);
  }
  return x;
}

/** Q·diag(eigenvalues)·Qᵀ with a seeded random orthogonal Q: a symmetric matrix of known spectrum. */
export function withSpectrum(eigenvalues: ArrayLike<number>, seed = 1): Float64Array {
  const n = eigenvalues.length;
  const r = rng(seed);
  // Q from Gram–Schmidt (twice) on a Gaussian matrix; columns stored as rows of q.
  const q = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < n; k++) q[j * n + k] = r.normal();
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < j; i++) {
        let d = 0;
        for (let k = 0; k < n; k++) d += (q[i * n + k] as number) * (q[j * n + k] as number);
        for (let k = 0; k < n; k++) q[j * n + k] = (q[j * n + k] as number) - d * (q[i * n + k] as number);
      }
    }
    let s = 0;
    for (let k = 0; k < n; k++) s += (q[j * n + k] as number) ** 2;
    s = Math.sqrt(s);
    for (let k = 0; k < n; k++) q[j * n + k] = (q[j * n + k] as number) / s;
  }
  const a = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const l = eigenvalues[j] as number;
    for (let r1 = 0; r1 < n; r1++) {
      const qr = l * (q[j * n + r1] as number);
      for (let c = 0; c < n; c++) a[r1 * n + c] = (a[r1 * n + c] as number) + qr * (q[j * n + c] as number);
    }
  }
  // exact symmetry
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[j * n + i] = a[i * n + j] as number;
  return a;
}

/** A random symmetric positive definite matrix with eigenvalues spread in [1, cond]. */
export function randomSPD(n: number, cond = 100, seed = 1): DenseOperator {
  const ev = Array.from({ length: n }, (_, i) => (n === 1 ? 1 : Math.pow(cond, i / (n - 1))));
  return dense(withSpectrum(ev, seed), [n, n], { symmetric: true });
}

/** A random symmetric indefinite, nonsingular matrix with eigenvalues ±[1, 10]. */
export function randomIndefinite(n: number, seed = 2): DenseOperator {
  const r = rng(seed + 100);
  const ev = Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * (1 + 9 * r.uniform()));
  return dense(withSpectrum(ev, seed), [n, n], { symmetric: true });
}

/**
 * The matrix-free 2-D Poisson operator (5-point Laplacian, Dirichlet boundary) on an N×N grid,
 * n = N²: (Ax)ᵢⱼ = 4xᵢⱼ − xᵢ₋₁ⱼ − xᵢ₊₁ⱼ − xᵢⱼ₋₁ − xᵢⱼ₊₁. Its eigenvalues are
 * 4 − 2cos(iπ/(N+1)) − 2cos(jπ/(N+1)), i, j = 1…N (repeated for i ≠ j).
 */
export function poisson2d(N: number): LinearOperator {
  return operator(
    [N * N, N * N],
    (x: Vec, out: Vec) => {
      const xd = x.data;
      const xo = x.offset;
      const od = out.data;
      const oo = out.offset;
      for (let i = 0; i < N; i++) {
        for (let j = 0; j < N; j++) {
          const k = i * N + j;
          let s = 4 * (xd[xo + k] as number);
          if (i > 0) s -= xd[xo + k - N] as number;
          if (i < N - 1) s -= xd[xo + k + N] as number;
          if (j > 0) s -= xd[xo + k - 1] as number;
          if (j < N - 1) s -= xd[xo + k + 1] as number;
          od[oo + k] = s;
        }
      }
    },
    { symmetric: true, name: "poisson2d" },
  );
}

/** The analytic eigenvalues of `poisson2d(N)`, ascending. */
export function poisson2dEigenvalues(N: number): Float64Array {
  const ev: number[] = [];
  for (let i = 1; i <= N; i++) {
    for (let j = 1; j <= N; j++) ev.push(4 - 2 * Math.cos((i * Math.PI) / (N + 1)) - 2 * Math.cos((j * Math.PI) / (N + 1)));
  }
  return Float64Array.from(ev.sort((a, b) => a - b));
}

/** ‖a − b‖₂ / ‖b‖₂ (or ‖a‖ when b = 0). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += ((a[i] as number) - (b[i] as number)) ** 2;
    den += (b[i] as number) ** 2;
  }
  return den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
}

/** Dense matrix–vector product y = A x for a row-major n×m matrix. */
export function matvec(a: Float64Array, rows: number, cols: number, x: ArrayLike<number>): Float64Array {
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += (a[i * cols + j] as number) * (x[j] as number);
    y[i] = s;
  }
  return y;
}

/**
 * Eigenvalues (ascending) of a symmetric matrix, for matrices too large for the Jacobi
 * reference (n in the hundreds): Householder reduction to tridiagonal form, then the implicit
 * QL method with Wilkinson shifts (Golub & Van Loan §8.3; EISPACK tred1/tql1). O(n³) once.
 */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  const A = Float64Array.from(a);
  const v = new Float64Array(n);
  const p = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    // Householder vector v (unit, zero above k+1) with (I − 2vvᵀ)A[k+1:, k] = αe₁.
    let xx = 0;
    for (let i = k + 1; i < n; i++) xx += (A[i * n + k] as number) ** 2;
    const x0 = A[(k + 1) * n + k] as number;
    const alpha = -(x0 >= 0 ? 1 : -1) * Math.sqrt(xx);
    if (xx === 0 || alpha === x0) continue;
    let vv = 0;
    for (let i = k + 1; i < n; i++) {
      v[i] = (A[i * n + k] as number) - (i === k + 1 ? alpha : 0);
      vv += (v[i] as number) ** 2;
    }
    const vn = Math.sqrt(vv);
    for (let i = k + 1; i < n; i++) v[i] = (v[i] as number) / vn;
    // p = A v, then w = p − (vᵀp)v and A ← A − 2vwᵀ − 2wvᵀ on the trailing block.
    let vp = 0;
    for (let i = k; i < n; i++) {
      let s = 0;
      for (let j = k + 1; j < n; j++) s += (A[i * n + j] as number) * (v[j] as number);
      p[i] = s;
      if (i > k) vp += (v[i] as number) * s;
    }
    for (let i = k + 1; i < n; i++) p[i] = (p[i] as number) - vp * (v[i] as number);
    for (let i = k + 1; i < n; i++) {
      const vi = v[i] as number;
      const pi = p[i] as number;
      for (let j = k + 1; j < n; j++) A[i * n + j] = (A[i * n + j] as number) - 2 * (vi * (p[j] as number) + pi * (v[j] as number));
    }
    A[(k + 1) * n + k] = alpha;
    A[k * n + k + 1] = alpha;
    for (let i = k + 2; i < n; i++) {
      A[i * n + k] = 0;
      A[k * n + i] = 0;
    }
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    d[i] = A[i * n + i] as number;
    if (i + 1 < n) e[i] = A[(i + 1) * n + i] as number;
  }
  // Implicit QL with Wilkinson shifts on (d, e), e[i] coupling i and i+1.
  for (let l = 0; l < n; l++) {
    for (let iter = 0; ; iter++) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m] as number) + Math.abs(d[m + 1] as number);
        if (Math.abs(e[m] as number) <= Number.EPSILON * dd) break;
      }
      if (m === l) break;
      if (iter === 100) throw new Error("symmetricEigenvalues: QL did not converge");
      let g = ((d[l + 1] as number) - (d[l] as number)) / (2 * (e[l] as number));
      let r = Math.hypot(g, 1);
      g = (d[m] as number) - (d[l] as number) + (e[l] as number) / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let shift = 0;
      let deflated = false;
      for (let i = m - 1; i >= l; i--) {
        const f = s * (e[i] as number);
        const b = c * (e[i] as number);
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          d[i + 1] = (d[i + 1] as number) - shift;
          e[m] = 0;
          deflated = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = (d[i + 1] as number) - shift;
        r = ((d[i] as number) - g) * s + 2 * c * b;
        shift = s * r;
        d[i + 1] = g + shift;
        g = c * r - b;
      }
      if (deflated) continue;
      d[l] = (d[l] as number) - shift;
      e[l] = g;
      e[m] = 0;
    }
  }
  return d.sort();
}

/** n seeded standard-normal draws, times `scale`. */
export function randomData(n: number, seed: number, scale = 1): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => scale * r.normal());
}

/** max |aᵢ − bᵢ| (∞ when the lengths differ). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
}

/** max |VᵀV − I| of a list of vectors. */
export function orthogonalityLoss(V: readonly Vec[]): number {
  let worst = 0;
  for (let i = 0; i < V.length; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let t = 0; t < (V[i] as Vec).size; t++) s += (V[i] as Vec).get(t) * (V[j] as Vec).get(t);
      worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

/** The k eigenvalues `which` asks for (as `lanczos` names them), ascending, from the full ascending spectrum. */
export function expectedEigenvalues(all: ArrayLike<number>, k: number, which: "largest" | "smallest" | "both" | "magnitude"): number[] {
  const s = Array.from(all);
  if (which === "largest") return s.slice(-k);
  if (which === "smallest") return s.slice(0, k);
  if (which === "both") return [...s.slice(0, Math.floor(k / 2)), ...s.slice(s.length - Math.ceil(k / 2))];
  return [...s].sort((a, b) => Math.abs(b) - Math.abs(a)).slice(0, k).sort((a, b) => a - b);
}
