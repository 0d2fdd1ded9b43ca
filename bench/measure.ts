import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/**
 * One unit of benchmark work: performs one operation and returns how many units it handled
 * (events written, rows read). `worker` is the 0-based index of the concurrent loop running it.
 */
export type Operation = (worker: number) => Promise<number>;

export interface Throughput {
  units: number;
  operations: number;
  seconds: number;
  perSecond: number;
}

/**
 * Runs `concurrency` loops of `operation` back to back until `durationMs` has passed, and reports
 * units per second. Each loop finishes the operation it started; elapsed time runs until the
 * last loop stopped, so every counted unit is inside the measured time.
 */
export async function throughput(operation: Operation, options: { durationMs: number; concurrency?: number }): Promise<Throughput> {
  const concurrency = options.concurrency ?? 1;
  const started = performance.now();
  const deadline = started + options.durationMs;
  let units = 0;
  let operations = 0;
  const loop = async (worker: number): Promise<void> => {
    while (performance.now() < deadline) {
      const handled = await operation(worker); // not `units += await …`: that reads units before awaiting
      units += handled;
      operations++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, worker) => loop(worker)));
  const seconds = (performance.now() - started) / 1000;
  return { units, operations, seconds, perSecond: units / seconds };
}

/** One entry of the report. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** Latency entries (unit ms): value is the median, p99 the 99th percentile over `samples` runs. */
  p99?: number;
  samples?: number;
  /** For our entries: the raw entry this one is compared with, its value, and the goal for value / baseline. */
  baseline?: string;
  baselineValue?: number;
  ratio?: number;
  /** Store entries: the ratio in each round, ours and raw measured interleaved (ratio is their median). */
  roundRatios?: number[];
  goal?: number | null;
  /** HTTP entries: requests that failed (connection errors and non-2xx answers; the goal is 0), and the rate offered. */
  errors?: number;
  offeredRate?: number;
  /** Peak resident memory of the service process while measured. */
  peakRssMiB?: number;
  /** The share of the machine's CPU time (all cores) that was busy while measured: near 1, the work is bound by the CPUs. */
  cpuBusy?: number;
  /** The rebuild: mails the service sent meanwhile (0 when the log left nothing due, as it should). */
  mailsSent?: number;
  /** The rebuild: the service's PROJECTION_THREADS (read models in worker threads of their own). */
  projectionThreads?: number;
  /** Contact-list entries: list entries one version sends (recipients × entries each), and the median cost per entry. */
  entriesPerVersion?: number;
  usPerEntry?: number;
}

/** Nearest-rank percentile (with 20 samples p99 is the slowest one). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/**
 * Starts counting the machine's CPU time (all cores, from /proc/stat); the function returned gives
 * the busy share since then (user, nice, system, interrupts; not idle, I/O wait or stolen time),
 * or undefined where there is no /proc/stat.
 */
export function cpuBusySince(): () => number | undefined {
  const read = (): { busy: number; total: number } | undefined => {
    let line: string;
    try {
      line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    } catch {
      return undefined;
    }
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
    return { busy: user + nice + system + irq + softirq, total: user + nice + system + idle + iowait + irq + softirq + steal };
  };
  const start = read();
  return () => {
    const end = read();
    return start && end && end.total > start.total ? (end.busy - start.busy) / (end.total - start.total) : undefined;
  };
}
