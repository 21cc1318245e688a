/**
 * conv2d, maxPool2d and avgPool2d against direct loops over random geometries (sizes, strides,
 * dilations, groups, 'same'/'valid'/explicit padding), and the layers' values against their
 * formulas. Their derivatives to third order are checked with the other ops (ops-cases.ts).
 */
import test from "ava";
import fc from "fast-check";
import { avgPool2d, batchNorm, constant, conv2d, evaluate, gelu, layerNorm, maxPool2d, type Tensor } from "@krylov-ts/autodiff";
import { rng } from "@krylov-ts/operators";

const values = (t: Tensor): Float64Array => evaluate(t, []) as unknown as Float64Array;
function run(t: Tensor): { data: Float64Array; shape: readonly number[] } {
  const out = evaluate(t, []);
  return { data: (out as { data?: Float64Array }).data ?? (out as unknown as Float64Array), shape: t.shape };
}

/** TensorFlow's padding for one axis: [before, after] and the output size. */
function pads(size: number, k: number, s: number, d: number, mode: "same" | "valid"): [number, number, number] {
  if (mode === "valid") return [0, 0, Math.floor((size - d * (k - 1) - 1) / s) + 1];
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + (k - 1) * d + 1 - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2), out];
}

const geometry = fc.record({
  n: fc.integer({ min: 1, max: 2 }),
  h: fc.integer({ min: 1, max: 7 }),
  w: fc.integer({ min: 1, max: 7 }),
  groups: fc.integer({ min: 1, max: 3 }),
  cg: fc.integer({ min: 1, max: 2 }),
  fg: fc.integer({ min: 1, max: 2 }),
  kh: fc.integer({ min: 1, max: 3 }),
  kw: fc.integer({ min: 1, max: 3 }),
  sh: fc.integer({ min: 1, max: 3 }),
  sw: fc.integer({ min: 1, max: 3 }),
  dh: fc.integer({ min: 1, max: 2 }),
  dw: fc.integer({ min: 1, max: 2 }),
  mode: fc.constantFrom("same" as const, "valid" as const),
  seed: fc.integer({ min: 0, max: 1e6 }),
});

test("conv2d equals the direct sum over taps for random sizes, strides, dilations, groups and padding", (t) => {
  let checked = 0;
  fc.assert(
    fc.property(geometry, (g) => {
      const c = g.groups * g.cg;
      const f = g.groups * g.fg;
      const [pt, , oh] = pads(g.h, g.kh, g.sh, g.dh, g.mode);
      const [pl, , ow] = pads(g.w, g.kw, g.sw, g.dw, g.mode);
      if (oh < 1 || ow < 1) return;
      const r = rng(g.seed);
      const x = r.normalVec(g.n * g.h * g.w * c).data;
      const k = r.normalVec(g.kh * g.kw * g.cg * f).data;
      const y = run(conv2d(constant(x, [g.n, g.h, g.w, c]), constant(k, [g.kh, g.kw, g.cg, f]), { stride: [g.sh, g.sw], dilation: [g.dh, g.dw], padding: g.mode, groups: g.groups }));
      t.deepEqual([...y.shape], [g.n, oh, ow, f]);
      for (let b = 0; b < g.n; b++)
        for (let i = 0; i < oh; i++)
          for (let j = 0; j < ow; j++)
            for (let o = 0; o < f; o++) {
              const grp = Math.floor(o / g.fg);
              let s = 0;
              for (let p = 0; p < g.kh; p++)
                for (let q = 0; q < g.kw; q++)
                  for (let ci = 0; ci < g.cg; ci++) {
                    const rr = i * g.sh + p * g.dh - pt;
                    const cc = j * g.sw + q * g.dw - pl;
                    if (rr < 0 || rr >= g.h || cc < 0 || cc >= g.w) continue;
                    s += (x[((b * g.h + rr) * g.w + cc) * c + grp * g.cg + ci] as number) * (k[((p * g.kw + q) * g.cg + ci) * f + o] as number);
                  }
              const got = y.data[((b * oh + i) * ow + j) * f + o] as number;
              if (Math.abs(got - s) > 1e-12 * (1 + Math.abs(s))) throw new Error(`conv2d ${JSON.stringify(g)} at ${[b, i, j, o]}: ${got} vs ${s}`);
            }
      checked++;
    }),
    { seed: 42, numRuns: 120 },
  );
  t.true(checked > 50);
});

test("maxPool2d and avgPool2d equal the max and the mean over the window's pixels inside the image", (t) => {
  fc.assert(
    fc.property(geometry, (g) => {
      const c = g.cg;
      const [pt, , oh] = pads(g.h, g.kh, g.sh, 1, g.mode);
      const [pl, , ow] = pads(g.w, g.kw, g.sw, 1, g.mode);
      if (oh < 1 || ow < 1) return;
      const x = rng(g.seed).normalVec(g.n * g.h * g.w * c).data;
      const X = constant(x, [g.n, g.h, g.w, c]);
      const opts = { stride: [g.sh, g.sw] as [number, number], padding: g.mode };
      const mx = run(maxPool2d(X, [g.kh, g.kw], opts)).data;
      const av = run(avgPool2d(X, [g.kh, g.kw], opts)).data;
      for (let b = 0; b < g.n; b++)
        for (let i = 0; i < oh; i++)
          for (let j = 0; j < ow; j++)
            for (let ci = 0; ci < c; ci++) {
              let best = -Infinity;
              let sum = 0;
              let count = 0;
              for (let p = 0; p < g.kh; p++)
                for (let q = 0; q < g.kw; q++) {
                  const rr = i * g.sh + p - pt;
                  const cc = j * g.sw + q - pl;
                  if (rr < 0 || rr >= g.h || cc < 0 || cc >= g.w) continue;
                  const v = x[((b * g.h + rr) * g.w + cc) * c + ci] as number;
                  best = Math.max(best, v);
                  sum += v;
                  count++;
                }
              const at = ((b * oh + i) * ow + j) * c + ci;
              if (mx[at] !== best) throw new Error(`maxPool2d ${JSON.stringify(g)}: ${mx[at]} vs ${best}`);
              if (Math.abs((av[at] as number) - sum / count) > 1e-14) throw new Error(`avgPool2d ${JSON.stringify(g)}: ${av[at]} vs ${sum / count}`);
            }
    }),
    { seed: 7, numRuns: 120 },
  );
  t.pass();
});

test("gelu (tanh form), layerNorm and batchNorm equal their formulas", (t) => {
  const x = [-2.5, -0.3, 0, 0.7, 3.1, 1.2];
  const g = values(gelu(constant(x, [6]), { approximate: "tanh" }));
  x.forEach((v, i) => t.true(Math.abs((g[i] as number) - 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))) < 1e-15));
  const ln = values(layerNorm(constant(x, [2, 3]), constant([1, 2, 3], [3]), constant([0, 1, 0], [3])));
  for (let r = 0; r < 2; r++) {
    const row = x.slice(3 * r, 3 * r + 3);
    const mu = row.reduce((a, b) => a + b) / 3;
    const v = row.reduce((a, b) => a + (b - mu) ** 2, 0) / 3;
    row.forEach((xi, j) => t.true(Math.abs((ln[3 * r + j] as number) - (((xi - mu) / Math.sqrt(v + 1e-5)) * [1, 2, 3][j]! + [0, 1, 0][j]!)) < 1e-14));
  }
  const bn = values(batchNorm(constant(x, [2, 3]), { mean: constant([1, 0, -1], [3]), variance: constant([4, 1, 0.25], [3]) }, 0));
  t.deepEqual(Array.from(bn), x.map((xi, i) => (xi - [1, 0, -1][i % 3]!) / Math.sqrt([4, 1, 0.25][i % 3]!)));
});

test("conv2d refuses mismatched channels, groups and windows with a message naming it and the shapes", (t) => {
  const x = constant(new Float64Array(2 * 4 * 4 * 3), [2, 4, 4, 3]);
  t.throws(() => conv2d(x, constant(new Float64Array(3 * 3 * 2 * 4), [3, 3, 2, 4])), { message: /conv2d: x has 3 channels and w has shape \[3, 3, 2, 4\]/ });
  t.throws(() => conv2d(x, constant(new Float64Array(5 * 5 * 3), [5, 5, 3, 1])), { message: /conv2d: a 5×5 window .* does not fit an image of 4×4/ });
  t.throws(() => conv2d(constant([1, 2], [2]), constant(new Float64Array(1), [1, 1, 1, 1])), { message: /conv2d: x must be 4-D \[N, H, W, C\]/ });
  t.throws(() => maxPool2d(x, 0), { message: /maxPool2d: size must be a positive integer/ });
});
