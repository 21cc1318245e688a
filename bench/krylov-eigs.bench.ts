/**
 * Extreme eigenvalues: `lanczos` (thick-restart band Lanczos, locking, phases that find and
 * confirm multiplicities) against SciPy's `eigsh` (ARPACK) and against `powerIteration` with
 * deflation, in one run.
 *
 * 1. The matrix-free 2-D Poisson 5-point operator on 256² (n = 65,536): the top 6
 *    (`which: 'largest'`), whose eigenvalues 4 − 2cos(iπ/257) − 2cos(jπ/257) repeat for i ≠ j;
 *    errors against the analytic values.
 * 2. Hessians of an MLP 100 → 64 → 10 (tanh, softmax cross-entropy, batch 512 of seeded data,
 *    n = 7,114) by `hessianOperator` of @krylov-ts/autodiff: at the initial point with random
 *    labels (a cluster at the top of the spectrum), and after 100 Adam steps on inputs with class
 *    structure (`withClassMeans`, as real data has); the top 5 to 1e-8 relative, and power
 *    iteration with deflation (PyHessian's method) to 0.5 %. SciPy's eigsh runs on each dense
 *    Hessian (from `hessian(f, x)`, written to a temporary file), through bench/peer.py at each
 *    thread setting (its BLAS named); the reference eigenvalues are numpy's `eigvalsh` of that
 *    matrix, at the last setting only. eigsh driven by PyTorch's H·v is in bench/pytorch.bench.ts.
 *
 * Products are counted by a wrapper on both sides (ours include the k final true-residual
 * products). Times are medians of `KRYLOV_EIGS_RUNS` runs (default 3; the counts are
 * deterministic). `KRYLOV_EIGS_N` overrides the grid side for a quick run.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { operator, vec, type LinearOperator, type Vec } from "@krylov-ts/operators";
import { hessian, hessianOperator, type Tensor } from "@krylov-ts/autodiff";
import { lanczos, powerIteration, type LanczosOptions } from "@krylov-ts/krylov";
import { train } from "@krylov-ts/cli";
import { poisson2d, poisson2dEigenvalues } from "../test/helpers/dense.js";
import { mlpData, mlpLoss, withClassMeans } from "./mlp.js";
import { fmt, median } from "./lib.js";
import { loadText, PEER_THREADS, runOnce } from "./peers.js";

const runs = Number(process.env.KRYLOV_EIGS_RUNS ?? 3);

interface Line {
  method: string;
  setting: string;
  matvecs: number;
  ms: number;
  values: number[];
  note?: string;
}

/**
 * A counting wrapper. It hands A private contiguous copies of x and of the output (as SciPy's
 * LinearOperator wrapper hands its matvec fresh arrays on the other side), at the cost of two
 * copies of n numbers a product.
 */
function counted(A: LinearOperator): { op: LinearOperator; count: { n: number } } {
  const count = { n: 0 };
  const xIn = vec(A.shape[1]);
  const yOut = vec(A.shape[0]);
  const op = operator(A.shape, (x: Vec, out: Vec) => {
    count.n++;
    for (let i = 0; i < xIn.size; i++) xIn.data[i] = x.data[x.offset + i * (x.stride[0] ?? 1)] as number;
    A.apply(xIn, yOut);
    for (let i = 0; i < yOut.size; i++) out.data[out.offset + i * (out.stride[0] ?? 1)] = yOut.data[i] as number;
  }, { symmetric: true });
  return { op, count };
}

/** Runs `solve` `runs` times: its values, product count (of the last run) and median time. */
function measure(count: { n: number }, solve: () => { values: ArrayLike<number>; note: string }): Omit<Line, "method" | "setting"> {
  const times: number[] = [];
  let last = { values: [] as number[], note: "", matvecs: 0 };
  for (let r = 0; r < runs; r++) {
    count.n = 0;
    const t0 = performance.now();
    const out = solve();
    times.push(performance.now() - t0);
    last = { values: Array.from(out.values), note: out.note, matvecs: count.n };
  }
  return { matvecs: last.matvecs, ms: median(times), values: last.values, note: last.note };
}

/** max |vᵢ − eᵢ|/|eᵢ| over sorted lists of equal length (∞ when lengths differ). */
function maxRelErr(values: ArrayLike<number>, exact: ArrayLike<number>): number {
  if (values.length !== exact.length) return Infinity;
  const v = Array.from(values).sort((a, b) => a - b);
  const e = Array.from(exact).sort((a, b) => a - b);
  return Math.max(...v.map((x, i) => Math.abs(x - (e[i] as number)) / Math.abs(e[i] as number)));
}

/** One Hessian problem: the loss, the point, and its name in the tables. */
interface HessianCase {
  title: string;
  f: (x: Tensor) => Tensor;
  x: Float64Array;
  n: number;
}

/**
 * The MLP 100 → 64 → 10 loss on seeded data (the same problem as bench/autodiff.bench.ts) at its
 * point x0, and the same network trained by 100 Adam steps (lr 1e-3) on inputs with class structure.
 */
function mlpCases(): HessianCase[] {
  const m = mlpData(100, 64, 10, 512, 7);
  const structured = withClassMeans(m, 1, 99);
  const g = mlpLoss(structured);
  const trained = train(g, structured.x0, { steps: 100, lr: 1e-3 }, { start() {}, update() {}, stop() {} });
  const loss = (trained.losses.at(-1) as number).toPrecision(3);
  return [
    { title: "at initialization, random labels", f: mlpLoss(m), x: m.x0, n: m.n },
    { title: `after 100 Adam steps on class-structured inputs (loss ${loss})`, f: g, x: trained.theta, n: structured.n },
  ];
}

function print(title: string, lines: Line[], exact: ArrayLike<number> | undefined): void {
  console.log(`\n### ${title}\n`);
  console.log("| method | setting | matvecs | median time (ms) | max rel. error | note |");
  console.log("|---|---|---:|---:|---:|---|");
  for (const l of lines) {
    const err = exact === undefined ? "—" : maxRelErr(l.values, exact).toExponential(2);
    console.log(`| ${l.method} | ${l.setting} | ${l.matvecs} | ${fmt(l.ms)} | ${err} | ${l.note ?? ""} |`);
  }
}

interface ScipyLine { tol: number; matvecs: number; ms: number; values: number[] }
type ScipyOut = { scipy: string; poisson: ScipyLine[]; hessians: Array<{ runs: ScipyLine[]; top?: number[]; eighSecs?: number }> };

export default async function (): Promise<void> {
  const N = Number(process.env.KRYLOV_EIGS_N ?? 256);
  const loadStart = loadText();
  const n = N * N;
  const exact6 = poisson2dEigenvalues(N).slice(-6);
  const P = counted(poisson2d(N));
  const poissonLines: Line[] = [];
  const poissonRuns: [string, LanczosOptions][] = [
    ["tol 1e-10 (residual)", { tol: 1e-10 }],
    ["valueTol 1e-10", { valueTol: 1e-10 }],
    ["valueTol 1e-10, maxMultiplicity 2", { valueTol: 1e-10, maxMultiplicity: 2 }],
    ["valueTol 1e-10, partial reorthogonalization", { valueTol: 1e-10, reorthogonalization: "partial" }],
    ["valueTol 1e-10, maxMultiplicity 2, partial reorthogonalization", { valueTol: 1e-10, maxMultiplicity: 2, reorthogonalization: "partial" }],
    ["valueTol 1e-10, maxMultiplicity 2, selective orthogonalization", { valueTol: 1e-10, maxMultiplicity: 2, reorthogonalization: "selective" }],
  ];
  for (const [setting, opts] of poissonRuns) {
    const m = measure(P.count, () => {
      const r = lanczos(P.op, { k: 6, which: "largest", ...opts });
      return { values: r.values, note: `${r.stats.status}, ${r.restarts} cycles, ${r.stats.iterations} steps` };
    });
    poissonLines.push({ method: "krylov-ts lanczos", setting: `${setting}, maxBasis 50 (default)`, ...m });
  }

  const cases = mlpCases();
  const hessLines: Line[][] = [];
  const powerLines: Line[][] = [];
  const hessRuns: [string, LanczosOptions][] = [
    ["valueTol 1e-8", { valueTol: 1e-8 }],
    ["tol 1e-8 (residual)", { tol: 1e-8 }],
    ["valueTol 1e-8, maxMultiplicity 1 (no search for copies, as eigsh)", { valueTol: 1e-8, maxMultiplicity: 1 }],
    ["valueTol 1e-8, partial reorthogonalization", { valueTol: 1e-8, reorthogonalization: "partial" }],
  ];
  for (const c of cases) {
    const H = counted(hessianOperator(c.f, c.x));
    const lines: Line[] = [];
    for (const [setting, opts] of hessRuns) {
      const m = measure(H.count, () => {
        const r = lanczos(H.op, { k: 5, which: "largest", ...opts });
        return { values: r.values, note: `${r.stats.status}, ${r.stats.iterations} steps + 5 residual checks` };
      });
      lines.push({ method: "krylov-ts lanczos", setting, ...m });
    }
    hessLines.push(lines);
    const power: Line[] = [];
    for (const tol of [1e-2, 3e-3, 1e-3, 3e-4]) {
      const m = measure(H.count, () => {
        const r = powerIteration(H.op, { k: 5, tol, maxIterations: 5000 });
        return { values: r.values, note: r.stats.status };
      });
      power.push({ method: "krylov-ts powerIteration (deflation)", setting: `tol ${tol}`, ...m });
    }
    powerLines.push(power);
  }

  // The dense Hessians for SciPy and numpy, then SciPy on every problem.
  const dir = mkdtempSync(join(tmpdir(), "krylov-eigs-"));
  const files: string[] = [];
  const hessianSecs: string[] = [];
  cases.forEach((c, i) => {
    const t0 = performance.now();
    const Hm = hessian(c.f, c.x);
    hessianSecs.push(((performance.now() - t0) / 1000).toFixed(1));
    const file = join(dir, `hessian-${i}.f64`);
    const head = new Float64Array([c.n]);
    writeFileSync(file, Buffer.concat([Buffer.from(head.buffer), Buffer.from(Hm.data.buffer, Hm.data.byteOffset, c.n * c.n * 8)]));
    files.push(file);
  });
  // SciPy at each thread setting (eigsh on the dense Hessians runs BLAS gemv); numpy's eigvalsh
  // references at the last setting only.
  const sci = PEER_THREADS.map((t, i) =>
    runOnce<ScipyOut>("scipy", "scipy_eigs.py", [String(N), String(runs), i === PEER_THREADS.length - 1 ? "1" : "0", ...files], t),
  );
  rmSync(dir, { recursive: true, force: true });
  const exact5: (number[] | undefined)[] = cases.map(() => undefined);
  const notes: string[] = [];
  for (const r of sci) {
    if (typeof r === "string") {
      notes.push(`SciPy skipped: ${r}`);
      continue;
    }
    const out = r.result;
    const who = `SciPy ${out.scipy} eigsh, ${r.info.threads} thr.${r.info.reference ? " (REFERENCE BLAS)" : ""}`;
    for (const s of out.poisson) {
      poissonLines.push({ method: who, setting: `k=6, which='LA', tol ${s.tol}`, matvecs: s.matvecs, ms: s.ms, values: s.values });
    }
    out.hessians.forEach((h, i) => {
      for (const s of h.runs) {
        (hessLines[i] as Line[]).push({ method: `${who} (dense H)`, setting: `k=5, which='LA', tol ${s.tol}`, matvecs: s.matvecs, ms: s.ms, values: s.values });
      }
      if (h.top !== undefined) exact5[i] = h.top;
    });
    const bl = r.info.blas.find((x) => x.internal_api !== undefined) ?? r.info.blas[0];
    notes.push(`SciPy ${out.scipy} / NumPy ${r.info.numpy}, ${bl?.internal_api ?? bl?.filepath ?? "?"} ${bl?.version?.split(" ").slice(0, 2).join(" ") ?? ""}, OMP/OPENBLAS_NUM_THREADS=${r.info.threads}, a@a ${r.info.gflops} GFLOP/s${r.info.reference ? ` — REFERENCE BLAS: ${r.info.reason ?? ""}` : ""}`);
    const eigh = out.hessians.map((h) => h.eighSecs).filter((x): x is number => x !== undefined);
    if (eigh.length) notes.push(`numpy eigvalsh references (${r.info.threads} thr.): ${eigh.map((x) => x.toFixed(1)).join(" s, ")} s`);
  }
  notes.push(`dense Hessians by hessian(f, x): ${hessianSecs.join(" s, ")} s; load average at start ${loadStart}, at end ${loadText()}`);
  const scipyNote = notes.join("\n");
  print(`2-D Poisson ${N}² (n = ${n}), top 6 with multiplicities`, poissonLines, exact6);
  cases.forEach((c, i) => {
    const exact = exact5[i];
    // Power iteration: the loosest tolerance within 0.5 % (all of them when there is no reference).
    const power = powerLines[i] as Line[];
    const within = exact === undefined ? -1 : power.findIndex((l) => maxRelErr(l.values, exact) <= 5e-3);
    const lines = [...(hessLines[i] as Line[]), ...(within < 0 ? power : power.slice(0, within + 1))];
    print(`MLP Hessian (n = ${c.n}) ${c.title}, top 5`, lines, exact);
    if (exact !== undefined) console.log(`\ntop 5 (numpy eigvalsh): ${exact.map((x) => x.toPrecision(8)).join(", ")}`);
  });
  console.log(`\n${scipyNote}`);
}
