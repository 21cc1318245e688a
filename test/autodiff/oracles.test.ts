import test from "ava";
import { vec } from "@krylov-ts/operators";
import {
  add,
  constant,
  hessian,
  hessianOperator,
  gradient,
  matmul,
  mean,
  mul,
  params,
  reshape,
  slice,
  softmaxCrossEntropy,
  softplus,
  square,
  sub,
  sum,
  tanh,
  type HvpMode,
  type Tensor,
} from "@krylov-ts/autodiff";
import { relErr, randomData, maxAbsDiff } from "../helpers/dense.js";

const modes: HvpMode[] = ["forward-over-reverse", "reverse-over-reverse"];

test("½xᵀAx has Hessian ½(A + Aᵀ) in both modes", (t) => {
  const n = 6;
  const A = randomData(n * n, 1);
  const f = (x: Tensor): Tensor => mul(0.5, sum(mul(x, reshape(matmul(constant(A, [n, n]), reshape(x, [n, 1])), [n]))));
  const expected = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expected[i * n + j] = 0.5 * ((A[i * n + j] as number) + (A[j * n + i] as number));
  for (const mode of modes) {
    const H = hessian(f, randomData(n, 2), { mode });
    t.true(relErr(H.data, expected) < 1e-14, mode);
  }
});

/** f(x) = Σ 100(x_{i+1} − x_i²)² + (1 − x_i)², i < n − 1. */
function rosenbrock(x: Tensor): Tensor {
  const n = x.shape[0] as number;
  const a = slice(x, [0], [n - 1]);
  const b = slice(x, [1], [n - 1]);
  return sum(add(mul(100, square(sub(b, square(a)))), square(sub(1, a))));
}

function rosenbrockHessian(x: Float64Array): Float64Array {
  const n = x.length;
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number;
    let d = 0;
    if (i < n - 1) d += 1200 * xi * xi - 400 * (x[i + 1] as number) + 2;
    if (i > 0) d += 200;
    H[i * n + i] = d;
    if (i < n - 1) {
      H[i * n + i + 1] = -400 * xi;
      H[(i + 1) * n + i] = -400 * xi;
    }
  }
  return H;
}

test("n-dimensional Rosenbrock matches its analytic Hessian in both modes", (t) => {
  const x0 = randomData(7, 3);
  const expected = rosenbrockHessian(x0);
  for (const mode of modes) {
    t.true(relErr(hessian(rosenbrock, x0, { mode }).data, expected) < 1e-13, mode);
  }
});

test("the Rosenbrock Hessian at the minimum (1, …, 1) is the known tridiagonal matrix", (t) => {
  const x0 = new Float64Array(5).fill(1);
  t.true(relErr(hessian(rosenbrock, x0).data, rosenbrockHessian(x0)) < 1e-14);
});

test("logistic regression has Hessian XᵀDX/m with D = σ(z)(1 − σ(z))", (t) => {
  const [m, d] = [30, 5];
  const X = randomData(m * d, 4);
  const y = Float64Array.from(randomData(m, 5), (v) => (v > 0 ? 1 : 0));
  const Xc = constant(X, [m, d]);
  const yc = constant(y, [m]);
  // mean(log(1 + e^z) − y·z), z = Xw
  const f = (w: Tensor): Tensor => {
    const z = reshape(matmul(Xc, reshape(w, [d, 1])), [m]);
    return mean(sub(softplus(z), mul(yc, z)));
  };
  const w0 = randomData(d, 6, 0.5);
  const expected = new Float64Array(d * d);
  for (let i = 0; i < m; i++) {
    let z = 0;
    for (let a = 0; a < d; a++) z += (X[i * d + a] as number) * (w0[a] as number);
    const s = 1 / (1 + Math.exp(-z));
    const D = s * (1 - s);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) expected[a * d + b] = (expected[a * d + b] as number) + (D * (X[i * d + a] as number) * (X[i * d + b] as number)) / m;
  }
  for (const mode of modes) t.true(relErr(hessian(f, w0, { mode }).data, expected) < 1e-13, mode);
});

test("softmax cross-entropy of a linear model has Hessian Σᵢ xᵢxᵢᵀ ⊗ (diag pᵢ − pᵢpᵢᵀ) / B", (t) => {
  const [B, d, c] = [12, 4, 3];
  const X = randomData(B * d, 7);
  const Y = new Float64Array(B * c);
  for (let i = 0; i < B; i++) Y[i * c + (i % c)] = 1;
  const f = (w: Tensor): Tensor => softmaxCrossEntropy(matmul(constant(X, [B, d]), reshape(w, [d, c])), constant(Y, [B, c]));
  const w0 = randomData(d * c, 8);
  const n = d * c;
  const expected = new Float64Array(n * n);
  for (let i = 0; i < B; i++) {
    const z = new Float64Array(c);
    for (let j = 0; j < c; j++) for (let a = 0; a < d; a++) z[j] = (z[j] as number) + (X[i * d + a] as number) * (w0[a * c + j] as number);
    const zmax = Math.max(...z);
    const e = z.map((v) => Math.exp(v - zmax));
    const s = e.reduce((p, q) => p + q, 0);
    const p = e.map((v) => v / s);
    for (let a = 0; a < d; a++)
      for (let j = 0; j < c; j++)
        for (let b = 0; b < d; b++)
          for (let k = 0; k < c; k++) {
            const g = (j === k ? (p[j] as number) : 0) - (p[j] as number) * (p[k] as number);
            expected[(a * c + j) * n + b * c + k] = (expected[(a * c + j) * n + b * c + k] as number) + ((X[i * d + a] as number) * (X[i * d + b] as number) * g) / B;
          }
  }
  for (const mode of modes) t.true(relErr(hessian(f, w0, { mode }).data, expected) < 1e-13, mode);
});

/** A tanh MLP d → h → c with softmax cross-entropy on seeded data. */
function mlp(d: number, h: number, c: number, B: number, seed: number): { f: (x: Tensor) => Tensor; n: number; x0: Float64Array } {
  const P = params({ W1: [d, h], b1: [h], W2: [h, c], b2: [c] });
  const X = constant(randomData(B * d, seed), [B, d]);
  const Yd = new Float64Array(B * c);
  for (let i = 0; i < B; i++) Yd[i * c + ((i * 7) % c)] = 1;
  const Y = constant(Yd, [B, c]);
  const f = (x: Tensor): Tensor => {
    const p = P.views(x) as Record<"W1" | "b1" | "W2" | "b2", Tensor>;
    return softmaxCrossEntropy(add(matmul(tanh(add(matmul(X, p.W1), p.b1)), p.W2), p.b2), Y);
  };
  return { f, n: P.n, x0: randomData(P.n, seed + 1, 0.5) };
}

test("an MLP's full Hessian is symmetric and matches central differences of gradients", (t) => {
  const { f, n, x0 } = mlp(4, 3, 3, 6, 10);
  const H = hessian(f, x0).data;
  let asym = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      asym = Math.max(asym, Math.abs((H[i * n + j] as number) - (H[j * n + i] as number)));
      scale = Math.max(scale, Math.abs(H[i * n + j] as number));
    }
  }
  t.true(asym <= 1e-14 * scale);
  const h = 1e-5;
  const fd = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const xp = Float64Array.from(x0);
    const xm = Float64Array.from(x0);
    xp[j] = (xp[j] as number) + h;
    xm[j] = (xm[j] as number) - h;
    const gp = gradient(f, xp).data;
    const gm = gradient(f, xm).data;
    for (let i = 0; i < n; i++) fd[i * n + j] = ((gp[i] as number) - (gm[i] as number)) / (2 * h);
  }
  t.true(maxAbsDiff(H, fd) < 1e-7 * Math.max(1, scale));
});

test("both H·v modes agree to 1e-12 relative on an MLP", (t) => {
  const { f, n, x0 } = mlp(9, 7, 4, 16, 20);
  const v = vec(randomData(n, 21));
  const [a, b] = modes.map((mode) => hessianOperator(f, x0, { mode }).apply(v).data) as [Float64Array, Float64Array];
  t.true(relErr(a, b) < 1e-12);
});

test("hessianOperator columns equal hessian() columns for an MLP", (t) => {
  const { f, n, x0 } = mlp(3, 4, 2, 5, 30);
  const H = hessian(f, x0).data;
  const op = hessianOperator(f, x0);
  const e = vec(n);
  e.set(5, 1);
  const col = op.apply(e).data;
  const expected = Float64Array.from({ length: n }, (_, i) => H[i * n + 5] as number);
  t.true(relErr(col, expected) < 1e-14);
});
