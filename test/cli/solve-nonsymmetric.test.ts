import test from "ava";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { vec } from "@krylov-ts/operators";
import { convectionDiffusion2d, toMatrixMarket } from "../helpers/problems/index.js";
import { norm2, trueResidual } from "../helpers/residual.js";
import { krylov, tempDir } from "./run.js";

const A = convectionDiffusion2d(12, { peclet: 100 });
const file = join(tempDir(), "convdiff12.mtx");
writeFileSync(file, toMatrixMarket(A));
const ones = new Float64Array(A.shape[0]).fill(1);

for (const [method, extra] of [["gmres", ["--restart", "10", "--precond", "jacobi"]], ["bicgstab", []], ["idrs", ["--s", "2"]]] as const) {
  test(`solve --method ${method} ${extra.join(" ")} on a non-symmetric file reaches --rtol 1e-9 in the true residual`, async (t) => {
    const r = await krylov(["solve", file, "--method", method, ...extra, "--rtol", "1e-9", "--json"]);
    t.is(r.code, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as { x: number[]; result: { status: string; converged: boolean; trueRelativeResidual: number }; matrix: { asymmetry: number } };
    t.is(rep.result.status, "converged");
    t.true(rep.matrix.asymmetry > 0);
    t.true(trueResidual(A, rep.x, ones) <= 1e-9 * norm2(ones) * 1.01); // recomputed here from the reported x
    void vec;
  });
}

test("solve --method cg refuses the non-symmetric file and names the methods that take it", async (t) => {
  const r = await krylov(["solve", file, "--method", "cg"]);
  t.is(r.code, 2);
  t.regex(r.stderr, /not symmetric.*--method gmres, bicgstab or idrs takes any square matrix/);
});

test("solve prints the method and the measured asymmetry of a non-symmetric file", async (t) => {
  const r = await krylov(["solve", file, "--method", "idrs", "--quiet"]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /idrs/);
  t.regex(r.stdout, /A is non-symmetric: max \|a_ij − a_ji\| = /);
});
