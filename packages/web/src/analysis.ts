/**
 * The computations of the demo page, shared by its worker and by the tests (which run them in
 * Node and compare with what the page shows): train an MLP on a data set and analyse its loss
 * Hessian by H·v products only; or the extreme eigenvalues and a CG solve of a Matrix Market
 * matrix. Pure functions of their inputs and seeds, reporting progress through a callback.
 *
 * @module
 */
import { hessianOperator } from "@krylov-ts/autodiff";
import { accuracy, densityGrid, initialParams, iris, layout, lossFunction, parseCsv, predict, spirals, train, type Dataset, type MlpSpec } from "@krylov-ts/cli";
import { cg, hutchinson, lanczos, slq } from "@krylov-ts/krylov";
import { poolSupported, readMatrixMarket, threads, vec } from "@krylov-ts/operators";
import type { HessianRequest, HessianResult, MatrixResult, Progress } from "./protocol.js";

/** Trains the MLP of `request` by Adam and analyses its loss Hessian at the trained point. */
export function analyseHessian(request: HessianRequest, onProgress: (p: Progress) => void = () => {}): HessianResult {
  const data = dataset(request);
  const model: MlpSpec = {
    inputs: data.features,
    hidden: [...request.hidden],
    outputs: data.outputs,
    activation: request.activation,
    loss: data.task === "classification" ? "cross-entropy" : "mse",
  };
  const n = layout(model).size;
  const f = lossFunction(model, data);
  const quiet = { start() {}, update() {}, stop() {} };
  const onStep = (step: number, loss: number): void => onProgress({ phase: "training", step, steps: request.steps, loss });
  const trained = train(f, initialParams(model, request.seed), { steps: request.steps, lr: request.lr, onStep }, quiet);
  const acc = data.task === "classification" ? accuracy(predict(model, trained.theta, data), data) : null;

  const H = hessianOperator(f, trained.theta);
  const k = Math.min(request.top, n);
  const top = lanczos(H, {
    k,
    which: "largest",
    tol: 1e-10,
    seed: request.seed,
    callback: (info) => onProgress({ phase: "eigenvalues", locked: info.locked, k, matvecs: info.matvecs, residual: info.residualNorm }),
  });
  const order = Array.from(top.values.keys()).sort((a, b) => (top.values[b] as number) - (top.values[a] as number));
  const trace = hutchinson(H, {
    probes: request.probes,
    seed: request.seed,
    callback: (info) => onProgress({ phase: "trace", probes: info.probes, total: request.probes, estimate: info.trace }),
  });
  const density = slq(H, {
    probes: request.slqProbes,
    steps: Math.min(request.slqSteps, n),
    seed: request.seed,
    callback: (info) => onProgress({ phase: "density", probes: info.probes, total: request.slqProbes }),
  });
  const { grid, sigma } = densityGrid(density.nodes, []);
  return {
    n,
    dataset: data.name,
    samples: data.samples,
    losses: trained.losses,
    accuracy: acc,
    eigenvalues: order.map((i) => top.values[i] as number),
    residuals: order.map((i) => top.residualNorms[i] as number),
    matvecs: top.stats.matvecs,
    status: top.stats.status,
    trace: trace.trace,
    traceError: trace.standardError,
    grid: Array.from(grid),
    density: Array.from(density.density(grid, sigma)),
    threads: poolSupported() ? threads() : 1,
  };
}

/** The k largest and smallest eigenvalues of a symmetric Matrix Market matrix, and CG on A x = 1. */
export function analyseMatrix(text: string, k: number, rtol: number, onProgress: (p: Progress) => void = () => {}): MatrixResult {
  const A = readMatrixMarket(text);
  const [m, n] = A.shape;
  if (m !== n || A.symmetric !== true) {
    throw new RangeError(`the matrix is ${m}×${n}${m === n ? " and not symmetric" : ""}: this tab needs a symmetric matrix`);
  }
  const kk = Math.max(1, Math.min(k, Math.floor(n / 2)));
  const both = lanczos(A, {
    k: 2 * kk,
    which: "both",
    tol: 1e-10,
    seed: 0,
    callback: (info) => onProgress({ phase: "eigenvalues", locked: info.locked, k: 2 * kk, matvecs: info.matvecs, residual: info.residualNorm }),
  });
  const values = Array.from(both.values).sort((a, b) => a - b);
  const b = vec(new Float64Array(n).fill(1));
  const solve = cg(A, b, { rtol, maxIterations: 20 * n, history: true });
  const r = A.apply(solve.x);
  let rr = 0;
  for (let i = 0; i < n; i++) rr += (1 - (r.get(i) as number)) ** 2;
  return {
    rows: n,
    nnz: A.nnz,
    symmetric: true,
    largest: values.slice(values.length - kk).reverse(),
    smallest: values.slice(0, kk),
    eigenStatus: both.stats.status,
    eigenMatvecs: both.stats.matvecs,
    cgResiduals: solve.stats.residualHistory ?? [],
    cgStatus: solve.stats.status,
    cgIterations: solve.stats.iterations,
    cgTrueRelativeResidual: Math.sqrt(rr / n),
  };
}

function dataset(request: HessianRequest): Dataset {
  if (request.data === "iris") return iris();
  if (request.data === "spirals") return spirals(300, 3, request.seed);
  if (request.csv === undefined || request.label === undefined) throw new RangeError("a CSV data set needs its text and its label column");
  return parseCsv(request.csv, "the CSV file", request.label);
}
