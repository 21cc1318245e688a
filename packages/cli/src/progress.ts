/**
 * Progress bars on stderr (`cli-progress`), drawn only when stderr is a terminal and `--quiet`
 * was not given, so pipes, files and tests see clean output.
 *
 * @module
 */
import cliProgress from "cli-progress";

/** A bar that may be a no-op. */
export interface Progress {
  /** Starts a bar named `label` counting to `total`. */
  start(label: string, total: number): void;
  /** Sets the current count (and an optional short status text). */
  update(value: number, status?: string): void;
  /** Completes and removes the bar. */
  stop(): void;
}

/** A progress bar when `enabled` and stderr is a TTY, else one that draws nothing. */
export function progress(enabled: boolean): Progress {
  if (!enabled || process.stderr.isTTY !== true) {
    return { start() {}, update() {}, stop() {} };
  }
  let bar: cliProgress.SingleBar | undefined;
  return {
    start(label, total) {
      bar?.stop();
      bar = new cliProgress.SingleBar(
        {
          format: `${label.padEnd(18)} {bar} {value}/{total} {status}`,
          stream: process.stderr,
          clearOnComplete: true,
          hideCursor: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { status: "" });
    },
    update(value, status = "") {
      bar?.update(value, { status });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
