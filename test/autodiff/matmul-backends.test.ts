/**
 * The autodiff products on the kernel backends: H·v of an MLP is the same bits on JavaScript
 * and WebAssembly SIMD (and within rounding on relaxed SIMD, in a child process), a compiled
 * plan's products run in place in its arena (no operand copied), and its outputs are plain
 * arrays of the caller's; the full Hessian (the batched stage) likewise.
 */
import test from "ava";
import { spawnSync } from "node:child_process";
import { add, constant, hessian, hessianOperator, matmul, params, softmaxCrossEntropy, tanh, type Tensor } from "@krylov-ts/autodiff";
import { availableKernelBackends, rng, setKernelBackend, vec } from "@krylov-ts/operators";
import { gemmCopies } from "../../packages/operators/src/gemm/index.js";
import { repoRoot } from "../helpers/backends.js";

/** An MLP d → h → c on a batch of B seeded samples; its flat parameters and a direction. */
function mlp(d: number, h: number, c: number, B: number, seed: number): { f: (x: Tensor) => Tensor; x0: Float64Array; v: Float64Array } {
  const r = rng(seed);
  const P = params({ W1: [d, h], b1: [h], W2: [h, c], b2: [c] });
  const X = constant(Float64Array.from({ length: B * d }, () => r.normal()), [B, d]);
  const Yd = new Float64Array(B * c);
  for (let i = 0; i < B; i++) Yd[i * c + r.integer(c)] = 1;
  const Y = constant(Yd, [B, c]);
  const f = (x: Tensor): Tensor => {
    const p = P.views(x);
    return softmaxCrossEntropy(add(matmul(tanh(add(matmul(X, p.W1), p.b1)), p.W2), p.b2), Y);
  };
  const n = P.n;
  return { f, x0: Float64Array.from({ length: n }, () => r.normal() / Math.sqrt(d)), v: Float64Array.from({ length: n }, () => r.normal()) };
}

const simd = availableKernelBackends().includes("simd");

test("H·v of an MLP is the same bits on the JavaScript and SIMD backends", (t) => {
  if (!simd) return t.pass("no WebAssembly SIMD here");
  const { f, x0, v } = mlp(37, 29, 7, 300, 3); // k = 300 > KC: blocked sums
  const H = hessianOperator(f, x0);
  const run = (b: "js" | "simd"): Float64Array => {
    const previous = setKernelBackend(b, 0);
    try {
      return Float64Array.from(H.apply(vec(v)).data as Float64Array);
    } finally {
      setKernelBackend(previous);
    }
  };
  const js = run("js");
  const wasm = run("simd");
  t.true(js.every((x, i) => Object.is(x, wasm[i])), "H·v differs between js and simd");
  t.true(js.some((x) => x !== 0));
});

test("a compiled plan's products run in place in its arena, and its outputs are plain arrays", (t) => {
  if (!simd) return t.pass("no WebAssembly SIMD here");
  const previous = setKernelBackend("simd");
  try {
    const { f, x0, v } = mlp(60, 40, 10, 64, 4);
    const H = hessianOperator(f, x0);
    H.apply(vec(v));
    const before = gemmCopies();
    const y = H.apply(vec(v));
    t.is(gemmCopies(), before, "operands copied");
    t.true((y.data as Float64Array).buffer instanceof ArrayBuffer);
  } finally {
    setKernelBackend(previous);
  }
});

test("the full Hessian is the same bits on JavaScript and SIMD, its batched products in place", (t) => {
  if (!simd) return t.pass("no WebAssembly SIMD here");
  const { f, x0 } = mlp(12, 10, 4, 64, 6);
  const run = (b: "js" | "simd"): { H: Float64Array; copies: number } => {
    const previous = setKernelBackend(b, 0);
    try {
      const before = gemmCopies();
      const H = Float64Array.from(hessian(f, x0, { blockSize: 16 }).data);
      return { H, copies: gemmCopies() - before };
    } finally {
      setKernelBackend(previous);
    }
  };
  const js = run("js");
  const wasm = run("simd");
  t.true(js.H.every((x, i) => Object.is(x, wasm.H[i])), "Hessian differs between js and simd");
  t.is(wasm.copies, 0, "operands copied");
});

test("H·v on relaxed SIMD agrees with JavaScript to rounding (child process)", (t) => {
  const script = `
    import { availableKernelBackends, setKernelBackend, vec, rng } from "@krylov-ts/operators";
    import { add, constant, hessian, hessianOperator, matmul, params, softmaxCrossEntropy, tanh } from "@krylov-ts/autodiff";
    const r = rng(5), d = 50, h = 30, c = 6, B = 80;
    const P = params({ W1: [d, h], b1: [h], W2: [h, c], b2: [c] });
    const X = constant(Float64Array.from({ length: B * d }, () => r.normal()), [B, d]);
    const Yd = new Float64Array(B * c); for (let i = 0; i < B; i++) Yd[i * c + r.integer(c)] = 1;
    const Y = constant(Yd, [B, c]);
    const f = (x) => { const p = P.views(x); return softmaxCrossEntropy(add(matmul(tanh(add(matmul(X, p.W1), p.b1)), p.W2), p.b2), Y); };
    const x0 = Float64Array.from({ length: P.n }, () => r.normal() / Math.sqrt(d)), v = Float64Array.from({ length: P.n }, () => r.normal());
    const H = hessianOperator(f, x0);
    const ok = availableKernelBackends().includes("relaxed-simd");
    setKernelBackend("js"); const a = Float64Array.from(H.apply(vec(v)).data);
    if (ok) setKernelBackend("relaxed-simd", 0);
    const b = Float64Array.from(H.apply(vec(v)).data);
    let err = 0, norm = 0; for (let i = 0; i < a.length; i++) { err = Math.max(err, Math.abs(a[i] - b[i])); norm = Math.max(norm, Math.abs(a[i])); }
    console.log(JSON.stringify({ ok, rel: err / norm, same: a.every((x, i) => Object.is(x, b[i])) }));
  `;
  const flags = Number(process.versions.node.split(".")[0]) < 22 ? ["--experimental-wasm-relaxed-simd"] : [];
  const p = spawnSync(process.execPath, [...flags, "--conditions=source", "--import=tsx", "--input-type=module", "-e", script], { encoding: "utf8", cwd: repoRoot });
  t.is(p.status, 0, p.stderr);
  const out = JSON.parse(p.stdout.trim()) as { ok: boolean; rel: number; same: boolean };
  t.true(out.ok, "relaxed SIMD available in the child");
  t.true(out.rel < 1e-12, `relative difference ${out.rel}`);
  t.false(out.same, "fused multiply-adds should change some bits");
});
