/**
 * Solve H x = b matrix-free: one Newton–CG step for logistic regression.
 * H is never formed; CG sees only H·v products (each about the cost of a gradient).
 */
import { add, constant, matmul, mean, mul, reshape, softplus, square, sum, type Tensor } from "@krylov-ts/autodiff";
import { gradient, hessianOperator } from "@krylov-ts/autodiff";
import { cg } from "@krylov-ts/krylov";
import { rng, scal, vec } from "@krylov-ts/operators";

const m = 200, d = 10;
const r = rng(1);
const X = constant(r.normalVec(m * d).data, [m, d]);
const y = constant(Array.from({ length: m }, () => (r.uniform() < 0.5 ? -1 : 1)), [m, 1]);

// f(w) = mean(log(1 + exp(−y ⊙ Xw))) + ½·10⁻³‖w‖²
const f = (w: Tensor): Tensor =>
  add(mean(softplus(mul(-1, mul(y, matmul(X, reshape(w, [d, 1])))))), mul(0.5e-3, sum(square(w))));

const w0 = vec(d);
const g = gradient(f, w0);
const H = hessianOperator(f, w0); // a symmetric LinearOperator, d×d
const { x: step, stats } = cg(H, scal(-1, g, vec(d)), { rtol: 1e-10 });

console.log(stats.status, stats.iterations, "iterations,", stats.matvecs, "H·v products");
console.log("Newton step:", Array.from(step.data, (v) => v.toFixed(4)).join(" "));
