/**
 * krylov-solve: `cg` (rtol 1e-8) and `minres` (shift 0.05, rtol 1e-8) on the matrix-free 2-D
 * Poisson 5-point operator with 256² unknowns (n = 65,536), b seeded, side by side with SciPy's
 * `cg` and `minres` on the same operator (a CSR matrix) and the same b, run by python3 in the
 * same benchmark (skipped with a message when python3 with scipy is missing).
 *
 * Reported: products with A (matvecs), median wall time, and the TRUE relative residual
 * ‖b − (A − σI)x‖/‖b‖ computed afresh for every solver.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { operator, rng, vec, type LinearOperator, type Vec } from "@krylov-ts/operators";
import { cg, minres } from "@krylov-ts/krylov";
import { fmt, timeMedian } from "./lib.js";

const N = 256;
const n = N * N;
const SHIFT = 0.05;
const RTOL = 1e-8;
const here = dirname(fileURLToPath(import.meta.url));

/** The matrix-free 5-point Laplacian (Dirichlet), interior rows without branches. */
function poisson(N: number): LinearOperator {
  return operator(
    [N * N, N * N],
    (xv: Vec, yv: Vec) => {
      const x = xv.offset === 0 ? xv.data : xv.data.subarray(xv.offset);
      const y = yv.offset === 0 ? yv.data : yv.data.subarray(yv.offset);
      for (let i = 0; i < N; i++) {
        const row = i * N;
        const end = row + N - 1;
        if (i > 0 && i < N - 1) {
          y[row] = 4 * x[row]! - x[row + 1]! - x[row - N]! - x[row + N]!;
          for (let k = row + 1; k < end; k++) y[k] = 4 * x[k]! - x[k - 1]! - x[k + 1]! - x[k - N]! - x[k + N]!;
          y[end] = 4 * x[end]! - x[end - 1]! - x[end - N]! - x[end + N]!;
        } else {
          for (let k = row; k <= end; k++) {
            let s = 4 * x[k]!;
            if (k > row) s -= x[k - 1]!;
            if (k < end) s -= x[k + 1]!;
            if (i > 0) s -= x[k - N]!;
            if (i < N - 1) s -= x[k + N]!;
            y[k] = s;
          }
        }
      }
    },
    { symmetric: true, name: "poisson2d" },
  );
}

function trueRelResidual(A: LinearOperator, x: Vec, b: Vec, sigma: number): number {
  const ax = A.apply(x, vec(n));
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) {
    const bi = b.data[i] as number;
    num += (bi - (ax.data[i] as number) + sigma * (x.data[i] as number)) ** 2;
    den += bi * bi;
  }
  return Math.sqrt(num / den);
}

interface Ref {
  matvecs: number;
  iterations: number;
  ms: number;
  trueRelResidual: number;
}

function scipy(b: Vec, runs: number): { cg: Ref; minres: Ref; minresTight: Ref; scipy: string } | string {
  const dir = mkdtempSync(join(tmpdir(), "krylov-solve-"));
  try {
    const file = join(dir, "b.f64");
    writeFileSync(file, Buffer.from(b.data.buffer, b.data.byteOffset, n * 8));
    // Single-threaded BLAS, like the single JavaScript thread it is compared with.
    const env = { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
    const p = spawnSync("python3", [join(here, "scipy_solve.py"), file, String(N), String(runs)], { encoding: "utf8", env });
    if (p.error) return `python3 not available (${p.error.message})`;
    if (p.status !== 0) return `scipy_solve.py failed: ${p.stderr.trim().split("\n").pop() ?? ""}`;
    return JSON.parse(p.stdout) as { cg: Ref; minres: Ref; minresTight: Ref; scipy: string };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function (): Promise<void> {
  const A = poisson(N);
  const b = rng(2024).normalVec(n);
  const runs = 5;

  const c = cg(A, b, { rtol: RTOL });
  const cgMs = timeMedian(() => void cg(A, b, { rtol: RTOL }), runs);
  const m = minres(A, b, { shift: SHIFT, rtol: RTOL });
  const mrMs = timeMedian(() => void minres(A, b, { shift: SHIFT, rtol: RTOL }), 3);
  const ref = scipy(b, runs);

  console.log(`\n### Poisson 2-D 5-point, ${N}² = ${n} unknowns, b = rng(2024).normalVec(n), rtol ${RTOL}\n`);
  console.log(`(load average ${loadavg().map((l) => l.toFixed(1)).join(", ")} on ${cpus().length} cores; SciPy with single-threaded BLAS)\n`);
  console.log("| solver | status | matvecs | iterations | median ms | true ‖b − (A − σI)x‖/‖b‖ | time / SciPy |");
  console.log("|---|---|---:|---:|---:|---:|---:|");
  const row = (name: string, status: string, mv: number, it: number, ms: number, rr: number, base?: number): void =>
    console.log(`| ${name} | ${status} | ${mv} | ${it} | ${fmt(ms)} | ${rr.toExponential(2)} | ${base === undefined ? "" : (ms / base).toFixed(2)} |`);
  const refCg = typeof ref === "string" ? undefined : ref.cg;
  const refMr = typeof ref === "string" ? undefined : ref.minres;
  row("krylov-ts cg", c.stats.status, c.stats.matvecs, c.stats.iterations, cgMs, trueRelResidual(A, c.x, b, 0), refCg?.ms);
  if (refCg) row(`SciPy ${typeof ref === "string" ? "" : ref.scipy} cg (CSR)`, "info 0", refCg.matvecs, refCg.iterations, refCg.ms, refCg.trueRelResidual, refCg.ms);
  row(`krylov-ts minres σ=${SHIFT}`, m.stats.status, m.stats.matvecs, m.stats.iterations, mrMs, trueRelResidual(A, m.x, b, SHIFT), refMr?.ms);
  if (refMr) row(`SciPy minres σ=${SHIFT} (CSR)`, "info 0", refMr.matvecs, refMr.iterations, refMr.ms, refMr.trueRelResidual, refMr.ms);
  if (typeof ref !== "string") {
    const t = ref.minresTight;
    row(`SciPy minres σ=${SHIFT}, rtol 1e-12 (one run, counted operator)`, "—", t.matvecs, t.iterations, t.ms, t.trueRelResidual);
  }
  if (typeof ref === "string") console.log(`\nSciPy skipped: ${ref}`);
  if (c.estimates) {
    console.log(
      `\ncg Ritz estimates: λmin ${c.estimates.lambdaMin.toExponential(4)}, λmax ${c.estimates.lambdaMax.toFixed(6)}, ` +
        `cond ${fmt(c.estimates.condition)} (analytic λmin ${(8 * Math.sin(Math.PI / (2 * (N + 1))) ** 2).toExponential(4)}, ` +
        `λmax ${(8 * Math.cos(Math.PI / (2 * (N + 1))) ** 2).toFixed(6)}); minres restarts: ${m.estimates.restarts}`,
    );
  }
}
