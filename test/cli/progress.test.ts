import test from "ava";
import { join } from "node:path";
import { parseCommand } from "../../packages/cli/src/args.js";
import { eigs } from "../../packages/cli/src/commands/eigs.js";
import { hessian } from "../../packages/cli/src/commands/hessian.js";
import type { Progress } from "../../packages/cli/src/progress.js";
import { matrices } from "./run.js";

/** A Progress that records every bar: its label, total and the values it was advanced to. */
function recorder(): { bar: Progress; bars: { label: string; total: number; values: number[] }[] } {
  const bars: { label: string; total: number; values: number[] }[] = [];
  const bar: Progress = {
    start(label, total) {
      bars.push({ label, total, values: [] });
    },
    update(value) {
      bars.at(-1)?.values.push(value);
    },
    stop() {},
  };
  return { bar, bars };
}

test("hessian advances its training, eigenvalue, Hutchinson and SLQ bars, the last two probe by probe up to their totals", async (t) => {
  const { bar, bars } = recorder();
  const argv = ["--steps", "20", "--top", "2", "--bottom", "1", "--probes", "12", "--slq-probes", "3", "--slq-steps", "10"];
  await hessian.run(parseCommand(hessian.spec, argv), bar);
  const byLabel = new Map(bars.map((b) => [b.label, b]));
  t.deepEqual(byLabel.get("trace (Hutchinson)")?.values, Array.from({ length: 12 }, (_, i) => i + 1));
  t.deepEqual(byLabel.get("density (SLQ)")?.values, [1, 2, 3]);
  const eigen = byLabel.get("eigenvalues");
  t.true((eigen?.values.length ?? 0) >= 2);
  t.is(eigen?.values.at(-1), 3); // the last restart cycle of the bottom run: all 2 + 1 pairs locked
  t.is(byLabel.get("training (Adam)")?.values.at(-1), 20);
});

test("eigs advances the Lanczos bar to k and the SLQ bar probe by probe", async (t) => {
  const { bar, bars } = recorder();
  await eigs.run(parseCommand(eigs.spec, [join(matrices, "gr_30_30.mtx"), "-k", "3", "--probes", "4", "--steps", "20"]), bar);
  t.deepEqual(bars.map((b) => b.label), ["lanczos", "density (SLQ)"]);
  t.is(bars[0]?.values.at(-1), 3);
  t.deepEqual(bars[1]?.values, [1, 2, 3, 4]);
});
