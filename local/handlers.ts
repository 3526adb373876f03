/**
 * Loads each function's handler module (the same file esbuild bundles for Lambda) once environment variables
 * are set, because handlers read their configuration from the environment.
 */
import path from 'node:path';
import type { Context } from 'aws-lambda';
import { functions, type FunctionName } from '../lib/platform';

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

export const ROOT = path.resolve(__dirname, '..');

export const loadHandlers = async (): Promise<Record<FunctionName, LambdaHandler>> => {
  const loaded = {} as Record<FunctionName, LambdaHandler>;
  for (const [name, definition] of Object.entries(functions) as [FunctionName, { entry: string }][]) {
    const module = (await import(path.join(ROOT, definition.entry))) as { handler?: LambdaHandler };
    if (typeof module.handler !== 'function')
      throw new Error(`${definition.entry} does not export a handler`);
    loaded[name] = module.handler;
  }
  return loaded;
};
