/**
 * `krylov hessian --model model.json --data FILE.csv --label COL`: a TF.js Layers model read
 * from its files, analysed at its saved weights (--steps 0) on the CSV's raw features, its
 * classes mapped to output units in sorted order; bad combinations are refused with exit code 2.
 */
import test from "ava";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { constant, hessian, loadTfjsModel, softmaxCrossEntropy, type Tensor } from "@krylov-ts/autodiff";
import { irisMlp } from "../fixtures/tfjs/generate.js";
import { symmetricEigenvalues } from "../helpers/dense.js";
import { krylov, repoRoot, tempDir } from "./run.js";

const modelPath = join(repoRoot, "test/fixtures/tfjs/iris-mlp/model.json");

// 24 flowers: raw measurements and species, the first row's class last in sorted order.
const species = ["virginica", "setosa", "versicolor"];
const rows = Array.from({ length: 24 }, (_, i) => {
  const k = i % 3;
  return [4.5 + k + 0.13 * ((i * 7) % 5), 3 + 0.2 * ((i * 3) % 4) - 0.3 * k, 1.2 + 2 * k + 0.1 * (i % 6), 0.2 + 0.8 * k + 0.05 * ((i * 5) % 3)];
});
const labels = rows.map((_, i) => species[i % 3] as string);

function writeCsv(features: number[][], label: (i: number) => string): string {
  const file = join(tempDir(), "flowers.csv");
  const d = (features[0] as number[]).length;
  writeFileSync(file, [[...Array.from({ length: d }, (_, j) => `x${j}`), "species"].join(","), ...features.map((r, i) => [...r, label(i)].join(","))].join("\n"));
  return file;
}

/** Mean cross-entropy of the fixture by direct loops on raw features, classes in sorted order. */
function directLoss(): number {
  const { bytes } = irisMlp();
  const w = new Float32Array(bytes.buffer.slice(0));
  const W1 = w.subarray(0, 32), b1 = w.subarray(32, 40), W2 = w.subarray(40, 64), b2 = w.subarray(64, 67);
  const sorted = [...species].sort();
  let total = 0;
  rows.forEach((x, i) => {
    const h = Array.from({ length: 8 }, (_, o) => Math.tanh((b1[o] as number) + x.reduce((s, v, p) => s + v * (W1[p * 8 + o] as number), 0)));
    const z = Array.from({ length: 3 }, (_, o) => (b2[o] as number) + h.reduce((s, v, p) => s + v * (W2[p * 3 + o] as number), 0));
    const m = Math.max(...z);
    total += m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0)) - (z[sorted.indexOf(labels[i] as string)] as number);
  });
  return total / rows.length;
}

test("a TF.js model at its saved weights gets the loss of direct loops and the eigenvalues of its dense Hessian", async (t) => {
  const csv = writeCsv(rows, (i) => labels[i] as string);
  const r = await krylov(["hessian", "--model", modelPath, "--data", csv, "--label", "species", "--steps", "0", "--batch-size", "10", "--top", "2", "--bottom", "1", "--probes", "4", "--slq-probes", "2", "--json"]);
  t.is(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as { model: { kind: string; parameters: number; loss: string; layers: string }; training: { initialLoss: number }; eigenvalues: { largest: number[]; smallest: number[] } };
  t.is(rep.model.kind, "tfjs");
  t.is(rep.model.parameters, 67);
  t.is(rep.model.loss, "cross-entropy");
  t.is(rep.model.layers, "Dense(8 tanh)–Dropout–Dense(3 softmax)");
  const loss = directLoss();
  t.true(Math.abs(rep.training.initialLoss - loss) < 1e-13 * loss, `${rep.training.initialLoss} vs ${loss}`);
  // The dense Hessian of the same loss, built here from the loader and the raw data.
  const { json, bytes } = irisMlp();
  const m = loadTfjsModel(json, bytes);
  const sorted = [...species].sort();
  const Y = constant(labels.flatMap((l) => [0, 1, 2].map((k) => (sorted[k] === l ? 1 : 0))), [rows.length, 3]);
  const X = constant(rows.flat(), [rows.length, 4]);
  const H = hessian((th: Tensor) => softmaxCrossEntropy(m.logits(th, X), Y), m.theta);
  const eig = Array.from(symmetricEigenvalues(H.data, m.n)).sort((a, b) => b - a);
  const scale = Math.abs(eig[0] as number);
  t.true(Math.abs((rep.eigenvalues.largest[0] as number) - (eig[0] as number)) < 1e-8 * scale);
  t.true(Math.abs((rep.eigenvalues.largest[1] as number) - (eig[1] as number)) < 1e-8 * scale);
  t.true(Math.abs((rep.eigenvalues.smallest[0] as number) - (eig[eig.length - 1] as number)) < 1e-8 * scale);
});

test("integer labels 0 to c−1 in a numeric column are the classes of a model of c outputs", async (t) => {
  const csv = writeCsv(rows, (i) => String([2, 0, 1][i % 3]));
  const r = await krylov(["hessian", "--model", modelPath, "--data", csv, "--label", "species", "--steps", "0", "--top", "1", "--bottom", "0", "--probes", "2", "--slq-probes", "1", "--json"]);
  t.is(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as { model: { loss: string }; training: { initialLoss: number } };
  t.is(rep.model.loss, "cross-entropy");
  // virginica, setosa, versicolor are 2, 0, 1 here as in sorted order: the same loss.
  t.true(Math.abs(rep.training.initialLoss - directLoss()) < 1e-13 * directLoss());
});

test("a model whose input does not match the CSV's features, or a --model that is not a file or a known model, exits with code 2", async (t) => {
  const csv = writeCsv(rows.map((r) => r.slice(0, 3)), (i) => labels[i] as string);
  const a = await krylov(["hessian", "--model", modelPath, "--data", csv, "--label", "species", "--steps", "0"]);
  t.is(a.code, 2);
  t.regex(a.stderr, /model\.json: the model's input \[4\] takes 4 values per sample, but \S*flowers\.csv has 3 features/);
  const b = await krylov(["hessian", "--model", "resnet"]);
  t.is(b.code, 2);
  t.regex(b.stderr, /--model must be mlp, cnn or a TF\.js model\.json file, got 'resnet'/);
  const c = await krylov(["hessian", "--model", join(tempDir(), "missing.json"), "--data", csv, "--label", "species"]);
  t.is(c.code, 2);
  t.regex(c.stderr, /missing\.json: cannot read the TF\.js model: ENOENT/);
});
