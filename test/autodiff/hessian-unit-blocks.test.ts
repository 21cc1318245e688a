import test from "ava";
import { toDense } from "@krylov-ts/operators";
import {
  add,
  concat,
  constant,
  div,
  exp,
  hessian,
  hessianOperator,
  logSumExp,
  matmul,
  mul,
  params,
  reshape,
  slice,
  softmaxCrossEntropy,
  square,
  sub,
  sum,
  tanh,
  transpose,
  type HvpMode,
  type Tensor,
} from "@krylov-ts/autodiff";
import { relErr, randomData } from "../helpers/dense.js";

const modes: HvpMode[] = ["forward-over-reverse", "reverse-over-reverse"];

function randomConstant(shape: number[], seed: number): Tensor {
  return constant(randomData(shape.reduce((a, b) => a * b, 1), seed), shape);
}

/** The reference: H·e⁽ⁱ⁾ column by column through the H·v operator (no blocks, no structure). */
function columnByColumn(f: (x: Tensor) => Tensor, x0: Float64Array, mode: HvpMode): Float64Array {
  return toDense(hessianOperator(f, x0, { mode })).data;
}

/** A two-layer tanh MLP with softmax cross-entropy over four parameter tensors (sizes 15, 5, 10, 2). */
function mlp(): { f: (x: Tensor) => Tensor; x0: Float64Array } {
  const d = 3;
  const h = 5;
  const c = 2;
  const B = 7;
  const P = params({ W1: [d, h], b1: [h], W2: [h, c], b2: [c] });
  const X = randomConstant([B, d], 1);
  const labels = new Float64Array(B * c);
  for (let i = 0; i < B; i++) labels[i * c + (i % c)] = 1;
  const Y = constant(labels, [B, c]);
  const f = (x: Tensor): Tensor => {
    const p = P.views(x) as Record<"W1" | "b1" | "W2" | "b2", Tensor>;
    return softmaxCrossEntropy(add(matmul(tanh(add(matmul(X, p.W1), p.b1)), p.W2), p.b2), Y);
  };
  return { f, x0: randomData(P.n, 2, 0.7) };
}

test("hessian of an MLP with four parameter tensors equals the column-by-column H·e⁽ⁱ⁾ for blocks straddling the parameter boundaries", (t) => {
  const { f, x0 } = mlp();
  for (const mode of modes) {
    const reference = columnByColumn(f, x0, mode);
    // 32 parameters: blocks of 1 (none straddles), 4, 7 and 13 (most straddle a boundary), 32 (one block)
    for (const blockSize of [1, 4, 7, 13, 32]) {
      t.true(relErr(hessian(f, x0, { mode, blockSize }).data, reference) < 1e-12, `${mode}, blockSize ${blockSize}`);
    }
  }
});

/**
 * Parameters on either side of products, transposed or not, so that every case of a product
 * with a one-hot or a one-column operand is met (A·K, Aᵀ·K, K·B, K·Bᵀ, (K·B)·K′, … and the
 * transposes the VJPs introduce),
 * a parameter used only through elementwise ops (exp, a quotient) and one inside a log-sum-exp.
 */
function products(x: Tensor): Tensor {
  const P = params({ A: [3, 4], B: [4, 2], C: [2, 3], u: [3], s: [2] });
  const p = P.views(x) as Record<"A" | "B" | "C" | "u" | "s", Tensor>;
  const K1 = randomConstant([4, 2], 10);
  const K2 = randomConstant([3, 5], 11);
  const K3 = randomConstant([5, 4], 12);
  const K4 = randomConstant([6, 2], 13);
  const terms = [
    sum(tanh(matmul(p.A, K1))),
    sum(square(matmul(p.A, K2, { transposeA: true }))),
    sum(tanh(matmul(K3, p.B))),
    sum(square(matmul(K4, p.B, { transposeB: true }))),
    sum(mul(matmul(p.A, p.C, { transposeA: true, transposeB: true }), randomConstant([4, 2], 14))),
    sum(tanh(matmul(transpose(p.C), K4, { transposeB: true }))),
    sum(tanh(matmul(K3, p.A, { transposeB: true }))),
    sum(tanh(matmul(K1, p.B, { transposeA: true }))),
    sum(tanh(matmul(p.A, K3, { transposeB: true }))),
    // K3·B is nonzero in one column for a unit tangent of B: products with it on either side
    sum(tanh(matmul(matmul(K3, p.B), K4, { transposeB: true }))),
    sum(tanh(matmul(matmul(K3, p.B), K2, { transposeA: true, transposeB: true }))),
    sum(tanh(matmul(K4, matmul(K3, p.B), { transposeB: true }))),
    sum(tanh(matmul(randomConstant([2, 3], 16), matmul(K3, p.B), { transposeA: true, transposeB: true }))),
    sum(exp(mul(matmul(p.B, p.C), 0.3))),
    sum(div(reshape(square(p.u), [3, 1]), add(exp(p.s), 1))),
    logSumExp(add(reshape(p.u, [3, 1]), sub(randomConstant([3, 2], 15), reshape(p.s, [1, 2]))), 1),
  ];
  return sum(terms.reduce((a, b) => add(a, sum(b))));
}

test("hessian equals the column-by-column H·e⁽ⁱ⁾ when parameters enter products on either side and transposed", (t) => {
  const x0 = randomData(12 + 8 + 6 + 3 + 2, 20, 0.5);
  for (const mode of modes) {
    const reference = columnByColumn(products, x0, mode);
    for (const blockSize of [1, 3, 5, 9, 31]) {
      t.true(relErr(hessian(products, x0, { mode, blockSize }).data, reference) < 1e-12, `${mode}, blockSize ${blockSize}`);
    }
  }
});

test("hessian equals the column-by-column H·e⁽ⁱ⁾ when x is rearranged by concat, so that its reverse pass slices partial products", (t) => {
  const K = randomConstant([5, 4], 50);
  const f = (x: Tensor): Tensor => {
    const W = reshape(concat([slice(x, [7], [5]), slice(x, [0], [7])]), [4, 3]);
    return sum(tanh(matmul(K, W)));
  };
  const x0 = randomData(12, 51);
  for (const mode of modes) {
    const reference = columnByColumn(f, x0, mode);
    for (const blockSize of [1, 2, 5, 12]) t.true(relErr(hessian(f, x0, { mode, blockSize }).data, reference) < 1e-12, `${mode}, blockSize ${blockSize}`);
  }
});

test("hessian equals the column-by-column H·e⁽ⁱ⁾ for a function of x without any slice", (t) => {
  const W = randomConstant([6, 6], 30);
  const b = randomConstant([6, 1], 31);
  const f = (x: Tensor): Tensor => {
    const z = tanh(add(matmul(W, reshape(x, [6, 1])), b));
    return add(sum(square(z)), logSumExp(mul(x, x), 0));
  };
  const x0 = randomData(6, 32);
  for (const mode of modes) {
    const reference = columnByColumn(f, x0, mode);
    for (const blockSize of [1, 4, 6]) t.true(relErr(hessian(f, x0, { mode, blockSize }).data, reference) < 1e-12, `${mode}, blockSize ${blockSize}`);
  }
});

test("hessian is exactly zero in the blocks of parameters that f does not use, and its nonzero part matches the columns", (t) => {
  const P = params({ unused: [4], w: [3], alsoUnused: [2] });
  const f = (x: Tensor): Tensor => sum(exp(slice(x, [4], [3])));
  const x0 = randomData(P.n, 40);
  const H = hessian(f, x0, { blockSize: 3 }).data;
  const n = P.n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const expected = i === j && i >= 4 && i < 7 ? Math.exp(x0[i] as number) : 0;
      t.true(Math.abs((H[i * n + j] as number) - expected) <= 1e-15 * Math.abs(expected), `H[${i}, ${j}]`);
    }
  }
});
