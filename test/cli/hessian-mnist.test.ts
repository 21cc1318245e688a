/**
 * `krylov hessian --data mnist --model cnn`: real digits from the mnist package, a CNN trained on
 * them, and its whole-training-set loss Hessian streamed over minibatches; the reported top
 * eigenvalue is checked against the unstreamed Hessian of the same loss at the reported θ*.
 */
import test from "ava";
import { constant, hessianOperator, softmaxCrossEntropy } from "@krylov-ts/autodiff";
import { cnn, mnist } from "@krylov-ts/cli";
import { lanczos } from "@krylov-ts/krylov";
import { krylov } from "./run.ts";

test("a CNN on 30 MNIST digits: its streamed Hessian's top eigenvalue is the full-batch Hessian's", async (t) => {
  const r = await krylov([
    "hessian", "--data", "mnist", "--model", "cnn", "--train-samples", "30", "--batch-size", "7", "--steps", "5",
    "--top", "1", "--bottom", "0", "--probes", "2", "--slq-probes", "1", "--slq-steps", "5", "--max-iterations", "3", "--json",
  ]);
  t.is(r.code === 3 ? 0 : r.code, 0, r.stderr); // 3: the 3-iteration Newton solve did not converge, which is fine here
  const rep = JSON.parse(r.stdout) as { model: { kind: string; parameters: number; batchSize: number }; params: number[]; eigenvalues: { largest: number[] }; data: { samples: number } };
  t.like(rep.model, { kind: "cnn", parameters: 9098, batchSize: 7 });
  t.is(rep.data.samples, 30);
  const net = cnn("tanh");
  const data = mnist(30);
  const f = (theta: Parameters<typeof net.apply>[0]) => softmaxCrossEntropy(net.apply(theta, constant(data.X, [30, 28, 28, 1])), constant(data.Y, [30, 10]));
  const top = lanczos(hessianOperator(f, Float64Array.from(rep.params)), { k: 1, tol: 1e-10 }).values[0] as number;
  t.true(Math.abs((rep.eigenvalues.largest[0] as number) - top) <= 1e-8 * Math.abs(top), `${rep.eigenvalues.largest[0]} vs ${top}`);
});

test("mnist digits come class-balanced, as grey levels in [0, 1] with one-hot labels", (t) => {
  const d = mnist(25);
  t.is(d.X.length, 25 * 784);
  t.true(d.X.every((x) => x >= 0 && x <= 1));
  for (let i = 0; i < 25; i++) t.is(d.Y[i * 10 + (i % 10)], 1);
  t.throws(() => mnist(10001), { message: /mnist: samples must be an integer from 1 to 10,000/ });
});

test("--model cnn needs --data mnist, and --train-samples at most 10,000", async (t) => {
  const a = await krylov(["hessian", "--model", "cnn"]);
  t.is(a.code, 2);
  t.regex(a.stderr, /--model cnn takes 28×28 images: use it with --data mnist, not --data iris/);
  const b = await krylov(["hessian", "--data", "mnist", "--train-samples", "20000"]);
  t.is(b.code, 2);
  t.regex(b.stderr, /--train-samples 20000 is more than the 10,000 digits/);
});
