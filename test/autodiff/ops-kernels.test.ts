import test from "ava";
import { rng } from "@krylov-ts/operators";
import * as ad from "@krylov-ts/autodiff";
import { input, constant, evaluate, grad, jvp, type Tensor } from "@krylov-ts/autodiff";
import { randomValues } from "./ops-cases.js";

type Shape = readonly number[];

/** Row-major multi-index of flat index i. */
function unravel(i: number, shape: Shape): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % (shape[d] as number);
    i = Math.floor(i / (shape[d] as number));
  }
  return idx;
}

/** The flat index in `shape` of an output multi-index under right-aligned broadcasting. */
function broadcastIndex(idx: readonly number[], shape: Shape): number {
  const lead = idx.length - shape.length;
  let o = 0;
  for (let d = 0; d < shape.length; d++) o = o * (shape[d] as number) + ((shape[d] as number) === 1 ? 0 : (idx[lead + d] as number));
  return o;
}

const layouts: [string, Shape, Shape][] = [
  ["equal shapes", [3, 4], [3, 4]],
  ["a scalar first operand", [], [3, 4]],
  ["a scalar second operand", [3, 4], [1]],
  ["a trailing bias", [2, 3, 4], [4]],
  ["a trailing bias first", [3, 4], [2, 3, 4]],
  ["a leading column", [3, 4], [3, 1]],
  ["a leading column first", [3, 1, 1], [3, 2, 2]],
  ["a general broadcast", [2, 1, 3], [4, 1]],
];

for (const [what, sa, sb] of layouts) {
  test(`add, sub, mul, div, maximum and greater agree with a naive broadcast loop for ${what}`, (t) => {
    const r = rng(3);
    const av = randomValues(r, sa, "awayFromZero");
    const bv = randomValues(r, sb, "awayFromZero");
    const a = input(sa, "a");
    const b = input(sb, "b");
    const fns: [(x: Tensor, y: Tensor) => Tensor, (x: number, y: number) => number][] = [
      [ad.add, (x, y) => x + y],
      [ad.sub, (x, y) => x - y],
      [ad.mul, (x, y) => x * y],
      [ad.div, (x, y) => x / y],
      [ad.maximum, (x, y) => Math.max(x, y)],
      [ad.greater, (x, y) => (x > y ? 1 : 0)],
    ];
    for (const [f, ref] of fns) {
      const y = f(a, b);
      const out = evaluate(y, [
        [a, av],
        [b, bv],
      ]);
      const expected = Array.from({ length: y.size }, (_, i) => {
        const idx = unravel(i, y.shape);
        return ref(av[broadcastIndex(idx, sa)] as number, bv[broadcastIndex(idx, sb)] as number);
      });
      t.deepEqual(Array.from(out), expected);
    }
  });
}

test("matmul agrees with a triple loop in all four transpose cases, on sizes that are not multiples of 4", (t) => {
  const r = rng(8);
  const [m, k, n] = [7, 5, 6];
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      const aShape = transposeA ? [k, m] : [m, k];
      const bShape = transposeB ? [n, k] : [k, n];
      const av = randomValues(r, aShape);
      const bv = randomValues(r, bShape);
      const out = evaluate(ad.matmul(constant(av, aShape), constant(bv, bShape), { transposeA, transposeB }));
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) {
            s += (av[transposeA ? p * m + i : i * k + p] as number) * (bv[transposeB ? j * k + p : p * n + j] as number);
          }
          t.true(Math.abs((out[i * n + j] as number) - s) < 1e-14, `tA=${transposeA} tB=${transposeB} (${i}, ${j})`);
        }
      }
    }
  }
});

test("sum over any set of axes agrees with a naive accumulation", (t) => {
  const shape = [2, 3, 4, 2];
  const xv = randomValues(rng(4), shape);
  for (const axes of [[0], [3], [0, 1], [2, 3], [1, 3], [0, 2], [1], [0, 1, 2, 3]]) {
    const y = ad.sum(constant(xv, shape), axes, true);
    const out = evaluate(y);
    const expected = new Float64Array(y.size);
    for (let i = 0; i < xv.length; i++) {
      const idx = unravel(i, shape).map((v, d) => (axes.includes(d) ? 0 : v));
      let o = 0;
      idx.forEach((v, d) => (o = o * (y.shape[d] as number) + v));
      expected[o] = (expected[o] as number) + (xv[i] as number);
    }
    t.true(Array.from(out).every((v, i) => Math.abs(v - (expected[i] as number)) < 1e-14), `axes ${axes}`);
  }
});

test("transpose with a permutation moves every element where the permutation says", (t) => {
  const shape = [2, 3, 4];
  const xv = Float64Array.from({ length: 24 }, (_, i) => i);
  const perm = [2, 0, 1];
  const y = ad.transpose(constant(xv, shape), perm);
  t.deepEqual(y.shape, [4, 2, 3]);
  const out = evaluate(y);
  for (let i = 0; i < out.length; i++) {
    const o = unravel(i, y.shape);
    const src = [0, 0, 0];
    perm.forEach((p, d) => (src[p] = o[d] as number));
    t.is(out[i], xv[(src[0] as number) * 12 + (src[1] as number) * 4 + (src[2] as number)]);
  }
});

test("slice follows the TF.js convention, −1 running to the end", (t) => {
  const x = constant([
    [1, 2, 3, 4],
    [5, 6, 7, 8],
    [9, 10, 11, 12],
  ]);
  t.deepEqual(Array.from(evaluate(ad.slice(x, [1, 1], [-1, 2]))), [6, 7, 10, 11]);
  t.deepEqual(Array.from(evaluate(ad.slice(x, [2]))), [9, 10, 11, 12]);
  t.deepEqual(Array.from(evaluate(ad.concat([ad.slice(x, [0, 0], [3, 1]), ad.slice(x, [0, 3], [3, 1])], 1))), [1, 4, 5, 8, 9, 12]);
});

test("logSumExp, logSoftmax and softmaxCrossEntropy stay finite for huge logits", (t) => {
  const z = constant([[1000, 1001, 999]]);
  const lse = evaluate(ad.logSumExp(z))[0] as number;
  t.true(Math.abs(lse - (1001 + Math.log(Math.exp(-1) + 1 + Math.exp(-2)))) < 1e-10);
  t.true(Array.from(evaluate(ad.logSoftmax(z))).every(Number.isFinite));
  const ce = evaluate(ad.softmaxCrossEntropy(z, constant([[0, 1, 0]])))[0] as number;
  t.true(Math.abs(ce - (lse - 1001)) < 1e-10);
  t.true(Math.abs((evaluate(ad.softplus(constant([800])))[0] as number) - 800) < 1e-12);
});

test("softmaxCrossEntropy is the mean over the rows of −Σ labels·logSoftmax", (t) => {
  const zv = [0.2, -1, 0.5, 1.5, 0.3, -0.2];
  const yv = [0, 0, 1, 0.5, 0.5, 0];
  const ce = evaluate(ad.softmaxCrossEntropy(constant(zv, [2, 3]), constant(yv, [2, 3])))[0] as number;
  let ref = 0;
  for (let r = 0; r < 2; r++) {
    const row = zv.slice(3 * r, 3 * r + 3);
    const l = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
    row.forEach((v, j) => (ref -= (yv[3 * r + j] as number) * (v - l)));
  }
  t.true(Math.abs(ce - ref / 2) < 1e-14);
});

test("relu′(0) = 0 and abs′(0) = 0 in both modes", (t) => {
  const x = input([3], "x");
  const b: [Tensor, number[]][] = [[x, [-1, 0, 2]]];
  const ones = constant([1, 1, 1]);
  const [gr] = grad(ad.sum(ad.relu(x)), [x]);
  const [ga] = grad(ad.sum(ad.abs(x)), [x]);
  const [jr] = jvp([ad.relu(x)], [x], [ones]);
  const [ja] = jvp([ad.abs(x)], [x], [ones]);
  t.deepEqual(Array.from(evaluate(gr!, b)), [0, 0, 1]);
  t.deepEqual(Array.from(evaluate(ga!, b)), [-1, 0, 1]);
  t.deepEqual(Array.from(evaluate(jr!, b)), [0, 0, 1]);
  t.deepEqual(Array.from(evaluate(ja!, b)), [-1, 0, 1]);
});

test("maximum sends the whole gradient to a at a tie, and where none to its condition", (t) => {
  const a = input([3], "a");
  const b = input([3], "b");
  const c = input([3], "c");
  const [ga, gb] = grad(ad.sum(ad.maximum(a, b)), [a, b]);
  const bind: [Tensor, number[]][] = [
    [a, [1, 2, 3]],
    [b, [0, 2, 4]],
    [c, [1, 0, 1]],
  ];
  t.deepEqual(Array.from(evaluate(ga!, bind)), [1, 1, 0]);
  t.deepEqual(Array.from(evaluate(gb!, bind)), [0, 0, 1]);
  const [gc, gwa] = grad(ad.sum(ad.where(c, a, b)), [c, a]);
  t.is(gc!.op, "constant");
  t.deepEqual(Array.from(evaluate(gwa!, bind)), [1, 0, 1]);
});

test("numbers are accepted wherever a tensor is and become scalar constants", (t) => {
  const x = input([2], "x");
  const y = ad.div(ad.sub(ad.mul(2, ad.add(x, 1)), 3), 4); // (2(x + 1) − 3)/4
  t.deepEqual(Array.from(evaluate(y, [[x, [1, 3]]])), [0.25, 1.25]);
});

test("evaluate leaves the bound values unmodified and returns fresh arrays", (t) => {
  const x = input([3], "x");
  const xv = Float64Array.from([1, 2, 3]);
  const out = evaluate(ad.neg(x), [[x, xv]]);
  t.deepEqual(Array.from(xv), [1, 2, 3]);
  const same = evaluate(x, [[x, xv]]);
  t.not(same, xv);
  t.deepEqual(Array.from(out), [-1, -2, -3]);
});

test("mean, softmax and the constant helpers compute what they say", (t) => {
  const x = constant([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  t.deepEqual(Array.from(evaluate(ad.mean(x, 0))), [2.5, 3.5, 4.5]);
  t.deepEqual(Array.from(evaluate(ad.mean(x))), [3.5]);
  const s = evaluate(ad.softmax(x));
  t.true(Math.abs((s[0] as number) + (s[1] as number) + (s[2] as number) - 1) < 1e-15);
  t.deepEqual(Array.from(evaluate(ad.onesLike(x))), [1, 1, 1, 1, 1, 1]);
  t.deepEqual(Array.from(evaluate(ad.zerosLike(x))), [0, 0, 0, 0, 0, 0]);
  t.deepEqual(Array.from(evaluate(ad.sumTo(x, [1, 3]))), [5, 7, 9]);
});
