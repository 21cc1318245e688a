/**
 * krylov-solve: `cg` (rtol 1e-8) on the 2-D Poisson 5-point operator with 256² and 512²
 * unknowns, and `minres` (shift 0.05, rtol 1e-8) on 256², b seeded, side by side with SciPy's
 * `cg` and `minres` on the same operator (a CSR matrix) and the same b, run by python3 through
 * bench/peer.py at each thread setting (its BLAS named; the best setting is the reference) in
 * the same benchmark (skipped with a message when python3 with scipy is missing). Ours runs on
 * the same CSR matrix (`csr`) and on a matrix-free stencil closure.
 *
 * Reported: products with A (matvecs), median wall time, and the TRUE relative residual
 * ‖b − (A − σI)x‖/‖b‖ computed afresh for every solver. Our solvers run twice: with the
 * WebAssembly SIMD kernels (the default) and with the JavaScript kernels forced (`setSimd(false)`,
 * what `KRYLOV_TS_NO_SIMD=1` does), so the gain is measured in the same run; both give the same
 * iterates bit for bit. The median time of one product with A is reported too.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { csr, operator, rng, vec, type LinearOperator, type Vec } from "@krylov-ts/operators";
import { cg, minres } from "@krylov-ts/krylov";
import { setSimd, simdEnabled } from "../packages/krylov/src/kernels.js";
import { fmt, interleaved, median, QUICK, reportTarget } from "./lib.js";
import { bestPeer, PEER_THREADS, runOnce, type PeerInfo } from "./peers.js";

const SHIFT = 0.05;
const RTOL = 1e-8;

/**
 * The matrix-free 5-point Laplacian (Dirichlet), interior rows without branches; along a row
 * the left, centre and right values roll through registers, so each entry costs three loads
 * (centre row ahead, rows above and below) instead of five. Same arithmetic, same order.
 */
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
          let xl = x[row]!; // x[k − 1]
          let xc = x[row + 1]!; // x[k]
          y[row] = 4 * xl - xc - x[row - N]! - x[row + N]!;
          for (let k = row + 1; k < end; k++) {
            const xr = x[k + 1]!;
            y[k] = 4 * xc - xl - xr - x[k - N]! - x[k + N]!;
            xl = xc;
            xc = xr;
          }
          y[end] = 4 * xc - xl - x[end - N]! - x[end + N]!;
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

/** The 5-point Laplacian on an N×N grid as a CSR matrix (the form SciPy's side uses). */
function poissonCsr(N: number): LinearOperator {
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  for (let a = 0; a < N; a++) {
    for (let c = 0; c < N; c++) {
      const i = a * N + c;
      const put = (j: number, v: number): void => void (rows.push(i), cols.push(j), values.push(v));
      if (a > 0) put(i - N, -1);
      if (c > 0) put(i - 1, -1);
      put(i, 4);
      if (c < N - 1) put(i + 1, -1);
      if (a < N - 1) put(i + N, -1);
    }
  }
  return csr(rows, cols, values, [N * N, N * N], { symmetric: true });
}

function trueRelResidual(A: LinearOperator, x: Vec, b: Vec, sigma: number): number {
  const n = A.shape[0];
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
  cpuMs?: number;
  trueRelResidual: number;
}

type ScipyOut = { cg: Ref; minres?: Ref; minresTight?: Ref; scipy: string };

/** SciPy at each thread setting: the runs (or why not) and the best setting for CG's time. */
function scipy(b: Vec, N: number, runs: number, cgOnly: boolean): Array<{ info: PeerInfo; result: ScipyOut } | string> {
  const dir = mkdtempSync(join(tmpdir(), "krylov-solve-"));
  try {
    const file = join(dir, "b.f64");
    writeFileSync(file, Buffer.from(b.data.buffer, b.data.byteOffset, N * N * 8));
    // Each later setting gets at most 10× the first one's time (at least a minute): on this 2-vCPU
    // machine OpenBLAS's 2 threads on 65,536-long vector ops stalled SciPy's cg ≈ 50× (18 s a solve
    // against 0.36 s on 1 thread, 2026-12-04), which would hold up the whole `npm run bench`.
    const out: Array<{ info: PeerInfo; result: ScipyOut } | string> = [];
    let budget = 600_000;
    for (const t of PEER_THREADS) {
      const t0 = performance.now();
      const r = runOnce<ScipyOut>("scipy", "scipy_solve.py", [file, String(N), String(runs), ...(cgOnly ? ["cg"] : [])], t, budget);
      const ms = performance.now() - t0;
      out.push(typeof r === "string" && ms >= budget - 1 ? `${t} thread(s): stopped after ${(budget / 1000).toFixed(0)} s (10× the first setting's time)` : r);
      if (out.length === 1) budget = Math.max(60_000, Math.ceil(10 * ms));
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Median times of `fn` with the given kernel backend and with the JavaScript kernels forced,
 * timed by benchmark.js in interleaved rounds so that both see the same load.
 */
function alternating(simd: boolean, fn: () => void, runs: number): [number, number] {
  const rows = interleaved(
    undefined,
    [
      { name: "default kernels", fn: () => { setSimd(simd); fn(); } },
      { name: "JavaScript kernels", fn: () => { setSimd(false); fn(); } },
    ],
    { rounds: runs, warmup: 0, maxTime: 0 },
  );
  return [(rows[0] as { medianMs: number }).medianMs, (rows[1] as { medianMs: number }).medianMs];
}

export default async function (): Promise<void> {
  // KRYLOV_SOLVE_SIZES="32,64" for a development run on small grids (minres on the first only).
  const sizes = (process.env.KRYLOV_SOLVE_SIZES ?? "256,512").split(",").map(Number);
  for (const [i, N] of sizes.entries()) await solveTable(N, i === 0);
}

async function solveTable(N: number, withMinres: boolean): Promise<void> {
  const n = N * N;
  const A = poisson(N);
  const Acsr = poissonCsr(N);
  const b = rng(2024).normalVec(n);
  const runs = QUICK ? 1 : N > 256 ? 3 : 7;
  const loadStart = loadavg().map((l) => l.toFixed(1)).join(", ");

  // Each solve with the default kernels (SIMD where available) and with the JavaScript kernels
  // forced, the two timed in alternation so that both see the same load.
  const simdOn = simdEnabled(); // false under KRYLOV_TS_NO_SIMD=1
  const c = cg(A, b, { rtol: RTOL });
  const cCsr = cg(Acsr, b, { rtol: RTOL });
  const m = withMinres ? minres(A, b, { shift: SHIFT, rtol: RTOL }) : undefined;
  setSimd(false);
  const cgJs = cg(A, b, { rtol: RTOL });
  const mJs = withMinres ? minres(A, b, { shift: SHIFT, rtol: RTOL }) : undefined;
  setSimd(simdOn);
  const cgCsrMs = (interleaved(undefined, [{ name: "cg csr", fn: () => void cg(Acsr, b, { rtol: RTOL }) }], { rounds: runs, warmup: 0, maxTime: 0 })[0] as { medianMs: number }).medianMs;
  const [cgMs, cgJsMs] = alternating(simdOn, () => void cg(A, b, { rtol: RTOL }), runs);
  // CPU time per solve (what a loaded machine disturbs least), as SciPy's side reports it.
  const cpuOf = (fn: () => void): number => median(Array.from({ length: Math.max(3, runs) }, () => {
    const c0 = process.cpuUsage();
    fn();
    const d = process.cpuUsage(c0);
    return (d.user + d.system) / 1e3;
  }));
  const cgCpu = cpuOf(() => void cg(A, b, { rtol: RTOL }));
  const cgCsrCpu = cpuOf(() => void cg(Acsr, b, { rtol: RTOL }));
  const [mrMs, mrJsMs] = withMinres ? alternating(simdOn, () => void minres(A, b, { shift: SHIFT, rtol: RTOL }), 3) : [Number.NaN, Number.NaN];
  setSimd(simdOn);
  const xs = vec(n);
  const ys = vec(n);
  const matvecUs = (interleaved(undefined, [{ name: "matvec", fn: () => void A.apply(xs, ys) }], { rounds: 9, warmup: 1 })[0] as { medianMs: number }).medianMs * 1e3;
  const refs = scipy(b, N, runs, !withMinres);
  const best = bestPeer(refs.map((r) => (typeof r === "string" ? r : { threads: r.info.threads, info: r.info })), refs.map((r) => (typeof r === "string" ? Number.NaN : r.result.cg.ms)));
  const bestRun = typeof best === "string" ? undefined : refs.find((r) => typeof r !== "string" && r.info.threads === best.threads);
  const ref: ScipyOut | string = bestRun === undefined || typeof bestRun === "string" ? (typeof best === "string" ? best : "no SciPy run") : bestRun.result;

  console.log(`\n### Poisson 2-D 5-point, ${N}² = ${n} unknowns, b = rng(2024).normalVec(n), rtol ${RTOL}\n`);
  console.log(`(load average at start ${loadStart}, at end ${loadavg().map((l) => l.toFixed(1)).join(", ")} on ${cpus().length} cores)\n`);
  for (const r of refs) {
    if (typeof r === "string") console.log(`- SciPy: ${r}`);
    else {
      const bl = r.info.blas.find((x) => x.internal_api !== undefined) ?? r.info.blas[0];
      console.log(`- SciPy ${r.info.scipy ?? "?"} / NumPy ${r.info.numpy}, ${bl?.internal_api ?? bl?.filepath ?? "?"} ${bl?.version?.split(" ").slice(0, 2).join(" ") ?? ""} ${bl?.architecture ?? ""}, OMP/OPENBLAS_NUM_THREADS=${r.info.threads}: cg ${fmt(r.result.cg.ms)} ms${r.info.reference ? " — REFERENCE BLAS" : ""}`);
    }
  }
  console.log(`- time / SciPy is against SciPy's best setting (${typeof best === "string" ? best : `${best.threads} thread(s)`}); SciPy's sparse product is single-threaded\n`);
  console.log("| solver | status | matvecs | iterations | median ms | true ‖b − (A − σI)x‖/‖b‖ | time / SciPy |");
  console.log("|---|---|---:|---:|---:|---:|---:|");
  const row = (name: string, status: string, mv: number, it: number, ms: number, rr: number, base?: number): void =>
    console.log(`| ${name} | ${status} | ${mv} | ${it} | ${fmt(ms)} | ${rr.toExponential(2)} | ${base === undefined ? "" : (ms / base).toFixed(2)} |`);
  const refCg = typeof ref === "string" ? undefined : ref.cg;
  const refMr = typeof ref === "string" ? undefined : ref.minres;
  row("krylov-ts cg on csr(...) (the matrix SciPy uses)", cCsr.stats.status, cCsr.stats.matvecs, cCsr.stats.iterations, cgCsrMs, trueRelResidual(A, cCsr.x, b, 0), refCg?.ms);
  row(`krylov-ts cg (${simdOn ? "SIMD" : "JavaScript"} kernels)`, c.stats.status, c.stats.matvecs, c.stats.iterations, cgMs, trueRelResidual(A, c.x, b, 0), refCg?.ms);
  row("krylov-ts cg (JavaScript kernels forced)", cgJs.stats.status, cgJs.stats.matvecs, cgJs.stats.iterations, cgJsMs, trueRelResidual(A, cgJs.x, b, 0), refCg?.ms);
  if (refCg) row(`SciPy ${typeof ref === "string" ? "" : ref.scipy} cg (CSR)`, "info 0", refCg.matvecs, refCg.iterations, refCg.ms, refCg.trueRelResidual, refCg.ms);
  if (m && mJs) row(`krylov-ts minres σ=${SHIFT} (${simdOn ? "SIMD" : "JavaScript"} kernels)`, m.stats.status, m.stats.matvecs, m.stats.iterations, mrMs, trueRelResidual(A, m.x, b, SHIFT), refMr?.ms);
  if (m && mJs) row(`krylov-ts minres σ=${SHIFT} (JavaScript kernels forced)`, mJs.stats.status, mJs.stats.matvecs, mJs.stats.iterations, mrJsMs, trueRelResidual(A, mJs.x, b, SHIFT), refMr?.ms);
  if (refMr) row(`SciPy minres σ=${SHIFT} (CSR)`, "info 0", refMr.matvecs, refMr.iterations, refMr.ms, refMr.trueRelResidual, refMr.ms);
  if (typeof ref !== "string" && ref.minresTight !== undefined) {
    const t = ref.minresTight;
    row(`SciPy minres σ=${SHIFT}, rtol 1e-12 (one run, counted operator)`, "—", t.matvecs, t.iterations, t.ms, t.trueRelResidual);
  }
  if (typeof ref === "string") console.log(`\nSciPy skipped: ${ref}`);
  const oursBest = Math.min(cgCsrMs, cgMs);
  reportTarget(
    `CG on Poisson ${N}² faster than SciPy`,
    refCg === undefined
      ? typeof ref === "string" ? ref : "SciPy not run"
      : `${(cgCsrMs / refCg.ms).toFixed(2)}× on csr(...), ${(cgMs / refCg.ms).toFixed(2)}× on the stencil (${fmt(oursBest)} vs ${fmt(refCg.ms)} ms; CPU ${fmt(cgCsrCpu)} vs ${refCg.cpuMs === undefined ? "—" : fmt(refCg.cpuMs)} ms)`,
    refCg === undefined ? undefined : cgCsrMs < refCg.ms,
  );
  console.log(
    `\nCPU time per cg solve (ms, medians): krylov-ts on csr(...) ${fmt(cgCsrCpu)}, on the stencil ${fmt(cgCpu)}` +
      (refCg?.cpuMs === undefined ? "" : `, SciPy ${fmt(refCg.cpuMs)} (ratios ${(cgCsrCpu / refCg.cpuMs).toFixed(2)} and ${(cgCpu / refCg.cpuMs).toFixed(2)})`),
  );
  console.log(
    `\none product with the stencil operator: ${fmt(matvecUs)} µs (median); cg spent ≈ ${fmt((c.stats.matvecs * matvecUs) / 1e3)} ms ` +
      `of its ${fmt(cgMs)} ms in products; SIMD kernels ${cgJsMs > 0 ? (cgJsMs / cgMs).toFixed(2) : "—"}× faster for cg, ` +
      `${withMinres ? (mrJsMs / mrMs).toFixed(2) : "—"}× for minres (same iterates: ` +
      `${c.x.data.every((v, i) => Object.is(v, cgJs.x.data[i])) && (m === undefined || m.x.data.every((v, i) => Object.is(v, mJs?.x.data[i]))) ? "yes" : "NO"})`,
  );
  if (c.estimates) {
    console.log(
      `\ncg Ritz estimates: λmin ${c.estimates.lambdaMin.toExponential(4)}, λmax ${c.estimates.lambdaMax.toFixed(6)}, ` +
        `cond ${fmt(c.estimates.condition)} (analytic λmin ${(8 * Math.sin(Math.PI / (2 * (N + 1))) ** 2).toExponential(4)}, ` +
        `λmax ${(8 * Math.cos(Math.PI / (2 * (N + 1))) ** 2).toFixed(6)}); minres restarts: ${m?.estimates.restarts ?? "—"}`,
    );
  }
}
