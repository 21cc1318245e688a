import test from "ava";
import { krylov } from "./run.js";

test("krylov --help through the bin launcher lists the three commands", async (t) => {
  const r = await krylov(["--help"], { viaBin: true });
  t.is(r.code, 0, r.stderr);
  for (const c of ["hessian", "eigs FILE.mtx", "solve FILE.mtx"]) t.true(r.stdout.includes(c), c);
});

const expected: Record<string, readonly string[]> = {
  hessian: ["data", "label", "classes", "samples", "hidden", "activation", "loss", "seed", "steps", "lr", "top", "bottom", "tol", "probes", "slq-probes", "slq-steps", "damping", "solver", "rtol", "max-iterations"],
  eigs: ["k", "which", "tol", "probes", "steps", "seed", "symmetry-tol"],
  solve: ["rhs", "method", "rtol", "max-iterations", "precond", "seed", "symmetry-tol"],
};

for (const [command, options] of Object.entries(expected)) {
  test(`krylov ${command} --help documents every option with its default`, async (t) => {
    const r = await krylov([command, "--help"]);
    t.is(r.code, 0, r.stderr);
    for (const o of [...options, "out", "json", "quiet"]) {
      const line = r.stdout.split("\n").findIndex((l) => l.includes(`--${o} `) || l.trimEnd().endsWith(`--${o}`));
      t.true(line >= 0, `--${o} missing`);
    }
    const defaults = r.stdout.match(/\(default: [^)]+\)/g) ?? [];
    t.true(defaults.length >= options.length, `${defaults.length} defaults for ${options.length} options`);
  });
}
