import test from "ava";
import { rng } from "@krylov-ts/operators";
import { evaluate, grad, input, jvp } from "@krylov-ts/autodiff";
import { cases, build, bind, randomValues, centralDifference, scaledErr, scalarOf, innerGraph, flat } from "./ops-cases.js";

const h = 1e-5;

cases
  .filter((k) => k.smooth !== false)
  .forEach((k, caseIndex) => {
    test(`${k.name}: third derivatives T(v, w, ·) match finite differences of the Hessian-vector product`, (t) => {
      const { xs, values, y } = build(k, 500 + caseIndex);
      const r = rng(19);
      const L = scalarOf(y, randomValues(r, y.shape));
      const vv = xs.map((x) => randomValues(r, x.shape));
      const wv = xs.map((x) => randomValues(r, x.shape));
      const vs = xs.map((x, i) => input(x.shape, `v${i}`));
      const ws = xs.map((x, i) => input(x.shape, `w${i}`));
      const gs = grad(L, xs);
      const hv = jvp(gs, xs, vs);
      const viaForward = grad(innerGraph(hv, ws), xs); // reverse over forward over reverse
      const viaReverse = grad(innerGraph(grad(innerGraph(gs, vs), xs), ws), xs); // reverse³
      const b = [...bind(xs, values), ...bind(vs, vv), ...bind(ws, wv)];
      const a1 = flat(evaluate(viaForward, b));
      const a2 = flat(evaluate(viaReverse, b));
      const fd = centralDifference(hv, xs, values, wv, h, bind(vs, vv));
      t.true(scaledErr(a1, fd) < 1e-6, `error ${scaledErr(a1, fd)}`);
      t.true(scaledErr(a2, a1) < 1e-11, `reverse³ vs forward ${scaledErr(a2, a1)}`);
    });
  });
