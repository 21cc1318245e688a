import test from "ava";
import { listOps, getOp, registerOp, evaluate } from "@krylov-ts/autodiff";
import * as ad from "@krylov-ts/autodiff";
import { cases, build } from "./ops-cases.js";
import type { Tensor } from "@krylov-ts/autodiff";

test("every registered op has a shape rule, a kernel, a VJP rule and a JVP rule", (t) => {
  const ops = listOps();
  t.true(ops.length > 30);
  for (const name of ops) {
    const d = getOp(name);
    t.is(d.name, name);
    for (const k of ["shape", "kernel", "vjp", "jvp"] as const) t.is(typeof d[k], "function", `${name} lacks ${k}`);
  }
});

test("the registry refuses a second op with a taken name", (t) => {
  const d = getOp("add");
  t.throws(() => registerOp({ ...d }), { message: "registerOp: an op named 'add' is already registered" });
});

test("the registry refuses an op that lacks a rule", (t) => {
  const d = getOp("exp");
  t.throws(() => registerOp({ ...d, name: "expWithoutJvp", jvp: undefined as unknown as typeof d.jvp }), {
    message: "registerOp: op 'expWithoutJvp' lacks its jvp rule",
  });
  t.false(listOps().includes("expWithoutJvp"));
});

test("getOp of an unknown name is an error", (t) => {
  t.throws(() => getOp("noSuchOp"), { message: "getOp: no op named 'noSuchOp'" });
});

/** Ops that have no derivative of their own (piecewise constant) or pass none; tested elsewhere. */
const notInTable = new Set(["input", "constant", "sign", "greater", "greaterEqual", "stopGradient"]);

test("every differentiable op of the package is exercised by the derivative table", (t) => {
  const seen = new Set<string>();
  cases.forEach((k, i) => {
    const stack: Tensor[] = [build(k, i).y];
    while (stack.length > 0) {
      const n = stack.pop() as Tensor;
      seen.add(n.op);
      stack.push(...n.inputs);
    }
  });
  const own = [
    "add", "sub", "mul", "div", "neg", "pow", "square", "sqrt", "exp", "log", "log1p", "tanh", "sigmoid",
    "erf", "relu", "softplus", "sin", "cos", "abs", "maximum", "where", "sum", "matmul", "transpose", "reshape",
    "broadcastTo", "slice", "pad", "concat", "logSumExp", "logSoftmax", "softmaxCrossEntropy", "dot",
  ];
  for (const name of own) {
    t.true(listOps().includes(name), `${name} is not registered`);
    t.true(seen.has(name) || notInTable.has(name), `${name} is not in the table`);
  }
});

test("sign, greater and greaterEqual have zero derivatives in both modes", (t) => {
  const x = ad.input([3], "x");
  const ys = [ad.sign(x), ad.greater(x, 0.5), ad.greaterEqual(0.5, x)];
  for (const y of ys) {
    const [g] = ad.grad(ad.sum(ad.mul(y, x)), [x]); // only the explicit factor x contributes
    const [d] = ad.jvp([y], [x], [ad.constant([1, 1, 1])]);
    const b: [Tensor, number[]][] = [[x, [-1, 0.5, 2]]];
    t.deepEqual(Array.from(evaluate(g!, b)), Array.from(evaluate(y, b)));
    t.deepEqual(Array.from(evaluate(d!)), [0, 0, 0]);
  }
});
