/**
 * lobpcg: the 5 smallest eigenpairs of A = 2-D Poisson 100² + diag(d) (d between 1 and 51,
 * scrambled over the grid, so that Jacobi preconditioning matters), without and with the Jacobi
 * preconditioner, side by side with SciPy's `lobpcg` from the same start block X0 (SciPy's tolerance
 * is absolute, given as tol·2λ₅, the scale of our relative test). Reported: iterations, products
 * with A (one per column for each block product), median time, the largest true residual
 * ‖Ax − λx‖ / λ₅ and the largest difference of the eigenvalues. `--quick`: one timed run.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { diagonal, operator, rng, type LinearOperator, type Vec } from "@krylov-ts/operators";
import { lobpcg } from "@krylov-ts/krylov";
import { QUICK, fmt } from "./lib.js";
import { here, pythonWith } from "./peers.js";

const N = 100, n = N * N, K = 5, TOL = 1e-8;

function shiftedPoisson(d: Float64Array): LinearOperator {
  return operator([n, n], (xv: Vec, yv: Vec) => {
    const x = xv.data, y = yv.data, xo = xv.offset, yo = yv.offset;
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        const k = i * N + j;
        let s = (4 + (d[k] as number)) * (x[xo + k] as number);
        if (j > 0) s -= x[xo + k - 1] as number;
        if (j < N - 1) s -= x[xo + k + 1] as number;
        if (i > 0) s -= x[xo + k - N] as number;
        if (i < N - 1) s -= x[xo + k + N] as number;
        y[yo + k] = s;
      }
    }
  }, { symmetric: true, name: "shiftedPoisson" });
}

function medianMs(fn: () => void, runs: number): number {
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)] as number;
}

interface Ref { values: number[]; iterations: number; matvecs: number; ms: number; residuals: number[] }

export default async function (): Promise<void> {
  const runs = QUICK ? 1 : 5;
  const d = Float64Array.from({ length: n }, (_, i) => 1 + (50 * ((i * 7919) % n)) / n);
  const A = shiftedPoisson(d);
  const jacobi = diagonal(d.map((v) => 1 / (v + 4)));
  const r = rng(11);
  const X0 = Array.from({ length: K }, () => Float64Array.from(r.normalVec(n).data));
  const ours = {
    plain: lobpcg(A, { X0, tol: TOL, maxIterations: 2000 }),
    jacobi: lobpcg(A, { X0, tol: TOL, M: jacobi, maxIterations: 2000 }),
  };
  const lamK = ours.jacobi.values[K - 1] as number;

  const python = pythonWith("scipy");
  let refs: Array<{ threads: number; plain: Ref; jacobi: Ref; scipy: string; peer: { blasSource: string } }> = [];
  let skip: string | undefined;
  if (python === undefined) skip = "python3 with scipy not found";
  else {
    const dir = mkdtempSync(join(tmpdir(), "krylov-lobpcg-"));
    try {
      writeFileSync(join(dir, "cfg.json"), JSON.stringify({ N, k: K, tol: TOL, lamK }));
      writeFileSync(join(dir, "d.f64"), Buffer.from(d.buffer));
      const x0 = new Float64Array(n * K);
      X0.forEach((x, j) => x0.set(x, j * n));
      writeFileSync(join(dir, "X0.f64"), Buffer.from(x0.buffer));
      for (const threads of [1, 2]) {
        const p = spawnSync(python, [join(here, "scipy_lobpcg.py"), dir, String(runs)], { encoding: "utf8", env: { ...process.env, KRYLOV_PEER_THREADS: String(threads) } });
        if (p.status !== 0) { skip = `scipy_lobpcg.py failed: ${p.stderr.trim().split("\n").pop() ?? ""}`; refs = []; break; }
        refs.push({ threads, ...(JSON.parse(p.stdout) as { plain: Ref; jacobi: Ref; scipy: string; peer: { blasSource: string } }) });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`\n### lobpcg: 5 smallest of 2-D Poisson ${N}² + diag(d), d ∈ [1, 51], tol ${TOL} (relative)\n`);
  console.log(`(load average ${loadavg().map((l) => l.toFixed(1)).join(", ")} on ${cpus().length} cores; ${skip ?? `SciPy ${refs[0]?.scipy}, best of 1 and 2 threads`})\n`);
  console.log("| method | preconditioner | status | iterations | products with A | median ms | max ‖Ax − λx‖/λ₅ | max |λ − λ_SciPy|/λ₅ |");
  console.log("|---|---|---|---:|---:|---:|---:|---:|");
  for (const which of ["plain", "jacobi"] as const) {
    const res = ours[which];
    const ms = medianMs(() => void lobpcg(A, { X0, tol: TOL, maxIterations: 2000, ...(which === "jacobi" ? { M: jacobi } : {}) }), runs);
    const ref = refs.map((x) => ({ ...x[which], threads: x.threads })).sort((a, b) => a.ms - b.ms)[0];
    const diff = ref === undefined ? NaN : Math.max(...Array.from(res.values, (v, i) => Math.abs(v - (ref.values[i] as number)))) / lamK;
    console.log(`| krylov-ts lobpcg | ${which === "jacobi" ? "Jacobi" : "none"} | ${res.stats.status} | ${res.stats.iterations} | ${res.stats.matvecs} | ${fmt(ms)} | ${(Math.max(...res.residualNorms) / lamK).toExponential(2)} | ${diff.toExponential(2)} |`);
    if (ref !== undefined) console.log(`| SciPy lobpcg (${ref.threads} thread${ref.threads > 1 ? "s" : ""}) | ${which === "jacobi" ? "Jacobi" : "none"} | | ${ref.iterations} | ${ref.matvecs} | ${fmt(ref.ms)} | ${(Math.max(...ref.residuals) / lamK).toExponential(2)} | |`);
  }
}
