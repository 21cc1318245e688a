/**
 * The dataset operators spread over worker threads: the same bits as on the calling thread for
 * 1 and 2 threads (an MLP and a small CNN with max-pooling, a partial last batch), equal to the
 * single-batch operator on the concatenated data, progress in batch order, an abort between
 * batches that leaves the workers ready for the next product, a process that exits by itself,
 * and the calling thread where shared memory is missing.
 */
import test from "ava";
import {
  add, constant, conv2d, datasetGaussNewtonOperator, datasetGradient, datasetHessianOperator, hessianOperator, makeNode, matmul, maxPool2d, mul, params,
  registerOp, reshape, softmaxCrossEntropy, square, tanh, type Batch, type Tensor,
} from "@krylov-ts/autodiff";
import { availableKernelBackends, kernelBackend, rng, setKernelBackend, setThreads, vec } from "@krylov-ts/operators";
import { datasetParallelSupported, datasetWorkers, ParallelProduct } from "../../packages/autodiff/src/dataset-parallel.js";
import { runModuleScript } from "../helpers/backends.js";

const r = rng(11);
const N = 13;

// A CNN on 6×6×1 images, 3 classes: conv 3×3×1×2 (same) → tanh → maxPool 2 → dense 18→3.
const C = params({ K: [3, 3, 1, 2], b: [2], W: [18, 3], c: [3] });
const cnn = (theta: Tensor, X: Tensor): Tensor => {
  const { K, b, W, c } = C.views(theta);
  const h = maxPool2d(tanh(add(conv2d(X, K, { padding: "same" }), b)), 2);
  return add(matmul(reshape(h, [X.shape[0] as number, 18]), W), c);
};
// An MLP 5 → 7 → 3.
const M = params({ W1: [5, 7], b1: [7], W2: [7, 3], b2: [3] });
const mlp = (theta: Tensor, X: Tensor): Tensor => {
  const { W1, b1, W2, b2 } = M.views(theta);
  return add(matmul(tanh(add(matmul(X, W1), b1)), W2), b2);
};

function dataset(inputShape: number[]): { inputs: Float64Array; targets: Float64Array; inputShape: number[]; targetShape: number[] } {
  const inputs = r.normalVec(N * inputShape.reduce((a, b) => a * b, 1)).data;
  const targets = new Float64Array(N * 3);
  for (let i = 0; i < N; i++) targets[3 * i + r.integer(3)] = 1;
  return { inputs, targets, inputShape, targetShape: [3] };
}

const models = [
  { name: "a CNN with max-pooling", model: cnn, n: C.n, data: dataset([6, 6, 1]) },
  { name: "an MLP", model: mlp, n: M.n, data: dataset([5]) },
];

const bits = (a: Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex");

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

for (const { name, model, n, data } of models) {
  const loss = (theta: Tensor, batch: Batch): Tensor => softmaxCrossEntropy(model(theta, batch.inputs), batch.targets);
  const theta = r.normalVec(n).data.map((x) => 0.5 * x);
  const v = vec(r.normalVec(n).data);

  test.serial(`${name}: H·v, the gradient and G·v have the same bits on 1 and 2 threads, batches of 4 (last of 1)`, (t) => {
    const products = (threads: number): string[] => {
      const H = datasetHessianOperator(loss, theta, data, { batchSize: 4, threads });
      const G = datasetGaussNewtonOperator(model, (z, y) => softmaxCrossEntropy(z, y), theta, data, { batchSize: 4, threads });
      const g = datasetGradient(loss, n, data, { batchSize: 4, threads })(theta);
      // Twice: the second product reuses the workers and their plans.
      return [bits(H.apply(v).data), bits(H.apply(v).data), bits(G.apply(v).data), bits(g.gradient.data), String(g.value)];
    };
    const one = products(1);
    const two = products(2);
    t.deepEqual(two, one);
    t.is(one[0], one[1]);
    if (datasetParallelSupported()) t.true(datasetWorkers() >= 2, "the products ran on workers");
  });

  test.serial(`${name}: H·v on 2 threads equals the Hessian of the loss on all ${N} samples at once`, (t) => {
    const whole = (x: Tensor): Tensor => softmaxCrossEntropy(model(x, constant(data.inputs, [N, ...data.inputShape])), constant(data.targets, [N, 3]));
    const ref = hessianOperator(whole, theta).apply(v).data;
    for (const batchSize of [3, 5]) {
      const got = datasetHessianOperator(loss, theta, data, { batchSize, threads: 2 }).apply(v).data;
      t.true(maxAbsDiff(got, ref) <= 1e-12 * Math.max(1, maxAbsDiff(ref, new Float64Array(n))), `batchSize ${batchSize}`);
    }
  });
}

test.serial("on 2 threads, progress comes in batch order, an abort stops the product between batches and the next product is whole", (t) => {
  const { model, n, data } = models[0] as (typeof models)[0];
  const loss = (theta: Tensor, batch: Batch): Tensor => softmaxCrossEntropy(model(theta, batch.inputs), batch.targets);
  const theta = r.normalVec(n).data;
  const v = vec(r.normalVec(n).data);
  const controller = new AbortController();
  const seen: number[] = [];
  let abortAt = 3;
  const H = datasetHessianOperator(loss, theta, data, {
    batchSize: 2,
    threads: 2,
    signal: controller.signal,
    onBatch: (done, total) => {
      seen.push(done);
      t.is(total, 7);
      if (done === abortAt) controller.abort(new Error("enough"));
    },
  });
  const out = vec(new Float64Array(n).fill(7));
  t.throws(() => H.apply(v, out), { message: "enough" });
  t.deepEqual(seen, [1, 2, 3]);
  t.true(out.data.every((x) => x === 7));
  // A throw from onBatch stops the product the same way.
  const thrower = datasetHessianOperator(loss, theta, data, {
    batchSize: 2,
    threads: 2,
    onBatch: (done) => {
      if (done === 2) throw new Error("from onBatch");
    },
  });
  t.throws(() => thrower.apply(v), { message: "from onBatch" });
  const reference = bits(datasetHessianOperator(loss, theta, data, { batchSize: 2, threads: 1 }).apply(v).data);
  abortAt = -1;
  seen.length = 0;
  const fresh = datasetHessianOperator(loss, theta, data, { batchSize: 2, threads: 2, onBatch: (done) => seen.push(done) });
  t.is(bits(fresh.apply(v).data), reference);
  t.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7]);
});

test.serial("without the threads option a product follows setThreads when it runs, with the same bits", (t) => {
  const { model, n, data } = models[0] as (typeof models)[0];
  const loss = (theta: Tensor, batch: Batch): Tensor => softmaxCrossEntropy(model(theta, batch.inputs), batch.targets);
  const theta = r.normalVec(n).data;
  const v = vec(r.normalVec(n).data);
  const H = datasetHessianOperator(loss, theta, data, { batchSize: 3 });
  try {
    setThreads(1);
    t.is(H.batches.threads, 1);
    const one = bits(H.apply(v).data);
    setThreads(3);
    t.is(H.batches.threads, datasetParallelSupported() ? 3 : 1);
    t.is(bits(H.apply(v).data), one);
    setThreads(2);
    t.is(bits(H.apply(v).data), one);
  } finally {
    setThreads(undefined);
  }
});

test.serial("the workers use the kernel backend the calling thread has when a product starts", (t) => {
  const { model, n, data } = models[1] as (typeof models)[1];
  const loss = (theta: Tensor, batch: Batch): Tensor => softmaxCrossEntropy(model(theta, batch.inputs), batch.targets);
  const theta = r.normalVec(n).data;
  const v = vec(r.normalVec(n).data);
  const previous = kernelBackend();
  try {
    for (const backend of availableKernelBackends()) {
      setKernelBackend(backend, 0); // every product through the backend, however small
      const one = bits(datasetHessianOperator(loss, theta, data, { batchSize: 5, threads: 1 }).apply(v).data);
      t.is(bits(datasetHessianOperator(loss, theta, data, { batchSize: 5, threads: 2 }).apply(v).data), one, backend);
    }
  } finally {
    setKernelBackend(previous);
  }
});

test("threads outside 1…64 are refused, naming the function and the value", (t) => {
  const { model, n, data } = models[1] as (typeof models)[1];
  const loss = (theta: Tensor, batch: Batch): Tensor => softmaxCrossEntropy(model(theta, batch.inputs), batch.targets);
  for (const bad of [0, 1.5, 65]) {
    t.throws(() => datasetHessianOperator(loss, new Float64Array(n), data, { threads: bad }), { instanceOf: RangeError, message: new RegExp(`^datasetHessianOperator: threads must be an integer in 1…64, got ${bad}`) });
  }
});

/** A script printing the bits of a dataset H·v on 2 threads, whether it ran on workers, and then ending by itself. */
const SCRIPT = (dropShared: boolean): string => `${dropShared ? "delete globalThis.SharedArrayBuffer;" : ""}
const { add, datasetHessianOperator, matmul, params, softmaxCrossEntropy, tanh } = await import("@krylov-ts/autodiff");
const { datasetWorkers } = await import("./packages/autodiff/src/dataset-parallel.ts");
const M = params({ W1: [5, 7], b1: [7], W2: [7, 3], b2: [3] });
const loss = (theta, b) => { const { W1, b1, W2, b2 } = M.views(theta); return softmaxCrossEntropy(add(matmul(tanh(add(matmul(b.inputs, W1), b1)), W2), b2), b.targets); };
const inputs = Float64Array.from({ length: 50 }, (_, i) => Math.sin(3 * i));
const targets = Float64Array.from({ length: 30 }, (_, i) => (i % 4 === 0 ? 1 : 0));
const theta = Float64Array.from({ length: M.n }, (_, i) => Math.cos(i));
const H = datasetHessianOperator(loss, theta, { inputs, targets, inputShape: [5], targetShape: [3] }, { batchSize: 3, threads: 2 });
const y = H.apply(Float64Array.from({ length: M.n }, (_, i) => 1 / (1 + i)));
console.log(JSON.stringify({ workers: datasetWorkers(), bits: Buffer.from(y.data.buffer).toString("hex") }));`;

test.serial("without SharedArrayBuffer products run on the calling thread with the same bits, and a process that used workers exits by itself", (t) => {
  const without = JSON.parse(runModuleScript(t, SCRIPT(true), {})) as { workers: number; bits: string };
  const withWorkers = JSON.parse(runModuleScript(t, SCRIPT(false), {})) as { workers: number; bits: string };
  t.is(without.workers, 0);
  if (datasetParallelSupported()) t.is(withWorkers.workers, 2);
  t.is(withWorkers.bits, without.bits);
});

test.serial("a loss with an op the user registered runs on the calling thread, whatever the threads", (t) => {
  // cube(x) = x³ elementwise, registered here: the workers do not have it.
  const cube = (x: Tensor): Tensor => makeNode("datasetThreadsTestCube", [x]);
  registerOp({
    name: "datasetThreadsTestCube",
    shape: ([s]) => s as readonly number[],
    kernel: ([x], _s, out) => {
      const a = x as Float64Array;
      for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) ** 3;
    },
    vjp: (node, g) => [mul(g, mul(constant(3), square(node.inputs[0] as Tensor)))],
    jvp: (node, [dx]) => (dx === null || dx === undefined ? null : mul(dx, mul(constant(3), square(node.inputs[0] as Tensor)))),
  });
  const { n, data } = models[1] as (typeof models)[1];
  const loss = (theta: Tensor, batch: Batch): Tensor => softmaxCrossEntropy(cube(mlp(theta, batch.inputs)), batch.targets);
  const theta = r.normalVec(n).data.map((x) => 0.3 * x);
  const v = vec(r.normalVec(n).data);
  const one = bits(datasetHessianOperator(loss, theta, data, { batchSize: 4, threads: 1 }).apply(v).data);
  t.is(bits(datasetHessianOperator(loss, theta, data, { batchSize: 4, threads: 2 }).apply(v).data), one);
});

test.serial("a batch that throws on a worker fails the product with the worker's message, and the workers serve the next product", (t) => {
  if (!datasetParallelSupported()) {
    t.pass();
    return;
  }
  // A plan whose op no thread knows: rebuilding it throws on the worker (the main thread never builds it).
  const input = (shape: number[]) => ({ op: "input", inputs: [], shape, attrs: {} });
  const plan = {
    nodes: [input([1]), input([2, 1]), input([2, 1]), { op: "datasetThreadsNoSuchOp", inputs: [0], shape: [1], attrs: {} }],
    outputs: [3], varying: [], fixed: [0, 1, 2], varyingSizes: [], outputSizes: [1],
  };
  const broken = new ParallelProduct([[2, plan]], { inputs: new Float64Array(4), targets: new Float64Array(4) }, 4, 2, 1);
  const taken: number[] = [];
  t.throws(() => broken.run("brokenProduct", 2, new Float64Array(1), [], 2, (k) => taken.push(k), undefined), {
    message: /^brokenProduct: a batch failed on a worker thread: getOp: no op named 'datasetThreadsNoSuchOp'/,
  });
  t.deepEqual(taken, []);
  const { model, n, data } = models[1] as (typeof models)[1];
  const loss = (theta: Tensor, batch: Batch): Tensor => softmaxCrossEntropy(model(theta, batch.inputs), batch.targets);
  const theta = r.normalVec(n).data;
  const v = vec(r.normalVec(n).data);
  const one = bits(datasetHessianOperator(loss, theta, data, { batchSize: 4, threads: 1 }).apply(v).data);
  t.is(bits(datasetHessianOperator(loss, theta, data, { batchSize: 4, threads: 2 }).apply(v).data), one);
});
