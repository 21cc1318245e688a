/**
 * The Hessian operators meet the solvers: views of one buffer (a solver's workspace, a Lanczos
 * basis) are valid `x` and `out` as long as their elements do not overlap.
 */
import test from "ava";
import ndarray from "ndarray";
import { dot, nrm2, rng, vec, type Vec } from "@krylov-ts/operators";
import { add, compile, constant, gaussNewtonOperator, hessianOperator, input, mul, sum, square, tanh, type Tensor } from "@krylov-ts/autodiff";
import { cg, lanczos, minres, powerIteration } from "@krylov-ts/krylov";

// f(x) = Σ tanh(xᵢ)² + ½·Σ xᵢ²·(1 + i/n): separable, so H is diagonal with known entries.
const n = 2048;
const weights = Float64Array.from({ length: n }, (_, i) => 1 + i / n);
const w = constant(weights, [n]);
const f = (x: Tensor): Tensor => add(sum(square(tanh(x))), mul(0.5, sum(mul(w, square(x)))));
const x0 = rng(3).normalVec(n);
const diagH = Float64Array.from(x0.data, (x, i) => {
  const t = Math.tanh(x);
  return 2 * (1 - t * t) * (1 - 3 * t * t) + (weights[i] as number);
});

test("a Hessian operator accepts x and out as disjoint views of one buffer", (t) => {
  const H = hessianOperator(f, x0);
  const buffer = new Float64Array(2 * n);
  const x = ndarray(buffer, [n], [1], 0) as Vec;
  const out = ndarray(buffer, [n], [1], n) as Vec;
  x.data.fill(1, 0, n);
  H.apply(x, out);
  for (let i = 0; i < n; i += 97) t.true(Math.abs((out.get(i) as number) - (diagH[i] as number)) < 1e-12);
});

test("a Hessian operator applied in place (out = x) gives H·x", (t) => {
  const H = hessianOperator(f, x0);
  const x = vec(n).data.fill(2);
  const v = ndarray(x, [n]) as Vec;
  H.apply(v, v);
  for (let i = 0; i < n; i += 97) t.true(Math.abs((v.get(i) as number) - 2 * (diagH[i] as number)) < 1e-12);
});

test("compile.run refuses an output that overlaps an input's elements", (t) => {
  const x = input([4], "x");
  const fn = compile([x], [mul(2, x)]);
  const buffer = new Float64Array(6);
  t.throws(() => fn.run([buffer.subarray(0, 4)], [buffer.subarray(2, 6)]), { message: /outs\[0\] overlaps the storage of an input/ });
  const out = fn.run([buffer.subarray(0, 4)], [buffer.subarray(4, 6).length === 2 ? new Float64Array(4) : buffer]);
  t.is(out[0]?.length, 4);
  const shared = new Float64Array(8).fill(1);
  fn.run([shared.subarray(0, 4)], [shared.subarray(4, 8)]);
  t.deepEqual(Array.from(shared.subarray(4, 8)), [2, 2, 2, 2]);
});

test("cg, minres, lanczos and powerIteration run on a Hessian of 2048 parameters and agree with its diagonal", (t) => {
  const H = hessianOperator(f, x0);
  const b = rng(4).normalVec(n);
  const xs = Float64Array.from(b.data, (bi, i) => bi / (diagH[i] as number));
  const c = cg(H, b, { rtol: 1e-10 });
  const m = minres(H, b, { rtol: 1e-10 });
  let ec = 0, em = 0, ns = 0;
  for (let i = 0; i < n; i++) {
    ec += ((c.x.get(i) as number) - (xs[i] as number)) ** 2;
    em += ((m.x.get(i) as number) - (xs[i] as number)) ** 2;
    ns += (xs[i] as number) ** 2;
  }
  t.true(Math.sqrt(ec / ns) < 1e-8, `cg error ${Math.sqrt(ec / ns)}`);
  t.true(Math.sqrt(em / ns) < 1e-8, `minres error ${Math.sqrt(em / ns)}`);
  const sorted = Float64Array.from(diagH).sort();
  const top = lanczos(H, { k: 3, which: "largest", tol: 1e-9 });
  top.values.forEach((l, i) => t.true(Math.abs(l - (sorted[n - 3 + i] as number)) < 1e-8 * (sorted[n - 1] as number)));
  const p = powerIteration(H, { k: 1, tol: 1e-6, maxIterations: 20000 });
  t.true(Math.abs((p.values[0] as number) - (sorted[n - 1] as number)) < 1e-4 * (sorted[n - 1] as number));
});

test("a Gauss–Newton operator accepts disjoint views of one buffer", (t) => {
  const G = gaussNewtonOperator((x) => tanh(x), (z) => sum(square(z)), x0);
  const buffer = new Float64Array(2 * n);
  const x = ndarray(buffer, [n], [1], n) as Vec;
  const out = ndarray(buffer, [n], [1], 0) as Vec;
  x.data.fill(1, n, 2 * n);
  G.apply(x, out);
  // G = diag(2·(1 − tanh²)²)
  for (let i = 0; i < n; i += 101) {
    const th = Math.tanh(x0.get(i) as number);
    t.true(Math.abs((out.get(i) as number) - 2 * (1 - th * th) ** 2) < 1e-12);
  }
  t.true(nrm2(out) > 0 && dot(out, out) > 0);
});
