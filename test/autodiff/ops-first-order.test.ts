import test from "ava";
import { rng } from "@krylov-ts/operators";
import * as ad from "@krylov-ts/autodiff";
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

/** A random pair of shapes that broadcast: a common shape with some axes set to 1 or dropped in front. */
function randomBroadcastPair(r: ReturnType<typeof rng>): [number[], number[]] {
  const rank = r.integer(4);
  const full = Array.from({ length: rank }, () => 1 + r.integer(3));
  const thin = (): number[] => {
    const drop = r.integer(rank + 1);
    return full.slice(drop).map((d) => (r.uniform() < 0.4 ? 1 : d));
  };
  return [thin(), thin()];
}

test("binary elementwise VJPs match finite differences on random broadcast shapes", (t) => {
  const r = rng(23);
  const ops = [ad.add, ad.sub, ad.mul, ad.div, ad.maximum];
  for (let trial = 0; trial < 25; trial++) {
    const [sa, sb] = randomBroadcastPair(r);
    const f = ops[trial % ops.length]!;
    const xs = [input(sa, "a"), input(sb, "b")];
    const values = [randomValues(r, sa, "awayFromZero"), randomValues(r, sb, "awayFromZero")];
    const y = f(xs[0]!, xs[1]!);
    const c = randomValues(r, y.shape);
    const gs = grad(y, xs, { cotangent: constant(c, y.shape) });
    const analytic = evaluate(gs, bind(xs, values));
    const ds = xs.map((x) => randomValues(r, x.shape));
    const fd = inner([centralDifference([y], xs, values, ds, h)], [c]);
    const an = inner(analytic, ds);
    t.true(Math.abs(fd - an) < 1e-6 * Math.max(1, Math.abs(an)), `${f.name} ${JSON.stringify([sa, sb])}: ${an} vs ${fd}`);
  }
});
