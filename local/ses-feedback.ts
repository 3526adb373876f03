/**
 * Plays SES's mailbox simulator and event publishing locally, so the bounce and complaint path runs end to
 * end: every ~250 ms it reads what aws-ses-v2-local stored (`GET /store?since=`); for each new message sent
 * with tags (all of the platform's) it publishes a Send event, and for each one addressed (To, Cc or Bcc) to
 * `bounce@simulator.amazonses.com` a Permanent/General bounce event, for
 * `complaint@simulator.amazonses.com` a complaint event (labels like `bounce+anything@…` too, as on SES),
 * to the `feedback` queue: the JSON a configuration set's SNS event destination delivers with raw message
 * delivery, once per stored message.
 *
 * Differences from AWS, none of which the feedback function depends on: `mail.messageId` is the id
 * aws-ses-v2-local gives (`ses-123456789`, also what its SendRawEmail answered, so it matches the send
 * ledger's `sesMessageId`), not SES's long id; `mail.headers` holds only From, To, Cc and Subject, because
 * the emulator keeps no raw headers; the account is 000000000000 and the configuration set "local". The
 * emulator cannot tell which run sent a message, so two platforms sharing one emulator (parallel test
 * files) both get feedback for every simulator message sent after they started.
 */
import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { extractAddress } from '../lambdas/domain/ses-feedback';

/** A message as aws-ses-v2-local's `GET /store` lists it (the fields used here). */
export interface StoredSesEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc?: string[]; bcc?: string[] };
  subject: string;
  /** Epoch seconds. */
  at: number;
  /** The message tags it was sent with (kept by local/ses-server.js). */
  tags?: Record<string, string>;
  /** The configuration set it was sent through (kept by local/ses-server.js). */
  configurationSet?: string;
}

export type SimulatedOutcome = 'bounce' | 'complaint';

const SIMULATOR_ADDRESS = /^(bounce|complaint)(\+[^@]*)?@simulator\.amazonses\.com$/i;

/** What SES's mailbox simulator does with an address: bounce, complain, or (undefined) deliver. */
export const simulatedOutcome = (address: string): SimulatedOutcome | undefined =>
  SIMULATOR_ADDRESS.exec(address)?.[1].toLowerCase() as SimulatedOutcome | undefined;

/** The addresses of one header value as the emulator stores it: `a@b, "Last, First" <c@d>`. */
export const addressList = (header: string): string[] =>
  (header.match(/(?:"(?:[^"\\]|\\.)*"|<[^>]*>|[^,"<])+/g) ?? [])
    .map((part) => extractAddress(part))
    .filter((address): address is string => address !== undefined);

const feedbackId = (): string => `${Date.now().toString(16).padStart(16, '0')}-${randomUUID()}-000000`;

/** The `mail` object SES puts in every event: the message the event is about. */
const mailObject = (email: StoredSesEmail, destination: string[]) => {
  const fromDomain = extractAddress(email.from)?.split('@')[1] ?? 'localhost';
  const { to, cc = [] } = email.destination;
  return {
    timestamp: new Date(email.at * 1000).toISOString(),
    source: email.from,
    sourceArn: `arn:aws:ses:us-east-1:000000000000:identity/${fromDomain}`,
    sendingAccountId: '000000000000',
    messageId: email.messageId,
    destination,
    headersTruncated: false,
    headers: [
      { name: 'From', value: email.from },
      ...(to.length ? [{ name: 'To', value: to.join(', ') }] : []),
      ...(cc.length ? [{ name: 'Cc', value: cc.join(', ') }] : []),
      { name: 'Subject', value: email.subject },
    ],
    commonHeaders: {
      from: [email.from],
      ...(to.length ? { to } : {}),
      ...(cc.length ? { cc } : {}),
      subject: email.subject,
    },
    tags: {
      ...Object.fromEntries(Object.entries(email.tags ?? {}).map(([name, value]) => [name, [value]])),
      'ses:configuration-set': [email.configurationSet ?? 'local'],
      'ses:source-ip': ['127.0.0.1'],
      'ses:from-domain': [fromDomain],
      'ses:caller-identity': ['local'],
    },
  };
};

/** The configuration set events SES publishes for one message sent to simulator addresses. */
export const simulatedEvents = (email: StoredSesEmail, nowMs = Date.now()): object[] => {
  const { to, cc = [], bcc = [] } = email.destination;
  const destination = [...new Set([...to, ...cc, ...bcc].flatMap(addressList))];
  const bounced = destination.filter((address) => simulatedOutcome(address) === 'bounce');
  const complained = destination.filter((address) => simulatedOutcome(address) === 'complaint');
  const timestamp = new Date(nowMs).toISOString();
  const mail = mailObject(email, destination);
  const events: object[] = [];
  // SES publishes a Send event for every message it accepts; only tagged ones can matter to the platform.
  if (email.tags && Object.keys(email.tags).length > 0) {
    events.push({ eventType: 'Send', send: {}, mail });
  }
  if (bounced.length > 0) {
    events.push({
      eventType: 'Bounce',
      bounce: {
        feedbackId: feedbackId(),
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: bounced.map((emailAddress) => ({
          emailAddress,
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: 'smtp; 550 5.1.1 user unknown',
        })),
        timestamp,
        reportingMTA: 'dsn; simulator.amazonses.com',
      },
      mail,
    });
  }
  if (complained.length > 0) {
    events.push({
      eventType: 'Complaint',
      complaint: {
        feedbackId: feedbackId(),
        complaintSubType: null,
        complainedRecipients: complained.map((emailAddress) => ({ emailAddress })),
        timestamp,
        userAgent: 'Amazon SES Mailbox Simulator',
        complaintFeedbackType: 'abuse',
        arrivalDate: timestamp,
      },
      mail,
    });
  }
  return events;
};

export interface SesFeedbackSimulatorOptions {
  /** aws-ses-v2-local's base URL. */
  sesUrl: string;
  sqs: SQSClient;
  /** The `feedback` queue. */
  queueUrl: string;
  intervalMs?: number;
  /**
   * Epoch seconds of the oldest stored message to publish events for (default: now). A run taking over the
   * emulators of one that died starts at 0, so the Send events the dead run never published are published.
   */
  since?: number;
  /**
   * Publishes only for email sent through this configuration set, as SES does: the emulator's store is shared
   * by every platform running against it (parallel test files), and each must hear about its own email only.
   */
  configurationSet: string;
  onError?: (error: unknown) => void;
}

export const startSesFeedbackSimulator = (options: SesFeedbackSimulatorOptions) => {
  const intervalMs = options.intervalMs ?? 250;
  const abort = new AbortController();
  // Only messages sent from now on, unless told otherwise: the store may hold earlier runs' mail.
  let since = options.since ?? Math.floor(Date.now() / 1000);
  /** Messages already handled, by id, with their `at`: pruned once `since` has passed them. */
  const handled = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> = Promise.resolve();

  /** Publishes the events of these messages ten to a request; answers the messages that failed. */
  const publish = async (emails: StoredSesEmail[]): Promise<StoredSesEmail[]> => {
    const pending = emails.flatMap((email) => simulatedEvents(email).map((event) => ({ email, event })));
    const failed = new Set<StoredSesEmail>();
    for (let i = 0; i < pending.length; i += 10) {
      const chunk = pending.slice(i, i + 10);
      try {
        const { Failed = [] } = await options.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: options.queueUrl,
            Entries: chunk.map(({ event }, n) => ({ Id: String(n), MessageBody: JSON.stringify(event) })),
          }),
          { abortSignal: abort.signal },
        );
        for (const entry of Failed) failed.add(chunk[Number(entry.Id)].email);
      } catch (error) {
        for (const { email } of chunk) failed.add(email);
        if (!abort.signal.aborted) options.onError?.(error);
      }
    }
    return [...failed];
  };

  const poll = async (): Promise<void> => {
    // Every message stored before this second began is in this answer, so the next poll can start here.
    let nextSince = Math.floor(Date.now() / 1000);
    const response = await fetch(`${options.sesUrl}/store?since=${since}`, { signal: abort.signal });
    if (!response.ok) throw new Error(`SES store answered ${response.status}`);
    const { emails } = (await response.json()) as { emails: StoredSesEmail[] };
    const fresh = emails.filter(
      (email) => email.configurationSet === options.configurationSet && !handled.has(email.messageId),
    );
    const failed = new Set(await publish(fresh));
    for (const email of fresh) {
      // Not handled: stay at its second so the next poll tries again (a repeated event is harmless).
      if (failed.has(email)) nextSince = Math.min(nextSince, email.at);
      else handled.set(email.messageId, email.at);
    }
    since = Math.max(since, nextSince);
    for (const [id, at] of handled) if (at < since) handled.delete(id);
  };

  const loop = () => {
    polling = poll()
      .catch((error) => {
        if (!abort.signal.aborted) options.onError?.(error);
      })
      .finally(() => {
        if (!abort.signal.aborted) timer = setTimeout(loop, intervalMs);
      });
  };
  loop();

  return {
    stop: async (): Promise<void> => {
      abort.abort();
      clearTimeout(timer);
      await polling;
    },
  };
};
