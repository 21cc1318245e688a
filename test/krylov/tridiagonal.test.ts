import test from "ava";
import { tridiagonalEigen } from "@krylov-ts/krylov";
import { rng } from "@krylov-ts/operators";
import { symmetricEigen } from "../helpers/dense.js";

function denseTridiagonal(alpha: ArrayLike<number>, beta: ArrayLike<number>): Float64Array {
  const k = alpha.length;
  const t = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    t[i * k + i] = alpha[i] as number;
    if (i + 1 < k) {
      t[i * k + i + 1] = beta[i] as number;
      t[(i + 1) * k + i] = beta[i] as number;
    }
  }
  return t;
}

test("eigenvalues of the 1-D Laplacian tridiagonal equal 2 − 2cos(kπ/(n+1))", (t) => {
  const n = 60;
  const { values } = tridiagonalEigen(new Array(n).fill(2), new Array(n - 1).fill(-1));
  for (let k = 1; k <= n; k++) {
    t.true(Math.abs((values[k - 1] as number) - (2 - 2 * Math.cos((k * Math.PI) / (n + 1)))) < 1e-13);
  }
});

test("eigenpairs of a random tridiagonal match the dense Jacobi reference", (t) => {
  const r = rng(7);
  for (const k of [1, 2, 3, 10, 40]) {
    const alpha = Array.from({ length: k }, () => r.normal());
    const beta = Array.from({ length: k - 1 }, () => r.normal());
    const ref = symmetricEigen(denseTridiagonal(alpha, beta), k);
    const res = tridiagonalEigen(alpha, beta, { vectors: true });
    t.true(res.converged);
    for (let j = 0; j < k; j++) t.true(Math.abs((res.values[j] as number) - (ref.values[j] as number)) < 1e-12);
    // T·z_j = λ_j z_j and ZᵀZ = I
    const z = res.vectors as Float64Array;
    const T = denseTridiagonal(alpha, beta);
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < k; i++) {
        let s = 0;
        for (let l = 0; l < k; l++) s += (T[i * k + l] as number) * (z[l * k + j] as number);
        t.true(Math.abs(s - (res.values[j] as number) * (z[i * k + j] as number)) < 1e-12);
      }
      for (let j2 = 0; j2 < k; j2++) {
        let s = 0;
        for (let i = 0; i < k; i++) s += (z[i * k + j] as number) * (z[i * k + j2] as number);
        t.true(Math.abs(s - (j === j2 ? 1 : 0)) < 1e-12);
      }
    }
  }
});

test("first and last eigenvector rows equal those of the full eigenvector matrix", (t) => {
  const r = rng(3);
  const k = 25;
  const alpha = Array.from({ length: k }, () => r.normal());
  const beta = Array.from({ length: k - 1 }, () => r.uniform() + 0.1);
  const full = tridiagonalEigen(alpha, beta, { vectors: true }).vectors as Float64Array;
  const first = tridiagonalEigen(alpha, beta, { vectors: "first" }).first as Float64Array;
  const last = tridiagonalEigen(alpha, beta, { vectors: "last" }).last as Float64Array;
  for (let j = 0; j < k; j++) {
    t.true(Math.abs((first[j] as number) - (full[j] as number)) < 1e-13);
    t.true(Math.abs((last[j] as number) - (full[(k - 1) * k + j] as number)) < 1e-13);
  }
});

test("a tridiagonal with zero off-diagonals and repeated entries returns its sorted diagonal", (t) => {
  const res = tridiagonalEigen([3, -1, 3, 0], [0, 0, 0]);
  t.deepEqual(Array.from(res.values), [-1, 0, 3, 3]);
});

test("a graded tridiagonal keeps tiny eigenvalues accurate in absolute terms", (t) => {
  const alpha = [1e8, 1, 1e-8];
  const beta = [1e-2, 1e-6];
  const ref = symmetricEigen(denseTridiagonal(alpha, beta), 3);
  const res = tridiagonalEigen(alpha, beta);
  for (let j = 0; j < 3; j++) t.true(Math.abs((res.values[j] as number) - (ref.values[j] as number)) < 1e-7);
});

test("inputs are left unmodified", (t) => {
  const alpha = Float64Array.from([1, 2, 3]);
  const beta = Float64Array.from([0.5, 0.25]);
  tridiagonalEigen(alpha, beta, { vectors: true });
  t.deepEqual(Array.from(alpha), [1, 2, 3]);
  t.deepEqual(Array.from(beta), [0.5, 0.25]);
});

test("bad input throws errors naming the function, the argument and the sizes", (t) => {
  t.throws(() => tridiagonalEigen([1, 2, 3], [1]), { message: /tridiagonalEigen: beta has length 1 but alpha has length 3/ });
  t.throws(() => tridiagonalEigen([1, NaN], [1]), { message: /tridiagonalEigen: alpha\[1\]/ });
  t.throws(() => tridiagonalEigen([1, 2], [Infinity]), { message: /tridiagonalEigen: beta\[0\]/ });
});
