import { hessianOperator } from "@krylov-ts/autodiff";
import { setKernelBackend, availableKernelBackends, vec } from "@krylov-ts/operators";
import { mlpData, mlpLoss } from "./bench/mlp.js";
for (const [d, h] of [[784, 256], [100, 64]]) {
  const m = mlpData(d, h, 10, 256, 1);
  const res: Record<string, Float64Array> = {};
  for (const b of availableKernelBackends()) {
    setKernelBackend(b);
    const H = hessianOperator(mlpLoss(m), m.x0);
    const v = vec(m.v);
    const out = vec(new Float64Array(m.n));
    for (let i = 0; i < 3; i++) H.apply(v, out);
    const ts: number[] = [];
    for (let r = 0; r < 15; r++) { const t0 = performance.now(); H.apply(v, out); ts.push(performance.now() - t0); }
    ts.sort((a, b) => a - b);
    res[b] = Float64Array.from(out.data as Float64Array);
    console.log(`${d}→${h}→10 ${b}: median ${ts[7]!.toFixed(2)} ms, min ${ts[0]!.toFixed(2)} ms`);
  }
  const a = res.js!, s = res.simd!; let e = 0, nrm = 0; for (let i = 0; i < a.length; i++) { e = Math.max(e, Math.abs(a[i]! - s[i]!)); nrm = Math.max(nrm, Math.abs(a[i]!)); }
  console.log("max |js - simd|", e, "max |Hv|", nrm);
}
