/**
 * Private to `lanczos`: which Ritz pairs are wanted, which to lock, which to keep at a thick
 * restart, whether a phase leaves copies of a value to find, and the answer.
 *
 * @module
 */
import { nrm2, vec, type LinearOperator, type Vec } from "@krylov-ts/operators";

/** Which end of the spectrum `lanczos` looks for. */
export type Which = "largest" | "smallest" | "both" | "magnitude";

/** One end of the spectrum: a score (higher is more wanted) and how many pairs it wants. */
export interface End {
  score: (lambda: number) => number;
  count: number;
}

/**
 * A locked (deflated) pair: its value, the end it was locked for, whether it met the tolerance, its residual
 * estimate, and its gap to the nearest other Ritz value then (what `valueTol` judged it by).
 */
export interface Locked {
  value: number;
  end: number;
  converged: boolean;
  res: number;
  gap: number;
}

/** The decisions of one restart cycle. */
export interface RitzChoice {
  /** Ritz indices to lock now: wanted and converged. */
  lock: number[];
  /** Ritz indices that are wanted but not converged yet. */
  pendingWanted: number[];
  /** Ritz indices to keep in the restarted basis, best first (none of `lock`). */
  keep: number[];
  /** The end each Ritz index belongs to. */
  endOf: Int32Array;
  /** After `lock`, every end has its wanted pairs all locked. */
  allLocked: boolean;
  /**
   * Every end's best unlocked Ritz pair is resolved: converged, or with a residual below a thousandth
   * of its distance to the end's wanted set (or the end has none left and no open column is left
   * unexplored).
   */
  frontierConverged: boolean;
}

/** The ends of `which` with k pairs: `'both'` is ⌈k/2⌉ largest and ⌊k/2⌋ smallest. */
export function endsOf(which: Which, k: number): End[] {
  switch (which) {
    case "largest":
      return [{ score: (x) => x, count: k }];
    case "smallest":
      return [{ score: (x) => -x, count: k }];
    case "magnitude":
      return [{ score: (x) => Math.abs(x), count: k }];
    case "both":
      return k === 1
        ? [{ score: (x) => x, count: 1 }]
        : [{ score: (x) => x, count: Math.ceil(k / 2) }, { score: (x) => -x, count: Math.floor(k / 2) }];
  }
}

/**
 * Decides one cycle. A Ritz value θ of end e is wanted when fewer than `count` values of that
 * end score higher among its locked values and its other Ritz values; a wanted pair is locked
 * when it is accepted (`ok[i]` nonzero: its residual or eigenvalue-error estimate met the tolerance). The restart keeps max(pending + 1, ⌊used/4⌋) (at
 * most `maxKeep`) of the best unlocked Ritz pairs (a quarter: on 2-D Poisson as many products as keeping
 * half, and each restart, which costs kept·used·n, is half as dear), split between the ends in proportion to
 * their counts.
 *
 * @param theta - Ritz values, ascending
 * @param res - their residual estimates
 * @param ok - 1 where the pair is accepted
 * @param openLeft - the basis has open columns: directions not explored yet, which may hold wanted
 *   values (an end with no unlocked Ritz pair then has no resolved frontier)
 */
export function chooseRitz(
  ends: readonly End[], locked: readonly Locked[], theta: Float64Array, res: Float64Array, ok: Uint8Array, maxKeep: number,
  openLeft: boolean,
): RitzChoice {
  const used = theta.length;
  const endOf = new Int32Array(used);
  const half = Math.floor(used / 2);
  for (let i = 0; i < used; i++) endOf[i] = ends.length === 2 && i < half ? 1 : 0;
  const lock: number[] = [];
  const pendingWanted: number[] = [];
  const unlockedByEnd: number[][] = [];
  let allLocked = true;
  let frontierConverged = true;
  let total = 0;
  for (let e = 0; e < ends.length; e++) {
    const end = ends[e] as End;
    const cands: number[] = [];
    for (let i = 0; i < used; i++) if (endOf[i] === e) cands.push(i);
    cands.sort((x, y) => end.score(theta[y] as number) - end.score(theta[x] as number));
    const lockedScores = locked.filter((l) => l.end === e).map((l) => end.score(l.value));
    let lockedNow = 0;
    let pendingNow = 0;
    const unlocked: number[] = [];
    cands.forEach((i, idx) => {
      const s = end.score(theta[i] as number);
      let better = idx;
      for (const ls of lockedScores) if (ls > s) better++;
      const wanted = better < end.count;
      if (wanted && ok[i] === 1) {
        lock.push(i);
        lockedNow++;
      } else {
        if (wanted) {
          pendingWanted.push(i);
          pendingNow++;
        }
        unlocked.push(i);
      }
    });
    if (pendingNow > 0 || lockedScores.length + lockedNow < end.count) allLocked = false;
    // The frontier (best unlocked pair) is resolved when converged, or when its residual is under a
    // thousandth of its distance to the wanted set's boundary (the count-th best locked value).
    const frontier = unlocked[0];
    if (frontier === undefined && openLeft) frontierConverged = false;
    if (frontier !== undefined && ok[frontier] !== 1) {
      const scores = [...lockedScores, ...lock.filter((i) => endOf[i] === e).map((i) => end.score(theta[i] as number))];
      scores.sort((x, y) => y - x);
      const boundary = scores[end.count - 1];
      const gap = boundary === undefined ? 0 : boundary - end.score(theta[frontier] as number);
      if (!((res[frontier] as number) <= 1e-3 * gap)) frontierConverged = false;
    }
    unlockedByEnd.push(unlocked);
    total += end.count;
  }
  const target = Math.min(maxKeep, Math.max(pendingWanted.length + 1, Math.floor(used / 4)));
  const keep: number[] = [];
  for (let e = 0; e < ends.length; e++) {
    const unlocked = unlockedByEnd[e] as number[];
    const share = e === 0 ? Math.ceil((target * (ends[0] as End).count) / total) : target - keep.length;
    keep.push(...unlocked.slice(0, Math.max(0, Math.min(share, target - keep.length))));
  }
  if (keep.length < target) {
    // One end ran short: fill from the other.
    for (const unlocked of unlockedByEnd) for (const i of unlocked) if (keep.length < target && !keep.includes(i)) keep.push(i);
  }
  return { lock, pendingWanted, keep, endOf, allLocked, frontierConverged };
}

/**
 * The most copies of one eigenvalue among the pairs a phase with b start vectors locked, over the values
 * that may have more copies left: found b times in the phase and fewer than `maxMult` times in all
 * (0 when there is none). Values within 10·(r_a + r_b) + 1e-12·‖A‖ of each other count as one.
 */
export function openCopies(
  phase: readonly { value: number; res: number }[], all: readonly { value: number; res: number }[], b: number, maxMult: number, normEst: number,
): number {
  const count = (a: { value: number; res: number }, among: readonly { value: number; res: number }[]): number =>
    among.filter((x) => Math.abs(a.value - x.value) <= 10 * (a.res + x.res) + 1e-12 * normEst).length;
  let most = 0;
  for (const a of phase) {
    const c = count(a, phase);
    if (c >= b && count(a, all) < maxMult) most = Math.max(most, c);
  }
  return most;
}

/** The answer of `lanczos`: the pairs, their products with A, and their true residuals. */
export interface Answer {
  values: Float64Array;
  vectors: Vec[];
  /** A·vⱼ (one product each). */
  products: Float64Array[];
  residualNorms: Float64Array;
  /** The gap of each pair when it was locked (see `Locked`). */
  gaps: Float64Array;
  /** k pairs, all locked as converged. */
  allConverged: boolean;
}

/** For each end, its best `count` locked pairs, ascending, with their true residuals (one product each). */
export function answer(A: LinearOperator, n: number, ends: readonly End[], locked: readonly Locked[], L: Float64Array, k: number): Answer {
  const picked: number[] = [];
  for (let e = 0; e < ends.length; e++) {
    const end = ends[e] as End;
    const mine = locked.map((l, i) => ({ l, i })).filter((x) => x.l.end === e);
    mine.sort((x, y) => end.score(y.l.value) - end.score(x.l.value));
    for (const x of mine.slice(0, end.count)) picked.push(x.i);
  }
  picked.sort((x, y) => (locked[x] as Locked).value - (locked[y] as Locked).value);
  const values = new Float64Array(picked.length);
  const vectors: Vec[] = [];
  const products: Float64Array[] = [];
  const residualNorms = new Float64Array(picked.length);
  const gaps = new Float64Array(picked.length);
  const r = vec(n);
  picked.forEach((i, c) => {
    const lambda = (locked[i] as Locked).value;
    const y = vec(n);
    y.data.set(L.subarray(i * n, (i + 1) * n));
    const Ay = A.apply(y, vec(n));
    for (let t = 0; t < n; t++) r.data[t] = (Ay.data[t] as number) - lambda * (y.data[t] as number); // r = Av − λv
    values[c] = lambda;
    vectors.push(y);
    products.push(Ay.data);
    residualNorms[c] = nrm2(r); // safe from underflow: exactly 0 only when r is
    gaps[c] = (locked[i] as Locked).gap;
  });
  return { values, vectors, products, residualNorms, gaps, allConverged: picked.length === k && picked.every((i) => (locked[i] as Locked).converged) };
}

/**
 * The current wanted set after a cycle: each end's best `count` locked pairs and the Ritz pairs
 * `pending` (indices into `theta`). Returns their values, ascending, and the largest of their
 * residual estimates: a locked pair's as it was when locked, a Ritz pair's ‖E·s‖ from `res`.
 */
export function wantedSet(
  ends: readonly End[], locked: readonly Locked[], theta: Float64Array, res: Float64Array, pending: readonly number[],
): { values: Float64Array; residual: number } {
  const out: number[] = [];
  let residual = 0;
  for (let e = 0; e < ends.length; e++) {
    const end = ends[e] as End;
    const mine = locked.filter((l) => l.end === e);
    mine.sort((x, y) => end.score(y.value) - end.score(x.value));
    for (const l of mine.slice(0, end.count)) {
      out.push(l.value);
      residual = Math.max(residual, l.res);
    }
  }
  for (const i of pending) {
    out.push(theta[i] as number);
    residual = Math.max(residual, res[i] as number);
  }
  return { values: Float64Array.from(out.sort((a, b) => a - b)), residual };
}
