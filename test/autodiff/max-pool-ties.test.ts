/**
 * maxPool2d's own ops (maxPool, poolWeights, poolSelect, poolSpread) against the composite they
 * replace, the `max` of the window columns (im2col with −∞ padding): values, gradients and H·v of
 * a smooth function of the pooled output agree on images with many ties (values drawn from a
 * few levels), overlapping windows and padding; and a NaN in a window makes that window NaN.
 */
import test from "ava";
import fc from "fast-check";
import * as ad from "@krylov-ts/autodiff";
import { constant, evaluate, grad, input, jvp, type Tensor } from "@krylov-ts/autodiff";

type Geometry = { n: number; h: number; w: number; c: number; k: number; s: number; padding: "same" | "valid" };

/** The pooled output through max over im2col columns (the definition maxPool2d had before its own ops). */
function composite(x: Tensor, g: Geometry): Tensor {
  const fast = ad.maxPool2d(x, g.k, { stride: g.s, padding: g.padding }); // for the output geometry only
  const [, oh, ow] = fast.shape as [number, number, number, number];
  const pad = (size: number, o: number): [number, number] => {
    const total = Math.max((o - 1) * g.s + g.k - size, 0);
    return g.padding === "same" ? [Math.floor(total / 2), total - Math.floor(total / 2)] : [0, 0];
  };
  const [pt, pb] = pad(g.h, oh);
  const [pl, pr] = pad(g.w, ow);
  const cols = ad.im2col(x, { kernel: [g.k, g.k], stride: [g.s, g.s], dilation: [1, 1], padding: [pt, pb, pl, pr] }, -Infinity);
  return ad.reshape(ad.max(ad.reshape(cols, [g.n * oh * ow, g.k * g.k, g.c]), 1), [g.n, oh, ow, g.c]);
}

const geometry = fc.record({
  n: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 2, max: 6 }), w: fc.integer({ min: 2, max: 6 }), c: fc.integer({ min: 1, max: 3 }),
  k: fc.integer({ min: 1, max: 3 }), s: fc.integer({ min: 1, max: 3 }), padding: fc.constantFrom<"same" | "valid">("same", "valid"),
}).filter((g) => g.padding === "same" || (g.k <= g.h && g.k <= g.w));

test("maxPool2d's values, gradient and H·v equal those of max over the window columns, ties shared", (t) => {
  fc.assert(
    fc.property(geometry, fc.integer({ min: 0, max: 2 ** 30 }), (g, seed) => {
      let state = seed;
      const next = (): number => ((state = (state * 1103515245 + 12345) % 2 ** 31), state / 2 ** 31);
      const size = g.n * g.h * g.w * g.c;
      const xv = Float64Array.from({ length: size }, () => Math.floor(next() * 3) / 2); // three levels: many ties
      const vv = Float64Array.from({ length: size }, () => next() - 0.5);
      const x = input([g.n, g.h, g.w, g.c], "x");
      const v = input([g.n, g.h, g.w, g.c], "v");
      const bind: [Tensor, Float64Array][] = [[x, xv], [v, vv]];
      const results = [ad.maxPool2d(x, g.k, { stride: g.s, padding: g.padding }), composite(x, g)].map((y) => {
        const L = ad.sum(ad.mul(ad.sin(y), constant(Float64Array.from({ length: y.size }, (_, i) => 1 + 0.1 * i), y.shape)));
        const [gx] = grad(L, [x]);
        const [hv] = jvp([gx as Tensor], [x], [v]);
        const [tangent] = jvp([y], [x], [v]);
        return evaluate([y, gx as Tensor, hv as Tensor, tangent as Tensor], bind) as Float64Array[];
      });
      const [fast, ref] = results as [Float64Array[], Float64Array[]];
      fast.forEach((a, k) => a.forEach((value, i) => {
        const r = (ref[k] as Float64Array)[i] as number;
        if (Math.abs(value - r) > 1e-14 * Math.max(1, Math.abs(r))) throw new Error(`output ${k}[${i}]: ${value} vs ${r} for ${JSON.stringify(g)}`);
      }));
    }),
    { seed: 13, numRuns: 60 },
  );
  t.pass();
});

test("a NaN in a window makes that window's maximum, tangent and gradient NaN, and no other", (t) => {
  const x = input([1, 2, 4, 1], "x");
  const xv = [1, 2, 3, 4, NaN, 0, 5, 6];
  const y = ad.maxPool2d(x, 2);
  const [g] = grad(ad.sum(y), [x]);
  const [d] = jvp([y], [x], [constant(new Float64Array(8).fill(1), [1, 2, 4, 1])]);
  const [yv, gv, dv] = evaluate([y, g as Tensor, d as Tensor], [[x, xv]]) as Float64Array[];
  t.deepEqual(Array.from(yv as Float64Array), [NaN, 6]);
  t.deepEqual(Array.from(dv as Float64Array), [NaN, 1]);
  t.deepEqual(Array.from(gv as Float64Array), [NaN, NaN, 0, 0, NaN, NaN, 0, 1]);
});
