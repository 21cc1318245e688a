/**
 * The committed TF.js fixture (test/fixtures/tfjs/iris-mlp) is what its generator writes, and it
 * loads as the Dense–Dropout–Dense softmax model its model.json declares.
 */
import test from "ava";
import { readFileSync } from "node:fs";
import { constant, evaluate, input, loadTfjsModel } from "@krylov-ts/autodiff";
import { irisMlp } from "../fixtures/tfjs/generate.js";

const dir = new URL("../fixtures/tfjs/iris-mlp/", import.meta.url);

test("the committed fixture equals the output of its generator", (t) => {
  const { json, bytes } = irisMlp();
  t.deepEqual(JSON.parse(readFileSync(new URL("model.json", dir), "utf8")), json);
  t.deepEqual(new Uint8Array(readFileSync(new URL("weights.bin", dir))), bytes);
});

test("the fixture loads as a 4→8 tanh→3 softmax model whose outputs are probabilities", (t) => {
  const m = loadTfjsModel(JSON.parse(readFileSync(new URL("model.json", dir), "utf8")), readFileSync(new URL("weights.bin", dir)));
  t.is(m.n, 4 * 8 + 8 + 8 * 3 + 3);
  t.is(m.outputActivation, "softmax");
  t.deepEqual(m.layers.map((l) => `${l.className}:${l.activation ?? ""}`), ["Dense:tanh", "Dropout:", "Dense:softmax"]);
  const th = input([m.n], "theta");
  const p = evaluate(m.apply(th, constant([5.1, 3.5, 1.4, 0.2, 6.3, 2.5, 5.0, 1.9], [2, 4])), [[th, m.theta]]);
  for (const s of [0, 1]) t.true(Math.abs((p[3 * s] as number) + (p[3 * s + 1] as number) + (p[3 * s + 2] as number) - 1) < 1e-15);
});
