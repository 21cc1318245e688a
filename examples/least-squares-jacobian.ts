/**
 * A matrix-free Gauss–Newton fit: the Jacobian of the residuals r(p) of an exponential-sum model
 * is a `LinearOperator` (J·v by forward mode, Jᵀ·w by reverse mode), and each step solves
 * min ‖J δ + r‖ by LSQR. No Jacobian matrix is formed.
 */
import { add, constant, exp, jacobianOperator, mul, neg, slice, sub, type Tensor } from "@krylov-ts/autodiff";
import { lsqr } from "@krylov-ts/krylov";

// Data: y = 2e^(−1.3t) + 0.8e^(−0.15t) on 1,000 points of [0, 10].
const t = Float64Array.from({ length: 1000 }, (_, i) => i / 100);
const y = Float64Array.from(t, (s) => 2 * Math.exp(-1.3 * s) + 0.8 * Math.exp(-0.15 * s));
const tc = constant(t, [t.length]);
const residual = (p: Tensor): Tensor => {
  const term = (k: number): Tensor => mul(slice(p, [2 * k], [1]), exp(neg(mul(slice(p, [2 * k + 1], [1]), tc))));
  return sub(add(term(0), term(1)), constant(y, [y.length]));
};

const p = Float64Array.of(1.5, 1, 1, 0.2);
const J = jacobianOperator(residual, p); // 1000×4, matrix-free
for (let it = 1; it <= 20; it++) {
  const r = J.value(); // r(p)
  const step = lsqr(J, r.map((v) => -v), { atol: 1e-12, btol: 1e-12 }); // min ‖J δ + r‖
  for (let i = 0; i < 4; i++) p[i] = p[i]! + step.x.get(i);
  J.setPoint(p);
  const norm = Math.hypot(...step.x.data);
  console.log(`step ${it}: ‖δ‖ = ${norm.toExponential(2)}, lsqr ${step.stats.status} in ${step.stats.iterations} iterations`);
  if (norm < 1e-12) break;
}
const cost = Math.hypot(...J.value());
console.log(`fit a₁ = ${p[0]!.toFixed(6)}, b₁ = ${p[1]!.toFixed(6)}, a₂ = ${p[2]!.toFixed(6)}, b₂ = ${p[3]!.toFixed(6)}; ‖r‖ = ${cost.toExponential(2)}`);
