/**
 * Whole-dataset products on 1 and 2 threads (issue 13, dataset-parallel.ts): H·v and the loss
 * gradient of the MNIST CNN of `krylov hessian --model cnn` and of an MLP 784 → 128 → 10 over
 * KRYLOV_BENCH_DATASET_IMAGES MNIST images (default 1,000; `--quick` 500) in batches of 250,
 * the thread count set by `setThreads` (the operators' default). Rounds interleave the settings
 * (1, 2, 1, 2, …); per product, the median wall time and the median CPU time of the whole
 * process (all threads: `process.cpuUsage()`). The two settings' results are checked to be the
 * same bits before any time is shown. Before and after, the cores the process actually gets
 * (two spinning threads): the 2-thread figures mean something only when that is near 2.
 *
 * `npm run bench -- dataset-threads`
 */
import { cpus } from "node:os";
import { Worker } from "node:worker_threads";
import { datasetGradient, datasetHessianOperator, dense, flatten, sequential, softmaxCrossEntropy, tanh, type Batch, type SequentialModel, type Tensor } from "@krylov-ts/autodiff";
import { rng, setThreads, vec, type Vec } from "@krylov-ts/operators";
import { cnn } from "../packages/cli/src/cnn.js";
import { mnist } from "../packages/cli/src/mnist.js";
import { fmt, median, QUICK, reportTarget } from "./lib.js";
import { loadText } from "./peers.js";

const IMAGES = Number(process.env.KRYLOV_BENCH_DATASET_IMAGES ?? (QUICK ? 500 : 1000));
const BATCH = 250;
const ROUNDS = QUICK ? 3 : 7;
const THREADS = [1, 2] as const;

interface Timing { wallMs: number; cpuMs: number }

/** One product's wall and process CPU time. */
function time(fn: () => void): Timing {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  fn();
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  return { wallMs, cpuMs: (c.user + c.system) / 1e3 };
}

const bits = (v: Vec | Float64Array): string => {
  const d = v instanceof Float64Array ? v : v.data;
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString("hex");
};

/**
 * Cores this process gets now: two worker threads spin for `ms` and the process's CPU time is
 * divided by the wall time (2.0 on a quiet 2-core machine; 1.0 when another job holds a core).
 * The load average alone does not tell: a busy neighbour outside this container does not show.
 */
async function coresAvailable(ms = 600): Promise<number> {
  const code = `const t = Date.now(); let x = 0; while (Date.now() - t < ${ms}) x += Math.sqrt(x + 1); require("node:worker_threads").parentPort.postMessage(x);`;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await Promise.all([0, 1].map(() => new Promise((resolve) => new Worker(code, { eval: true }).once("message", resolve))));
  const wall = Number(process.hrtime.bigint() - t0) / 1e3;
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / wall;
}

export default async function main(): Promise<void> {
  const coresBefore = await coresAvailable();
  const data = mnist(IMAGES);
  const set = { inputs: data.X, targets: data.Y, inputShape: [28, 28, 1], targetShape: [data.outputs] };
  const mlp = sequential([flatten(), dense(128, { activation: tanh }), dense(10)], [28, 28, 1]);
  const models: Array<{ name: string; model: SequentialModel }> = [
    { name: "MNIST CNN (conv–pool–conv–pool–dense, tanh)", model: cnn("tanh") },
    { name: "MLP 784 → 128 → 10 (tanh)", model: mlp },
  ];
  const load = loadText();
  const rows: string[] = [];
  for (const { name, model } of models) {
    const loss = (theta: Tensor, batch: Batch): Tensor => softmaxCrossEntropy(model.apply(theta, batch.inputs), batch.targets);
    const theta = model.init(0);
    const v = vec(rng(1).normalVec(model.n).data);
    const H = datasetHessianOperator(loss, theta, set, { batchSize: BATCH });
    const g = datasetGradient(loss, model.n, set, { batchSize: BATCH });
    const cases = [
      { what: "H·v", fn: () => H.apply(v) },
      { what: "loss and gradient", fn: () => g(theta).gradient },
    ];
    for (const c of cases) {
      const seen = THREADS.map((t) => {
        setThreads(t);
        return bits(c.fn()); // also the warm-up: plans compiled, workers started
      });
      if (seen.some((s) => s !== seen[0])) throw new Error(`dataset-threads: ${name} ${c.what} differs between 1 and 2 threads`);
      const times = THREADS.map(() => [] as Timing[]);
      for (let r = 0; r < ROUNDS; r++) {
        THREADS.forEach((t, i) => {
          setThreads(t);
          (times[i] as Timing[]).push(time(() => void c.fn()));
        });
      }
      const wall = times.map((ts) => median(ts.map((x) => x.wallMs)));
      const cpu = times.map((ts) => median(ts.map((x) => x.cpuMs)));
      rows.push(`| ${name}, n = ${model.n.toLocaleString("en")} | ${c.what} | ${wall.map(fmt).join(" | ")} | ${cpu.map(fmt).join(" | ")} | ${((wall[0] as number) / (wall[1] as number)).toFixed(2)}× |`);
      if (c.what === "H·v" && model === (models[0] as (typeof models)[0]).model) {
        reportTarget(`MNIST CNN dataset H·v (${IMAGES} images), 2 threads vs 1`, `${((wall[0] as number) / (wall[1] as number)).toFixed(2)}× faster (wall ${fmt(wall[0] as number)} → ${fmt(wall[1] as number)} ms, CPU ${fmt(cpu[0] as number)} → ${fmt(cpu[1] as number)} ms); load ${loadText()}`, undefined);
      }
    }
  }
  setThreads(undefined);
  const coresAfter = await coresAvailable();
  console.log(`\n### Whole-dataset products over ${IMAGES.toLocaleString("en")} MNIST images in batches of ${BATCH}, 1 vs 2 threads (same bits)\n`);
  console.log(`- ${cpus().length} cores; ${ROUNDS} interleaved rounds, medians; CPU is the whole process's (all threads)`);
  console.log(`- load average at start ${load}; at end ${loadText()}`);
  console.log(`- cores this process got (two spinning threads' CPU over wall): ${coresBefore.toFixed(2)} before, ${coresAfter.toFixed(2)} after — a 2-thread figure means little below 2\n`);
  console.log("| model | product | wall 1 thr. (ms) | wall 2 thr. (ms) | CPU 1 thr. (ms) | CPU 2 thr. (ms) | wall speed-up |");
  console.log("|---|---|---:|---:|---:|---:|---:|");
  for (const row of rows) console.log(row);
}
