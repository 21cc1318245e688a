/**
 * Profile of one H·v plan: CPU time per kernel call, summed by op, for the MLP benchmark
 * problems (784→256→10 batch 256, and 100→64→10 batch 512, as in the pytorch suite) and the CNN of `krylov hessian --model cnn`
 * (conv 3×3×8, max-pool 2, conv 3×3×16, max-pool 2, dense 10; tanh; 200 seeded random 28×28
 * images, n = 9,098), with the cached point (`bindFixed`). CPU
 * time (process.cpuUsage) rather than wall time, since the machine is shared.
 *
 * `npm run bench -- hvp-profile` (HVP_PROFILE_RUNS runs per problem, default 10).
 */
import { compile, constant, conv2dLayer, dense, flatten, grad, input, pool2dLayer, sequential, softmaxCrossEntropy, tanh, type Tensor } from "@krylov-ts/autodiff";
import { rng } from "@krylov-ts/operators";
import { hvpGraph } from "../packages/autodiff/src/hvp.js";
import { getOp } from "../packages/autodiff/src/graph.js";
import { mlpData, mlpLoss } from "./mlp.js";

const runs = Math.max(1, Number(process.env.HVP_PROFILE_RUNS ?? 10) || 10);
const perOp = new Map<string, number>();
let profiling = false;
const wrapped = new Map<string, (...a: unknown[]) => void>();
/** Wraps the ops' kernels to time each call while `profiling` is on (restored by restoreOps). */
function wrapOps(names: Iterable<string>): void {
  for (const name of names) {
    if (wrapped.has(name)) continue;
    const def = getOp(name) as { kernel: (...a: unknown[]) => void };
    const k = def.kernel;
    wrapped.set(name, k);
    def.kernel = (...a: unknown[]) => {
      if (!profiling) return k(...a);
      const t = process.cpuUsage();
      k(...a);
      const d = process.cpuUsage(t);
      perOp.set(name, (perOp.get(name) ?? 0) + d.user + d.system);
    };
  }
}

function restoreOps(): void {
  for (const [name, k] of wrapped) (getOp(name) as { kernel: (...a: unknown[]) => void }).kernel = k;
  wrapped.clear();
}

function cpuMs(f: () => void, n: number): number {
  const t = process.cpuUsage();
  for (let i = 0; i < n; i++) f();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000 / n;
}

/** The CLI's MNIST CNN on N seeded random images (the data do not change the plan). */
function cnnProblem(N: number): { name: string; f: (x: Tensor) => Tensor; n: number; x0: Float64Array; v: Float64Array } {
  const model = sequential(
    [conv2dLayer(8, 3, { padding: "same", activation: tanh }), pool2dLayer("max", 2), conv2dLayer(16, 3, { padding: "same", activation: tanh }), pool2dLayer("max", 2), flatten(), dense(10)],
    [28, 28, 1],
  );
  const r = rng(3);
  const X = constant(Float64Array.from({ length: N * 784 }, () => r.uniform()), [N, 28, 28, 1]);
  const labels = new Float64Array(N * 10);
  for (let i = 0; i < N; i++) labels[i * 10 + r.integer(10)] = 1;
  const Y = constant(labels, [N, 10]);
  const x0 = Float64Array.from({ length: model.n }, () => 0.2 * r.normal());
  const v = Float64Array.from({ length: model.n }, () => r.normal());
  return { name: `CNN MNIST N=${N}`, f: (theta) => softmaxCrossEntropy(model.apply(theta, X), Y), n: model.n, x0, v };
}

export default function main(): void {
  const problems = [
    ...([[784, 256, 10, 256], [100, 64, 10, 512]] as const).map(([d, h, c, B]) => {
      const m = mlpData(d, h, c, B, 1);
      return { name: `MLP ${d}→${h}→${c} B=${B}`, f: mlpLoss(m), n: m.n, x0: m.x0, v: m.v };
    }),
    cnnProblem(200),
  ];
  for (const m of problems) {
    const f = m.f;
    const x = input([m.n], "x");
    const v = input([m.n], "v");
    const { hv } = hvpGraph(f, x, v, "forward-over-reverse");
    const y = f(x);
    const g = grad(y, [x])[0]!;
    const fn = compile([v], [hv], { fixed: [x] });
    const gfn = compile([x], [g]);
    fn.bindFixed([m.x0]);
    const out = [new Float64Array(m.n)];
    const gout = [new Float64Array(m.n)];
    const desc = fn.describe();
    wrapOps(Object.keys(desc.byOp));
    for (let i = 0; i < 3; i++) fn.run([m.v], out);
    const hvMs = cpuMs(() => fn.run([m.v], out), runs);
    const gMs = cpuMs(() => gfn.run([m.x0], gout), runs);
    perOp.clear();
    profiling = true;
    for (let i = 0; i < runs; i++) fn.run([m.v], out);
    profiling = false;
    let check = 0;
    for (let i = 0; i < m.n; i++) check += (out[0]![i] as number) * (i % 7);
    console.log(`${m.name} n=${m.n}: H·v ${hvMs.toFixed(2)} ms CPU, gradient ${gMs.toFixed(2)} ms CPU, ratio ${(hvMs / gMs).toFixed(2)}; checksum ${check.toExponential(12)}`);
    console.log(`  steps ${desc.steps}, by op ${JSON.stringify(desc.byOp)}`);
    const rows = [...perOp].sort((p, q) => q[1] - p[1]);
    for (const [op, us] of rows) console.log(`  ${op.padEnd(14)} ${(us / 1000 / runs).toFixed(3)} ms`);
  }
  restoreOps();
}
