import { hessian } from "@krylov-ts/autodiff";
import { getOp } from "./packages/autodiff/src/graph.js";
import { setKernelBackend } from "@krylov-ts/operators";
import { gemmCopies } from "./packages/operators/src/gemm/index.js";
import { mlpData, mlpLoss } from "./bench/mlp.js";
const rec = new Map<string, { ms: number; n: number; flops: number }>();
for (const nm of ["matmul"]) { const d = getOp(nm) as any; const k = d.kernel; d.kernel = (ins: any, inShapes: any, out: any, outShape: any, attrs: any) => { const t0 = performance.now(); k(ins, inShapes, out, outShape, attrs); const dt = performance.now() - t0; const key = `${nm} ${JSON.stringify(inShapes)}${nm === "matmul" ? ` tA${+attrs.transposeA} tB${+attrs.transposeB}` : ""}`; const r = rec.get(key) ?? { ms: 0, n: 0, flops: 0 }; r.ms += dt; r.n++; const a = inShapes[0]; const kk = attrs.transposeA ? a[0] : a[1]; r.flops += 2 * outShape[0] * outShape[1] * kk; rec.set(key, r); }; }
const m = mlpData(100, 64, 10, 256, 1);
for (const b of [process.argv[2] ?? "simd"] as const) {
  setKernelBackend(b as any);
  const c0 = gemmCopies(); const t0 = performance.now(); const cpu0 = process.cpuUsage();
  const H = hessian(mlpLoss(m), m.x0);
  const c = process.cpuUsage(cpu0);
  console.log(b, "hessian n", m.n, "wall", (performance.now() - t0).toFixed(0), "ms cpu", ((c.user + c.system) / 1000).toFixed(0), "ms copies", gemmCopies() - c0);
}
let tot = 0; for (const r of rec.values()) tot += r.ms; console.log("matmul total ms", tot.toFixed(0));
for (const [k, r] of [...rec].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8)) console.log(k, r.ms.toFixed(1), "ms", r.n, `${(r.flops / r.ms / 1e6).toFixed(1)} GFLOP/s`);
