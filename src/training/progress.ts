// Progress on stderr: a redrawn bar on a terminal, plain lines at each quarter of the epoch otherwise.

export interface Progress {
  update(done: number, info: { loss: number; robust: number }): void;
  finish(): void;
}

export interface ProgressOptions {
  label: string;
  total: number;
  stream?: NodeJS.WriteStream;
  /** Print nothing. */
  quiet?: boolean;
  /** Seconds of work expected after this phase, given its current seconds per batch (for the ETA). */
  remainingAfter?: (secondsPerBatch: number) => number;
}

/** "1:05:09" / "4:07". */
function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/** A progress reporter showing batches/s, the running loss, the running train robust accuracy and the ETA. */
export function progress(o: ProgressOptions): Progress {
  const stream = o.stream ?? process.stderr;
  if (o.quiet) return { update() {}, finish() {} };
  const tty = Boolean(stream.isTTY);
  const t0 = performance.now();
  let lastDraw = 0;
  let nextQuarter = 1;
  let line = '';
  const format = (done: number, info: { loss: number; robust: number }) => {
    const secs = (performance.now() - t0) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const width = 20;
    const filled = Math.round((width * done) / Math.max(1, o.total));
    const bar = tty ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : '';
    const eta = rate > 0 ? `  ETA ${clock((o.total - done) / rate + (o.remainingAfter?.(1 / rate) ?? 0))}` : '';
    return `${o.label} ${bar}${done}/${o.total}  ${rate.toFixed(2)} batch/s  loss ${info.loss.toFixed(4)}  train robust ${pct(info.robust)}${eta}`;
  };
  return {
    update(done, info) {
      if (tty) {
        const now = performance.now();
        if (now - lastDraw < 100 && done < o.total) return;
        lastDraw = now;
        line = format(done, info);
        stream.write(`\r${line}\x1b[K`);
      } else if (done >= (nextQuarter * o.total) / 4) {
        while (done >= (nextQuarter * o.total) / 4) nextQuarter++;
        stream.write(`${format(done, info)}\n`);
      }
    },
    finish() {
      if (tty && line) stream.write('\n');
    },
  };
}
