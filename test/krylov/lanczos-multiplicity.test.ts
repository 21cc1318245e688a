import test from "ava";
import { diagonal, rng } from "@krylov-ts/operators";
import { lanczos } from "@krylov-ts/krylov";
import { expectedEigenvalues } from "../helpers/dense.js";

const strategies = ["full", "partial", "selective", "none"] as const;
const whichs = ["largest", "smallest", "both", "magnitude"] as const;

/** Values with multiplicities 1–5 on a grid of quarters in [−4, 4], and every third spectrum with its negatives (± pairs). */
function spectrum(r: ReturnType<typeof rng>, trial: number): number[] {
  const distinct = 1 + Math.floor(r.uniform() * 6);
  const d: number[] = [];
  for (let v = 0; v < distinct; v++) {
    const x = Math.round((r.uniform() * 8 - 4) * 4) / 4 || 0.5;
    const copies = 1 + Math.floor(r.uniform() * 5);
    for (let c = 0; c < copies; c++) d.push(x);
  }
  if (trial % 3 === 0) d.push(...d.map((x) => -x));
  return d;
}

for (const reorthogonalization of strategies) {
  test(`lanczos '${reorthogonalization}' finds every copy of an eigenvalue repeated five times in an 8×8 operator`, (t) => {
    const smallest = lanczos(diagonal(new Float64Array([-1, -1, -1, -1, -1, 1, 2, 3])), { k: 6, which: "smallest", reorthogonalization });
    t.is(smallest.stats.status, "converged");
    t.deepEqual(Array.from(smallest.values, (x) => Math.round(x * 1e10) / 1e10), [-1, -1, -1, -1, -1, 1]);
    const largest = lanczos(diagonal(new Float64Array([1, 1, 1, 1, 1, -1, -2, -3])), { k: 6, which: "largest", reorthogonalization });
    t.is(largest.stats.status, "converged");
    t.deepEqual(Array.from(largest.values, (x) => Math.round(x * 1e10) / 1e10), [-1, 1, 1, 1, 1, 1]);
  });
}

test("on small diagonal operators with multiplicities 1–5 and ± pairs, lanczos converges to every wanted copy", (t) => {
  // n ≤ 40: the basis often reaches the whole space, where the Krylov space is exhausted before the copies are found.
  const r = rng(5);
  let runs = 0;
  for (let trial = 0; trial < 40; trial++) {
    const d = spectrum(r, trial);
    const n = d.length;
    const all = Float64Array.from(d).sort();
    const normA = Math.max(...d.map(Math.abs));
    for (const which of whichs) {
      for (const reorthogonalization of strategies) {
        const k = Math.max(1, Math.min(n, 1 + Math.floor(r.uniform() * 7)));
        const mags = d.map(Math.abs).sort((a, b) => b - a);
        if (which === "magnitude" && k < n && mags[k - 1] === mags[k]) continue; // a tie at the k-th |λ|: two right answers
        const out = lanczos(diagonal(Float64Array.from(d)), { k, which, reorthogonalization });
        const want = expectedEigenvalues(all, k, which);
        const label = `${JSON.stringify(d)} k=${k} ${which} ${reorthogonalization}`;
        t.is(out.stats.status, "converged", label);
        t.is(out.values.length, k, label);
        t.true(want.every((x, i) => Math.abs(x - (out.values[i] as number)) <= 1e-8 * normA), `${label}: got ${Array.from(out.values)}`);
        runs++;
      }
    }
  }
  t.true(runs > 500);
});
