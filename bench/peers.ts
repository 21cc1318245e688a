/**
 * The TypeScript side of the Python peers (PyTorch, SciPy): one long-lived python3 process per
 * thread setting, started through bench/peer.py (which sets OMP_NUM_THREADS and
 * OPENBLAS_NUM_THREADS together before numpy or torch load, names the BLAS and checks its speed),
 * driven line by line so that its rounds interleave with ours; a ratio is taken against the best
 * thread setting, and refused (the reason printed instead) against a peer on the reference BLAS.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { fmt, median, type Case } from "./lib.js";

export const here = dirname(fileURLToPath(import.meta.url));

/** The thread settings every peer is measured at (this machine has 2 cores). */
export const PEER_THREADS = (process.env.KRYLOV_PEER_THREADS_LIST ?? "1,2").split(",").map(Number);

/** What bench/peer.py reports about itself. */
export interface PeerInfo {
  python: string;
  threads: number;
  numpy: string;
  scipy?: string;
  torch?: string;
  torchThreads?: number;
  torchBlasInfo?: string;
  blasSource: string;
  blas: Array<{ filepath: string; internal_api?: string; version?: string; architecture?: string; num_threads?: number }>;
  gflops: number;
  gflopsPerCpuSecond: number;
  reference: boolean;
  reason?: string;
}

/** The python3 that has `module` (torch: Debian's /usr/bin/python3 first), or undefined. */
export function pythonWith(module: "torch" | "scipy"): string | undefined {
  if (!found.has(module)) {
    const candidates = module === "torch" ? ["/usr/bin/python3", "python3"] : ["python3", "/usr/bin/python3"];
    found.set(module, candidates.find((p) => spawnSync(p, ["-c", `import ${module}`], { encoding: "utf8" }).status === 0));
  }
  return found.get(module);
}
const found = new Map<string, string | undefined>();

/**
 * The environment of a peer at `threads` threads: OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and
 * MKL_NUM_THREADS together (read once when the libraries load), without OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE (set for another machine, they select a slower kernel).
 */
export function peerEnv(threads: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, KRYLOV_PEER_THREADS: String(threads) };
  for (const k of ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"]) env[k] = String(threads);
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

/**
 * Runs a one-shot peer script (a fresh process, as peak-memory figures need) at `threads`
 * threads; its last stdout line is JSON {info, result}. Returns the reason when it fails.
 */
export function runOnce<R>(module: "torch" | "scipy", script: string, args: readonly string[], threads: number, timeoutMs = 600_000): { info: PeerInfo; result: R } | string {
  const python = pythonWith(module);
  if (python === undefined) return `no python3 with ${module}`;
  const r = spawnSync(python, [join(here, script), ...args], { env: peerEnv(threads), encoding: "utf8", timeout: Math.ceil(timeoutMs), maxBuffer: 1 << 26 });
  if (r.error) return `${script}: ${r.error.message}`;
  if (r.status !== 0) return `${script} at ${threads} thread(s) failed: ${r.stderr.trim().split("\n").pop() ?? r.signal ?? ""}`;
  try {
    return JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as { info: PeerInfo; result: R };
  } catch {
    return `${script}: unreadable output`;
  }
}

/** A running peer process at one thread setting. */
export class Peer {
  private readonly waiting: Array<(line: string) => void> = [];
  private stderr = "";
  private exited: string | undefined;
  /** What bench/peer.py reported about itself (set by `start` from the first line). */
  info!: PeerInfo;
  /** The peer script's set-up results (e.g. its agreement with our results). */
  setup: unknown;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly threads: number,
  ) {
    createInterface({ input: child.stdout }).on("line", (line) => this.waiting.shift()?.(line));
    child.stderr.on("data", (d: Buffer) => (this.stderr += d.toString()));
    child.on("exit", (code, signal) => {
      this.exited = `exited with ${signal ?? code}: ${this.stderr.trim().split("\n").pop() ?? ""}`;
      for (const w of this.waiting.splice(0)) w(JSON.stringify({ error: this.exited }));
    });
  }

  /**
   * Starts `python script args` with `threads` BLAS/OpenMP threads and waits for its first line
   * (its description and set-up results). Returns the reason as a string when it cannot start.
   */
  static async start(module: "torch" | "scipy", script: string, args: readonly string[], threads: number): Promise<Peer | string> {
    const python = pythonWith(module);
    if (python === undefined) return `no python3 with ${module}`;
    const child = spawn(python, [join(here, script), ...args], { env: peerEnv(threads), stdio: ["pipe", "pipe", "pipe"] });
    const peer = new Peer(child, threads);
    const first = (await peer.next()) as { info?: PeerInfo; setup?: unknown; error?: string };
    if (first.error !== undefined || first.info === undefined) {
      peer.close();
      return `${script} at ${threads} thread(s) failed: ${first.error ?? "no description"}`;
    }
    peer.info = first.info;
    peer.setup = first.setup;
    return peer;
  }

  private next(): Promise<Record<string, unknown>> {
    if (this.exited !== undefined) return Promise.resolve({ error: this.exited });
    return new Promise((resolve) => this.waiting.push((line) => {
      try {
        resolve(JSON.parse(line) as Record<string, unknown>);
      } catch {
        resolve({ error: `unreadable line from the peer: ${line.slice(0, 200)}` });
      }
    }));
  }

  private async request(req: object): Promise<Record<string, unknown>> {
    const reply = this.next();
    if (this.exited === undefined) this.child.stdin.write(JSON.stringify(req) + "\n");
    const r = await reply;
    if (typeof r.error === "string") throw new Error(`peer (${this.threads} thread(s)): ${r.error}`);
    return r;
  }

  /**
   * Per-call wall times and process CPU times (all its threads), in ms, of the peer's case
   * `name`, called for at least `maxTime` seconds.
   */
  async time(name: string, maxTime: number): Promise<{ wall: number[]; cpu: number[] }> {
    const r = await this.request({ time: name, maxTime });
    return { wall: r.samples as number[], cpu: r.cpu as number[] };
  }

  /** The result of the peer's task `name`. */
  async run<T>(name: string, args?: unknown): Promise<T> {
    return (await this.request({ run: name, args })).result as T;
  }

  close(): void {
    if (this.exited === undefined) this.child.stdin.end(JSON.stringify({ quit: true }) + "\n");
  }

  /** "PyTorch 1.13.0, OpenBLAS 0.3.21 SkylakeX, 2 thread(s), a@a 61 GFLOP/s". */
  label(): string {
    const i = this.info;
    const b = i.blas.find((x) => x.internal_api !== undefined) ?? i.blas[0];
    const blasName = b === undefined ? "no BLAS found" : `${b.internal_api ?? b.filepath.split("/").pop()} ${b.version?.split(" ").slice(0, 2).join(" ") ?? ""} ${b.architecture ?? ""}`.trim();
    const blasThreads = b?.num_threads === undefined ? "" : `, BLAS threads ${b.num_threads}`;
    const who = i.torch !== undefined ? `PyTorch ${i.torch} (torch threads ${i.torchThreads})` : `SciPy ${i.scipy ?? "?"} / NumPy ${i.numpy}`;
    return `${who}, ${blasName}${blasThreads}, OMP/OPENBLAS_NUM_THREADS=${i.threads}, 1000² a@a ${i.gflops} GFLOP/s (${i.gflopsPerCpuSecond} per CPU-s)${i.reference ? " — REFERENCE BLAS" : ""}`;
  }
}

/** Starts the peer at every thread setting of PEER_THREADS; the failures come back as strings. */
export async function startPeers(module: "torch" | "scipy", script: string, args: readonly string[]): Promise<Array<Peer | string>> {
  const out: Array<Peer | string> = [];
  for (const t of PEER_THREADS) out.push(await Peer.start(module, script, args, t));
  return out;
}

/**
 * One row of a side-by-side table: our median, and each peer setting's median (NaN: not run);
 * wall times, and CPU times per call (every thread of the process), which a loaded machine
 * disturbs far less than wall times.
 */
export interface SideRow {
  name: string;
  oursMs: number;
  oursRme: number;
  oursCpuMs: number;
  peerMs: number[];
  peerCpuMs: number[];
}

/**
 * Calls `fn` at least once and until `maxTime` seconds have passed: per-call wall times and CPU
 * times of this process (all its threads), in ms; the same method as the Python side's
 * (peer.py `_time_case`), so that both are timed alike. (benchmark.js's samples aggregate many
 * calls, so on a loaded machine each of them includes the share of time the process was
 * preempted, where a per-call median of short calls does not: timing one side each way would
 * bias the ratio.)
 */
function timeCalls(fn: () => void, maxTime: number): { wall: number[]; cpu: number[] } {
  const wall: number[] = [];
  const cpu: number[] = [];
  const end = performance.now() + maxTime * 1e3;
  while (wall.length === 0 || performance.now() < end) {
    const c = process.cpuUsage();
    const t = performance.now();
    fn();
    wall.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1e3);
  }
  return { wall, cpu };
}

/**
 * Interleaved rounds of our cases and the peers' cases: in each round, each of our cases is
 * called for `maxTime` seconds (each call timed, wall and CPU), then the same case on each peer
 * for as long, timed the same way; so that a burst of load on the shared machine hits every side
 * alike. The warm-up rounds are dropped; medians over the rest.
 *
 * @param pairs - our case and the name of the peer's case it is compared with ("": none, the
 *   peers are not timed for this pair); `before` runs before each round's timing of our case,
 *   followed by one untimed call (a thread setting, say)
 */
export async function sideBySide(
  pairs: ReadonlyArray<{ ours: Case; peerCase: string; before?: () => void }>,
  peers: ReadonlyArray<Peer | string>,
  options: { rounds?: number; warmup?: number; maxTime?: number } = {},
): Promise<SideRow[]> {
  const rounds = options.rounds ?? 7;
  const warmup = options.warmup ?? 1;
  const maxTime = options.maxTime ?? 0.1;
  const ours = pairs.map(() => [] as number[]);
  const oursCpu = pairs.map(() => [] as number[]);
  const theirs = pairs.map(() => peers.map(() => [] as number[]));
  const theirsCpu = pairs.map(() => peers.map(() => [] as number[]));
  for (let r = 0; r < warmup + rounds; r++) {
    for (const [i, p] of pairs.entries()) {
      if (p.before !== undefined) {
        // e.g. a thread setting: applied, then one untimed call (which may start the workers)
        p.before();
        p.ours.fn();
      }
      const o = timeCalls(p.ours.fn, maxTime);
      if (r >= warmup) {
        (ours[i] as number[]).push(...o.wall);
        (oursCpu[i] as number[]).push(...o.cpu);
      }
      for (const [j, peer] of peers.entries()) {
        if (typeof peer === "string" || p.peerCase === "") continue;
        const t = await peer.time(p.peerCase, maxTime);
        if (r >= warmup) {
          (theirs[i]![j] as number[]).push(...t.wall);
          (theirsCpu[i]![j] as number[]).push(...t.cpu);
        }
      }
    }
  }
  const med = (xs: number[]): number => (xs.length ? median(xs) : Number.NaN);
  return pairs.map((p, i) => {
    const m = median(ours[i] as number[]);
    const mad = median((ours[i] as number[]).map((v) => Math.abs(v - m)));
    return {
      name: p.ours.name,
      oursMs: m,
      oursRme: (100 * mad) / m,
      oursCpuMs: med(oursCpu[i] as number[]),
      peerMs: peers.map((_, j) => med(theirs[i]![j] as number[])),
      peerCpuMs: peers.map((_, j) => med(theirsCpu[i]![j] as number[])),
    };
  });
}

/**
 * The best (fastest) of the peer settings for one figure: its time and thread count, or the
 * reason no ratio may be taken (every setting failed or runs on the reference BLAS).
 */
export function bestPeer(peers: ReadonlyArray<Pick<Peer, "threads" | "info"> | string>, ms: readonly number[]): { ms: number; threads: number } | string {
  let best: { ms: number; threads: number } | undefined;
  const reasons: string[] = [];
  peers.forEach((p, j) => {
    if (typeof p === "string") return void reasons.push(p);
    if (p.info.reference) return void reasons.push(`${p.threads} thr. on the reference BLAS (a@a ${p.info.gflops} GFLOP/s)`);
    const t = ms[j] as number;
    if (Number.isFinite(t) && (best === undefined || t < best.ms)) best = { ms: t, threads: p.threads };
  });
  return best ?? `no ratio: ${reasons.join("; ") || "no peer figure"}`;
}

/** "8.31× (vs 2 threads)", or the refusal. */
export function ratioCell(oursMs: number, best: { ms: number; threads: number } | string): string {
  if (typeof best === "string") return best;
  return `${(oursMs / best.ms).toFixed(2)}× (vs ${best.threads} thr.)`;
}

/** A peer's time cell: the figure, or why there is none. */
export function peerCell(p: Peer | string, ms: number): string {
  if (typeof p === "string") return "—";
  return Number.isFinite(ms) ? fmt(ms) : "—";
}

/** Load averages (1, 5, 15 min) as text, with the core count. */
export function loadText(): string {
  return `${loadavg().map((l) => l.toFixed(2)).join(", ")} on ${cpus().length} cores`;
}

/** Prints the description line of every peer setting. */
export function printPeers(peers: ReadonlyArray<Peer | string>): void {
  for (const p of peers) console.log(typeof p === "string" ? `- peer not available: ${p}` : `- ${p.label()}`);
}
