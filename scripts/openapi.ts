/** `npm run openapi`: writes docs/openapi.json from lib/openapi.ts (commit it with the change that moved it). */
import { writeOpenApi } from '../lib/openapi-file';

writeOpenApi().then(
  (file) => console.log(`wrote ${file}`),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
