/**
 * Where the machine's cores went during a phase: CPU time of this process and of every process it started
 * (emulators, load generator), read from /proc, plus the whole machine's busy time, so a run can show how much
 * of the machine other work took. Linux only; elsewhere it reports this process alone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** Kernel clock ticks per second for /proc; 100 on every mainstream Linux configuration. */
const TICKS_PER_SECOND = 100;

const readStat = (pid: number): { ppid: number; cpuSeconds: number } | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: fields after it start past the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 4 (ppid), 14 (utime) and 15 (stime), counted from 1; `fields` starts at field 3.
    return {
      ppid: Number(fields[1]),
      cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
    };
  } catch {
    return undefined;
  }
};

const labelOf = (pid: number): string => {
  try {
    const line = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    if (/DynamoDBLocal/.test(line)) return 'DynamoDB Local';
    if (/sqs-server/.test(line)) return 'SQS emulator';
    if (/aws-ses-v2-local|ses-server/.test(line)) return 'SES emulator';
    if (/load-worker/.test(line)) return 'load generator';
    if (/esbuild/.test(line)) return 'esbuild';
    return line.slice(0, 40);
  } catch {
    return `pid ${pid}`;
  }
};

export const descendants = (): Map<number, { label: string; cpuSeconds: number }> => {
  const found = new Map<number, { label: string; cpuSeconds: number }>();
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return found;
  }
  const stats = new Map<number, { ppid: number; cpuSeconds: number }>();
  for (const pid of pids) {
    const stat = readStat(pid);
    if (stat) stats.set(pid, stat);
  }
  const walk = (parent: number) => {
    for (const [pid, stat] of stats) {
      if (stat.ppid !== parent) continue;
      found.set(pid, { label: labelOf(pid), cpuSeconds: stat.cpuSeconds });
      walk(pid);
    }
  };
  walk(process.pid);
  return found;
};

/** Busy CPU seconds of the whole machine, all cores together (everything but idle and iowait). */
const machineBusySeconds = (): number => {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = ticks;
    void idle;
    void iowait;
    return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
};

export interface CpuSnapshot {
  at: number;
  self: number;
  machine: number;
  children: Map<number, { label: string; cpuSeconds: number }>;
}

export const cpuSnapshot = (): CpuSnapshot => {
  const usage = process.cpuUsage();
  return {
    at: performance.now(),
    self: (usage.user + usage.system) / 1e6,
    machine: machineBusySeconds(),
    children: descendants(),
  };
};

export interface CpuReport {
  wallSeconds: number;
  /** CPU seconds per process label over the measured intervals, busiest first. */
  processes: { label: string; cpuSeconds: number; percentOfCore: number }[];
  /** Percent of one core, all cores together (200 % = both cores of a 2-core machine busy). */
  machineBusyPercent: number;
  /** Machine busy time not used by this benchmark's processes: other work on the machine. */
  othersPercent: number;
  cores: number;
}

/**
 * Adds up CPU time over one or more intervals (e.g. the alternating slices of one kind of load), per process
 * label; `selfLabel` names what this process was doing.
 */
export class CpuAccount {
  private wall = 0;
  private machine = 0;
  private readonly seconds = new Map<string, number>();
  private started: CpuSnapshot | undefined;

  constructor(private readonly selfLabel: string) {}

  start(): void {
    this.started = cpuSnapshot();
  }

  stop(): void {
    const before = this.started;
    if (!before) return;
    this.started = undefined;
    const after = cpuSnapshot();
    this.wall += (after.at - before.at) / 1000;
    this.machine += after.machine - before.machine;
    const add = (label: string, value: number) =>
      this.seconds.set(label, (this.seconds.get(label) ?? 0) + value);
    add(this.selfLabel, after.self - before.self);
    for (const [pid, now] of after.children)
      add(now.label, now.cpuSeconds - (before.children.get(pid)?.cpuSeconds ?? 0));
  }

  report(): CpuReport {
    const percent = (seconds: number) => Math.round((seconds / this.wall) * 1000) / 10;
    const processes = [...this.seconds]
      .filter(([, seconds]) => seconds > 0)
      .map(([label, cpuSeconds]) => ({ label, cpuSeconds, percentOfCore: percent(cpuSeconds) }))
      .sort((a, b) => b.cpuSeconds - a.cpuSeconds);
    const ours = processes.reduce((sum, p) => sum + p.cpuSeconds, 0);
    return {
      wallSeconds: this.wall,
      processes,
      machineBusyPercent: percent(this.machine),
      othersPercent: percent(Math.max(0, this.machine - ours)),
      cores: os.cpus().length,
    };
  }
}

/** CPU ms per item by process, those of 0.05 ms or more: "DynamoDB Local 3.96, bench process 3.90". */
export const perLabel = (costs: Record<string, number>, digits = 2): string =>
  Object.entries(costs)
    .filter(([, value]) => value >= 0.05)
    .map(([name, value]) => `${name} ${value.toFixed(digits)}`)
    .join(', ');

export const formatCpu = (report: CpuReport): string =>
  `${report.processes
    .filter((p) => p.percentOfCore >= 0.5)
    .map((p) => `${p.label} ${p.percentOfCore.toFixed(0)}%`)
    .join(', ')}; ` +
  (Number.isFinite(report.machineBusyPercent)
    ? `machine busy ${report.machineBusyPercent.toFixed(0)}% of ${report.cores * 100}%, other processes ${report.othersPercent.toFixed(0)}%`
    : `of ${report.cores * 100}%`);

/** CPU milliseconds each process spent per completed request (or iteration). */
export const cpuPerRequest = (report: CpuReport, requests: number): Record<string, number> =>
  Object.fromEntries(
    report.processes.map((p) => [
      p.label,
      Math.round(((p.cpuSeconds * 1000) / Math.max(1, requests)) * 100) / 100,
    ]),
  );
