/**
 * Loads each function's handler module (the same file esbuild bundles for Lambda) once environment variables
 * are set, because handlers read their configuration from the environment. A streaming handler (wrapped in
 * `awslambda.streamifyResponse`, which local/awslambda.ts provides as Lambda's runtime does) is called in the
 * same `(event, context)` form; its response stream comes from the gateway (local/awslambda.ts).
 */
import path from 'node:path';
import type { Context } from 'aws-lambda';
import { functions, type FunctionName } from '../lib/platform';
import { installAwsLambdaGlobal, isStreamingHandler, streamingInvoker } from './awslambda';

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

export const ROOT = path.resolve(__dirname, '..');

export const loadHandlers = async (): Promise<Record<FunctionName, LambdaHandler>> => {
  const loaded = {} as Record<FunctionName, LambdaHandler>;
  // Before any handler module loads: a streaming one wraps itself in `awslambda.streamifyResponse` as it loads.
  installAwsLambdaGlobal();
  for (const [name, definition] of Object.entries(functions) as [FunctionName, { entry: string }][]) {
    const module = (await import(path.join(ROOT, definition.entry))) as { handler?: LambdaHandler };
    if (typeof module.handler !== 'function')
      throw new Error(`${definition.entry} does not export a handler`);
    loaded[name] = isStreamingHandler(module.handler) ? streamingInvoker(module.handler) : module.handler;
  }
  return loaded;
};
