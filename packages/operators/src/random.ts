/**
 * A seeded random generator for probe vectors: uniform, normal and Rademacher draws.
 *
 * xoshiro128** (Blackman & Vigna, 2018) on 32-bit words, seeded through splitmix32, so the
 * same seed gives the same stream on every platform. Doubles take 53 random bits from two
 * words; normals come from the polar Box–Muller method (Marsaglia & Bray, 1964).
 *
 * @module
 */
import { len, vec, type Vec } from "./vec.js";

/** A deterministic random stream. */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = NaN;

  /** @param seed - any integer (its low 32 bits are used); the default is 0 */
  constructor(seed = 0) {
    if (!Number.isFinite(seed)) throw new RangeError(`Random: seed must be a finite number, got ${seed}`);
    let z = seed >>> 0;
    const next = (): number => {
      // splitmix32
      z = (z + 0x9e3779b9) | 0;
      let t = z ^ (z >>> 16);
      t = Math.imul(t, 0x21f0aaad);
      t ^= t >>> 15;
      t = Math.imul(t, 0x735a2d97);
      return (t ^ (t >>> 15)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const s0 = this.s0, s1 = this.s1, s2 = this.s2, s3 = this.s3;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 = s2 ^ s0;
    this.s3 = s3 ^ s1;
    this.s1 = s1 ^ this.s2;
    this.s0 = s0 ^ this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r >>> 0;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform integer in [0, n). */
  integer(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** A standard normal draw. */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const v = this.spare;
      this.spare = NaN;
      return v;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /** ±1 with equal probability. */
  rademacher(): number {
    return this.nextUint32() & 1 ? 1 : -1;
  }

  /** A vector of standard normal draws (into `out` when given). */
  normalVec(n: number, out: Vec = vec(n)): Vec {
    return this.fillWith(n, out, () => this.normal(), "normalVec");
  }

  /** A vector of uniform draws in [0, 1) (into `out` when given). */
  uniformVec(n: number, out: Vec = vec(n)): Vec {
    return this.fillWith(n, out, () => this.uniform(), "uniformVec");
  }

  /** A vector of ±1 draws (Rademacher probes; into `out` when given). */
  rademacherVec(n: number, out: Vec = vec(n)): Vec {
    return this.fillWith(n, out, () => this.rademacher(), "rademacherVec");
  }

  private fillWith(n: number, out: Vec, draw: () => number, fn: string): Vec {
    if (len(out) !== n) throw new RangeError(`Random.${fn}: out has length ${len(out)} but n is ${n}`);
    const d = out.data;
    const s = out.stride[0] ?? 1;
    for (let i = 0, o = out.offset; i < n; i++, o += s) d[o] = draw();
    return out;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A seeded random stream: `rng(42).normalVec(10)`. */
export function rng(seed = 0): Random {
  return new Random(seed);
}
