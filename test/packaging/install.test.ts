/**
 * The published packages work outside the workspace: the four packages are packed with
 * `npm pack`, installed from their tarballs into a temporary project with no hoisting
 * (`--install-strategy=nested`, so each package sees only what it declares), and then a plain
 * Node ESM script runs H·v, lanczos and cg, a strict TypeScript consumer type-checks against
 * the shipped declarations, and the installed `krylov --version` runs from the compiled bin.
 */
import test from "ava";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const packages = ["operators", "autodiff", "krylov", "cli"] as const;
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const version = (JSON.parse(readFileSync(join(root, "packages/cli/package.json"), "utf8")) as { version: string }).version;

/** `npm pack`s every package into a fresh folder and installs the tarballs into a new project there. */
async function installed(): Promise<string> {
  await run(npm, ["run", "build", "--silent"], { cwd: root });
  const dir = mkdtempSync(join(tmpdir(), "krylov-ts-consumer-"));
  const tarballs = join(dir, "tarballs");
  mkdirSync(tarballs);
  for (const p of packages) {
    await run(npm, ["pack", "--silent", "--pack-destination", tarballs], { cwd: join(root, "packages", p) });
  }
  const project = join(dir, "project");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  const files = readdirSync(tarballs).map((f) => join(tarballs, f));
  await run(
    npm,
    ["install", "--install-strategy=nested", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error", ...files],
    { cwd: project, maxBuffer: 16 * 1024 * 1024 },
  );
  return project;
}

const project = installed();
test.after.always(async () => {
  rmSync(resolve(await project, ".."), { recursive: true, force: true });
});

test("every package ships its license, its readme, compiled JavaScript and declarations", async (t) => {
  const dir = await project;
  for (const p of packages) {
    const files = readdirSync(join(dir, "node_modules/@krylov-ts", p));
    for (const f of ["LICENSE", "README.md", "package.json", "dist"]) t.true(files.includes(f), `${p} ships ${f}`);
    const pkg = JSON.parse(readFileSync(join(dir, "node_modules/@krylov-ts", p, "package.json"), "utf8")) as Record<string, unknown>;
    for (const k of ["license", "description", "repository", "keywords", "engines", "homepage"]) t.truthy(pkg[k], `${p} declares ${k}`);
  }
});

test("a plain Node ESM script outside the workspace runs H·v, lanczos and cg from the installed packages", async (t) => {
  const dir = await project;
  writeFileSync(
    join(dir, "main.mjs"),
    `import { constant, hessianOperator, sum, mul, square } from "@krylov-ts/autodiff";
import { cg, lanczos } from "@krylov-ts/krylov";
import { vec } from "@krylov-ts/operators";
// f(x) = Σ (1 + i) xᵢ²: H = diag(2, 4, …, 2n)
const n = 6;
const w = constant(Array.from({ length: n }, (_, i) => 1 + i), [n]);
const H = hessianOperator((x) => sum(mul(w, square(x))), new Float64Array(n));
const e = lanczos(H, { k: 2, which: "largest" });
const s = cg(H, vec([2, 4, 6, 8, 10, 12]), { rtol: 1e-12 });
console.log(JSON.stringify({ values: Array.from(e.values), x: Array.from(s.x.data), status: s.stats.status }));
`,
  );
  const { stdout } = await run(process.execPath, ["main.mjs"], { cwd: dir });
  const out = JSON.parse(stdout) as { values: number[]; x: number[]; status: string };
  // H = diag(2, 4, …, 12): top two eigenvalues 10 and 12, and H x = (2, 4, …, 12) gives x = 1
  t.deepEqual(out.values.map((v) => Math.round(v * 1e9) / 1e9), [10, 12]);
  for (const xi of out.x) t.true(Math.abs(xi - 1) < 1e-10);
  t.is(out.status, "converged");
});

test("a strict TypeScript consumer type-checks against the shipped declarations", async (t) => {
  const dir = await project;
  writeFileSync(
    join(dir, "consumer.ts"),
    `import { constant, hessianOperator, sum, mul, square, type Tensor } from "@krylov-ts/autodiff";
import { cg, lanczos, type CgResult } from "@krylov-ts/krylov";
import { vec, diagonal, type Vec, type LinearOperator } from "@krylov-ts/operators";
const f = (x: Tensor): Tensor => sum(mul(constant([1, 2, 3], [3]), square(x)));
const H: LinearOperator = hessianOperator(f, new Float64Array(3));
const r: CgResult = cg(H, vec([1, 2, 3]));
const v: Vec = r.x;
const top: Float64Array = lanczos(diagonal([1, 2, 3]), { k: 1 }).values;
export const out: [number, number] = [v.data[0] ?? 0, top[0] ?? 0];
`,
  );
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "es2022",
        lib: ["es2022", "dom"],
        module: "nodenext",
        moduleResolution: "nodenext",
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        noUncheckedIndexedAccess: true,
        types: [],
      },
      files: ["consumer.ts"],
    }),
  );
  const tsc = join(root, "node_modules/typescript/bin/tsc");
  const result = await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: dir }).then(
    () => "",
    (e: { stdout?: string }) => e.stdout ?? String(e),
  );
  t.is(result, "");
});

test("the installed krylov command runs from compiled JavaScript and prints its version", async (t) => {
  const dir = await project;
  const { stdout } = await run(join(dir, "node_modules/.bin/krylov"), ["--version"], { cwd: dir });
  t.is(stdout.trim(), version);
});
