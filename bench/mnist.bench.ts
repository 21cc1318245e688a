/**
 * The MNIST CNN of `krylov hessian --model cnn` against PyTorch f64 on OpenBLAS (issue 13): the
 * same architecture, weights and images on both sides (bench/mnist_torch.py reads ours).
 *
 * 1. Loss, gradient and H·v of the mean cross-entropy over N images (KRYLOV_BENCH_MNIST_IMAGES,
 *    default 1,000), streamed in batches of 250 on both sides; torch's must agree with ours to
 *    1e-12 relative before any time is shown. Then the times, interleaved, each side at 1 and 2
 *    threads, the ratio at each one's best.
 * 2. The top 5 eigenvalues of the whole-training-set Hessian (KRYLOV_BENCH_MNIST_EIG_IMAGES,
 *    default 8,000 images): `lanczos` on our dataset operator against SciPy's `eigsh` over
 *    torch's dataset H·v, each in a fresh process (products, wall and CPU time, peak RSS).
 *
 * The weights: Glorot-uniform (seed 0), then KRYLOV_BENCH_MNIST_STEPS (default 20) full-batch
 * Adam steps on the first 1,000 images. `npm run bench -- mnist` (`--quick`: 200 and 300 images,
 * 3 steps).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kernelBackend, rng, setThreads, vec } from "@krylov-ts/operators";
import { cnn, cnnGradient, cnnHessian, cnnLoss } from "../packages/cli/src/cnn.js";
import { mnist } from "../packages/cli/src/mnist.js";
import { train } from "../packages/cli/src/train.js";
import { fmt, QUICK, reportTarget } from "./lib.js";
import { bestPeer, here, loadText, PEER_THREADS, Peer, peerCell, printPeers, ratioCell, sideBySide, startPeers } from "./peers.js";

const IMAGES = Number(process.env.KRYLOV_BENCH_MNIST_IMAGES ?? (QUICK ? 200 : 1000));
const EIG_IMAGES = Number(process.env.KRYLOV_BENCH_MNIST_EIG_IMAGES ?? (QUICK ? 300 : 8000));
const STEPS = Number(process.env.KRYLOV_BENCH_MNIST_STEPS ?? (QUICK ? 3 : 20));
const BATCH = 250;
const AGREE = 1e-12;
const silent = { start() {}, update() {}, stop() {} };

interface Setup { n: number; relDiffLoss: number; relDiffGradient: number; relDiffHv: number }

/** Writes what mnist_torch.py reads: N, batch, X, Y, θ, v, our loss, gradient and H·v. */
function writeData(file: string, images: number, theta: Float64Array, v: Float64Array): { loss: number } {
  const model = cnn("tanh");
  const data = mnist(images);
  const { value, gradient } = cnnGradient(model, data, BATCH)(vec(theta));
  const hv = cnnHessian(model, data, theta, BATCH).apply(vec(v));
  const parts = [new Float64Array([images, BATCH]), data.X, data.Y, theta, v, new Float64Array([value]), gradient.data.slice(0, model.n), hv.data.slice(0, model.n)];
  writeFileSync(file, Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))));
  return { loss: value };
}

function agreementText(s: Setup): string {
  return `loss ${s.relDiffLoss.toExponential(1)}, gradient ${s.relDiffGradient.toExponential(1)}, H·v ${s.relDiffHv.toExponential(1)}`;
}
const agrees = (s: Setup): boolean => s.relDiffLoss <= AGREE && s.relDiffGradient <= AGREE && s.relDiffHv <= AGREE;

export default async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "krylov-mnist-"));
  try {
    const model = cnn("tanh");
    const names = model.layout.names.map((k) => `${k} [${model.layout.entry(k).shape.join(", ")}]`).join(", ");
    if (names !== "l0.kernel [3, 3, 1, 8], l0.bias [8], l2.kernel [3, 3, 8, 16], l2.bias [16], l5.kernel [784, 10], l5.bias [10]") {
      throw new Error(`mnist bench: the CNN's layout changed (${names}); update bench/mnist_torch.py`);
    }
    const trainSet = mnist(1000);
    const trained = train(cnnLoss(model, trainSet), model.init(0), { steps: STEPS, lr: 0.01 }, silent);
    const theta = trained.theta;
    const v = rng(1).normalVec(model.n).data;
    const title = `MNIST CNN (conv3×3×8–pool–conv3×3×16–pool–dense10, tanh), n = ${model.n.toLocaleString("en")}, ${IMAGES.toLocaleString("en")} images in batches of ${BATCH}, float64; θ after ${STEPS} Adam steps (loss ${fmt(trained.losses[0] ?? NaN)} → ${fmt(trained.losses[trained.losses.length - 1] ?? NaN)})`;
    const loadStart = loadText();

    // 1. Agreement, then the times.
    const data = mnist(IMAGES);
    const file = join(dir, "mnist.f64");
    writeData(file, IMAGES, theta, v);
    const peers = await startPeers("torch", "mnist_torch.py", [file]);
    const timed = peers.map((p) => (typeof p === "string" ? p : agrees(p.setup as Setup) ? p : `${p.threads} thread(s): disagrees with ours (${agreementText(p.setup as Setup)})`));
    const H = cnnHessian(model, data, theta, BATCH);
    const fg = cnnGradient(model, data, BATCH);
    const th = vec(theta);
    const vv = vec(v);
    const cases = [
      { ours: { name: "loss and gradient (datasetGradient)", fn: () => void fg(th) }, peerCase: "gradient" },
      { ours: { name: "H·v (datasetHessianOperator.apply)", fn: () => void H.apply(vv) }, peerCase: "hvp" },
    ];
    const all = await sideBySide(
      cases.flatMap((c) => PEER_THREADS.map((t, k) => ({ ...c, peerCase: k === 0 ? c.peerCase : "", before: () => void setThreads(t) }))),
      timed,
      { rounds: QUICK ? 2 : 3, warmup: 1, maxTime: 0.01 },
    );
    setThreads(undefined);
    const loadEnd = loadText();
    for (const p of peers) if (typeof p !== "string") p.close();
    console.log(`\n### ${title}\n`);
    printPeers(peers);
    peers.forEach((p) => typeof p !== "string" && console.log(`- torch ${p.threads} thread(s) vs ours, relative difference: ${agreementText(p.setup as Setup)}`));
    console.log(`- krylov-ts: kernel backend ${kernelBackend()}, threads ${PEER_THREADS.join(" and ")} (setThreads)`);
    console.log(`- load average at start ${loadStart}; at end ${loadEnd}\n`);
    const heads = peers.map((p, j) => `PyTorch ${typeof p === "string" ? `setting ${j + 1}` : `${p.threads} thr.`} (ms)`);
    console.log(`| case | ${PEER_THREADS.map((t) => `krylov-ts ${t} thr. (ms)`).join(" | ")} | ${heads.join(" | ")} | krylov-ts best / PyTorch best |`);
    console.log(`|---|${PEER_THREADS.map(() => "---:|").join("")}${heads.map(() => "---:|").join("")}---|`);
    let hvBest: { ours: number; threads: number; ratio: string } | undefined;
    cases.forEach((c, i) => {
      const mine = all.slice(i * PEER_THREADS.length, (i + 1) * PEER_THREADS.length);
      const k = mine.reduce((b, r, j) => (r.oursMs < (mine[b] as typeof r).oursMs ? j : b), 0);
      const first = mine[0] as (typeof all)[0];
      const best = bestPeer(timed, first.peerMs);
      const ratio = ratioCell((mine[k] as (typeof all)[0]).oursMs, best);
      console.log(`| ${c.ours.name} | ${mine.map((x) => fmt(x.oursMs)).join(" | ")} | ${timed.map((p, j) => peerCell(p as Peer | string, first.peerMs[j] as number)).join(" | ")} | ${ratio} (ours at ${PEER_THREADS[k]} thr.) |`);
      if (c.peerCase === "hvp") hvBest = { ours: (mine[k] as (typeof all)[0]).oursMs, threads: PEER_THREADS[k] as number, ratio };
    });
    if (hvBest !== undefined) reportTarget(`MNIST CNN dataset H·v (${IMAGES} images) vs PyTorch f64`, `${hvBest.ratio}; ours ${fmt(hvBest.ours)} ms at ${hvBest.threads} thr.; load ${loadEnd}`, undefined);

    // 2. Top-5 eigenvalues of the whole-training-set Hessian, each side in a fresh process.
    const thetaFile = join(dir, "theta.f64");
    writeFileSync(thetaFile, Buffer.from(theta.buffer, theta.byteOffset, theta.byteLength));
    const eigLoad = loadText();
    const ours = spawnSync(process.execPath, ["--conditions=source", "--import=tsx", join(here, "mnist-eigs-child.ts"), thetaFile, String(EIG_IMAGES), String(BATCH), "5", "1e-10"], { encoding: "utf8", maxBuffer: 1 << 24 });
    if (ours.status !== 0) throw new Error(`mnist-eigs-child failed: ${ours.stderr}`);
    const o = JSON.parse(ours.stdout.trim().split("\n").pop() as string) as { matvecs: number; secs: number; cpuSecs: number; values: number[]; status: string; peakRssMb: number; baselineRssMb: number };
    const eigFile = join(dir, "mnist-eig.f64");
    writeData(eigFile, EIG_IMAGES, theta, v);
    const threads = Number(process.env.KRYLOV_BENCH_MNIST_EIG_THREADS ?? 1);
    const p = await Peer.start("torch", "mnist_torch.py", [eigFile], threads);
    console.log(`\n### Top 5 eigenvalues of the loss Hessian over ${EIG_IMAGES.toLocaleString("en")} images (the same θ), load ${eigLoad}\n`);
    if (typeof p === "string") {
      console.log(`- torch: ${p}`);
      return;
    }
    const s = p.setup as Setup;
    const t = await p.run<{ matvecs: number; secs: number; cpuSecs: number; values: number[]; peakRssMb: number }>("eigsh", { k: 5, tol: 1e-10 });
    p.close();
    console.log(`- ${p.label()}; torch vs ours on these images: ${agreementText(s)}`);
    const scale = Math.max(...o.values.map(Math.abs));
    const diff = Math.max(...o.values.map((x, i) => Math.abs(x - (t.values[i] as number)))) / scale;
    console.log(`- load at end ${loadText()}\n`);
    console.log("| method | H·v products | wall (s) | CPU (s) | peak RSS (MB) | λ1 … λ5 |");
    console.log("|---|---:|---:|---:|---:|---|");
    console.log(`| krylov-ts lanczos (tol 1e-10, ${o.status}) | ${o.matvecs} | ${o.secs.toFixed(1)} | ${o.cpuSecs.toFixed(1)} | ${o.peakRssMb.toFixed(0)} (after imports and data ${o.baselineRssMb.toFixed(0)}) | ${[...o.values].reverse().map((x) => x.toPrecision(12)).join(", ")} |`);
    console.log(`| SciPy eigsh over torch's H·v (tol 1e-10, ${threads} thr.) | ${t.matvecs} | ${t.secs.toFixed(1)} | ${t.cpuSecs.toFixed(1)} | ${t.peakRssMb.toFixed(0)} | ${[...t.values].reverse().map((x) => x.toPrecision(12)).join(", ")} |`);
    console.log(`\nmax |λ_ours − λ_eigsh| / |λ1| = ${diff.toExponential(2)}`);
    reportTarget(`MNIST CNN top-5 eigenvalues (${EIG_IMAGES} images) agree with eigsh to 1e-8`, `${diff.toExponential(1)}; ${o.matvecs} vs ${t.matvecs} products, ${o.secs.toFixed(0)} s vs ${t.secs.toFixed(0)} s`, diff <= 1e-8);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
