/**
 * The ndarray-compatible views of view.ts behave exactly as views made by the `ndarray` package
 * (which the tests, unlike a strict-CSP page, may call), for random shapes, strides, offsets and
 * chains of lo/hi/step/transpose/pick; and the library runs with code generation from strings
 * disallowed, as on a page whose Content-Security-Policy has no 'unsafe-eval'.
 */
import test from "ava";
import fc from "fast-check";
import ndarray from "ndarray";
import type { NdArray } from "ndarray";
import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { view } from "@krylov-ts/operators";

type Step = { op: "lo" | "hi" | "step" | "pick" | "transpose"; args: number[] };

function same(t: { deepEqual: (a: unknown, b: unknown, m?: string) => void }, ours: NdArray<Float64Array>, theirs: NdArray<Float64Array>, what: string): void {
  t.deepEqual([...ours.shape], [...theirs.shape], `${what}: shape`);
  t.deepEqual([...ours.stride], [...theirs.stride], `${what}: stride`);
  t.deepEqual(ours.offset, theirs.offset, `${what}: offset`);
  t.deepEqual([ours.size, ours.dimension, ours.dtype], [theirs.size, theirs.dimension, theirs.dtype], `${what}: size, dimension, dtype`);
  if (ours.dimension > 0) t.deepEqual([...ours.order], [...theirs.order], `${what}: order`);
  // every element, through get and index
  const idx = new Array<number>(ours.dimension).fill(0);
  for (let e = 0; e < ours.size; e++) {
    let r = e;
    for (let d = ours.dimension - 1; d >= 0; d--) {
      idx[d] = r % (ours.shape[d] as number);
      r = Math.floor(r / (ours.shape[d] as number));
    }
    t.deepEqual([ours.get(...idx), ours.index(...idx)], [theirs.get(...idx), theirs.index(...idx)], `${what}: element ${idx.join(",")}`);
  }
}

test("views agree with ndarray's on random shapes and chains of lo, hi, step, transpose and pick", (t) => {
  const arbitrary = fc.record({
    shape: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
    steps: fc.array(
      fc.record({
        op: fc.constantFrom("lo", "hi", "step", "pick", "transpose"),
        args: fc.array(fc.integer({ min: -3, max: 4 }), { maxLength: 3 }),
      }),
      { maxLength: 4 },
    ),
  });
  fc.assert(
    fc.property(arbitrary, ({ shape, steps }) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const data = Float64Array.from({ length: size + 3 }, (_, i) => i);
      let ours: NdArray<Float64Array> = view(data, shape, undefined, 0);
      let theirs = ndarray(data, shape) as NdArray<Float64Array>;
      same(t, ours, theirs, "initial");
      for (const s of steps as Step[]) {
        const n = ours.dimension;
        let args: number[] = s.args.slice(0, n);
        if (s.op === "transpose") args = fc.sample(fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }), { seed: args.length, numRuns: 1 })[0] ?? [];
        if (s.op === "step") args = args.map((a) => (a === 0 ? 1 : a));
        if (s.op === "lo" || s.op === "hi") args = args.map((a, d) => Math.min(Math.abs(a), ours.shape[d] as number));
        if (s.op === "pick") {
          args = args.map((a, d) => (a < 0 ? -1 : Math.min(a, (ours.shape[d] as number) - 1)));
          if (args.filter((a) => a >= 0).length >= n) continue; // a 0-d result: ndarray's differs in kind
        }
        ours = (ours[s.op] as (...a: number[]) => NdArray<Float64Array>)(...args);
        theirs = (theirs[s.op] as (...a: number[]) => NdArray<Float64Array>)(...args);
        if (ours.shape.some((x) => x <= 0)) return;
        same(t, ours, theirs, `${s.op}(${args.join(", ")})`);
      }
    }),
    { seed: 20261204, numRuns: 300 },
  );
});

test("set writes the element that get reads, on a strided view", (t) => {
  const data = new Float64Array(12);
  const v = view(data, [3, 4]).step(2, -1).transpose(1, 0);
  v.set(2, 1, 7.5);
  t.is(v.get(2, 1), 7.5);
  t.is(data[v.index(2, 1)], 7.5);
  t.is(data.filter((x) => x !== 0).length, 1);
});

test("the library runs with code generation from strings disallowed (a strict Content-Security-Policy)", async (t) => {
  const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--disallow-code-generation-from-strings", "--conditions=source", "--import=tsx", join(root, "test/fixtures/no-eval.ts")],
    { cwd: root },
  );
  t.is(stdout.trim().split("\n").at(-1), "ok");
});
