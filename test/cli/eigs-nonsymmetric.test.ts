import test from "ava";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { toDense } from "@krylov-ts/operators";
import { denseEigenvalues, rotationBlocks, convectionDiffusion2d, toMatrixMarket } from "../helpers/problems/index.js";
import { krylov, tempDir } from "./run.js";

const dir = tempDir();

test("eigs on a non-symmetric file runs Krylov–Schur and returns its complex pairs with measured residuals", async (t) => {
  // rotation blocks hidden by an orthogonal similarity, written densely in general coordinate format
  const A = rotationBlocks([1, 2, 3, 4], [0.5, 1, 1.5, 2], { real: [0.25, 0.5, 0.75], seed: 9 });
  const n = A.shape[0];
  const lines = ["%%MatrixMarket matrix coordinate real general", `${n} ${n} ${n * n}`];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) lines.push(`${i + 1} ${j + 1} ${(A.data[i * n + j] as number).toPrecision(17)}`);
  const path = join(dir, "rotations.mtx");
  writeFileSync(path, `${lines.join("\n")}\n`);
  const r = await krylov(["eigs", path, "-k", "3", "--which", "largest", "--json"]);
  t.is(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as { eigenvalues: number[]; eigenvaluesImaginary: number[]; residualNorms: number[]; stats: { status: string } };
  t.is(rep.stats.status, "converged");
  // 3 wanted by largest real part: 4 ± 2i and 3 + 1.5i, whose conjugate comes along
  t.deepEqual(rep.eigenvalues.map((x) => Math.round(x * 1e8) / 1e8), [4, 4, 3, 3]);
  t.deepEqual(rep.eigenvaluesImaginary.map((x) => Math.round(x * 1e8) / 1e8), [2, -2, 1.5, -1.5]);
  for (const res of rep.residualNorms) t.true(res <= 1e-9);
  const dense = denseEigenvalues(toDense(A).data, n);
  t.true(dense.re.some((x, i) => Math.abs(x - 4) < 1e-10 && Math.abs((dense.im[i] as number) - 2) < 1e-10));
});

test("eigs --which largest-magnitude on convection–diffusion prints the table of re, im and residuals", async (t) => {
  const path = join(dir, "convdiff.mtx");
  writeFileSync(path, toMatrixMarket(convectionDiffusion2d(10, { peclet: 10 })));
  const r = await krylov(["eigs", path, "-k", "2", "--which", "largest-magnitude", "--quiet"]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /Krylov–Schur/);
  t.regex(r.stdout, /re λ +im λ +‖Av − λv‖/);
  t.regex(r.stdout, /status converged/);
});
