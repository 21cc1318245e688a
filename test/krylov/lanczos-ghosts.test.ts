import test from "ava";
import { diagonal, rng } from "@krylov-ts/operators";
import { lanczos } from "@krylov-ts/krylov";

/** 225 diagonal values in two clusters 1e-6 wide around −1.77 and 0.40 (the blocks of a copy-confirming phase there are near-dependent). */
function twoClusters(seed: number): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: 225 }, (_, i) => (i % 2 ? -1.77 : 0.4) + (r.uniform() - 0.5) * 1e-6);
}

for (const reorthogonalization of ["partial", "selective"] as const) {
  test(`lanczos '${reorthogonalization}' returns no ghost on two tight clusters: it measures the loss and repairs it`, (t) => {
    for (const seed of [11, 12]) {
      const d = twoClusters(seed);
      const sorted = Float64Array.from(d).sort();
      const r = lanczos(diagonal(d), { k: 9, which: "smallest", reorthogonalization });
      t.is(r.stats.status, "converged", `seed ${seed}: ${r.stats.message ?? ""}`);
      r.values.forEach((v, i) => t.true(Math.abs(v - (sorted[i] as number)) <= 1e-8 * 1.77, `seed ${seed}: value ${i} = ${v}`));
      for (const v of r.values) t.true(v >= (sorted[0] as number) - 1e-8 && v <= (sorted[224] as number) + 1e-8, `seed ${seed}: ghost ${v}`);
      for (const res of r.residualNorms) t.true(res <= 1e-8 * 1.77, `seed ${seed}`);
    }
  });
}
