/**
 * What a scenario measures: named figures, some with a target. The run prints them as one table and writes
 * them as JSON, so later scenarios (nurture, restock) only add figures, never formatting.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';

export interface Target {
  /** `>=`: at least the value; `<=`: at most the value. */
  op: '>=' | '<=';
  value: number;
}

export interface Figure {
  scenario: string;
  name: string;
  value: number;
  unit: string;
  target?: Target;
  /** A target the run cannot be trusted without (e.g. zero failed requests): a miss makes the run fail. */
  required?: boolean;
  note?: string;
}

/** A scenario's figure maker: `figure(name, value, unit, { target, note })`. */
export const figuresOf =
  (scenario: string) =>
  (name: string, value: number, unit: string, extra: Partial<Figure> = {}): Figure => ({
    scenario,
    name,
    value,
    unit,
    ...extra,
  });

export type Verdict = 'PASS' | 'MISS' | '-';

export const verdictOf = (figure: Figure): Verdict => {
  if (!figure.target) return '-';
  if (!Number.isFinite(figure.value)) return 'MISS';
  return (
    figure.target.op === '>=' ? figure.value >= figure.target.value : figure.value <= figure.target.value
  )
    ? 'PASS'
    : 'MISS';
};

const number = (value: number): string => {
  if (!Number.isFinite(value)) return 'n/a';
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2);
};

/** Dollars (lib/cost.ts) are mostly fractions of a cent: three significant digits, `$0.00462`. */
const dollars = (value: number): string =>
  !Number.isFinite(value) || Math.abs(value) >= 1 || value === 0
    ? `$${number(value)}`
    : `$${value.toPrecision(3)}`;

const withUnit = (value: number, unit: string): string =>
  unit === '$' ? dollars(value) : unit ? `${number(value)} ${unit}` : number(value);

const table = (rows: string[][]): string => {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
};

export const summaryTable = (figures: readonly Figure[]): string =>
  table([
    ['scenario', 'figure', 'value', 'target', 'verdict'],
    ...figures.map((figure) => [
      figure.scenario,
      figure.name,
      withUnit(figure.value, figure.unit),
      figure.target ? `${figure.target.op} ${withUnit(figure.target.value, figure.unit)}` : '',
      verdictOf(figure),
    ]),
  ]);

export interface RunRecord {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  large?: boolean;
  scenarios: string[];
  machine: { cpus: number; cpuModel: string; loadAverage: number[]; node: string; platform: string };
  /** Everything a scenario reported beyond its figures (phase details, CPU shares, per-bundle inputs). */
  details: Record<string, unknown>;
  figures: (Figure & { verdict: Verdict })[];
}

export const machine = (): RunRecord['machine'] => ({
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
});

/** Writes the record as JSON formatted the way the repository's Prettier config would, so `prettier --check` passes. */
export const writeRecord = async (file: string, record: RunRecord): Promise<void> => {
  mkdirSync(path.dirname(file), { recursive: true });
  const config = (await resolveConfig(file)) ?? {};
  const text = await format(JSON.stringify(record), { ...config, filepath: file });
  writeFileSync(file, text);
};
