/**
 * Dense matrix products: GFLOP/s of each kernel backend (JavaScript, WebAssembly SIMD, relaxed
 * SIMD where the engine has it) on every product the benchmark MLPs make (784→256→10 and
 * 100→64→10 at batch 256: the forward products and both VJP products of each layer, in the
 * transpose cases autodiff uses) and the MNIST CNN's first-layer weight gradient, side by side with PyTorch float64 (torch.mm on OpenBLAS) at
 * 1 and 2 threads, interleaved. The WebAssembly operands are in an arena, as in a compiled
 * plan (in place, no copies). Each backend on one thread (`setThreads(1)`), then the fastest
 * on two threads (the worker pool splits products of at least 2^20 multiply-adds).
 *
 * Node 20 has relaxed SIMD only behind a flag:
 * `node --experimental-wasm-relaxed-simd --conditions=source --import=tsx bench/run.ts gemm`
 * (Node ≥ 22 has it by default). `--quick`: fewer rounds.
 */
import { availableKernelBackends, gemm, gemmArena, poolSupported, rng, setKernelBackend, setThreads, type KernelBackend } from "@krylov-ts/operators";
import { QUICK } from "./lib.js";
import { bestPeer, loadText, printPeers, sideBySide, startPeers } from "./peers.js";

/** One product of an MLP layer: op(A) m×k, op(B) k×n. */
interface Shape {
  name: string;
  m: number;
  n: number;
  k: number;
  tA: boolean;
  tB: boolean;
}

/** The six products of each layer d → h at batch B: Z = X·W, ∂X = G·Wᵀ, ∂W = Xᵀ·G. */
function layerShapes(tag: string, B: number, d: number, h: number): Shape[] {
  return [
    { name: `${tag} X·W`, m: B, n: h, k: d, tA: false, tB: false },
    { name: `${tag} G·Wᵀ`, m: B, n: d, k: h, tA: false, tB: true },
    { name: `${tag} Xᵀ·G`, m: d, n: h, k: B, tA: true, tB: false },
  ];
}

const shapes: Shape[] = [
  ...layerShapes("784→256 L1", 256, 784, 256),
  ...layerShapes("784→256 L2", 256, 256, 10),
  ...layerShapes("100→64 L1", 256, 100, 64),
  ...layerShapes("100→64 L2", 256, 64, 10),
  { name: "square 1000", m: 1000, n: 1000, k: 1000, tA: false, tB: false },
  // The MNIST CNN's weight gradient of its first convolution: im2col patchesᵀ · output gradient.
  { name: "CNN conv1 ∂W", m: 72, n: 16, k: 39200, tA: true, tB: false },
];

/** Runs the product of `s` on `backend` over operands made once (in an arena for WebAssembly). */
function productCase(s: Shape, backend: KernelBackend): () => void {
  const r = rng(7);
  const sizes = [s.m * s.k, s.k * s.n, s.m * s.n];
  const arrays = (backend === "js" ? undefined : gemmArena(sizes)) ?? sizes.map((n) => new Float64Array(n));
  const [A, B, C] = arrays as [Float64Array, Float64Array, Float64Array];
  for (let i = 0; i < A.length; i++) A[i] = r.normal();
  for (let i = 0; i < B.length; i++) B[i] = r.normal();
  const rsa = s.tA ? 1 : s.k, csa = s.tA ? s.m : 1, rsb = s.tB ? 1 : s.n, csb = s.tB ? s.k : 1;
  return () => {
    const previous = setKernelBackend(backend);
    gemm(s.m, s.n, s.k, A, 0, rsa, csa, B, 0, rsb, csb, C, 0, s.n, 0);
    setKernelBackend(previous);
  };
}

export default async function main(): Promise<void> {
  const backends = availableKernelBackends();
  const spec = (s: Shape): string => `${s.m},${s.n},${s.k},${s.tA ? 1 : 0},${s.tB ? 1 : 0}`;
  const peers = await startPeers("torch", "gemm_torch.py", shapes.map(spec));
  console.log(`Dense products, float64, GFLOP/s (2mnk / median time), load ${loadText()}; backends here: ${backends.join(", ")}${backends.includes("relaxed-simd") ? "" : " (relaxed SIMD: Node 20 needs --experimental-wasm-relaxed-simd)"}`);
  printPeers(peers);
  const options = { rounds: QUICK ? 2 : 7, warmup: 1, maxTime: QUICK ? 0.05 : 0.1 };
  const previousThreads = setThreads(1);
  const pairs = shapes.flatMap((s) => backends.map((b) => ({ ours: { name: `${s.name} ${b}`, fn: productCase(s, b) }, peerCase: spec(s) })));
  const rows = await sideBySide(pairs, peers, options);
  // The fastest backend again on two threads (the peers again too, in the same rounds).
  const fastest = backends[backends.length - 1] as KernelBackend;
  setThreads(2);
  const two = poolSupported() ? await sideBySide(shapes.map((s) => ({ ours: { name: `${s.name} ${fastest} 2 thr.`, fn: productCase(s, fastest) }, peerCase: spec(s) })), peers, options) : [];
  setThreads(previousThreads);
  const gf = (s: Shape, ms: number): string => (Number.isFinite(ms) ? ((2 * s.m * s.n * s.k) / ms / 1e6).toFixed(1) : "—");
  const header = ["product", "m×k·k×n", ...backends.map((b) => `${b} 1 thr.`), `${fastest} 2 thr.`, ...peers.map((p) => (typeof p === "string" ? "torch ?" : `torch ${p.threads} thr.`)), "best ours / best torch (time)"];
  console.log(`\n| ${header.join(" | ")} |\n|${header.map(() => "---").join("|")}|`);
  shapes.forEach((s, i) => {
    const mine = rows.slice(i * backends.length, (i + 1) * backends.length);
    const torch = (mine[0]?.peerMs ?? []) as number[];
    const bestOurs = Math.min(...mine.map((r) => r.oursMs), two[i]?.oursMs ?? Infinity);
    const best = bestPeer(peers, torch);
    const ratio = typeof best === "string" ? best : `${(bestOurs / best.ms).toFixed(2)}× (vs ${best.threads} thr.)`;
    const dims = `${s.m}×${s.k}${s.tA ? "ᵀ" : ""}·${s.k}×${s.n}${s.tB ? "ᵀ" : ""}`;
    console.log(`| ${s.name} | ${dims} | ${mine.map((r) => gf(s, r.oursMs)).join(" | ")} | ${gf(s, two[i]?.oursMs ?? Number.NaN)} | ${torch.map((ms) => gf(s, ms)).join(" | ")} | ${ratio} |`);
  });
  // GFLOP per CPU-second on one thread: what a loaded machine lowers least (a long product's
  // wall time there includes the time the scheduler gives to other processes).
  setThreads(1);
  console.log(`\nOne thread, GFLOP per CPU-second (≥ ${QUICK ? 0.05 : 0.3} CPU-s per figure, best of 3), load ${loadText()}`);
  console.log(`| product | ${backends.join(" | ")} |\n|---|${backends.map(() => "---").join("|")}|`);
  for (const s of shapes) {
    const cells = backends.map((b) => {
      const fn = productCase(s, b);
      let best = 0;
      for (let r = 0; r < 3; r++) {
        const c0 = process.cpuUsage();
        let calls = 0;
        let used = 0;
        while (used < (QUICK ? 0.05 : 0.3) / 3 || calls < 2) {
          fn();
          calls++;
          const c = process.cpuUsage(c0);
          used = (c.user + c.system) / 1e6;
        }
        best = Math.max(best, (2 * s.m * s.n * s.k * calls) / used / 1e9);
      }
      return best.toFixed(1);
    });
    console.log(`| ${s.name} | ${cells.join(" | ")} |`);
  }
  setThreads(previousThreads);
  for (const p of peers) if (typeof p !== "string") p.close();
  console.log(`\nload after: ${loadText()}`);
}
