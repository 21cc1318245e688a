import test from "ava";
import { rng } from "@krylov-ts/operators";
import { constant, evaluate, grad, input, jvp } from "@krylov-ts/autodiff";
import { cases, build, bind, randomValues, centralDifference, scaledErr, inner, flat } from "./ops-cases.js";

const h = 1e-5;

cases.forEach((k, caseIndex) => {
  test(`${k.name}: the VJP matches central finite differences of ⟨f(x), c⟩ in every input element`, (t) => {
    const { xs, values, y } = build(k, 100 + caseIndex);
    const c = randomValues(rng(7), y.shape);
    const gs = grad(y, xs, { cotangent: constant(c, y.shape) });
    const analytic = evaluate(gs, bind(xs, values));
    values.forEach((v, i) => {
      t.deepEqual(gs[i]?.shape, xs[i]?.shape);
      const fd = new Float64Array(v.length);
      for (let j = 0; j < v.length; j++) {
        const ds = values.map((w, q) => {
          const d = new Float64Array(w.length);
          if (q === i) d[j] = 1;
          return d;
        });
        fd[j] = inner([centralDifference([y], xs, values, ds, h)], [c]);
      }
      const err = scaledErr(analytic[i] as Float64Array, fd);
      t.true(err < 1e-6, `input ${i}: error ${err}`);
    });
  });

  test(`${k.name}: the JVP matches a central finite difference along a random tangent`, (t) => {
    const { xs, values, y } = build(k, 200 + caseIndex);
    const r = rng(11);
    const tv = xs.map((x) => randomValues(r, x.shape));
    const ts = xs.map((x, i) => input(x.shape, `t${i}`));
    const [ydot] = jvp([y], xs, ts);
    t.deepEqual(ydot?.shape, y.shape);
    const analytic = evaluate(ydot!, [...bind(xs, values), ...bind(ts, tv)]);
    const fd = centralDifference([y], xs, values, tv, h);
    const err = scaledErr(analytic, fd);
    t.true(err < 1e-6, `error ${err}`);
  });

  test(`${k.name}: ⟨J·t, c⟩ equals ⟨t, Jᵀ·c⟩ (JVP against VJP)`, (t) => {
    const { xs, values, y } = build(k, 300 + caseIndex);
    const r = rng(13);
    const tv = xs.map((x) => randomValues(r, x.shape));
    const c = randomValues(r, y.shape);
    const ts = xs.map((x, i) => input(x.shape, `t${i}`));
    const [ydot] = jvp([y], xs, ts);
    const gs = grad(y, xs, { cotangent: constant(c, y.shape) });
    const [jt, ...vjps] = evaluate([ydot!, ...gs], [...bind(xs, values), ...bind(ts, tv)]);
    const lhs = inner([jt!], [c]);
    const rhs = inner(tv, vjps);
    t.true(Math.abs(lhs - rhs) <= 1e-12 * Math.max(1, Math.abs(rhs)), `${lhs} vs ${rhs}`);
    t.is(flat(vjps).length, flat(values).length);
  });
});
