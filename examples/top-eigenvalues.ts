/**
 * The top Hessian eigenvalues of your own function: a small tanh network's loss, by Lanczos on
 * H·v products, checked against the full Hessian.
 */
import { constant, matmul, tanh, softmaxCrossEntropy, add, params, hessianOperator, hessian, type Tensor } from "@krylov-ts/autodiff";
import { lanczos } from "@krylov-ts/krylov";
import { rng } from "@krylov-ts/operators";

const batch = 64, inputs = 8, hidden = 16, classes = 3;
const r = rng(7);
const X = constant(r.normalVec(batch * inputs).data, [batch, inputs]);
const labels = new Float64Array(batch * classes);
for (let i = 0; i < batch; i++) labels[i * classes + r.integer(classes)] = 1;
const Y = constant(labels, [batch, classes]);

const P = params({ W1: [inputs, hidden], b1: [hidden], W2: [hidden, classes], b2: [classes] });
const loss = (theta: Tensor): Tensor => {
  const { W1, b1, W2, b2 } = P.views(theta);
  const h = tanh(add(matmul(X, W1), b1));
  return softmaxCrossEntropy(add(matmul(h, W2), b2), Y);
};
const theta0 = r.normalVec(P.n).data.map((v) => 0.3 * v);

const H = hessianOperator(loss, theta0);
const { values, residualNorms, stats } = lanczos(H, { k: 5, which: "largest", tol: 1e-10 });
console.log(`n = ${P.n}: top 5 eigenvalues in ${stats.matvecs} H·v products`);
// values come in ascending order (as from SciPy's eigsh): print the largest first
for (let i = values.length - 1; i >= 0; i--) {
  console.log(`  λ = ${values[i]!.toFixed(10)}  ‖Hv − λv‖ = ${residualNorms[i]!.toExponential(1)}`);
}

const full = hessian(loss, theta0); // n×n, from H·e⁽ⁱ⁾ in blocks, when you really want it
console.log(`full Hessian: ${full.shape[0]}×${full.shape[1]}`);
