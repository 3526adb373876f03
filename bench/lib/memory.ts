/**
 * Peak memory during a phase: this process's resident set and V8 heap (the local runner, when the platform
 * runs in-process) and each child process's resident set (the emulators, the load generator), sampled on a
 * timer. On Linux the kernel's own high-water mark (VmHWM) is reset at the start (`/proc/self/clear_refs`),
 * so this process's peak also catches spikes between two samples. Elsewhere only the samples count.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { descendants } from './cpu';

const MB = 1024 * 1024;

/** A field of /proc/<pid>/status in MB (`VmRSS`, `VmHWM`), or undefined when it cannot be read. */
const statusMb = (pid: number | 'self', field: 'VmRSS' | 'VmHWM'): number | undefined => {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
};

/** Resets this process's VmHWM to its current RSS (Linux ≥ 4.0); false where that is not possible. */
const resetPeak = (): boolean => {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
};

export interface ProcessMemory {
  label: string;
  pid: number;
  /** Highest sampled VmRSS in the phase. */
  peakRssMb: number;
  /** The kernel's high-water mark over the process's whole life (it cannot be reset from here). */
  lifetimePeakMb: number | undefined;
}

export interface MemoryReport {
  samples: number;
  intervalMs: number;
  self: {
    startRssMb: number;
    endRssMb: number;
    /** Highest sampled RSS. */
    sampledPeakRssMb: number;
    /** The kernel's peak since the phase started (VmHWM after a reset), when it could be reset. */
    kernelPeakRssMb: number | undefined;
    /** The larger of the two: the figure to report. */
    peakRssMb: number;
    peakHeapUsedMb: number;
    peakHeapTotalMb: number;
    peakExternalMb: number;
  };
  children: ProcessMemory[];
}

/** Starts sampling every `intervalMs`; `stop()` ends it and reports the peaks. */
export const startMemorySampler = (intervalMs = 250) => {
  const peakReset = resetPeak();
  // The children are long-lived (emulators, load generator): found once, then only their status is read.
  const children = [...descendants()].map(([pid, { label }]) => ({ pid, label, peak: 0 }));
  const start = process.memoryUsage();
  const self = {
    rss: start.rss,
    heapUsed: start.heapUsed,
    heapTotal: start.heapTotal,
    external: start.external,
  };
  let samples = 0;
  const sample = () => {
    samples++;
    const now = process.memoryUsage();
    self.rss = Math.max(self.rss, now.rss);
    self.heapUsed = Math.max(self.heapUsed, now.heapUsed);
    self.heapTotal = Math.max(self.heapTotal, now.heapTotal);
    self.external = Math.max(self.external, now.external);
    for (const child of children) child.peak = Math.max(child.peak, statusMb(child.pid, 'VmRSS') ?? 0);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();

  return {
    /** The current RSS of this process, in MB. */
    rssMb: () => process.memoryUsage.rss() / MB,
    stop: (): MemoryReport => {
      clearInterval(timer);
      sample();
      const kernelPeak = peakReset ? statusMb('self', 'VmHWM') : undefined;
      const sampledPeak = self.rss / MB;
      return {
        samples,
        intervalMs,
        self: {
          startRssMb: start.rss / MB,
          endRssMb: process.memoryUsage.rss() / MB,
          sampledPeakRssMb: sampledPeak,
          kernelPeakRssMb: kernelPeak,
          peakRssMb: Math.max(sampledPeak, kernelPeak ?? 0),
          peakHeapUsedMb: self.heapUsed / MB,
          peakHeapTotalMb: self.heapTotal / MB,
          peakExternalMb: self.external / MB,
        },
        children: children
          .filter((child) => child.peak > 0)
          .map((child) => ({
            label: child.label,
            pid: child.pid,
            peakRssMb: child.peak,
            lifetimePeakMb: statusMb(child.pid, 'VmHWM'),
          }))
          .sort((a, b) => b.peakRssMb - a.peakRssMb),
      };
    },
  };
};
