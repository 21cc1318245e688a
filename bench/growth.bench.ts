/**
 * The growth table of issue 11: H·v (cached point) of the MLP 784 → h → 10, batch 256, for n
 * from 10⁴ to 3·10⁶ parameters, time and peak memory, krylov-ts (`setThreads` of its worker
 * pool) and PyTorch f64, each at 1 and 2 threads. Every measurement is a fresh process (bench/growth-child.ts, bench/torch_growth.py),
 * so that its peak resident set is that problem's alone; baseline = resident set after the
 * imports, peak = the process's maximum resident set. Within a process: warm-up products for
 * 0.5 s (at least one), then the median of a few; the processes run one after another, ours then torch's settings,
 * for each n.
 *
 * `npm run bench -- growth` (`--quick` or KRYLOV_BENCH_QUICK=1: the two smallest n only).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fmt, QUICK, reportTarget } from "./lib.js";
import { bestPeer, here, loadText, PEER_THREADS, ratioCell, runOnce, type PeerInfo } from "./peers.js";

interface Figures {
  n: number;
  baselineRssMb: number;
  peakRssMb: number;
  buildMs: number;
  hvMs: number;
  hvCpuMs: number;
}

/** Hidden widths h giving n = 795h + 10 ≈ 10⁴, 10⁵, 10⁶, 3·10⁶. */
const WIDTHS = [13, 126, 1258, 3774];

function ours(h: number, runs: number, threads: number): Figures | string {
  const r = spawnSync(process.execPath, ["--conditions=source", "--import=tsx", join(here, "growth-child.ts"), "784", String(h), "10", "256", String(runs), String(threads)], {
    encoding: "utf8",
    timeout: 600_000,
  });
  if (r.status !== 0) return `growth-child failed: ${r.stderr.trim().split("\n").pop() ?? r.signal ?? ""}`;
  return JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as Figures;
}

export default async function (): Promise<void> {
  const widths = QUICK ? WIDTHS.slice(0, 2) : WIDTHS;
  const loadStart = loadText();
  const rows: Array<{ h: number; mine: Array<Figures | string>; torch: Array<{ info: PeerInfo; result: Figures } | string> }> = [];
  for (const h of widths) {
    const runs = h > 1000 ? 3 : 7;
    rows.push({
      h,
      mine: PEER_THREADS.map((t) => ours(h, runs, t)),
      torch: PEER_THREADS.map((t) => runOnce<Figures>("torch", "torch_growth.py", ["784", String(h), "10", "256", String(runs)], t)),
    });
  }
  console.log(`\n### Growth: H·v (cached point) of the MLP 784 → h → 10, batch 256, float64\n`);
  const first = rows[0]?.torch.find((t) => typeof t !== "string");
  if (first !== undefined && typeof first !== "string") {
    const i = first.info;
    const b = i.blas.find((x) => x.internal_api !== undefined) ?? i.blas[0];
    console.log(`- PyTorch ${i.torch ?? "?"}, ${b?.internal_api ?? b?.filepath ?? "?"} ${b?.version?.split(" ").slice(0, 2).join(" ") ?? ""}, 1000² a@a ${i.gflops} GFLOP/s at ${i.threads} thread(s); OMP/OPENBLAS_NUM_THREADS = ${PEER_THREADS.join(", ")}`);
  }
  console.log(`- load average at start ${loadStart}; at end ${loadText()}`);
  console.log(`- memory: peak resident set of the whole process (baseline after imports in brackets)`);
  const th = PEER_THREADS.map((t) => `torch ${t} thr.`);
  console.log(`- CPU: CPU time per H·v of the process, all its threads (what a loaded machine disturbs least)\n`);
  const oh = PEER_THREADS.map((t) => `krylov-ts ${t} thr.`);
  console.log(`| h | n | ${oh.map((t) => `${t} (ms)`).join(" | ")} | ${th.map((t) => `${t} (ms)`).join(" | ")} | best time ratio | CPU ms: ${[...oh, ...th].join(" / ")} | krylov-ts peak MB (${PEER_THREADS[0]} thr.) | ${th.map((t) => `${t} peak MB`).join(" | ")} | krylov-ts build (ms) |`);
  console.log(`|---:|---:|${oh.map(() => "---:|").join("")}${th.map(() => "---:|").join("")}---|---|---:|${th.map(() => "---:|").join("")}---:|`);
  const summary: string[] = [];
  for (const r of rows) {
    const ok = r.mine.filter((x): x is Figures => typeof x !== "string");
    const o = ok.length ? ok.reduce((a, b) => (b.hvMs < a.hvMs ? b : a)) : undefined;
    const first = typeof r.mine[0] === "string" ? undefined : r.mine[0];
    const tt = r.torch.map((t) => (typeof t === "string" ? t : { threads: t.info.threads, info: t.info }));
    const tms = r.torch.map((t) => (typeof t === "string" ? Number.NaN : t.result.hvMs));
    const best = bestPeer(tt, tms);
    const n = o?.n ?? r.torch.find((t): t is { info: PeerInfo; result: Figures } => typeof t !== "string")?.result.n ?? 795 * r.h + 10;
    const mem = (f: Figures): string => `${f.peakRssMb.toFixed(0)} (${f.baselineRssMb.toFixed(0)})`;
    const tPeak = Math.max(...r.torch.map((t) => (typeof t === "string" ? Number.NaN : t.result.peakRssMb)).filter(Number.isFinite));
    summary.push(`n ${n.toExponential(0)}: ${o && typeof best !== "string" ? `${(o.hvMs / best.ms).toFixed(2)}×` : "—"}, ${first ? first.peakRssMb.toFixed(0) : "—"} vs ${Number.isFinite(tPeak) ? tPeak.toFixed(0) : "—"} MB`);
    console.log(
      `| ${r.h} | ${n.toLocaleString("en")} | ${r.mine.map((x) => (typeof x === "string" ? x : fmt(x.hvMs))).join(" | ")} | ${r.torch.map((t) => (typeof t === "string" ? t : fmt(t.result.hvMs))).join(" | ")} | ` +
        `${o ? ratioCell(o.hvMs, best) : "—"} | ${[...r.mine, ...r.torch.map((t) => (typeof t === "string" ? t : t.result))].map((x) => (typeof x === "string" ? "—" : fmt(x.hvCpuMs))).join(" / ")} | ${first ? mem(first) : "—"} | ${r.torch.map((t) => (typeof t === "string" ? "—" : mem(t.result))).join(" | ")} | ${first ? fmt(first.buildMs) : "—"} |`,
    );
  }
  reportTarget("growth table n = 10⁴…3·10⁶ (H·v time and peak memory vs PyTorch)", `${summary.join("; ")}${QUICK ? " (--quick: two sizes only)" : ""}`, QUICK ? undefined : rows.every((r) => r.mine.some((x) => typeof x !== "string")));
}
