/**
 * A non-symmetric system and its eigenvalues, matrix-free: the 2-D convection–diffusion operator
 * −Δu + w·∇u (upwind differences, Péclet 100) as a closure, solved by GMRES(30), BiCGSTAB and
 * IDR(4), and its 4 eigenvalues of largest real part by Krylov–Schur.
 *
 *     node --conditions=source --import=tsx examples/nonsymmetric-solve.ts
 */
import { bicgstab, eigs, gmres, idrs } from "@krylov-ts/krylov";
import { operator, vec, type Vec } from "@krylov-ts/operators";

const N = 48; // grid side: n = N² unknowns
const n = N * N;
const c = (100 / (N + 1)) / Math.SQRT2; // h·w for Péclet 100 along (1, 1)/√2

// (Au)ᵢⱼ = (4 + 2c)uᵢⱼ − (1 + c)(uᵢ₋₁ⱼ + uᵢⱼ₋₁) − uᵢ₊₁ⱼ − uᵢⱼ₊₁, Dirichlet boundary (scaled by h²).
const A = operator([n, n], (x: Vec, y: Vec) => {
  const u = x.data, o = x.offset, out = y.data, p = y.offset;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      const k = i * N + j;
      let s = (4 + 2 * c) * u[o + k]!;
      if (i > 0) s -= (1 + c) * u[o + k - N]!;
      if (j > 0) s -= (1 + c) * u[o + k - 1]!;
      if (i < N - 1) s -= u[o + k + N]!;
      if (j < N - 1) s -= u[o + k + 1]!;
      out[p + k] = s;
    }
  }
}); // not symmetric: only `apply` is needed

const b = vec(new Float64Array(n).fill(1));
const check = (x: Vec): number => {
  const r = A.apply(x);
  let num = 0;
  for (let i = 0; i < n; i++) num += (1 - r.data[i]!) ** 2;
  return Math.sqrt(num / n);
};
for (const [name, run] of [
  ["gmres(30)", () => gmres(A, b, { restart: 30, rtol: 1e-10 })],
  ["bicgstab", () => bicgstab(A, b, { rtol: 1e-10 })],
  ["idrs(4)", () => idrs(A, b, { s: 4, rtol: 1e-10 })],
] as const) {
  const { x, stats } = run();
  console.log(`${name}: ${stats.status}, ${stats.matvecs} products, true ‖b − Ax‖/‖b‖ = ${check(x).toExponential(2)}`);
}

// The 4 eigenvalues of largest real part; complex ones would come as (re, ±im) pairs.
const { re, im, residualNorms, stats } = eigs(A, { k: 4, which: "largestReal", tol: 1e-10 });
re.forEach((l, i) => console.log(`λ${i + 1} = ${l.toFixed(8)}${im[i] === 0 ? "" : ` ${im[i]! > 0 ? "+" : "−"} ${Math.abs(im[i]!).toFixed(8)}i`}   ‖Av − λv‖ = ${residualNorms[i]!.toExponential(2)}`));
console.log(`eigs: ${stats.status}, ${stats.matvecs} products`);
