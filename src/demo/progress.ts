import type { DemoProgress } from './load.ts';

const WIDTH = 30;

const duration = (ms: number) => {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
};

/** One line of the progress bar: the bar, citizens, rows per second and the time left at the rate so far. */
export function progressLine(progress: DemoProgress): string {
  const share = progress.total === 0 ? 1 : progress.citizens / progress.total;
  const filled = Math.round(share * WIDTH);
  const seconds = progress.elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(progress.rows / seconds) : 0;
  const left = share > 0 ? (progress.elapsedMs / share) * (1 - share) : 0;
  return (
    `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${Math.floor(share * 100)} % · ` +
    `${progress.citizens.toLocaleString('en-GB')} of ${progress.total.toLocaleString('en-GB')} citizens · ` +
    `${rate.toLocaleString('en-GB')} rows/s · ${share >= 1 ? `done in ${duration(progress.elapsedMs)}` : `about ${duration(left)} left`}`
  );
}

/**
 * Writes progress to a terminal as one line redrawn in place; to a log (not a terminal) as a line per 10 %.
 */
export function progressWriter(stream: NodeJS.WriteStream): (progress: DemoProgress) => void {
  let lastTenth = -1;
  return (progress) => {
    const line = progressLine(progress);
    const done = progress.citizens >= progress.total;
    if (stream.isTTY) {
      stream.write(`\r${line}${done ? '\n' : ''}`);
      return;
    }
    const tenth = Math.floor((progress.citizens / Math.max(1, progress.total)) * 10);
    if (tenth !== lastTenth || done) {
      lastTenth = tenth;
      stream.write(`${line}\n`);
    }
  };
}
