/**
 * Starts the emulators once for the whole test run (DynamoDB Local takes seconds to boot) on free ports and
 * tells the test files where they are through an environment variable jest passes on to them.
 */
import { startEmulators } from '../../local/emulators';
import { freePort } from '../../local/ports';

export default async function globalSetup(): Promise<void> {
  const emulators = await startEmulators({
    dynamodb: await freePort(),
    sqs: await freePort(),
    ses: await freePort(),
  });
  process.env.TEST_EMULATOR_ENDPOINTS = JSON.stringify(emulators.endpoints);
  (globalThis as { __emulators?: typeof emulators }).__emulators = emulators;
}
