/**
 * The MLP benchmark problem shared by the suites: tanh hidden layer, softmax cross-entropy,
 * seeded data, the parameters packed by `params` as W1, b1, W2, b2.
 */
import { add, constant, matmul, params, softmaxCrossEntropy, tanh, type Tensor } from "@krylov-ts/autodiff";
import { rng } from "@krylov-ts/operators";

/** The data and starting point of one MLP problem (d → h → c, batch B, n parameters). */
export interface MlpData {
  d: number;
  h: number;
  c: number;
  B: number;
  X: Float64Array;
  Y: Float64Array;
  x0: Float64Array;
  v: Float64Array;
  n: number;
}

/** Seeded data: X ~ N(0, 1), one-hot labels, Glorot-scaled weights, zero biases, v ~ N(0, 1). */
export function mlpData(d: number, h: number, c: number, B: number, seed: number): MlpData {
  const r = rng(seed);
  const X = Float64Array.from({ length: B * d }, () => r.normal());
  const Y = new Float64Array(B * c);
  for (let i = 0; i < B; i++) Y[i * c + r.integer(c)] = 1;
  const n = d * h + h + h * c + c;
  const x0 = new Float64Array(n);
  for (let i = 0; i < d * h; i++) x0[i] = r.normal() / Math.sqrt(d);
  for (let i = 0; i < h * c; i++) x0[d * h + h + i] = r.normal() / Math.sqrt(h);
  const v = Float64Array.from({ length: n }, () => r.normal());
  return { d, h, c, B, X, Y, x0, v, n };
}

/** The loss f(θ) of the MLP with our ops. */
export function mlpLoss(m: MlpData): (x: Tensor) => Tensor {
  const P = params({ W1: [m.d, m.h], b1: [m.h], W2: [m.h, m.c], b2: [m.c] });
  const X = constant(m.X, [m.B, m.d]);
  const Y = constant(m.Y, [m.B, m.c]);
  return (x) => {
    const p = P.views(x);
    return softmaxCrossEntropy(add(matmul(tanh(add(matmul(X, p.W1), p.b1)), p.W2), p.b2), Y);
  };
}


/**
 * The same problem with class structure in the inputs: each sample moved by `separation` times a
 * seeded N(0, I) mean of its class, as real data has (and the Hessian then has outlier eigenvalues).
 */
export function withClassMeans(m: MlpData, separation: number, seed: number): MlpData {
  const r = rng(seed);
  const means = Float64Array.from({ length: m.c * m.d }, () => r.normal());
  const X = Float64Array.from(m.X);
  for (let i = 0; i < m.B; i++) {
    const label = m.Y.subarray(i * m.c, (i + 1) * m.c).indexOf(1);
    for (let k = 0; k < m.d; k++) X[i * m.d + k] = (X[i * m.d + k] as number) + separation * (means[label * m.d + k] as number);
  }
  return { ...m, X };
}
