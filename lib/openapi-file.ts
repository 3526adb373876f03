/**
 * docs/openapi.json, the committed copy of the OpenAPI document (lib/openapi.ts): `npm run openapi` writes it,
 * formatted as the repository's prettier formats JSON; the public API function serves it as it is.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApiDocument } from './openapi';

export const OPENAPI_FILE = path.join(__dirname, '..', 'docs', 'openapi.json');

/** The document as the file should hold it. */
export const formattedOpenApi = async (document: object = openApiDocument()): Promise<string> => {
  // Loaded here, not with the module: tests read the committed file through this module without prettier.
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(OPENAPI_FILE)) ?? {};
  return prettier.format(JSON.stringify(document), { ...options, filepath: OPENAPI_FILE });
};

export const committedOpenApi = (): unknown => JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'));

export const writeOpenApi = async (): Promise<string> => {
  writeFileSync(OPENAPI_FILE, await formattedOpenApi());
  return OPENAPI_FILE;
};
