/**
 * `checkOptions`: the check of an options object's keys that every entry point of the
 * toolkit runs first, so that a misspelt option (`maxIteration`, `rTol`) is refused instead of
 * silently ignored.
 *
 * @module
 */

/**
 * The documented keys of an options type, as an object whose keys are exactly those of `T`
 * (write it `{ rtol: true, atol: true } satisfies OptionKeys<MyOptions>`: the compiler then
 * refuses a missing or an extra key, so the list cannot drift from the interface).
 */
export type OptionKeys<T> = { readonly [K in keyof Required<T>]: true };

/**
 * Throws unless `options` is `undefined` or a plain object whose own keys are all in `known`.
 *
 * An unknown key gets a `TypeError` naming the function, the key and the closest documented
 * key by edit distance (optimal string alignment: insertions, deletions, substitutions and
 * transpositions of neighbours, a change of case counting half):
 * `cg: unknown option 'maxIteration' (did you mean 'maxIterations'?)`. When no key is close
 * (distance more than a third of the longer name, and more than 2), the message lists the
 * documented keys instead.
 *
 * @param fn - the entry point's name, first word of the message
 * @param options - what the caller passed
 * @param known - the documented keys (an {@link OptionKeys} record or an array of names)
 * @returns `options`, or `{}` when it is undefined
 * @example checkOptions("cg", { rTol: 1e-8 }, ["rtol", "atol"]); // TypeError: cg: unknown option 'rTol' (did you mean 'rtol'?)
 */
export function checkOptions<T extends object>(fn: string, options: T | undefined, known: Readonly<Record<string, true>> | readonly string[]): T {
  if (options === undefined) return {} as T;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`${fn}: options must be an object, got ${options === null ? "null" : Array.isArray(options) ? "an array" : typeof options}`);
  }
  const names = Array.isArray(known) ? (known as readonly string[]) : Object.keys(known);
  for (const key of Object.keys(options)) {
    if (names.includes(key)) continue;
    throw new TypeError(`${fn}: unknown option '${key}' ${suggestion(key, names)}`);
  }
  return options;
}

/** "(did you mean 'x'?)" for the closest name, or the list of names when none is close. */
function suggestion(key: string, names: readonly string[]): string {
  if (names.length === 0) return "(it takes no options)";
  let best = "";
  let bestDistance = Infinity;
  for (const name of names) {
    const d = editDistance(key, name);
    if (d < bestDistance) {
      bestDistance = d;
      best = name;
    }
  }
  const limit = Math.max(2, Math.max(key.length, best.length) / 3);
  if (bestDistance <= limit) return `(did you mean '${best}'?)`;
  return `(the options are ${names.map((n) => `'${n}'`).join(", ")})`;
}

/**
 * Optimal string alignment distance between a and b, where a substitution that changes only
 * the case costs ½ (so `rTol` is nearer `rtol` than any one-letter typo).
 */
function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  // d[i][j] = distance between a[0, i) and b[0, j), rows flattened.
  const d = new Float64Array((m + 1) * (n + 1));
  const at = (i: number, j: number): number => d[i * (n + 1) + j] as number;
  for (let i = 0; i <= m; i++) d[i * (n + 1)] = i;
  for (let j = 0; j <= n; j++) d[j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const ai = a[i - 1] as string;
      const bj = b[j - 1] as string;
      const sub = ai === bj ? 0 : ai.toLowerCase() === bj.toLowerCase() ? 0.5 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + sub);
      if (i > 1 && j > 1 && ai === b[j - 2] && a[i - 2] === bj) v = Math.min(v, at(i - 2, j - 2) + 1);
      d[i * (n + 1) + j] = v;
    }
  }
  return at(m, n);
}
