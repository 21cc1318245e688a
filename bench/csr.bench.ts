/**
 * CSR matrix-vector products: krylov-ts `csr(...).apply` on its two backends (the WebAssembly
 * loop, the default for matrices of at least 1,024 entries, and the JavaScript loop, switched
 * with `CsrOperator.setWasm`) against the same row loop written plainly over the same arrays,
 * on gr_30_30 and 494_bus (SuiteSparse, from ../shared) and on the 2-D Poisson 5-point matrix
 * of 256² and 512² unknowns. The transpose view (scatter, on a copy of the matrix promised non-symmetric:
 * the transpose of a symmetric operator is itself) is shown beside on both backends, and SciPy's
 * `A @ x` (bench/scipy_csr.py through bench/peer.py, at each thread setting, the best taken) as an
 * outside reference when python3 with scipy is available. Poisson 256² too.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { asVec, CsrOperator, csr, readMatrixMarket, rng, transpose, vec } from "@krylov-ts/operators";
import { fmt, interleaved, median, reportTarget, type Case, type Row } from "./lib.js";
import { loadText, PEER_THREADS, runOnce } from "./peers.js";
import { hostedRegion } from "../packages/operators/src/host.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const matrices = path.resolve(here, "..", "..", "shared", "data", "matrices");

/** y = A x for CSR arrays, the textbook loop (Saad 2003, §3.4). */
function csrLoop(rp: Int32Array, ci: Int32Array, v: Float64Array, x: Float64Array, y: Float64Array, m: number): void {
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let k = rp[i] as number; k < (rp[i + 1] as number); k++) s += (v[k] as number) * (x[ci[k] as number] as number);
    y[i] = s;
  }
}

/** The 5-point Laplacian on an N×N grid (Dirichlet), n = N² unknowns. */
function poisson5(N: number): CsrOperator {
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  const put = (i: number, j: number, v: number): void => {
    rows.push(i);
    cols.push(j);
    values.push(v);
  };
  for (let a = 0; a < N; a++) {
    for (let b = 0; b < N; b++) {
      const i = a * N + b;
      put(i, i, 4);
      if (a > 0) put(i, i - N, -1);
      if (a < N - 1) put(i, i + N, -1);
      if (b > 0) put(i, i - 1, -1);
      if (b < N - 1) put(i, i + 1, -1);
    }
  }
  return csr(rows, cols, values, [N * N, N * N]);
}

/**
 * A copy of A promised non-symmetric, so that `transpose` of it is the scatter view (the
 * transpose of a symmetric operator is the operator itself).
 */
function unsymmetricCopy(A: CsrOperator): CsrOperator {
  const rows: number[] = [];
  for (let i = 0; i < A.shape[0]; i++) {
    for (let k = A.rowPointers[i] as number; k < (A.rowPointers[i + 1] as number); k++) rows.push(i);
  }
  return csr(rows, A.colIndices, A.values, A.shape, { symmetric: false });
}

/** SciPy's `A @ x` at each thread setting (bench/scipy_csr.py), and the best per matrix. */
function scipyTimes(problems: Record<string, string | number>): { best: Record<string, number>; cpu: Record<string, number>; text: string } | undefined {
  const runs = PEER_THREADS.map((t) => runOnce<{ ms: Record<string, number>; cpuMs: Record<string, number> }>("scipy", "scipy_csr.py", [JSON.stringify(problems)], t));
  const lines: string[] = [];
  const best: Record<string, number> = {};
  const cpu: Record<string, number> = {};
  for (const r of runs) {
    if (typeof r === "string") {
      lines.push(`- SciPy: ${r}`);
      continue;
    }
    const bl = r.info.blas.find((x) => x.internal_api !== undefined) ?? r.info.blas[0];
    lines.push(`- SciPy ${r.info.scipy ?? "?"} / NumPy ${r.info.numpy}, ${bl?.internal_api ?? bl?.filepath ?? "?"} ${bl?.version?.split(" ").slice(0, 2).join(" ") ?? ""}, OMP/OPENBLAS_NUM_THREADS=${r.info.threads}${r.info.reference ? ` — REFERENCE BLAS (${r.info.reason ?? ""}), not used` : ""}`);
    if (r.info.reference) continue;
    for (const [k, v] of Object.entries(r.result.ms)) best[k] = Math.min(best[k] ?? Infinity, v);
    for (const [k, v] of Object.entries(r.result.cpuMs)) cpu[k] = Math.min(cpu[k] ?? Infinity, v);
  }
  if (Object.keys(best).length === 0) {
    console.log(`\n(SciPy reference skipped)\n${lines.join("\n")}`);
    return undefined;
  }
  return { best, cpu, text: lines.join("\n") };
}

export default async function (): Promise<void> {
  const problems: Array<{ name: string; A: CsrOperator; scipyArg: string | number }> = [];
  for (const name of ["gr_30_30", "494_bus"]) {
    const file = path.join(matrices, `${name}.mtx`);
    problems.push({ name, A: readMatrixMarket(readFileSync(file, "utf8")), scipyArg: file });
  }
  problems.push({ name: "Poisson 5-point, 256²", A: poisson5(256), scipyArg: 256 });
  problems.push({ name: "Poisson 5-point, 512²", A: poisson5(512), scipyArg: 512 });
  const loadStart = loadText();
  const sci = scipyTimes(Object.fromEntries(problems.map((p) => [p.name, p.scipyArg])));
  const scipy = sci?.best;

  const summary: Array<{ name: string; n: number; nnz: number; rows: Row[]; cpuMs: number; hostedMs: number | undefined }> = [];
  for (const { name, A } of problems) {
    const [m, n] = A.shape;
    const x = rng(3).normalVec(n);
    const y = vec(m);
    const yT = vec(n);
    const xT = rng(4).normalVec(m);
    const At = transpose(unsymmetricCopy(A));
    const { rowPointers: rp, colIndices: ci, values: v } = A;
    // Small matrices: several products per timed sample, so the clock's resolution does not matter.
    const reps = Math.max(1, Math.floor(2e5 / A.nnz));
    if (A.backend !== "wasm") throw new Error(`csr bench: ${name} is not placed in WebAssembly memory`);
    /** `fn` on the JavaScript backend (the switch is global, so it is set around each sample). */
    const onJs = (fn: () => void) => (): void => {
      CsrOperator.setWasm(false);
      try {
        fn();
      } finally {
        CsrOperator.setWasm(true);
      }
    };
    // x and y in a region of the matrix's own memory, as the workspaces of cg, gmres and bicgstab
    // are (matrices in a shared memory): the product copies nothing. Absent for other placements.
    const region = hostedRegion(A, 16 * Math.max(m, n));
    const hx = region === undefined ? undefined : asVec(new Float64Array(region.buffer, region.offset, n));
    const hy = region === undefined ? undefined : asVec(new Float64Array(region.buffer, region.offset + 8 * Math.max(m, n), m));
    hx?.data.set(x.data);
    const cases: Case[] = [
      { name: "plain CSR loop", fn: () => { for (let r = 0; r < reps; r++) csrLoop(rp, ci, v, x.data, y.data, m); } },
      { name: "krylov-ts csr apply, JavaScript", fn: onJs(() => { for (let r = 0; r < reps; r++) A.apply(x, y); }) },
      { name: "krylov-ts csr apply, WebAssembly", fn: () => { for (let r = 0; r < reps; r++) A.apply(x, y); } },
      ...(hx !== undefined && hy !== undefined
        ? [{ name: "krylov-ts csr apply, WebAssembly, x and y in the matrix's memory (solver workspaces)", fn: () => { for (let r = 0; r < reps; r++) A.apply(hx, hy); } }]
        : []),
      { name: "krylov-ts transpose(csr) apply (scatter), JavaScript", fn: onJs(() => { for (let r = 0; r < reps; r++) At.apply(xT, yT); }) },
      { name: "krylov-ts transpose(csr) apply (scatter), WebAssembly", fn: () => { for (let r = 0; r < reps; r++) At.apply(xT, yT); } },
    ];
    const rows = interleaved(`CSR matvec, ${name} (n = ${n}, nnz = ${A.nnz}), ${reps} product(s) per sample`, cases);
    // CPU time per product of the WebAssembly apply (what a loaded machine disturbs least), as SciPy's.
    const cpu: number[] = [];
    for (let k = 0; k < 40; k++) {
      const c = process.cpuUsage();
      for (let r = 0; r < reps; r++) A.apply(x, y);
      const d = process.cpuUsage(c);
      cpu.push((d.user + d.system) / 1e3 / reps);
    }
    const hostedMs = hx === undefined ? undefined : (rows.find((r) => r.name.includes("matrix's memory"))?.medianMs ?? NaN) / reps;
    region?.release();
    summary.push({ name, n, nnz: A.nnz, rows: rows.filter((r) => !r.name.includes("matrix's memory")).map((r) => ({ ...r, medianMs: r.medianMs / reps })), cpuMs: median(cpu), hostedMs });
  }

  console.log("\n### CSR matvec: time per product (ms); speed-ups of the WebAssembly backend\n");
  if (sci) console.log(`${sci.text}\n- SciPy column: the best thread setting per matrix (its sparse product is single-threaded)`);
  console.log(`- load average at start ${loadStart}; at end ${loadText()}\n`);
  console.log(
    "| matrix | n | nnz | plain loop | apply, JS | apply, wasm | wasm vs JS | wasm vs plain | " +
      "transpose, JS | transpose, wasm | wasm vs JS | SciPy A @ x | wasm ÷ SciPy time | CPU ms: wasm / SciPy | ÷ (CPU) |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const s of summary) {
    const [plain, js, wasm, scatterJs, scatterWasm] = s.rows as [Row, Row, Row, Row, Row];
    const sp = scipy?.[s.name];
    const x = (a: Row, b: Row): string => `${(a.medianMs / b.medianMs).toFixed(2)}×`;
    console.log(
      `| ${s.name} | ${s.n} | ${s.nnz} | ${fmt(plain.medianMs)} | ${fmt(js.medianMs)} | ${fmt(wasm.medianMs)} | ` +
        `${x(js, wasm)} | ${x(plain, wasm)} | ${fmt(scatterJs.medianMs)} | ${fmt(scatterWasm.medianMs)} | ` +
        `${x(scatterJs, scatterWasm)} | ${sp === undefined ? "—" : fmt(sp)} | ` +
        `${sp === undefined ? "—" : (wasm.medianMs / sp).toFixed(2)} | ${fmt(s.cpuMs)} / ${sci?.cpu[s.name] === undefined ? "—" : fmt(sci.cpu[s.name] as number)} | ` +
        `${sci?.cpu[s.name] === undefined ? "—" : (s.cpuMs / (sci.cpu[s.name] as number)).toFixed(2)} |`,
    );
  }
  for (const sm of summary.filter((x) => x.name.startsWith("Poisson"))) {
    const wasm = (sm.rows[2] as Row).medianMs;
    const sp = scipy?.[sm.name];
    const spCpu = sci?.cpu[sm.name];
    reportTarget(
      `CSR product faster than SciPy, ${sm.name}`,
      sp === undefined ? "SciPy not run" : `${(wasm / sp).toFixed(2)}× (${fmt(wasm)} vs ${fmt(sp)} ms; CPU ${fmt(sm.cpuMs)} vs ${spCpu === undefined ? "—" : fmt(spCpu)} ms)`,
      sp === undefined ? undefined : wasm < sp,
    );
    if (sm.hostedMs !== undefined) {
      reportTarget(
        `(beside) CSR product with x, y in the matrix's memory, as in cg/gmres/bicgstab, ${sm.name}`,
        sp === undefined ? "SciPy not run" : `${(sm.hostedMs / sp).toFixed(2)}× (${fmt(sm.hostedMs)} vs ${fmt(sp)} ms)`,
        sp === undefined ? undefined : sm.hostedMs < sp,
      );
    }
  }
}
