import test from "ava";
import { toDense, vec } from "@krylov-ts/operators";
import {
  add,
  constant,
  evaluate,
  gaussNewtonOperator,
  hessian,
  input,
  jvp,
  matmul,
  params,
  reshape,
  softmaxCrossEntropy,
  tanh,
  type Tensor,
} from "@krylov-ts/autodiff";
import { relErr, symmetricEigen, randomData } from "../helpers/dense.js";

const [B, d, h, c] = [6, 3, 4, 3];
const X = constant(randomData(B * d, 1), [B, d]);
const Yd = new Float64Array(B * c);
for (let i = 0; i < B; i++) Yd[i * c + (i % c)] = 1;
const Y = constant(Yd, [B, c]);
const loss = (z: Tensor): Tensor => softmaxCrossEntropy(z, Y);
const P = params({ W1: [d, h], b1: [h], W2: [h, c], b2: [c] });
const model = (x: Tensor): Tensor => {
  const p = P.views(x) as Record<"W1" | "b1" | "W2" | "b2", Tensor>;
  return add(matmul(tanh(add(matmul(X, p.W1), p.b1)), p.W2), p.b2);
};

/** Jᵀ H_L J built densely: J column by column by forward mode, H_L of the mean softmax cross-entropy analytically. */
function denseGGN(x0: Float64Array): Float64Array {
  const n = x0.length;
  const m = B * c;
  const x = input([n], "x");
  const t = input([n], "t");
  const z = model(x);
  const Jt = jvp([z], [x], [t])[0] as Tensor;
  const J = new Float64Array(m * n);
  for (let j = 0; j < n; j++) {
    const e = new Float64Array(n);
    e[j] = 1;
    const col = evaluate(Jt, [
      [x, x0],
      [t, e],
    ]);
    for (let i = 0; i < m; i++) J[i * n + j] = col[i] as number;
  }
  const zd = evaluate(z, [[x, x0]]);
  const HL = new Float64Array(m * m);
  for (let r = 0; r < B; r++) {
    const row = zd.slice(r * c, r * c + c);
    const mx = Math.max(...row);
    const e = row.map((v) => Math.exp(v - mx));
    const s = e.reduce((a, b) => a + b, 0);
    const p = e.map((v) => v / s);
    for (let j = 0; j < c; j++) for (let k = 0; k < c; k++) HL[(r * c + j) * m + r * c + k] = ((j === k ? (p[j] as number) : 0) - (p[j] as number) * (p[k] as number)) / B;
  }
  const G = new Float64Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
      let s = 0;
      for (let i = 0; i < m; i++) {
        const Jia = J[i * n + a] as number;
        if (Jia === 0) continue;
        for (let k = 0; k < m; k++) s += Jia * (HL[i * m + k] as number) * (J[k * n + b] as number);
      }
      G[a * n + b] = s;
    }
  return G;
}

test("the Gauss–Newton operator of an MLP equals Jᵀ H_L J built densely", (t) => {
  const x0 = randomData(P.n, 2, 0.5);
  const G = gaussNewtonOperator(model, loss, x0);
  t.true(relErr(toDense(G).data, denseGGN(x0)) < 1e-12);
});

test("the Gauss–Newton matrix is symmetric positive semi-definite", (t) => {
  const x0 = randomData(P.n, 3, 0.5);
  const G = gaussNewtonOperator(model, loss, x0);
  t.true(G.symmetric);
  const A = toDense(G).data;
  const n = P.n;
  let asym = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) asym = Math.max(asym, Math.abs((A[i * n + j] as number) - (A[j * n + i] as number)));
  t.true(asym < 1e-14);
  const { values } = symmetricEigen(A, n);
  t.true((values[0] as number) > -1e-12 * Math.abs(values[n - 1] as number));
});

test("for a model linear in the parameters the Gauss–Newton matrix is the Hessian", (t) => {
  const linear = (x: Tensor): Tensor => matmul(X, reshape(x, [d, c]));
  const x0 = randomData(d * c, 4);
  const G = toDense(gaussNewtonOperator(linear, loss, x0)).data;
  t.true(relErr(G, hessian((x) => loss(linear(x)), x0).data) < 1e-13);
});

test("applying the operator twice gives the same result in the same out", (t) => {
  const x0 = randomData(P.n, 5, 0.5);
  const G = gaussNewtonOperator(model, loss, x0);
  const v = vec(randomData(P.n, 6));
  const out = vec(P.n);
  const first = Float64Array.from(G.apply(v, out).data);
  t.is(G.apply(v, out), out);
  t.deepEqual(out.data, first);
});

test("a loss that does not return a scalar is refused", (t) => {
  t.throws(() => gaussNewtonOperator(model, (z) => z, randomData(P.n, 7)), {
    instanceOf: RangeError,
    message: `gaussNewtonOperator: loss must return a scalar but returned shape [${B}, ${c}]`,
  });
});
