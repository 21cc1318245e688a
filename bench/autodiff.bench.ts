/**
 * Autodiff: gradient and H·v of a tanh MLP with softmax cross-entropy (784 → 256 → 10, batch
 * 256, n = 203,530, float64), side by side with TensorFlow.js (tf.grad of tf.grad, float32)
 * on its wasm and cpu backends; then H·e⁽ⁱ⁾ columns of the MLP 100 → 64 → 10 in both modes and
 * `hessian` of ½xᵀAx by single columns and by blocks. PyTorch on the same problems, with its
 * BLAS checked and at its best thread count, is in bench/pytorch.bench.ts.
 *
 * `npm run bench -- autodiff` (set AUTODIFF_BENCH_HESSIAN=0 to skip the Hessian columns).
 */
import { rng, vec, type Vec } from "@krylov-ts/operators";
import {
  compile,
  constant,
  gradientFunction,
  hessian,
  hessianOperator,
  hvp,
  input,
  matmul,
  mul,
  reshape,
  sum,
  type HvpMode,
  type Tensor,
} from "@krylov-ts/autodiff";
import { fmt, interleaved, timeMedianAsync } from "./lib.js";
import { mlpData, mlpLoss, type MlpData } from "./mlp.js";


type Tf = typeof import("@tensorflow/tfjs");

/** H·v by tf.grad of tf.grad on one backend; returns the median ms and the result (float32). */
async function tfjsHvp(tf: Tf, backend: string, m: MlpData, runs: number): Promise<{ ms: number; hv: Float32Array; g: Float32Array } | string> {
  try {
    if (!(await tf.setBackend(backend))) return `backend ${backend} unavailable`;
    await tf.ready();
  } catch (e) {
    return `backend ${backend} failed: ${(e as Error).message}`;
  }
  const X = tf.tensor2d(Float32Array.from(m.X), [m.B, m.d]);
  const Y = tf.tensor2d(Float32Array.from(m.Y), [m.B, m.c]);
  const x0 = tf.tensor1d(Float32Array.from(m.x0));
  const v = tf.tensor1d(Float32Array.from(m.v));
  const { d, h, c } = m;
  type T = import("@tensorflow/tfjs").Tensor;
  const f = (x: T): T => {
    const W1 = tf.reshape(tf.slice(x, [0], [d * h]), [d, h]);
    const b1 = tf.slice(x, [d * h], [h]);
    const W2 = tf.reshape(tf.slice(x, [d * h + h], [h * c]), [h, c]);
    const b2 = tf.slice(x, [d * h + h + h * c], [c]);
    const z = tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(X, W1), b1)), W2), b2);
    return tf.neg(tf.mean(tf.sum(tf.mul(Y, tf.logSoftmax(z)), 1)));
  };
  const g = tf.grad(f);
  const hvFn = tf.grad((x: T): T => tf.sum(tf.mul(g(x), v)));
  const once = async (): Promise<Float32Array> => {
    // tf.grad of tf.grad: the H·v the issue asks to compare with
    const out = tf.tidy(() => hvFn(x0));
    const data = (await out.data()) as Float32Array;
    out.dispose();
    return data;
  };
  const gT = tf.tidy(() => g(x0));
  const gData = (await gT.data()) as Float32Array;
  gT.dispose();
  let hv: Float32Array = new Float32Array(0);
  const ms = await timeMedianAsync(async () => {
    hv = await once();
  }, runs, 1);
  tf.dispose([X, Y, x0, v]);
  return { ms, hv, g: gData };
}

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += ((a[i] as number) - (b[i] as number)) ** 2;
    den += (b[i] as number) ** 2;
  }
  return Math.sqrt(num / den);
}

export default async function (): Promise<void> {
  const m = mlpData(784, 256, 10, 256, 42);
  const f = mlpLoss(m);
  console.log(`\nMLP ${m.d} → ${m.h} → ${m.c}, tanh, softmax cross-entropy, batch ${m.B}, n = ${m.n.toLocaleString("en")} (float64)\n`);
  const fg = gradientFunction(f, m.n);
  const gOut = vec(m.n);
  const x0 = vec(m.x0);
  const v = vec(m.v);
  const modes = ["forward-over-reverse", "reverse-over-reverse"] as const;
  const ops = modes.map((mode) => hessianOperator(f, x0, { mode }));
  const outs = modes.map(() => vec(m.n));
  const xi = input([m.n], "x");
  const vi = input([m.n], "v");
  const whole = modes.map((mode) => compile([xi, vi], [hvp(f, xi, vi, { mode })]));
  const wholeOut = [new Float64Array(m.n)];
  // Rounds alternate the cases so that the machine's noise hits them alike; medians over rounds.
  const cases = [
    { name: "gradient", fn: () => void fg(x0, gOut) },
    ...ops.map((H, k) => ({ name: `H·v ${modes[k]}`, fn: () => void H.apply(v, outs[k]) })),
    ...whole.map((fn, k) => ({ name: `H·v ${modes[k]} whole graph`, fn: () => void fn.run([m.x0, m.v], wholeOut) })),
  ];
  const samples = interleaved(undefined, cases, { rounds: 9, warmup: 1 }).map((r) => r.medianMs);
  const gradMs = samples[0] as number;

  const rows: [string, number, string][] = [["gradient (value and ∇f, compiled)", gradMs, ""]];
  const results = new Map<HvpMode, Vec>();
  modes.forEach((mode, k) => {
    results.set(mode, outs[k] as Vec);
    const d = (ops[k] as ReturnType<typeof hessianOperator>).describe();
    rows.push([`H·v ${mode} (hessianOperator.apply)`, samples[1 + k] as number, `${d.steps} kernels/apply, ${(d.flops / 1e6).toFixed(0)} MFLOP/apply; ${d.before.nodes} → ${d.after.nodes} nodes`]);
  });
  modes.forEach((mode, k) => {
    const d = (whole[k] as ReturnType<typeof compile>).describe();
    rows.push([`H·v ${mode}, whole graph per call (no cache)`, samples[3 + k] as number, `${d.steps} kernels/call, ${(d.flops / 1e6).toFixed(0)} MFLOP/call`]);
  });
  const fwd = results.get("forward-over-reverse") as Vec;
  const rev = results.get("reverse-over-reverse") as Vec;
  const modeErr = relErr(fwd.data, rev.data);

  const tf = (await import("@tensorflow/tfjs")) as Tf;
  await import("@tensorflow/tfjs-backend-wasm");
  for (const backend of ["wasm", "cpu"]) {
    const r = await tfjsHvp(tf, backend, m, backend === "cpu" ? 3 : 5);
    if (typeof r === "string") {
      rows.push([`tfjs-${backend} H·v (tf.grad of tf.grad, float32)`, Number.NaN, r]);
    } else {
      rows.push([
        `tfjs-${backend} H·v (tf.grad of tf.grad, float32)`,
        r.ms,
        `rel. diff. to ours: gradient ${relErr(r.g, gOut.data).toExponential(1)}, H·v ${relErr(r.hv, fwd.data).toExponential(1)}`,
      ]);
    }
  }

  console.log("| case | median (ms) | / gradient | notes |");
  console.log("|---|---:|---:|---|");
  for (const [name, ms, note] of rows) console.log(`| ${name} | ${Number.isNaN(ms) ? "—" : fmt(ms)} | ${Number.isNaN(ms) ? "—" : (ms / gradMs).toFixed(2)} | ${note} |`);
  console.log(`\nboth modes agree: relative difference ${modeErr.toExponential(2)}`);

  if (process.env.AUTODIFF_BENCH_HESSIAN !== "0") {
    const s = mlpData(100, 64, 10, 512, 7);
    const fs = mlpLoss(s);
    console.log(`\nH·e⁽ⁱ⁾ columns of the MLP ${s.d} → ${s.h} → ${s.c}, batch ${s.B}, n = ${s.n.toLocaleString("en")} (the full Hessian against PyTorch: bench/pytorch.bench.ts)`);
    const small = (["forward-over-reverse", "reverse-over-reverse"] as const).map((mode) => hessianOperator(fs, s.x0, { mode }));
    const e = vec(s.n);
    const so = vec(s.n);
    const per = interleaved(
      undefined,
      small.map((H) => ({
        name: H.mode,
        fn: () => {
          for (let i = 0; i < 50; i++) {
            e.data.fill(0);
            e.data[(i * 131) % s.n] = 1;
            H.apply(e, so);
          }
        },
      })),
      { rounds: 5, warmup: 1 },
    ).map((r) => r.medianMs / 50);
    console.log(`H·e⁽ⁱ⁾ per column: forward-over-reverse ${fmt(per[0] as number)} ms, reverse-over-reverse ${fmt(per[1] as number)} ms`);
    // Blocks of columns matter where H·v is built on matrix-vector products: ½xᵀAx, n = 1000.
    const nq = 1000;
    const rq = rng(11);
    const A = constant(Float64Array.from({ length: nq * nq }, () => rq.normal()), [nq, nq]);
    const quad = (x: Tensor): Tensor => mul(0.5, sum(mul(x, reshape(matmul(A, reshape(x, [nq, 1])), [nq]))));
    const xq = Float64Array.from({ length: nq }, () => rq.normal());
    const blockTimes = [1, 32].map((blockSize) => {
      const t = performance.now();
      hessian(quad, xq, { blockSize });
      return (performance.now() - t) / 1000;
    });
    console.log(`hessian of ½xᵀAx, n = ${nq}: ${fmt(blockTimes[0] as number)} s column by column (blockSize 1), ${fmt(blockTimes[1] as number)} s in blocks of 32`);
  }
}
