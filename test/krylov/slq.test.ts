import test from "ava";
import { dense, diagonal, rng } from "@krylov-ts/operators";
import { slq } from "@krylov-ts/krylov";
import { randomSPD, symmetricEigen } from "../helpers/dense.js";

test("the smoothed density integrates to 1", (t) => {
  const A = randomSPD(80, 100, 2);
  const { density, weights } = slq(A, { probes: 5, steps: 20, seed: 1 });
  t.true(Math.abs(weights.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  const grid = Array.from({ length: 4001 }, (_, i) => -20 + (i * 140) / 4000);
  const phi = density(grid, 2);
  let integral = 0;
  for (let i = 1; i < grid.length; i++) integral += ((phi[i] as number) + (phi[i - 1] as number)) * 0.5 * (140 / 4000);
  t.true(Math.abs(integral - 1) < 1e-6);
});

test("with Rademacher probes the trace and second moment of a diagonal operator are exact", (t) => {
  const r = rng(5);
  const n = 200;
  const d = Array.from({ length: n }, () => 10 * r.uniform() - 3);
  const { nodes, weights } = slq(diagonal(d), { probes: 4, steps: 12, seed: 2 });
  let m1 = 0;
  let m2 = 0;
  nodes.forEach((x, i) => {
    m1 += (weights[i] as number) * x;
    m2 += (weights[i] as number) * x * x;
  });
  const trace = d.reduce((a, b) => a + b, 0);
  const trace2 = d.reduce((a, b) => a + b * b, 0);
  // vᵀDv = Σdᵢ for v ∈ {±1}ⁿ, and Gauss quadrature with m ≥ 2 nodes is exact for degree ≤ 3.
  t.true(Math.abs(n * m1 - trace) < 1e-9 * Math.abs(trace));
  t.true(Math.abs(n * m2 - trace2) < 1e-9 * trace2);
});

test("a spectrum of few distinct values is recovered exactly with its multiplicities", (t) => {
  const d = Array.from({ length: 100 }, (_, i) => (i < 50 ? -1 : i < 80 ? 2 : 7));
  const { nodes, weights, stats } = slq(diagonal(d), { probes: 3, steps: 10, seed: 4 });
  t.is(stats.status, "converged");
  t.is(nodes.length, 9); // each probe breaks down after 3 steps
  const mass = (value: number): number => weights.filter((_, i) => Math.abs((nodes[i] as number) - value) < 1e-9).reduce((a, b) => a + b, 0);
  t.true(Math.abs(mass(-1) - 0.5) < 1e-12);
  t.true(Math.abs(mass(2) - 0.3) < 1e-12);
  t.true(Math.abs(mass(7) - 0.2) < 1e-12);
});

test("the density of a random matrix follows its dense eigenvalue histogram within the probe error", (t) => {
  const n = 120;
  const A = randomSPD(n, 10, 6);
  const ref = symmetricEigen(A.data, n).values;
  const { density } = slq(A, { probes: 30, steps: 30, seed: 3 });
  // P(λ ≤ 3) from the smoothed density vs the exact fraction, with a small σ.
  const grid = Array.from({ length: 2001 }, (_, i) => -2 + (i * 5) / 2000);
  const phi = density(grid, 0.05);
  let cdf = 0;
  for (let i = 1; i < grid.length; i++) cdf += ((phi[i] as number) + (phi[i - 1] as number)) * 0.5 * (5 / 2000);
  const exact = ref.filter((x) => x <= 3).length / n;
  t.true(Math.abs(cdf - exact) < 0.08);
});

test("runs are deterministic for a seed and count one product per Lanczos step", (t) => {
  const A = randomSPD(50, 10, 1);
  const a = slq(A, { probes: 3, steps: 7, seed: 9 });
  const b = slq(A, { probes: 3, steps: 7, seed: 9 });
  t.deepEqual(Array.from(a.nodes), Array.from(b.nodes));
  t.is(a.stats.matvecs, 21);
  t.is(a.stats.iterations, 3);
});

test("an aborted signal stops before any probe with status stopped", (t) => {
  const ac = new AbortController();
  ac.abort();
  const r = slq(randomSPD(10, 10, 1), { signal: ac.signal });
  t.is(r.stats.status, "stopped");
  t.is(r.nodes.length, 0);
});

test("bad input throws errors naming the function, the argument and the sizes", (t) => {
  const A = randomSPD(5, 10, 1);
  t.throws(() => slq(A, { steps: 6 }), { message: /slq: options.steps is 6 but A is 5×5/ });
  t.throws(() => slq(A, { probes: 0 }), { message: /slq: options.probes/ });
  t.throws(() => slq(A, { distribution: "uniform" as never }), { message: /slq: options.distribution/ });
  t.throws(() => slq(dense([[1, 2, 3], [4, 5, 6]])), { message: /slq: A must be square but is 2×3/ });
  t.throws(() => slq(A).density([0], 0), { message: /slq.density: sigma/ });
});

test("the callback sees each probe, its products and the running trace estimate, exact on a diagonal with Rademacher probes", (t) => {
  const A = diagonal([1, 2, 3, 4, 5, 6]); // Rademacher: vᵀAv/vᵀv = tr(A)/n for every probe
  const seen: { probes: number; matvecs: number; trace: number }[] = [];
  const r = slq(A, { probes: 4, steps: 3, callback: (info) => void seen.push({ ...info }) });
  t.deepEqual(seen.map((s) => s.probes), [1, 2, 3, 4]);
  t.deepEqual(seen.map((s) => s.matvecs), [3, 6, 9, 12]);
  for (const s of seen) t.true(Math.abs(s.trace - 21) <= 1e-12 * 21);
  t.is(r.stats.status, "converged");
});

test("the callback stops the run after a probe with status stopped and that probe's nodes", (t) => {
  const r = slq(randomSPD(10, 10, 1), { probes: 5, steps: 4, callback: (info) => info.probes === 2 });
  t.is(r.stats.status, "stopped");
  t.is(r.stats.iterations, 2);
  t.is(r.nodes.length, 8);
  t.true(Math.abs(r.weights.reduce((a, b) => a + b, 0) - 1) < 1e-12);
});
