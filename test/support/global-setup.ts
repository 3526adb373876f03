/**
 * Starts the emulators once for the whole test run (DynamoDB Local takes seconds to boot) on free ports and
 * tells the test files where they are through an environment variable jest passes on to them. Builds the
 * storefront embed (web/embed.js, generated) first, so the platforms serve the source under test.
 */
import { startEmulators } from '../../local/emulators';
import { freePort } from '../../local/ports';
import { buildEmbed } from '../../scripts/build-embed';

export default async function globalSetup(): Promise<void> {
  buildEmbed();
  const emulators = await startEmulators({
    dynamodb: await freePort(),
    sqs: await freePort(),
    ses: await freePort(),
  });
  process.env.TEST_EMULATOR_ENDPOINTS = JSON.stringify(emulators.endpoints);
  (globalThis as { __emulators?: typeof emulators }).__emulators = emulators;
}
