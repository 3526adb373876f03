/** Stops the emulators the global setup started. */
export default async function globalTeardown(): Promise<void> {
  const emulators = (globalThis as { __emulators?: { stop(): Promise<void> } }).__emulators;
  await emulators?.stop();
}
