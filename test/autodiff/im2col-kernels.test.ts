import test from "ava";
import fc from "fast-check";
import { rng } from "@krylov-ts/operators";
import "@krylov-ts/autodiff"; // registers the ops
import { getOp } from "../../packages/autodiff/src/graph.js";
import { columnsShape, forEachTap, type WindowAttrs } from "../../packages/autodiff/src/ops/window.js";

const SEED = 20261204;

/** Window geometries over small NHWC images: strides, dilations, paddings, C = 1 and C > 1, fill 0 or −∞. */
const geometry = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    h: fc.integer({ min: 1, max: 7 }),
    w: fc.integer({ min: 1, max: 7 }),
    c: fc.integer({ min: 1, max: 3 }),
    kh: fc.integer({ min: 1, max: 3 }),
    kw: fc.integer({ min: 1, max: 3 }),
    sh: fc.integer({ min: 1, max: 3 }),
    sw: fc.integer({ min: 1, max: 3 }),
    dh: fc.integer({ min: 1, max: 2 }),
    dw: fc.integer({ min: 1, max: 2 }),
    pad: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
    fill: fc.constantFrom(0, -Infinity),
    seed: fc.integer({ min: 0, max: 1e6 }),
  })
  .filter((g) => g.h + (g.pad[0] as number) + (g.pad[1] as number) >= g.dh * (g.kh - 1) + 1 && g.w + (g.pad[2] as number) + (g.pad[3] as number) >= g.dw * (g.kw - 1) + 1);

type Geometry = typeof geometry extends fc.Arbitrary<infer G> ? G : never;

function attrsOf(g: Geometry): WindowAttrs {
  return {
    kernel: [g.kh, g.kw],
    stride: [g.sh, g.sw],
    dilation: [g.dh, g.dw],
    padding: g.pad as [number, number, number, number],
    fill: g.fill,
    input: [g.n, g.h, g.w, g.c],
  };
}

/** Equal bit for bit (Object.is: −0 and NaN told apart). */
function same(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

test("the im2col kernel equals the tap-by-tap gather bit for bit", (t) => {
  fc.assert(
    fc.property(geometry, (g) => {
      const attrs = attrsOf(g);
      const r = rng(g.seed);
      const x = Float64Array.from({ length: g.n * g.h * g.w * g.c }, () => r.normal());
      const shape = columnsShape("test", attrs, attrs.input);
      const want = new Float64Array(shape[0] * shape[1]);
      forEachTap(attrs, attrs.input, (col, at) => {
        for (let k = 0; k < g.c; k++) want[col + k] = at < 0 ? g.fill : (x[at + k] as number);
      });
      const got = new Float64Array(want.length).fill(Number.NaN);
      getOp("im2col").kernel([x], [attrs.input], got, shape, attrs);
      return same(got, want);
    }),
    { seed: SEED, numRuns: 300 },
  );
  t.pass();
});

test("the col2im kernel sums the taps in the tap-by-tap order, bit for bit", (t) => {
  fc.assert(
    fc.property(geometry, (g) => {
      const attrs = { ...attrsOf(g), fill: 0 };
      const r = rng(g.seed);
      const shape = columnsShape("test", attrs, attrs.input);
      const cols = Float64Array.from({ length: shape[0] * shape[1] }, () => r.normal());
      const want = new Float64Array(g.n * g.h * g.w * g.c);
      forEachTap(attrs, attrs.input, (col, at) => {
        if (at >= 0) for (let k = 0; k < g.c; k++) want[at + k] = (want[at + k] as number) + (cols[col + k] as number);
      });
      const got = new Float64Array(want.length).fill(Number.NaN);
      getOp("col2im").kernel([cols], [shape], got, attrs.input, attrs);
      return same(got, want);
    }),
    { seed: SEED, numRuns: 300 },
  );
  t.pass();
});
