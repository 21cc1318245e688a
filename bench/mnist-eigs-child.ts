/**
 * Our side of the eigenvalue comparison of bench/mnist.bench.ts, in a fresh process so that its
 * peak resident set is this run's alone: the top k eigenvalues of the CNN's whole-data-set loss
 * Hessian by `lanczos` on `datasetHessianOperator` (streamed in batches).
 *
 * Usage: node --conditions=source --import=tsx bench/mnist-eigs-child.ts THETA_FILE IMAGES BATCH K TOL
 * Prints one JSON line {matvecs, secs, cpuSecs, values, residualNorms, status, baselineRssMb, peakRssMb}.
 */
import { readFileSync } from "node:fs";
import { lanczos } from "@krylov-ts/krylov";
import { cnn, cnnHessian } from "../packages/cli/src/cnn.js";
import { mnist } from "../packages/cli/src/mnist.js";

const [thetaFile, images, batch, k, tol] = process.argv.slice(2);
const theta = new Float64Array(readFileSync(thetaFile as string).buffer.slice(0));
const model = cnn("tanh");
const data = mnist(Number(images));
const baselineRssMb = process.resourceUsage().maxRSS / 1024;
const H = cnnHessian(model, data, theta, Number(batch));
const c0 = process.cpuUsage();
const t0 = performance.now();
const r = lanczos(H, { k: Number(k), which: "largest", tol: Number(tol), seed: 0 });
const secs = (performance.now() - t0) / 1000;
const c1 = process.cpuUsage(c0);
console.log(JSON.stringify({
  matvecs: r.stats.matvecs,
  secs,
  cpuSecs: (c1.user + c1.system) / 1e6,
  values: Array.from(r.values).sort((a, b) => a - b),
  residualNorms: Array.from(r.residualNorms),
  status: r.stats.status,
  baselineRssMb,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
}));
