/**
 * A Matrix Market fuzzer: valid files of every format, field and symmetry, written with random
 * spacing, comments and line ends, then mutated (tokens replaced by odd numbers and huge sizes,
 * characters inserted, lines deleted or repeated, truncation). Each is read by
 * `readMatrixMarket` and by the independent reference reader below; they must agree on
 * accepting it, an accepted file must give the same matrix, a refused one a one-line
 * SyntaxError or RangeError naming a line of the file, and no read may allocate a typed array
 * longer than a small multiple of the text (so a declared size is never allocated blindly).
 */
import test from "ava";
import fc from "fast-check";
import { readMatrixMarket, toDense } from "@krylov-ts/operators";

const MAX_BYTES = 2 ** 26;

// ---------------------------------------------------------------------------------------------
// The reference reader: written from the format's description (NIST IR 5935), line by line.

type Outcome = { ok: true; rows: number; cols: number; dense: number[] } | { ok: false; why: string };

function isReal(s: string): boolean {
  // [sign] (digits [. [digits]] | . digits) [e|E [sign] digits]
  let i = 0;
  if (s[i] === "+" || s[i] === "-") i++;
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";
  let mantissa = 0;
  while (isDigit(s[i])) {
    i++;
    mantissa++;
  }
  if (s[i] === ".") {
    i++;
    while (isDigit(s[i])) {
      i++;
      mantissa++;
    }
  }
  if (mantissa === 0) return false;
  if (s[i] === "e" || s[i] === "E") {
    i++;
    if (s[i] === "+" || s[i] === "-") i++;
    let exponent = 0;
    while (isDigit(s[i])) {
      i++;
      exponent++;
    }
    if (exponent === 0) return false;
  }
  return i === s.length;
}

function isInteger(s: string): boolean {
  const body = s[0] === "+" || s[0] === "-" ? s.slice(1) : s;
  return body.length > 0 && [...body].every((c) => c >= "0" && c <= "9");
}

function reference(text: string): Outcome {
  const no = (why: string): Outcome => ({ ok: false, why });
  const lines = text.split(/\r\n|\n|\r/);
  const words = (line: string): string[] => line.split(/\s+/).filter((w) => w !== "");
  const head = words(lines[0] ?? "");
  if (head.length !== 5 || head[0] !== "%%MatrixMarket") return no("header");
  const [object, format, field, symmetry] = head.slice(1).map((w) => w.toLowerCase());
  if (object !== "matrix") return no("object");
  if (format !== "coordinate" && format !== "array") return no("format");
  if (field !== "real" && field !== "integer" && field !== "pattern") return no("field");
  if (symmetry !== "general" && symmetry !== "symmetric" && symmetry !== "skew-symmetric") return no("symmetry");
  if (format === "array" && field === "pattern") return no("array pattern");
  // Data lines: everything after the header that is neither blank nor a comment.
  const data = lines.slice(1).filter((l) => words(l).length > 0 && !l.trimStart().startsWith("%"));
  const size = words(data[0] ?? "");
  if (size.length !== (format === "coordinate" ? 3 : 2)) return no("size line");
  if (!size.every((w) => /^[0-9]+$/.test(w))) return no("size not a count");
  const [m, n, declared] = size.map(Number) as [number, number, number | undefined];
  // The sizes the fuzzer writes are small (≤ 8) or beyond any budget (≥ 1e8): refuse the latter.
  if (m > 1e7 || n > 1e7 || (declared ?? 0) > 1e7) return no("too large");
  if (symmetry !== "general" && m !== n) return no("not square");
  const dense = new Array<number>(m * n).fill(0);
  const add = (i: number, j: number, v: number): void => {
    dense[i * n + j] = (dense[i * n + j] as number) + v;
  };
  const value = (w: string): number | undefined => {
    if (field === "integer" ? !isInteger(w) : !isReal(w)) return undefined;
    const v = Number(w);
    return Number.isFinite(v) ? v : undefined;
  };
  const body = data.slice(1);
  if (format === "coordinate") {
    const most = symmetry === "general" ? m * n : symmetry === "symmetric" ? (n * (n + 1)) / 2 : (n * (n - 1)) / 2;
    if ((declared as number) > most) return no("more entries than positions");
    if (body.length !== declared) return no("entry count");
    for (const line of body) {
      const w = words(line);
      if (w.length !== (field === "pattern" ? 2 : 3)) return no("entry width");
      if (!isInteger(w[0] as string) || !isInteger(w[1] as string)) return no("index");
      const i = Number(w[0]);
      const j = Number(w[1]);
      if (i < 1 || i > m || j < 1 || j > n) return no("index range");
      if (symmetry === "symmetric" && j > i) return no("upper");
      if (symmetry === "skew-symmetric" && j >= i) return no("upper or diagonal");
      const v = field === "pattern" ? 1 : value(w[2] as string);
      if (v === undefined) return no("value");
      add(i - 1, j - 1, v);
      if (symmetry !== "general" && i !== j) add(j - 1, i - 1, symmetry === "symmetric" ? v : -v);
    }
  } else {
    const tokens = body.flatMap(words);
    // Column-major: all m·n, or the lower (strictly lower for skew) triangle.
    const positions: Array<[number, number]> = [];
    for (let j = 0; j < n; j++) {
      for (let i = symmetry === "general" ? 0 : symmetry === "symmetric" ? j : j + 1; i < m; i++) positions.push([i, j]);
    }
    if (tokens.length !== positions.length) return no("value count");
    for (let k = 0; k < tokens.length; k++) {
      const v = value(tokens[k] as string);
      if (v === undefined) return no("value");
      const [i, j] = positions[k] as [number, number];
      add(i, j, v);
      if (symmetry !== "general" && i !== j) add(j, i, symmetry === "symmetric" ? v : -v);
    }
  }
  return { ok: true, rows: m, cols: n, dense };
}

// ---------------------------------------------------------------------------------------------
// Valid files, written with random layout.

const formats = ["coordinate", "array"] as const;
const fields = ["real", "integer", "pattern"] as const;
const symmetries = ["general", "symmetric", "skew-symmetric"] as const;

const realText = fc.oneof(
  fc.integer({ min: -999, max: 999 }).map(String),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => String(x)),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => x.toExponential()),
  fc.constantFrom("0.5", ".5", "5.", "-0", "+3", "1E5", "2.5e-3", "7e+2", "-.25E1"),
);

const validFile = fc
  .record({
    format: fc.constantFrom(...formats),
    field: fc.constantFrom(...fields),
    symmetry: fc.constantFrom(...symmetries),
    m: fc.integer({ min: 0, max: 6 }),
    n: fc.integer({ min: 0, max: 6 }),
    caseMix: fc.boolean(),
    eol: fc.constantFrom("\n", "\r\n", "\r"),
    gap: fc.constantFrom(" ", "  ", "\t", " \t "),
    comments: fc.array(fc.constantFrom("% a comment", "%", "", "   ", "%%% more"), { maxLength: 3 }),
    seedValues: fc.array(realText, { minLength: 64, maxLength: 64 }),
    picks: fc.array(fc.nat(1000), { minLength: 64, maxLength: 64 }),
    count: fc.integer({ min: 0, max: 12 }),
  })
  .map((r) => {
    const field = r.format === "array" && r.field === "pattern" ? "real" : r.field;
    const n = r.symmetry === "general" ? r.n : r.m;
    const m = r.m;
    const value = (k: number): string => {
      const s = r.seedValues[k % 64] as string;
      return field === "integer" ? String(Math.trunc(Number(s)) % 1000) : s;
    };
    const header = `%%MatrixMarket matrix ${r.format} ${field} ${r.symmetry}`;
    const lines = [r.caseMix ? header.replace("matrix", "Matrix").replace(r.format, r.format.toUpperCase()) : header, ...r.comments];
    if (r.format === "coordinate") {
      const allowed: Array<[number, number]> = [];
      for (let i = 1; i <= m; i++) {
        for (let j = 1; j <= n; j++) {
          if (r.symmetry === "general" || (r.symmetry === "symmetric" ? j <= i : j < i)) allowed.push([i, j]);
        }
      }
      const count = allowed.length === 0 ? 0 : Math.min(r.count, allowed.length);
      lines.push([m, n, count].join(r.gap));
      for (let k = 0; k < count; k++) {
        const [i, j] = allowed[(r.picks[k] as number) % allowed.length] as [number, number];
        lines.push([String(i), String(j), ...(field === "pattern" ? [] : [value(k)])].join(r.gap));
        if ((r.picks[k + 32] as number) % 7 === 0) lines.push("% between entries");
      }
    } else {
      lines.push([m, n].join(r.gap));
      const count = r.symmetry === "general" ? m * n : r.symmetry === "symmetric" ? (n * (n + 1)) / 2 : (n * (n - 1)) / 2;
      for (let k = 0; k < count; k++) {
        if ((r.picks[k % 64] as number) % 3 === 0 && lines.length > 0) lines[lines.length - 1] += `${r.gap}${value(k)}`;
        else lines.push(value(k));
      }
    }
    return lines.join(r.eol) + ((r.picks[0] as number) % 2 === 0 ? r.eol : "");
  });

// ---------------------------------------------------------------------------------------------
// Mutations.

const oddTokens = [
  "NaN", "nan", "-nan", "Infinity", "-Infinity", "Inf", "inf", "1e400", "-1e400", "1e-400", "0x10", "0b11", "0o7",
  "1_000", "1e", "e5", ".", "+", "-", "--1", "1..2", "1e5.5", "١", "½", "1,5", "0", "-1", "00", "9007199254740993",
  "3000000000", "2147483647", "2147483648", "100000000", "1" + "0".repeat(40), "\u001b[31m", "\u0000", "%", "%%",
];
const hugeSizes = ["100000000", "2147483647", "2147483648", "3000000000", "99999999999999999999", "1" + "0".repeat(40)];

type Mutation =
  | { kind: "token"; line: number; token: number; text: string }
  | { kind: "size"; token: number; text: string }
  | { kind: "insert"; at: number; text: string }
  | { kind: "delete-line" | "repeat-line"; line: number }
  | { kind: "truncate"; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("token" as const), line: fc.nat(40), token: fc.nat(4), text: fc.oneof(fc.constantFrom(...oddTokens), fc.string({ maxLength: 4 })) }),
  fc.record({ kind: fc.constant("size" as const), token: fc.nat(2), text: fc.constantFrom(...hugeSizes, "0", "1", "7", "-1", "2.0", "1e3") }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(2000), text: fc.constantFrom(" ", "\t", "\n", "\r", "%", "-", ".", "e", "9", "x", "\u001b", "\u0000", "\u00a0", "\u2028") }),
  fc.record({ kind: fc.constantFrom("delete-line" as const, "repeat-line" as const), line: fc.nat(40) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat(2000) }),
);

function mutate(text: string, mutations: readonly Mutation[]): string {
  let s = text;
  for (const mu of mutations) {
    const lines = s.split("\n");
    switch (mu.kind) {
      case "token": {
        const l = mu.line % lines.length;
        const words = (lines[l] as string).split(" ");
        words[mu.token % words.length] = mu.text;
        lines[l] = words.join(" ");
        s = lines.join("\n");
        break;
      }
      case "size": {
        // The first line that starts with a digit is the size line of these files.
        const l = lines.findIndex((x) => /^\s*\d/.test(x));
        if (l < 0) break;
        const words = (lines[l] as string).trim().split(/\s+/);
        words[mu.token % words.length] = mu.text;
        lines[l] = words.join(" ");
        s = lines.join("\n");
        break;
      }
      case "insert": {
        const at = mu.at % (s.length + 1);
        s = s.slice(0, at) + mu.text + s.slice(at);
        break;
      }
      case "delete-line":
        lines.splice(mu.line % lines.length, 1);
        s = lines.join("\n");
        break;
      case "repeat-line": {
        const l = mu.line % lines.length;
        lines.splice(l, 0, lines[l] as string);
        s = lines.join("\n");
        break;
      }
      case "truncate":
        s = s.slice(0, mu.at % (s.length + 1));
        break;
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// The longest typed array the reader asks for, recorded by replacing the global constructors.

function longestTypedArray<T>(run: () => T): { result: T | undefined; error: unknown; longest: number } {
  const originals = { Int32Array, Float64Array, Uint8Array };
  let longest = 0;
  const track = <C extends typeof Int32Array | typeof Float64Array | typeof Uint8Array>(Base: C): C =>
    new Proxy(Base, {
      construct(target, args: unknown[], newTarget) {
        const length = typeof args[0] === "number" ? args[0] : typeof args[2] === "number" ? args[2] : Array.isArray(args[0]) ? args[0].length : 0;
        longest = Math.max(longest, length);
        return Reflect.construct(target, args, newTarget) as object;
      },
    });
  const g = globalThis as unknown as Record<string, unknown>;
  g["Int32Array"] = track(Int32Array);
  g["Float64Array"] = track(Float64Array);
  g["Uint8Array"] = track(Uint8Array);
  try {
    return { result: run(), error: undefined, longest };
  } catch (error) {
    return { result: undefined, error, longest };
  } finally {
    g["Int32Array"] = originals.Int32Array;
    g["Float64Array"] = originals.Float64Array;
    g["Uint8Array"] = originals.Uint8Array;
  }
}

// ---------------------------------------------------------------------------------------------

const seed = 20261204;

test("mutated Matrix Market files are read as the reference reads them, refused in one line naming a line, with bounded allocation", (t) => {
  t.log(`fast-check seed ${seed}`);
  let accepted = 0;
  let refused = 0;
  fc.assert(
    fc.property(validFile, fc.array(mutation, { maxLength: 3 }), (valid, mutations) => {
      const text = mutate(valid, mutations);
      const want = reference(text);
      const { result: A, error, longest } = longestTypedArray(() => readMatrixMarket(text, { maxBytes: MAX_BYTES }));
      const lineCount = text.split(/\r\n|\n|\r/).length;
      if (longest > 16 * text.length + 64) throw new Error(`allocated a typed array of ${longest} elements for ${text.length} characters`);
      if (error !== undefined) {
        if (!(error instanceof SyntaxError || error instanceof RangeError)) throw new Error(`not a SyntaxError/RangeError: ${String(error)}`);
        const line = /^readMatrixMarket: line (\d+): [^\n]+$/.exec(error.message);
        if (line === null) throw new Error(`not one line naming a line: ${JSON.stringify(error.message)}`);
        if (Number(line[1]) < 1 || Number(line[1]) > lineCount) throw new Error(`line ${line[1]} is not a line of the ${lineCount}-line file`);
        if (want.ok) throw new Error(`refused a file the reference accepts: ${error.message}`);
        if (/[\u0000-\u001f\u007f-\u009f]/.test(error.message)) throw new Error(`a control character in ${JSON.stringify(error.message)}`);
        refused++;
        return;
      }
      if (!want.ok) throw new Error(`accepted a file the reference refuses (${want.why})`);
      if (A === undefined) throw new Error("no matrix");
      if (A.shape[0] !== want.rows || A.shape[1] !== want.cols) throw new Error(`shape ${A.shape.join("×")}, want ${want.rows}×${want.cols}`);
      const D = toDense(A).data;
      for (let k = 0; k < want.dense.length; k++) {
        if (D[k] !== want.dense[k]) throw new Error(`entry ${k}: ${D[k]} but the reference reads ${want.dense[k]}`);
      }
      accepted++;
    }),
    { seed, numRuns: 4000, includeErrorInReport: true },
  );
  // The generator must exercise both outcomes substantially.
  t.true(accepted > 400, `accepted ${accepted}`);
  t.true(refused > 1500, `refused ${refused}`);
  t.log(`${accepted} accepted, ${refused} refused`);
});

test("every odd number token in a value position is refused or read as its decimal value", (t) => {
  for (const token of oddTokens) {
    const text = `%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 ${token}\n`;
    const want = reference(text);
    let got: number | string;
    try {
      got = readMatrixMarket(text).get(0, 0);
    } catch (e) {
      got = (e as Error).message;
    }
    if (want.ok) t.is(got, want.dense[0] as number, token);
    else t.regex(String(got), /^readMatrixMarket: line 3: /, token);
  }
});
