/** The shape every benchmark scenario has; bench/run.ts runs a list of them. */
import type { BenchStack } from './stack';
import type { Figure } from './report';

export interface BenchOptions {
  /** Short phases (about 5 s instead of 10-20 s): a smoke run, figures are noisier. */
  quick: boolean;
  /** Large runs where a scenario has one (restock: 100 000 backorders instead of 10 000); --quick wins. */
  large: boolean;
  /** Pollers per queue for the local stack (the platform's default when undefined); 0 runs no queue consumers (no sender, no nurturer). */
  queueConcurrency?: number;
  /** Sample this process's CPU during the platform's load phases and summarise where the time went. */
  profile: boolean;
  /** Where results (and profiles) go: bench/results/. */
  resultsDir: string;
}

export interface ScenarioContext {
  options: BenchOptions;
  /** The local stack, started on first use and shared by every scenario of the run. */
  stack(): Promise<BenchStack>;
  /** Extra figures and observations for bench/results/latest.json, under this scenario's name. */
  detail(key: string, value: unknown): void;
  /**
   * What an earlier scenario of this run recorded with `detail()` (undefined if it did not run), so that a
   * later one can compare with it (restock: a nurture email's CPU against a restock alert's).
   */
  earlier(scenario: string): Readonly<Record<string, unknown>> | undefined;
}

export interface Scenario {
  name: string;
  description: string;
  run(context: ScenarioContext): Promise<Figure[]>;
}

/** Prints a progress line, indented under the scenario heading. */
export const say = (line: string): void => {
  console.log(`  ${line}`);
};
