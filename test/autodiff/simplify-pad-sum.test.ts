import test from "ava";
import fc from "fast-check";
import { add, compile, evaluate, hessianOperator, input, mul, pad, slice, tanh, type Tensor } from "@krylov-ts/autodiff";
import { rng } from "@krylov-ts/operators";
import { hvpGraph } from "../../packages/autodiff/src/hvp.js";
import { mlpData, mlpLoss } from "../../bench/mlp.js";

const SEED = 20261204;

/** Equal element by element (−0 and +0 count as equal: a copied −0 block stays −0, 0 + −0 was +0). */
function identical(got: Float64Array, want: Float64Array): boolean {
  if (got.length !== want.length) return false;
  for (let i = 0; i < got.length; i++) if (!(got[i] === want[i] || (Number.isNaN(got[i]) && Number.isNaN(want[i])))) return false;
  return true;
}

/** Blocks [begin, begin + size) of a vector of length n, each a nonlinear function of an input. */
const layout = fc
  .record({
    sizes: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 5 }),
    gaps: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 6, maxLength: 6 }),
    overlap: fc.boolean(),
    order: fc.array(fc.nat(), { minLength: 5, maxLength: 5 }),
    seed: fc.integer({ min: 0, max: 1e6 }),
  })
  .map(({ sizes, gaps, overlap, order, seed }) => {
    const blocks: Array<{ begin: number; size: number }> = [];
    let at = gaps[0] as number;
    sizes.forEach((size, i) => {
      blocks.push({ begin: at, size });
      at += size + (gaps[i + 1] as number);
    });
    // one block moved back onto its predecessor: a true sum, which the rule must leave alone
    if (overlap && blocks.length > 1) (blocks[1] as { begin: number }).begin -= 1;
    const n = at + 1;
    // the blocks added in a shuffled order, as a left fold
    const perm = blocks.map((_b, i) => i).sort((p, q) => ((order[p] ?? 0) % 7) - ((order[q] ?? 0) % 7) || p - q);
    return { n, blocks, perm, overlap: overlap && blocks.length > 1, seed };
  });

test("a sum of padded disjoint blocks compiles to one concat and equals the pads and adds exactly", (t) => {
  fc.assert(
    fc.property(layout, ({ n, blocks, perm, overlap, seed }) => {
      const m = Math.max(...blocks.map((b) => b.size));
      const x = input([m], "x");
      const padded = blocks.map(({ begin, size }, i) => pad(tanh(mul(slice(x, [0], [size]), i + 1.5)), [begin], [n - begin - size]));
      let y = padded[perm[0] as number] as Tensor;
      for (const j of perm.slice(1)) y = add(y, padded[j] as Tensor);
      const r = rng(seed);
      const xd = Float64Array.from({ length: m }, () => r.normal());
      const want = evaluate([y], [[x, xd]])[0] as Float64Array;
      const fn = compile([x], [y]);
      const got = fn.run([xd])[0] as Float64Array;
      const ops = fn.describe().after.byOp;
      // one concat of the blocks, one pad around it unless the blocks cover the vector
      const covered = blocks[0]?.begin === 0 && blocks.every((b, i) => i === 0 || b.begin === (blocks[i - 1] as { begin: number; size: number }).begin + (blocks[i - 1] as { size: number }).size) && blocks.at(-1)!.begin + blocks.at(-1)!.size === n;
      const fused = ops.add === undefined && (ops.pad ?? 0) === (covered ? 0 : 1) && (ops.concat ?? 0) <= 1;
      // a single block is just a pad; overlapping blocks stay a sum
      return identical(got, want) && (overlap || blocks.length === 1 || (fused && (ops.concat ?? 0) <= 1));
    }),
    { seed: SEED, numRuns: 150 },
  );
  t.pass();
});

test("the H·v plan of an MLP assembles its output with one concat, no pad, and equals the interpreter's", (t) => {
  const m = mlpData(12, 6, 3, 5, 3);
  const x = input([m.n], "x");
  const v = input([m.n], "v");
  const { hv } = hvpGraph(mlpLoss(m), x, v, "forward-over-reverse");
  const fn = compile([v], [hv], { fixed: [x] });
  const ops = fn.describe().after.byOp;
  t.is(ops.pad, undefined);
  t.is(ops.concat, 1);
  fn.bindFixed([m.x0]);
  const got = fn.run([m.v])[0] as Float64Array;
  const want = evaluate([hv], [
    [x, m.x0],
    [v, m.v],
  ])[0] as Float64Array;
  t.true(identical(got, want));
  const op = hessianOperator(mlpLoss(m), m.x0);
  const viaOperator = op.apply(m.v);
  t.true(identical(Float64Array.from({ length: m.n }, (_z, i) => viaOperator.get(i)), want));
});
