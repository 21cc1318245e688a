/**
 * svds: singular triplets at both ends against SciPy `svds` (bench/scipy_svds.py) on the same
 * seeded sparse matrices (8 normal entries a row, column j scaled by 10^(−2j/(n−1))):
 * - the 10 largest of the 20,000×5,000 matrix of bench/lsq.bench.ts, tol 1e-10: krylov-ts (IRLBA,
 *   Ritz restarts) vs ARPACK and PROPACK — the issue's targets: ≤ ARPACK's products, no slower;
 * - the 3 smallest of a 2,000×500 one, tol 1e-8: krylov-ts with Ritz and with harmonic Ritz
 *   restarts vs ARPACK (which='SM'), LOBPCG and PROPACK.
 * Products of A and Aᵀ (counted by a wrapper on both sides), median time, the largest true residual
 * max(‖Av − σu‖, ‖Aᵀu − σv‖)/σ₁ of each result, and the largest difference of the values from
 * the dense SVD's (numpy, where the matrix fits) or else ARPACK's, over σ₁. The tolerances mean different things (ours: residual ≤ tol·‖A‖est; ARPACK's:
 * relative accuracy of the eigenvalues of AᵀA), hence the residual column. SciPy runs at 1 and 2
 * threads (bench/peer.py names the BLAS; the sparse products do not use it); the faster counts.
 * CPU time of our solve is printed beside its wall time. `--quick`: one timed run each.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { csr, rng, type LinearOperator } from "@krylov-ts/operators";
import { svds, type SvdsOptions } from "@krylov-ts/krylov";
import { QUICK, fmt, reportTarget } from "./lib.js";
import { here, loadText, pythonWith } from "./peers.js";

interface Case { name: string; m: number; n: number; seed: number; k: number; which: "largest" | "smallest"; tol: number; solvers: string[]; ours: Array<[string, SvdsOptions]> }

const CASES: Case[] = [
  { name: "top10", m: 20000, n: 5000, seed: 20261204, k: 10, which: "largest", tol: 1e-10, solvers: ["arpack", "propack"], ours: [["IRLBA, Ritz restarts, basis 30", {}]] },
  {
    name: "small3", m: 2000, n: 500, seed: 7, k: 3, which: "smallest", tol: 1e-8, solvers: ["arpack", "lobpcg", "propack"],
    ours: [["IRLBA, Ritz restarts, basis 50", { restart: "ritz" }], ["IRLBA, harmonic restarts, basis 50", { restart: "harmonic" }]],
  },
];

function coo(c: Case): { rows: Int32Array; cols: Int32Array; vals: Float64Array } {
  const r = rng(c.seed);
  const nnz = c.m * 8;
  const rows = new Int32Array(nnz), cols = new Int32Array(nnz), vals = new Float64Array(nnz);
  const scale = Float64Array.from({ length: c.n }, (_, j) => Math.pow(10, (-2 * j) / (c.n - 1)));
  for (let i = 0, k = 0; i < c.m; i++) {
    for (let e = 0; e < 8; e++, k++) {
      const j = r.integer(c.n);
      rows[k] = i;
      cols[k] = j;
      vals[k] = r.normal() * (scale[j] as number);
    }
  }
  return { rows, cols, vals };
}

interface PeerResult { values: number[]; matvecs: number; ms: number; residuals: number[] }
interface Ref { cases: Record<string, Record<string, PeerResult | { error: string }>>; scipy: string; peer: { threads: number; blasSource: string } }

function timed(A: LinearOperator, opts: SvdsOptions, runs: number): { wall: number; cpu: number } {
  const wall: number[] = [], cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    svds(A, opts);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e3);
  }
  const med = (x: number[]): number => x.sort((a, b) => a - b)[Math.floor(x.length / 2)] as number;
  return { wall: med(wall), cpu: med(cpu) };
}

export default async function (): Promise<void> {
  const runs = QUICK ? 1 : 3;
  const data = CASES.map(coo);
  const python = pythonWith("scipy");
  const refs: Ref[] = [];
  let skip: string | undefined;
  if (python === undefined) skip = "python3 with scipy not found";
  else {
    const dir = mkdtempSync(join(tmpdir(), "krylov-svds-"));
    try {
      CASES.forEach((c, i) => {
        const d = data[i] as ReturnType<typeof coo>;
        for (const [ext, a] of [["rows.i32", d.rows], ["cols.i32", d.cols], ["vals.f64", d.vals]] as const) writeFileSync(join(dir, `${c.name}.${ext}`), Buffer.from(a.buffer, a.byteOffset, a.byteLength));
      });
      writeFileSync(join(dir, "cases.json"), JSON.stringify(CASES.map(({ name, m, n, k, which, tol, solvers }) => ({ name, m, n, k, which, tol, solvers }))));
      for (const threads of [1, 2]) {
        const p = spawnSync(python, [join(here, "scipy_svds.py"), dir, String(runs)], { encoding: "utf8", env: { ...process.env, KRYLOV_PEER_THREADS: String(threads) }, maxBuffer: 1 << 26 });
        if (p.status !== 0) { skip = `scipy_svds.py failed: ${p.stderr.trim().split("\n").pop() ?? ""}`; break; }
        refs.push(JSON.parse(p.stdout) as Ref);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`\n(load average ${loadText()}; ${skip ?? `SciPy ${refs[0]?.scipy}, BLAS ${refs[0]?.peer.blasSource}; each SciPy solver at its faster of 1 and 2 threads`})`);
  CASES.forEach((c, ci) => {
    const d = data[ci] as ReturnType<typeof coo>;
    const A = csr(d.rows, d.cols, d.vals, [c.m, c.n]);
    const best = (solver: string): (PeerResult & { threads: number }) | string => {
      const got = refs.map((r) => ({ r: r.cases[c.name]?.[solver], threads: r.peer.threads }));
      const ok = got.filter((g): g is { r: PeerResult; threads: number } => g.r !== undefined && !("error" in g.r));
      if (ok.length === 0) { const e = got.find((g) => g.r !== undefined && "error" in g.r)?.r as { error: string } | undefined; return e?.error ?? "not run"; }
      const b = ok.sort((x, y) => x.r.ms - y.r.ms)[0] as { r: PeerResult; threads: number };
      return { ...b.r, threads: b.threads };
    };
    const arpack = best("arpack");
    const exact = refs[0]?.cases[c.name]?.exact as { values: number[]; sigma1: number } | undefined;
    const refValues = exact?.values ?? (typeof arpack === "string" ? undefined : arpack.values);
    const refName = exact !== undefined ? "dense SVD" : "ARPACK";
    console.log(`\n### ${c.k} ${c.which} singular values of the ${c.m.toLocaleString("en")}×${c.n.toLocaleString("en")} sparse matrix, tol ${c.tol}\n`);
    console.log(`| method | status | products (A, Aᵀ) | median ms (CPU ms) | max true residual / σ₁ | max |σ − σ_${refName}| / σ₁ |`);
    console.log("|---|---|---:|---:|---:|---:|");
    const oursRows: Array<{ matvecs: number; ms: number }> = [];
    for (const [label, extra] of c.ours) {
      const opts: SvdsOptions = { k: c.k, which: c.which, tol: c.tol, maxMatvecs: 200000, ...extra };
      const r = svds(A, opts);
      const t = timed(A, opts, runs);
      const s1 = c.which === "largest" ? (r.values[0] as number) : r.estimates.normA;
      const diff = refValues === undefined ? NaN : Math.max(...Array.from(r.values, (s, i) => Math.abs(s - (refValues[i] as number)) / s1));
      oursRows.push({ matvecs: r.stats.matvecs, ms: t.wall });
      console.log(`| krylov-ts svds (${label}) | ${r.stats.status} | ${r.stats.matvecs} | ${fmt(t.wall)} (${fmt(t.cpu)}) | ${(Math.max(...r.residuals) / s1).toExponential(2)} | ${diff.toExponential(2)} |`);
    }
    for (const solver of c.solvers) {
      const b = best(solver);
      if (typeof b === "string") { console.log(`| SciPy svds (${solver}) | ${b.replace(/\|/g, "/")} | | | | |`); continue; }
      const s1 = c.which === "largest" ? (b.values[0] as number) : exact?.sigma1 ?? NaN;
      const diff = refValues === undefined ? NaN : Math.max(...b.values.map((s, i) => Math.abs(s - (refValues[i] as number)) / s1));
      console.log(`| SciPy svds (${solver}, ${b.threads} thr.) | | ${b.matvecs} | ${fmt(b.ms)} | ${(Math.max(...b.residuals) / s1).toExponential(2)} | ${solver === "arpack" && exact === undefined ? "" : diff.toExponential(2)} |`);
    }
    if (c.name === "top10") {
      const ours = oursRows[0] as { matvecs: number; ms: number };
      if (typeof arpack === "string") reportTarget("svds top 10 of 20,000×5,000: ≤ ARPACK's products, no slower", `no ARPACK figure (${arpack})`, undefined);
      else reportTarget("svds top 10 of 20,000×5,000: ≤ ARPACK's products, no slower", `${ours.matvecs} vs ${arpack.matvecs} products; ${fmt(ours.ms)} vs ${fmt(arpack.ms)} ms (${(ours.ms / arpack.ms).toFixed(2)}×)`, ours.matvecs <= arpack.matvecs && ours.ms <= arpack.ms);
    }
  });
}
