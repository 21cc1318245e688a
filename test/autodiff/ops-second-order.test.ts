import test from "ava";
import { rng } from "@krylov-ts/operators";
import { evaluate, grad, input, jvp } from "@krylov-ts/autodiff";
import { cases, build, bind, randomValues, centralDifference, scaledErr, scalarOf, innerGraph, flat } from "./ops-cases.js";

const h = 1e-5;

cases.forEach((k, caseIndex) => {
  test(`${k.name}: both Hessian-vector products match finite differences of the gradient`, (t) => {
    const { xs, values, y } = build(k, 400 + caseIndex);
    const r = rng(17);
    const L = scalarOf(y, randomValues(r, y.shape));
    const vv = xs.map((x) => randomValues(r, x.shape));
    const vs = xs.map((x, i) => input(x.shape, `v${i}`));
    const gs = grad(L, xs);
    const reverse = grad(innerGraph(gs, vs), xs); // ∇ₓ⟨∇ₓL, v⟩
    const forward = jvp(gs, xs, vs); // R{∇ₓL}
    const b = [...bind(xs, values), ...bind(vs, vv)];
    const rr = flat(evaluate(reverse, b));
    const fr = flat(evaluate(forward, b));
    const fd = centralDifference(gs, xs, values, vv, h);
    const errR = scaledErr(rr, fd);
    const errF = scaledErr(fr, fd);
    t.true(errR < 1e-6, `reverse-over-reverse error ${errR}`);
    t.true(errF < 1e-6, `forward-over-reverse error ${errF}`);
    t.true(scaledErr(rr, fr) < 1e-12, `modes differ by ${scaledErr(rr, fr)}`);
  });
});
