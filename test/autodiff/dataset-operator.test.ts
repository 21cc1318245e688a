/**
 * The whole-dataset operators equal the single-batch operators on the concatenated data (to
 * rounding) for any batch size, the last partial batch included; they stream (one plan per batch
 * size), honour an AbortSignal between batches and refuse malformed data.
 */
import test from "ava";
import {
  add, conv2d, datasetGaussNewtonOperator, datasetGradient, datasetHessianOperator, gaussNewtonOperator, gradientFunction,
  hessianOperator, matmul, maxPool2d, params, reshape, softmaxCrossEntropy, tanh, constant, type Batch, type Tensor,
} from "@krylov-ts/autodiff";
import { rng, toDense, vec } from "@krylov-ts/operators";

// A small CNN on 6×6×1 images, 3 classes: conv 3×3×1×2 (same) → tanh → maxPool 2 → dense 18→3.
const P = params({ K: [3, 3, 1, 2], b: [2], W: [18, 3], c: [3] });
const model = (theta: Tensor, X: Tensor): Tensor => {
  const { K, b, W, c } = P.views(theta);
  const h = maxPool2d(tanh(add(conv2d(X, K, { padding: "same" }), b)), 2);
  return add(matmul(reshape(h, [X.shape[0] as number, 18]), W), c);
};
const loss = (theta: Tensor, batch: Batch): Tensor => softmaxCrossEntropy(model(theta, batch.inputs), batch.targets);

const N = 11;
const r = rng(3);
const inputs = r.normalVec(N * 36).data;
const targets = new Float64Array(N * 3);
for (let i = 0; i < N; i++) targets[3 * i + r.integer(3)] = 1;
const data = { inputs, targets, inputShape: [6, 6, 1], targetShape: [3] };
const theta = r.normalVec(P.n).data.map((x) => 0.5 * x);
const whole = (t: Tensor): Tensor => softmaxCrossEntropy(model(t, constant(inputs, [N, 6, 6, 1])), constant(targets, [N, 3]));

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

for (const batchSize of [1, 4, 5, 11, 64]) {
  test(`the dataset Hessian with batches of ${batchSize} equals the Hessian on all ${N} samples at once`, (t) => {
    const H = datasetHessianOperator(loss, theta, data, { batchSize });
    t.is(H.batches.batches, Math.ceil(N / Math.min(batchSize, N)));
    const ref = toDense(hessianOperator(whole, theta));
    const got = toDense(H);
    t.true(maxAbsDiff(got.data, ref.data) <= 1e-12 * Math.max(1, maxAbsDiff(ref.data, new Float64Array(ref.data.length))));
  });
}

test("the dataset gradient and Gauss–Newton operator equal their single-batch versions, with a partial last batch", (t) => {
  const g = datasetGradient(loss, P.n, data, { batchSize: 4 })(theta);
  const ref = gradientFunction(whole, P.n)(vec(theta));
  t.true(Math.abs(g.value - ref.value) <= 1e-14 * Math.abs(ref.value));
  t.true(maxAbsDiff(g.gradient.data, ref.gradient.data) <= 1e-14);
  const G = datasetGaussNewtonOperator(model, (z, y) => softmaxCrossEntropy(z, y), theta, data, { batchSize: 3 });
  const Gref = gaussNewtonOperator((x) => model(x, constant(inputs, [N, 6, 6, 1])), (z) => softmaxCrossEntropy(z, constant(targets, [N, 3])), theta);
  t.true(maxAbsDiff(toDense(G).data, toDense(Gref).data) <= 1e-13);
});

test("a single-batch operator reuses its forward pass between products and redoes it after setPoint", (t) => {
  const H = datasetHessianOperator(loss, theta, data, { batchSize: 64 });
  const v = vec(r.normalVec(P.n).data);
  const first = Array.from(H.apply(v).data);
  t.deepEqual(Array.from(H.apply(v).data), first);
  const moved = theta.map((x) => 1.1 * x);
  const ref = hessianOperator(whole, moved).apply(v);
  t.true(maxAbsDiff(H.setPoint(moved).apply(v).data, ref.data) <= 1e-12 * Math.max(1, maxAbsDiff(ref.data, new Float64Array(P.n))));
  t.true(maxAbsDiff(H.setPoint(theta).apply(v).data, first) === 0);
});

test("a product reports its progress per batch and stops between batches when its signal aborts, leaving out untouched", (t) => {
  const controller = new AbortController();
  const seen: number[] = [];
  const H = datasetHessianOperator(loss, theta, data, {
    batchSize: 2,
    signal: controller.signal,
    onBatch: (done, total) => {
      seen.push(done);
      if (done === 3) controller.abort(new Error("enough"));
      t.is(total, 6);
    },
  });
  const out = vec(new Float64Array(P.n).fill(7));
  t.throws(() => H.apply(vec(new Float64Array(P.n).fill(1)), out), { message: "enough" });
  t.deepEqual(seen, [1, 2, 3]);
  t.true(out.data.every((x) => x === 7));
});

test("malformed data and options are refused with a message naming the function and the sizes", (t) => {
  t.throws(() => datasetHessianOperator(loss, theta, { ...data, targets: new Float64Array(5) }), { message: /datasetHessianOperator: data.targets has 5 values but 11 samples of targetShape \[3\] need 33/ });
  t.throws(() => datasetHessianOperator(loss, theta, { ...data, inputs: new Float64Array(40) }), { message: /datasetHessianOperator: data.inputs has 40 values, not a positive multiple of ∏inputShape = 36/ });
  t.throws(() => datasetHessianOperator(loss, theta, data, { batchSize: 0 }), { message: /batchSize must be a positive integer/ });
  t.throws(() => datasetHessianOperator(loss, theta, data, { batchsize: 4 } as never), { message: /unknown option 'batchsize' \(did you mean 'batchSize'\?\)/ });
});
