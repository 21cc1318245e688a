import test from "ava";
import { checkOptions, checkSymmetric, csr, dense, diagonal, operator, projector, readMatrixMarket, vec } from "@krylov-ts/operators";
import { cg, hutchinson, lanczos, lanczosProcess, minres, powerIteration, slq, tridiagonalEigen } from "@krylov-ts/krylov";
import { avgPool2d, compile, constant, conv2d, conv2dLayer, dense as denseLayer, grad, hessian, hessianOperator, hvp, input, matmul, maxPool2d, params, pool2dLayer, reshape, square, sum } from "@krylov-ts/autodiff";

const A = diagonal([1, 2, 3, 4]);
const b = [1, 1, 1, 1];
const f = (x: ReturnType<typeof input>) => sum(square(x));

// Each entry point that takes an options object, with a misspelt key and the message it must give.
const cases: Array<[string, () => unknown, string]> = [
  ["cg", () => cg(A, b, { maxIteration: 10 } as never), "cg: unknown option 'maxIteration' (did you mean 'maxIterations'?)"],
  ["cg (case)", () => cg(A, b, { rTol: 1e-8 } as never), "cg: unknown option 'rTol' (did you mean 'rtol'?)"],
  ["minres", () => minres(A, b, { atoll: 0 } as never), "minres: unknown option 'atoll' (did you mean 'atol'?)"],
  ["minres (transposition)", () => minres(A, b, { sihft: 1 } as never), "minres: unknown option 'sihft' (did you mean 'shift'?)"],
  ["powerIteration", () => powerIteration(A, { tolerance: 1e-3 } as never), "powerIteration: unknown option 'tolerance' (the options are 'k', 'tol', 'maxIterations', 'v0', 'seed', 'callback', 'signal', 'checkSymmetric')"],
  ["hutchinson", () => hutchinson(A, { probe: 10 } as never), "hutchinson: unknown option 'probe' (did you mean 'probes'?)"],
  ["lanczos", () => lanczos(A, { K: 2 } as never), "lanczos: unknown option 'K' (did you mean 'k'?)"],
  ["lanczosProcess", () => lanczosProcess(A, { step: 2 } as never), "lanczosProcess: unknown option 'step' (did you mean 'steps'?)"],
  ["slq", () => slq(A, { distribtion: "normal" } as never), "slq: unknown option 'distribtion' (did you mean 'distribution'?)"],
  ["dense", () => dense([[1]], undefined, { symetric: true } as never), "dense: unknown option 'symetric' (did you mean 'symmetric'?)"],
  ["csr", () => csr([0], [0], [1], [1, 1], { Symmetric: true } as never), "csr: unknown option 'Symmetric' (did you mean 'symmetric'?)"],
  ["operator", () => operator([1, 1], (x) => x, { nam: "id" } as never), "operator: unknown option 'nam' (did you mean 'name'?)"],
  ["projector", () => projector([vec([1, 0])], { tol: 1 } as never), "projector: unknown option 'tol' (the options are 'orthonormalityTolerance')"],
  ["checkSymmetric", () => checkSymmetric(A, { probe: 1 } as never), "checkSymmetric: unknown option 'probe' (did you mean 'probes'?)"],
  ["hvp", () => hvp(f, [1, 2], [1, 0], { Mode: "reverse-over-reverse" } as never), "hvp: unknown option 'Mode' (did you mean 'mode'?)"],
  ["hessianOperator", () => hessianOperator(f, [1, 2], { mdoe: "reverse-over-reverse" } as never), "hessianOperator: unknown option 'mdoe' (did you mean 'mode'?)"],
  ["hessian", () => hessian(f, [1, 2], { blocksize: 2 } as never), "hessian: unknown option 'blocksize' (did you mean 'blockSize'?)"],
  ["compile", () => compile([input([2])], [], { fix: [] } as never), "compile: unknown option 'fix' (did you mean 'fixed'?)"],
  ["tridiagonalEigen", () => tridiagonalEigen([1, 2], [1], { vector: true } as never), "tridiagonalEigen: unknown option 'vector' (did you mean 'vectors'?)"],
  ["matmul", () => matmul(input([2, 2]), input([2, 2]), { transposeb: true } as never), "matmul: unknown option 'transposeb' (did you mean 'transposeB'?)"],
  ["readMatrixMarket", () => readMatrixMarket("%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 2\n", { maxbytes: 1e6 } as never), "readMatrixMarket: unknown option 'maxbytes' (did you mean 'maxBytes'?)"],
  ["conv2d", () => conv2d(input([1, 4, 4, 1]), input([2, 2, 1, 1]), { strides: 2 } as never), "conv2d: unknown option 'strides' (did you mean 'stride'?)"],
  ["maxPool2d", () => maxPool2d(input([1, 4, 4, 1]), 2, { padding: "valid", pading: "same" } as never), "maxPool2d: unknown option 'pading' (did you mean 'padding'?)"],
  ["avgPool2d", () => avgPool2d(input([1, 4, 4, 1]), 2, { stide: 1 } as never), "avgPool2d: unknown option 'stide' (did you mean 'stride'?)"],
  ["dense layer", () => denseLayer(3, { usebias: false } as never), "dense: unknown option 'usebias' (did you mean 'useBias'?)"],
  ["conv2dLayer", () => conv2dLayer(3, 2, { activaton: (x: never) => x } as never), "conv2dLayer: unknown option 'activaton' (did you mean 'activation'?)"],
  ["pool2dLayer", () => pool2dLayer("max", 2, { dilation: 2 } as never), "pool2dLayer: unknown option 'dilation' (the options are 'stride', 'padding')"],
  ["grad", () => { const x = input([2]); return grad(sum(x), [x], { seed: constant(1) } as never); }, "grad: unknown option 'seed' (the options are 'cotangent')"],
];

for (const [name, call, message] of cases) {
  test(`${name} refuses an unknown option key with a TypeError naming it and the closest valid one`, (t) => {
    t.throws(call, { instanceOf: TypeError, message });
  });
}

test("every documented option is accepted (no false alarm on the full key sets)", (t) => {
  const signal = new AbortController().signal;
  t.notThrows(() => cg(A, b, { rtol: 1e-8, atol: 0, maxIterations: 10, x0: [0, 0, 0, 0], M: diagonal([1, 1, 1, 1]), radius: 10, history: true, callback: () => undefined, signal, checkSymmetric: true, estimates: false }));
  t.notThrows(() => minres(A, b, { rtol: 1e-8, atol: 0, shift: 0.5, maxIterations: 10, x0: [0, 0, 0, 0], M: diagonal([1, 1, 1, 1]), history: true, callback: () => undefined, signal, checkSymmetric: true }));
  t.notThrows(() => powerIteration(A, { k: 1, tol: 1e-3, maxIterations: 10, v0: [1, 1, 1, 1], seed: 1, callback: () => undefined, signal, checkSymmetric: true }));
  t.notThrows(() => hutchinson(A, { probes: 6, seed: 1, method: "hutch++", callback: () => undefined, signal }));
  t.notThrows(() => dense([[1]], undefined, { symmetric: true }));
  t.notThrows(() => operator([1, 1], (x) => x, { applyTranspose: (x) => x, symmetric: true, name: "id" }));
  t.notThrows(() => checkSymmetric(A, { probes: 1, rtol: 1e-10, seed: 2 }));
  t.notThrows(() => hessian(f, [1, 2], { mode: "reverse-over-reverse", blockSize: 1 }));
});

test("undefined options are accepted and a non-object is refused with a TypeError", (t) => {
  t.notThrows(() => cg(A, b, undefined));
  t.notThrows(() => checkOptions("fn", undefined, ["a"]));
  t.throws(() => cg(A, b, 3 as never), { instanceOf: TypeError, message: "cg: options must be an object, got number" });
  t.throws(() => hutchinson(A, [] as never), { instanceOf: TypeError, message: "hutchinson: options must be an object, got an array" });
  t.throws(() => dense([[1]], undefined, null as never), { instanceOf: TypeError, message: "dense: options must be an object, got null" });
});

test("an unknown key is refused before any product with the operator", (t) => {
  let products = 0;
  const C = operator([4, 4], (x, out) => { products++; return A.apply(x, out); }, { symmetric: true });
  t.throws(() => cg(C, b, { rtoll: 1 } as never), { instanceOf: TypeError, message: "cg: unknown option 'rtoll' (did you mean 'rtol'?)" });
  t.throws(() => lanczos(C, { maxMatvec: 1 } as never), { instanceOf: TypeError, message: "lanczos: unknown option 'maxMatvec' (did you mean 'maxMatvecs'?)" });
  t.is(products, 0);
});

test("hessianOperator with x0 of the wrong size names the entry point, not only reshape", (t) => {
  const g = (x: ReturnType<typeof input>) => sum(square(reshape(x, [2, 2])));
  const e = t.throws(() => hessianOperator(g, [1, 2, 3]), { instanceOf: RangeError });
  t.regex(e?.message ?? "", /^hessianOperator: f failed on an input of shape \[3\]: reshape: /);
  t.true(e?.cause instanceof RangeError);
  const P = params({ W: [2, 2], b: [2] });
  t.throws(() => hessian((x) => sum(square(P.views(x).W)), [1, 2, 3]), {
    instanceOf: RangeError,
    message: "hessian: f failed on an input of shape [3]: params.views: x has shape [3] but the parameters need [6]",
  });
  t.throws(() => hvp(g, [1, 2, 3], [0, 0, 0]), { instanceOf: RangeError, message: /^hvp: f failed on an input of shape \[3\]: reshape: / });
});
