import test from "ava";
import { toDense } from "@krylov-ts/operators";
import { add, constant, div, exp, hessian, hessianOperator, matmul, mul, neg, params, square, sub, sum, tanh, type HvpMode, type Tensor } from "@krylov-ts/autodiff";
import { relErr, randomData } from "../helpers/dense.js";

const modes: HvpMode[] = ["forward-over-reverse", "reverse-over-reverse"];

function randomConstant(shape: number[], seed: number): Tensor {
  return constant(randomData(shape.reduce((a, b) => a * b, 1), seed), shape);
}

/**
 * For a unit tangent of W, K·W is nonzero in one column: every elementwise op of the column
 * rules meets it (a product and a quotient with a fixed matrix and with a scalar, a negation,
 * differences either way round with a dense value, a sum with a zero bias tangent), and so do
 * readers that need it whole (exp, a product with another one-column value).
 */
function oneColumnOps(x: Tensor): Tensor {
  const P = params({ W: [4, 3], b: [3], s: [1] });
  const p = P.views(x) as Record<"W" | "b" | "s", Tensor>;
  const K = randomConstant([5, 4], 60);
  const D = constant(randomData(15, 61).map((v) => 1.5 + Math.abs(v)), [5, 3]);
  const F = randomConstant([5, 3], 62);
  const Z = add(matmul(K, p.W), p.b);
  return add(
    add(sum(square(div(Z, D))), sum(tanh(sub(F, mul(Z, 0.7))))),
    add(
      add(sum(mul(neg(Z), exp(mul(Z, 0.3)))), sum(square(sub(mul(Z, F), tanh(Z))))),
      add(sum(div(square(mul(Z, p.s)), 4)), sum(mul(tanh(Z), div(Z, 3)))),
    ),
  );
}

test("hessian through one-column elementwise steps equals the column-by-column H·e⁽ⁱ⁾", (t) => {
  const x0 = randomData(12 + 3 + 1, 63, 0.5);
  for (const mode of modes) {
    const reference = toDense(hessianOperator(oneColumnOps, x0, { mode })).data;
    for (const blockSize of [1, 2, 5, 16]) {
      t.true(relErr(hessian(oneColumnOps, x0, { mode, blockSize }).data, reference) < 1e-12, `${mode}, blockSize ${blockSize}`);
    }
  }
});
