/**
 * krylov-ts against PyTorch f64 on OpenBLAS, each at its best thread count (issue 11's targets):
 *
 * 1. Gradient and H·v (cached point and whole graph) of the MLPs 784 → 256 → 10 (batch 256,
 *    n = 203,530) and 100 → 64 → 10 (batch 512, n = 7,114): the same data, weights and v on
 *    both sides (bench/torch_mlp.py reads ours); torch's gradient and H·v are checked against
 *    ours before anything is timed. Rounds interleave ours with PyTorch, each at 1 and 2
 *    threads (ours: `setThreads` of the worker pool), each call timed (wall and CPU time).
 * 2. The full Hessian of 100 → 64 → 10: `hessian(f, x0)` against the forms torch 1.13 offers
 *    (`functional.hessian`, batched double backward; `vectorize=True` with
 *    KRYLOV_BENCH_TORCH_VECTORIZE=1: vmap over all 7,114 columns at once).
 * 3. Its top 5 eigenvalues to 1e-8: `lanczos` on `hessianOperator` against SciPy's `eigsh`
 *    driven by the cached torch H·v (products and wall time).
 *
 * `npm run bench -- pytorch` (`--quick` or KRYLOV_BENCH_QUICK=1: fewer rounds, no full Hessian).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kernelBackend, operator, poolSupported, setThreads, vec, type Vec } from "@krylov-ts/operators";
import { compile, gradientFunction, hessian, hessianOperator, hvp, input } from "@krylov-ts/autodiff";
import { lanczos, type LanczosOptions } from "@krylov-ts/krylov";
import { fmt, median, QUICK, reportTarget } from "./lib.js";
import { mlpData, mlpLoss, type MlpData } from "./mlp.js";
import { bestPeer, loadText, PEER_THREADS, peerCell, printPeers, ratioCell, sideBySide, startPeers, type Peer } from "./peers.js";

/** Our thread settings (the worker pool), as the peers'. */
const OUR_THREADS = PEER_THREADS;

/** Relative agreement torch must reach with ours before its times are shown. */
const AGREE = 1e-10;

interface Setup {
  n: number;
  relDiffGradient: number;
  relDiffHvCached: number;
  relDiffHvWhole: number;
}

/** Writes the problem and our gradient and H·v where torch_mlp.py reads them. */
function writeData(dir: string, m: MlpData, hv: Float64Array, g: Float64Array): string {
  const file = join(dir, `mlp-${m.d}-${m.h}-${m.c}.f64`);
  const parts = [new Float64Array([m.d, m.h, m.c, m.B]), m.X, m.Y, m.x0, m.v, hv, g];
  writeFileSync(file, Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))));
  return file;
}

/** The agreement of one peer with ours, or why its times are withheld. */
function agreement(p: Peer | string): { ok: boolean; text: string } {
  if (typeof p === "string") return { ok: false, text: p };
  const s = p.setup as Setup;
  const worst = Math.max(s.relDiffGradient, s.relDiffHvCached, s.relDiffHvWhole);
  const text = `gradient ${s.relDiffGradient.toExponential(1)}, H·v cached ${s.relDiffHvCached.toExponential(1)}, whole ${s.relDiffHvWhole.toExponential(1)}`;
  return { ok: worst <= AGREE, text };
}

/** Gradient and H·v of one MLP, ours against torch at each thread setting, in one table. */
/**
 * Gradient and H·v of one MLP, ours against torch at each thread setting, in one table. Returns
 * torch's median cached-H·v time per thread count (NaN where it was not timed).
 */
export async function mlpTable(dir: string, m: MlpData): Promise<Map<number, number>> {
  const f = mlpLoss(m);
  const fg = gradientFunction(f, m.n);
  const g = vec(m.n);
  const x0 = vec(m.x0);
  const v = vec(m.v);
  const H = hessianOperator(f, x0);
  const hv = vec(m.n);
  const xi = input([m.n], "x");
  const vi = input([m.n], "v");
  const whole = compile([xi, vi], [hvp(f, xi, vi, { mode: H.mode })]);
  const wholeOut = [new Float64Array(m.n)];
  fg(x0, g);
  H.apply(v, hv);
  const title = `MLP ${m.d} → ${m.h} → ${m.c}, tanh, softmax cross-entropy, batch ${m.B}, n = ${m.n.toLocaleString("en")}, float64`;
  const loadStart = loadText();
  const peers = await startPeers("torch", "torch_mlp.py", [writeData(dir, m, hv.data, g.data)]);
  const agree = peers.map(agreement);
  const timed = peers.map((p, j) => (agree[j]!.ok ? p : `${typeof p === "string" ? p : `${p.threads} thread(s)`}: disagrees with ours (${agree[j]!.text})`));
  const cases = [
    { ours: { name: "gradient (value and ∇f)", fn: () => void fg(x0, g) }, peerCase: "gradient" },
    { ours: { name: `H·v, cached point (hessianOperator.apply, ${H.mode})`, fn: () => void H.apply(v, hv) }, peerCase: "hvp cached" },
    { ours: { name: "H·v, whole graph from x and v", fn: () => void whole.run([m.x0, m.v], wholeOut) }, peerCase: "hvp whole" },
  ];
  // Ours at each thread setting too (the worker pool of @krylov-ts/operators), the peers timed once per case.
  const all = await sideBySide(
    cases.flatMap((c) => OUR_THREADS.map((t, k) => ({ ...c, peerCase: k === 0 ? c.peerCase : "", before: () => void setThreads(t) }))),
    timed,
    { rounds: QUICK ? 3 : 7, warmup: 1, maxTime: QUICK ? 0.05 : 0.15 },
  );
  setThreads(undefined);
  const rows = cases.map((_, i) => {
    const mine = all.slice(i * OUR_THREADS.length, (i + 1) * OUR_THREADS.length);
    const k = mine.reduce((b, r, j) => (r.oursMs < (mine[b] as typeof r).oursMs ? j : b), 0);
    return { ...(mine[0] as (typeof all)[0]), byThreads: mine, best: k };
  });
  const loadEnd = loadText();
  for (const p of peers) if (typeof p !== "string") p.close();
  console.log(`\n### ${title}\n`);
  printPeers(peers);
  peers.forEach((p, j) => typeof p !== "string" && console.log(`- torch ${p.threads} thread(s) vs ours, relative difference: ${agree[j]!.text}`));
  console.log(`- load average at start ${loadStart}; at end ${loadEnd}\n`);
  console.log(`- krylov-ts: kernel backend ${kernelBackend()}, worker pool ${poolSupported() ? "available" : "unavailable"}, measured at threads ${OUR_THREADS.join(" and ")} (setThreads)\n`);
  const ourHeads = OUR_THREADS.map((t) => `krylov-ts ${t} thr. (ms)`);
  const heads = peers.map((p, j) => `PyTorch ${typeof p === "string" ? `setting ${j + 1}` : `${p.threads} thr.`} (ms)`);
  console.log(`| case | ${ourHeads.join(" | ")} | ${heads.join(" | ")} | krylov-ts best / PyTorch best |`);
  console.log(`|---|${ourHeads.map(() => "---:|").join("")}${heads.map(() => "---:|").join("")}---|`);
  for (const r of rows) {
    const cells = timed.map((p, j) => peerCell(p, r.peerMs[j] as number));
    const b = r.byThreads[r.best] as (typeof all)[0];
    const ratio = ratioCell(b.oursMs, bestPeer(timed, r.peerMs));
    console.log(`| ${r.name} | ${r.byThreads.map((x) => `${fmt(x.oursMs)} ±${x.oursRme.toFixed(0)}%`).join(" | ")} | ${cells.join(" | ")} | ${ratio}${typeof bestPeer(timed, r.peerMs) === "string" ? "" : ` (ours at ${OUR_THREADS[r.best]} thr.)`} |`);
  }
  const [gr, cached, wh] = rows.map((r) => ({ ...r, oursMs: (r.byThreads[r.best] as (typeof all)[0]).oursMs })) as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
  const torchRatio = timed.map((p, j) => (typeof p === "string" ? "—" : ((cached.peerMs[j] as number) / (gr.peerMs[j] as number)).toFixed(2)));
  const ourRatio = (a: typeof gr, b: typeof gr): string => OUR_THREADS.map((_, k) => ((a.byThreads[k] as (typeof all)[0]).oursMs / (b.byThreads[k] as (typeof all)[0]).oursMs).toFixed(2)).join(" | ");
  console.log(`| H·v cached / gradient | ${ourRatio(cached, gr)} | ${torchRatio.join(" | ")} | |`);
  const torchWhole = timed.map((p, j) => (typeof p === "string" ? "—" : ((wh.peerMs[j] as number) / (gr.peerMs[j] as number)).toFixed(2)));
  console.log(`| H·v whole / gradient | ${ourRatio(wh, gr)} | ${torchWhole.join(" | ")} | |`);
  // CPU time per call (every thread of each process): what a loaded machine disturbs least.
  console.log(`\nCPU time per call (ms, all threads of the process; medians): ` + rows.map((r) =>
    `${r.name.split(" (")[0]}: ${r.byThreads.map((x, k) => `krylov-ts ${OUR_THREADS[k]} thr. ${fmt(x.oursCpuMs)}`).join(", ")}, ${timed.map((p, j) => (typeof p === "string" ? "" : `torch ${p.threads} thr. ${fmt(r.peerCpuMs[j] as number)}`)).filter(Boolean).join(", ")}`).join("; "));

  // Issue 11's targets for this MLP, for the closing table of bench/run.ts.
  const mlp = `${m.d}→${m.h}→${m.c}`;
  const best = bestPeer(timed, cached.peerMs);
  const ourCached = cached.byThreads[cached.best] as (typeof all)[0];
  if (typeof best === "string") reportTarget(`H·v of MLP ${mlp} ≤ 2× PyTorch f64`, best, undefined);
  else {
    const j = timed.findIndex((p) => typeof p !== "string" && p.threads === best.threads);
    const ratio = ourCached.oursMs / best.ms;
    reportTarget(
      `H·v of MLP ${mlp} ≤ 2× PyTorch f64`,
      `${ratio.toFixed(2)}× (${fmt(ourCached.oursMs)} ms at ${OUR_THREADS[cached.best]} thr. vs ${fmt(best.ms)} ms at ${best.threads} thr.; CPU ${fmt(ourCached.oursCpuMs)} vs ${fmt(cached.peerCpuMs[j] as number)} ms); load ${loadEnd}`,
      ratio <= 2,
    );
  }
  const torchHv = new Map<number, number>();
  timed.forEach((p, j) => typeof p !== "string" && torchHv.set(p.threads, cached.peerMs[j] as number));
  const hg = Math.min(...OUR_THREADS.map((_, k) => (cached.byThreads[k] as (typeof all)[0]).oursMs / (gr.byThreads[k] as (typeof all)[0]).oursMs));
  reportTarget(`H·v / gradient ≤ 1.1 with the cached point, MLP ${mlp}`, `${ourRatio(cached, gr).replaceAll(" | ", " / ")} at ${OUR_THREADS.join(" / ")} thr.`, hg <= 1.1);
  return torchHv;
}

/** The full Hessian of the small MLP and its top 5 eigenvalues, ours against torch. */
/**
 * @param torchHv - torch's cached-H·v time per thread count on this MLP (from `mlpTable`): its
 *   Hessian forms are run only at the settings where that H·v was within 1.5× of its best, since
 *   a full Hessian is 7,114 such products (at load 3 the 2-thread setting took 7–9× the 1-thread
 *   time and its `functional.hessian` 198 s against 10 s)
 */
async function hessianAndEigs(dir: string, s: MlpData, torchHv: Map<number, number>): Promise<void> {
  const f = mlpLoss(s);
  const x0 = vec(s.x0);
  const H = hessianOperator(f, x0);
  const g = gradientFunction(f, s.n)(x0).gradient;
  const hv = H.apply(vec(s.v));
  const loadStart = loadText();
  const peers = await startPeers("torch", "torch_mlp.py", [writeData(dir, s, hv.data, g.data)]);
  const agree = peers.map(agreement);
  const timed = peers.map((p, j) => (agree[j]!.ok ? p : `${typeof p === "string" ? p : `${p.threads} thread(s)`}: disagrees with ours (${agree[j]!.text})`));
  console.log(`\n### MLP ${s.d} → ${s.h} → ${s.c}, batch ${s.B}, n = ${s.n.toLocaleString("en")}: full Hessian and top-5 eigenvalues\n`);
  printPeers(peers);

  if (!QUICK && process.env.KRYLOV_BENCH_HESSIAN !== "0") {
    // Ours at each thread setting; the last matrix is checked: ‖H v − H·v‖/‖H·v‖, as torch's rows report theirs.
    const mine: Array<{ t: number; secs: number; cpu: number; check: number; rss: number }> = [];
    for (const t of OUR_THREADS) {
      setThreads(t);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const Hm = hessian(f, s.x0);
      const secs = (performance.now() - t0) / 1000;
      const c1 = process.cpuUsage(c0);
      let num = 0;
      let den = 0;
      for (let i = 0; i < s.n; i++) {
        let acc = 0;
        for (let j = 0; j < s.n; j++) acc += Hm.data[i * s.n + j]! * s.v[j]!;
        num += (acc - hv.data[i]!) ** 2;
        den += hv.data[i]! ** 2;
      }
      mine.push({ t, secs, cpu: (c1.user + c1.system) / 1e6, check: Math.sqrt(num / den), rss: process.resourceUsage().maxRSS / 1024 });
    }
    setThreads(undefined);
    const ours = Math.min(...mine.map((x) => x.secs));
    const forms: Array<{ form: string; block?: number }> = [
      { form: "functional" },
      { form: "batched double backward", block: 256 },
    ];
    if (process.env.KRYLOV_BENCH_TORCH_VECTORIZE === "1") forms.push({ form: "functional vectorize" });
    console.log(`\n| full Hessian | threads | wall time (s) | CPU time (s) | ‖H v − H·v‖/‖H·v‖ | peak RSS of the process (MB) | krylov-ts best / this (wall) |`);
    console.log("|---|---:|---:|---:|---:|---:|---|");
    for (const x of mine) console.log(`| krylov-ts hessian(f, x0) (blocks of 32 columns) | ${x.t} | ${x.secs.toFixed(2)} | ${x.cpu.toFixed(2)} | ${x.check.toExponential(1)} | ${x.rss.toFixed(0)} | |`);
    const bestByForm: number[] = [];
    const fastest = Math.min(...[...torchHv.values()].filter(Number.isFinite));
    const skipped = timed.filter((p): p is Peer => typeof p !== "string" && (torchHv.get(p.threads) ?? Number.NaN) > 1.5 * fastest);
    for (const { form, block } of forms) {
      for (const p of timed) {
        if (typeof p === "string" || skipped.includes(p)) continue;
        try {
          const r = await p.run<{ secs: number; cpuSecs: number; check: number; peakRssMb: number }>("hessian", { form, block });
          if (!p.info.reference) bestByForm.push(r.secs);
          const name = `torch ${form === "functional" ? "torch.autograd.functional.hessian" : form}${block ? ` (blocks of ${block}, is_grads_batched)` : ""}`;
          console.log(`| ${name} | ${p.threads} | ${r.secs.toFixed(2)} | ${r.cpuSecs.toFixed(2)} | ${r.check.toExponential(1)} | ${r.peakRssMb.toFixed(0)} | ${p.info.reference ? "no ratio: reference BLAS" : `${(ours / r.secs).toFixed(2)}×`} |`);
        } catch (e) {
          console.log(`| torch ${form} | ${p.threads} | — | — | — | — | ${(e as Error).message} |`);
        }
      }
    }
    for (const p of skipped) {
      console.log(`| torch, every form | ${p.threads} | — | — | — | — | not run: torch's H·v on this MLP took ${fmt(torchHv.get(p.threads) as number)} ms at ${p.threads} thr. against ${fmt(fastest)} ms at its best |`);
    }
    const refused = timed.every((p) => typeof p === "string" || p.info.reference);
    const tBest = Math.min(...bestByForm);
    reportTarget(
      `full Hessian of MLP ${s.d}→${s.h}→${s.c} faster than torch.autograd.functional.hessian`,
      refused || bestByForm.length === 0 ? "no torch figure on an optimized BLAS" : `${(ours / tBest).toFixed(2)}× (${ours.toFixed(1)} s vs torch's fastest form ${tBest.toFixed(1)} s)`,
      refused || bestByForm.length === 0 ? undefined : ours < tBest,
    );
    console.log(
      `\nkrylov-ts / fastest torch form: ${refused || bestByForm.length === 0 ? "no ratio (no torch figure on an optimized BLAS)" : `${(ours / Math.min(...bestByForm)).toFixed(2)}×`}` +
        ` (torch's forms run one after another in the same process; \`functional vectorize\` with KRYLOV_BENCH_TORCH_VECTORIZE=1: vmap over all n columns at once)`,
    );
  } else {
    reportTarget(`full Hessian of MLP ${s.d}→${s.h}→${s.c} faster than torch.autograd.functional.hessian`, "skipped (--quick or KRYLOV_BENCH_HESSIAN=0)", undefined);
  }

  // Top 5 eigenvalues to 1e-8: lanczos against eigsh (tol 1e-8: Ritz estimates ≤ tol·|λ|) on torch H·v.
  const runs = QUICK ? 1 : 3;
  const count = { n: 0, ms: 0 };
  const Hc = operator(H.shape, (x: Vec, out: Vec) => {
    count.n++;
    const t = performance.now();
    H.apply(x, out);
    count.ms += performance.now() - t;
  }, { symmetric: true });
  const settings: Array<[string, LanczosOptions]> = [
    ["residual tol 1e-8", { tol: 1e-8 }],
    ["valueTol 1e-8", { valueTol: 1e-8 }],
    ["valueTol 1e-8, maxMultiplicity 1 (no search for copies, as eigsh)", { valueTol: 1e-8, maxMultiplicity: 1 }],
  ];
  console.log(`\n| top 5 eigenvalues, to 1e-8 | threads | H·v products | median wall time (ms) | median CPU time (ms) | max rel. diff. to the first row | krylov-ts best / this (wall) | note |`);
  console.log("|---|---:|---:|---:|---:|---:|---|---|");
  let values: number[] = [];
  let oursMs = Infinity;
  for (const t of OUR_THREADS) for (const [setting, opts] of settings) {
    setThreads(t);
    const times: number[] = [];
    const cpus: number[] = [];
    let vals: number[] = [];
    let note = "";
    for (let r = 0; r < runs; r++) {
      count.n = 0;
      count.ms = 0;
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const res = lanczos(Hc, { k: 5, which: "largest", ...opts });
      times.push(performance.now() - t0);
      const c1 = process.cpuUsage(c0);
      cpus.push((c1.user + c1.system) / 1e3);
      vals = Array.from(res.values).sort((a, b) => a - b);
      note = `${res.stats.status}, ${res.stats.iterations} steps (products include the final true-residual checks); ${fmt(count.ms)} ms of the last run in H·v`;
    }
    if (values.length === 0) values = vals;
    const ms = median(times);
    oursMs = Math.min(oursMs, ms);
    const diff = Math.max(...vals.map((x, i) => Math.abs(x - values[i]!) / Math.abs(values[i]!)));
    console.log(`| krylov-ts lanczos, ${setting} | ${t} | ${count.n} | ${fmt(ms)} | ${fmt(median(cpus))} | ${diff.toExponential(1)} | | ${note} |`);
  }
  const eigMs: number[] = [];
  for (const p of timed) {
    if (typeof p === "string") continue;
    try {
      const r = await p.run<{ matvecs: number; ms: number; cpuMs: number; values: number[] }>("eigsh", { k: 5, tol: 1e-8, runs });
      const diff = Math.max(...r.values.map((x, i) => Math.abs(x - values[i]!) / Math.abs(values[i]!)));
      eigMs.push(p.info.reference ? Number.NaN : r.ms);
      console.log(`| SciPy eigsh (which='LA', tol 1e-8) on torch H·v (cached) | ${p.threads} | ${r.matvecs} | ${fmt(r.ms)} | ${fmt(r.cpuMs)} | ${diff.toExponential(1)} | ${p.info.reference ? p.info.reason : `${(oursMs / r.ms).toFixed(2)}×`} | |`);
    } catch (e) {
      console.log(`| SciPy eigsh on torch H·v | ${p.threads} | — | — | — | — | ${(e as Error).message} | |`);
    }
  }
  setThreads(undefined);
  const ok = eigMs.filter(Number.isFinite);
  reportTarget(
    `top-5 Hessian eigenvalues (n = ${s.n.toLocaleString("en")}, 1e-8) in less wall time than eigsh + torch H·v`,
    ok.length ? `${(oursMs / Math.min(...ok)).toFixed(2)}× (${fmt(oursMs)} ms vs ${fmt(Math.min(...ok))} ms)` : "no torch figure on an optimized BLAS",
    ok.length ? oursMs < Math.min(...ok) : undefined,
  );
  console.log(`\nkrylov-ts best setting / best eigsh + torch: ${ok.length ? `${(oursMs / Math.min(...ok)).toFixed(2)}×` : "no ratio (no torch figure on an optimized BLAS)"}; values ${values.map((x) => x.toPrecision(10)).join(", ")}`);
  console.log(`load average at start ${loadStart}; at end ${loadText()}`);
  for (const p of peers) if (typeof p !== "string") p.close();
}

export default async function (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "krylov-pytorch-"));
  try {
    await mlpTable(dir, mlpData(784, 256, 10, 256, 42));
    const small = mlpData(100, 64, 10, 512, 7);
    const torchHv = await mlpTable(dir, small);
    await hessianAndEigs(dir, small, torchHv);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
