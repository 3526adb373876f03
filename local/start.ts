/**
 * `npm start`: the whole platform on this machine with real emulators and no AWS account. Prints every URL;
 * Ctrl-C stops every child process.
 */
import { randomBytes } from 'node:crypto';
import { buildEmbed } from '../scripts/build-embed';
import { checkJava, MissingJavaError, startEmulators } from './emulators';
import { startPlatform } from './platform';
import { DEMO_PRODUCTS, seedDemoShop } from './seed';

const intFromEnv = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name} must be a non-negative whole number, got "${raw}"`);
    process.exit(2);
  }
  return value;
};

const main = async () => {
  try {
    checkJava();
  } catch (error) {
    if (error instanceof MissingJavaError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const port = intFromEnv('PORT', 3000);
  const ports = {
    dynamodb: intFromEnv('DYNAMODB_PORT', 8000),
    sqs: intFromEnv('SQS_PORT', 9324),
    ses: intFromEnv('SES_PORT', 8005),
  };
  const adminToken = process.env.ADMIN_TOKEN || randomBytes(24).toString('base64url');
  // Console users of the other roles, for trying what each sees: only when their token is set.
  const marketerToken = process.env.MARKETER_TOKEN || undefined;
  const supportToken = process.env.SUPPORT_TOKEN || undefined;
  const webhookSecret = process.env.INVENTORY_WEBHOOK_SECRET || randomBytes(24).toString('base64url');
  const dataDir = process.env.DATA_DIR || undefined;

  // web/embed.js is generated from embed/: built at every start, so an edit shows after a restart.
  buildEmbed();
  console.log('Starting emulators…');
  const emulators = await startEmulators(ports, dataDir);
  if (emulators.reused)
    console.log(
      'The emulators of a run that stopped abruptly are still up: using them, with their queued work.',
    );
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    await platform?.stop().catch(() => undefined);
    await emulators.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  let platform: Awaited<ReturnType<typeof startPlatform>> | undefined;
  try {
    platform = await startPlatform({
      endpoints: emulators.endpoints,
      port,
      prefix: 'local-',
      adminToken,
      marketerToken,
      supportToken,
      webhookSecret,
      signupRateLimit: intFromEnv('SIGNUP_RATE_LIMIT', 20),
      schedulerTickSeconds: intFromEnv('SCHEDULER_TICK_SECONDS', 5),
      visibilityTimeoutSeconds: intFromEnv('LOCAL_VISIBILITY_TIMEOUT_SECONDS', 30),
      emailSendRatePerSecond: intFromEnv('EMAIL_SEND_RATE_PER_SECOND', 0),
      queueConcurrency: intFromEnv('LOCAL_QUEUE_CONCURRENCY', 4),
      sesEventsSince: emulators.reused ? 0 : undefined,
      // Handler settings a developer may want to try as deployed (e.g. WEBHOOK_ALLOW_LOOPBACK=0).
      environment: Object.fromEntries(
        ['WEBHOOK_ALLOW_LOOPBACK', 'OUTBOX_GRACE_SECONDS', 'SENDER_IDENTITIES', 'ETA_DEBOUNCE_SECONDS']
          .filter((name) => process.env[name])
          .map((name) => [name, process.env[name] as string]),
      ),
    });
    const seeded = await seedDemoShop(platform.url, adminToken);
    const url = platform.url;
    console.log(`
Backorder platform is running${dataDir ? ` (data kept in ${dataDir})` : ' (in memory)'}.

  Shop pages + API     ${url}
  Health               ${url}/api/health
  Landing page (open)  ${url}/p/${DEMO_PRODUCTS.tshirt}
  Landing page (closed)${' '}${url}/p/${DEMO_PRODUCTS.antique}
  Console              ${url}/console/
  SES mail viewer      ${emulators.endpoints.ses}   (GET ${emulators.endpoints.ses}/store lists sent mail)
  DynamoDB Local       ${emulators.endpoints.dynamodb}
  SQS                  ${emulators.endpoints.sqs}

  Admin token          ${adminToken}${process.env.ADMIN_TOKEN ? '' : '   (set ADMIN_TOKEN to choose it)'}
${marketerToken ? `  Marketer token       (MARKETER_TOKEN)\n` : ''}${supportToken ? `  Support token        (SUPPORT_TOKEN)\n` : ''}  Webhook secret       ${webhookSecret}${process.env.INVENTORY_WEBHOOK_SECRET ? '' : '   (set INVENTORY_WEBHOOK_SECRET to choose it)'}
  Demo shop            ${seeded === 'seeded' ? 'seeded' : 'kept from DATA_DIR'}

Press Ctrl-C to stop.`);
  } catch (error) {
    console.error('Could not start the platform:', (error as Error).message);
    await stopAll(1);
  }
};

void main();
