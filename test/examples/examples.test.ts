/**
 * The README's examples (examples/*.ts) run as written and print what the README says.
 */
import test from "ava";
import { spawnSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

function run(name: string): string {
  const p = spawnSync(process.execPath, ["--conditions=source", "--import=tsx", resolve(root, "examples", name)], {
    cwd: root,
    encoding: "utf8",
  });
  if (p.status !== 0) throw new Error(`${name} exited with ${p.status}: ${p.stderr}`);
  return p.stdout;
}

test("the Newton–CG example converges on the logistic-regression Hessian", (t) => {
  const out = run("newton-cg.ts");
  t.regex(out, /^converged \d+ iterations, \d+ H·v products/m);
});

test("the top-eigenvalues example reports five eigenvalues with residuals below 1e-9, largest first", (t) => {
  const out = run("top-eigenvalues.ts");
  const rows = [...out.matchAll(/λ = (-?[\d.]+) +‖Hv − λv‖ = ([\d.e+-]+)/g)];
  t.is(rows.length, 5);
  const values = rows.map((m) => Number(m[1]));
  for (let i = 1; i < values.length; i++) t.true(values[i - 1]! >= values[i]!);
  for (const m of rows) t.true(Number(m[2]) < 1e-9);
  t.regex(out, /full Hessian: 195×195/);
});

test("the composition example keeps symmetry and Jacobi preconditioning cuts the CG iterations", (t) => {
  const out = run("compose-operators.ts");
  t.regex(out, /symmetric: true true true/);
  const m = /cg on B: (\d+) iterations; with Jacobi: (\d+)/.exec(out);
  t.truthy(m);
  t.true(Number(m![2]) < Number(m![1]));
  t.regex(out, /H was applied \d+ time/);
});

test("the least-squares example fits the exponential model by Gauss–Newton steps solved by lsqr on the Jacobian", (t) => {
  const out = run("least-squares-jacobian.ts");
  t.regex(out, /lsqr converged/);
  t.regex(out, /^fit a₁ = 2\.000000, b₁ = 1\.300000, a₂ = 0\.800000, b₂ = 0\.150000; ‖r‖ = /m);
  const r = /‖r‖ = ([\d.e+-]+)/.exec(out);
  t.true(Number(r![1]) < 1e-9);
});

test("the singular-values example prints five descending singular values with residuals below 1e-9", (t) => {
  const out = run("singular-values.ts");
  const rows = [...out.matchAll(/σ\d = ([\d.]+) +residual ([\d.e+-]+)/g)];
  t.is(rows.length, 5);
  for (let i = 1; i < rows.length; i++) t.true(Number(rows[i - 1]![1]) >= Number(rows[i]![1]));
  for (const m of rows) t.true(Number(m[2]) < 1e-9 * Number(rows[0]![1]));
  t.regex(out, /^converged: \d+ products with A and Aᵀ/m);
});

test("the non-symmetric example solves convection–diffusion by gmres, bicgstab and idrs and finds 4 eigenvalues", (t) => {
  const out = run("nonsymmetric-solve.ts");
  const solves = [...out.matchAll(/^(gmres\(30\)|bicgstab|idrs\(4\)): converged, (\d+) products, true ‖b − Ax‖\/‖b‖ = ([\d.e+-]+)/gm)];
  t.is(solves.length, 3);
  for (const m of solves) t.true(Number(m[3]) <= 1e-10, m[0]);
  // 4 values, or 5 when the 4th is one of a complex pair (the eigenvalues are real, but so ill
  // conditioned here that a computed pair with a residual under tol·|λ| may come out complex)
  const values = [...out.matchAll(/^λ\d = ([\d.]+)(?: [+−] [\d.]+i)? +‖Av − λv‖ = ([\d.e+-]+)/gm)];
  t.true(values.length === 4 || values.length === 5, out);
  // the largest: 4 + 2c + 4√(1 + c)·cos(π/49), c = (100/49)/√2. At Péclet 100 the operator is
  // D·S·D⁻¹ with S symmetric and cond(D) = (1 + c)^(N−1) ≈ 10¹⁸, so its eigenvalues are very ill
  // conditioned: a residual of 1e-13 still leaves an error of order 1e-4 (ARPACK's is similar).
  const c = 100 / 49 / Math.SQRT2;
  const exact = 4 + 2 * c + 4 * Math.sqrt(1 + c) * Math.cos(Math.PI / 49);
  t.true(Math.abs(Number(values[0]![1]) - exact) < 1e-3 * exact, `${values[0]![1]} vs ${exact}`);
  for (const m of values) t.true(Number(m[2]) <= 1e-10 * Number(m[1]));
  t.regex(out, /^eigs: converged, \d+ products/m);
});
