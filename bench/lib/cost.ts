/**
 * Cost on AWS, on paper: what a scenario's counted work (aws-usage.ts) would cost per 1 000 items (signups,
 * nurture emails, restock alerts) at list prices of one region. What is measured and what is assumed is in
 * bench/README.md, "Cost on AWS"; in short:
 * - Lambda: each invocation's wall time here, rounded up to the millisecond, × its function's memoryMb
 *   (lib/platform.ts) / 1024 = GB-s, plus the request charge per invocation. Wall time on a shared 2-core
 *   machine, with the emulators and the other invocations on the same cores, is longer than Lambda's: an
 *   upper bound. Cold starts (billed INIT) are not counted.
 * - DynamoDB: read and write request units as DynamoDB Local reported them, plus the bench's estimates where
 *   it reports none or too few (requests-by-function.ts).
 * - SQS: the handlers' sends, a 64 KB chunk each; the event-source polling of the scenario's queues
 *   (ReceiveMessage, DeleteMessageBatch: on AWS Lambda's pollers make them, billed to the account); and the
 *   SES events delivered to the `feedback` queue, one request each (SNS delivers them one by one; the local
 *   runner batches them).
 * - SES: one message per recipient; SNS: one publish per SES event (the SEND event of each email).
 */
import { functions, type FunctionName, type QueueName } from '../../lib/platform';
import type { AwsUsage } from './aws-usage';
import type { Figure, figuresOf } from './report';
import { sum, type FunctionCounts } from './requests-by-function';

export const REGION = 'us-east-1';

/** List prices in us-east-1, dollars per unit (free tiers not applied). */
export const PRICES = {
  /** Lambda on arm64 (Graviton, as lib/platform-function.ts deploys), first 7.5 billion GB-s a month. */
  lambdaGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  /** DynamoDB on-demand (standard table class), since the price cut of 1 November 2024. */
  readRequestUnit: 0.125 / 1e6,
  writeRequestUnit: 0.625 / 1e6,
  /** SQS standard queue, first 100 billion requests a month; a request is up to 64 KB of payload. */
  sqsRequest: 0.4 / 1e6,
  /** SES outbound email, per message (per recipient), sent from Lambda. */
  sesMessage: 0.1 / 1000,
  /** SNS standard topic publish (the SES events' destination). */
  snsPublish: 0.5 / 1e6,
} as const;

interface FunctionCost {
  invocations: number;
  gbSeconds: number;
  readUnits: number;
  writeUnits: number;
  sqsRequests: number;
  sesMessages: number;
  /** Its Lambda, DynamoDB and own SQS requests (not SES, not the polling). */
  dollars: number;
}

/** Per 1 000 items. */
export interface Cost {
  items: number;
  /** What an item is, plural: "signups", "nurture emails", "restock alerts". */
  what: string;
  lambdaInvocations: number;
  lambdaGbSeconds: number;
  readUnits: number;
  /** Write units, estimated ones included. */
  writeUnits: number;
  estimatedWriteUnits: number;
  sqsRequests: number;
  /** Of the SQS requests: the handlers' own, the event-source polling, the SES events' deliveries. */
  sqs: { handlers: number; polling: number; sesEvents: number };
  sesMessages: number;
  snsPublishes: number;
  dollars: {
    lambda: number;
    dynamodb: number;
    sqs: number;
    ses: number;
    sns: number;
    total: number;
    withoutSes: number;
  };
  byFunction: Record<string, FunctionCost>;
}

const memoryGbOf = (name: string) =>
  name in functions ? functions[name as FunctionName].memoryMb / 1024 : Number.NaN;

/**
 * `queues`: the scenario's own queues, whose polling its work causes (the runner polls every queue all the
 * time; on AWS an idle queue's polling is a fixed monthly cost, not one per item).
 */
export const costOf = (usage: AwsUsage, items: number, what: string, queues: readonly QueueName[]): Cost => {
  const per = 1000 / Math.max(1, items);
  const byFunction: Record<string, FunctionCost> = {};
  const names = new Set([...Object.keys(usage.requests), ...Object.keys(usage.invocations)]);
  for (const name of names) {
    const requests: FunctionCounts | undefined = usage.requests[name];
    const invocations = usage.invocations[name as FunctionName];
    const f = {
      invocations: (invocations?.invocations ?? 0) * per,
      gbSeconds: invocations ? (invocations.billedMs / 1000) * memoryGbOf(name) * per : 0,
      readUnits: requests ? sum(requests.readUnits) * per : 0,
      writeUnits: requests ? (sum(requests.writeUnits) + sum(requests.estimatedWriteUnits)) * per : 0,
      sqsRequests: (requests?.sqsBilled ?? 0) * per,
      sesMessages: (requests?.sesMessages ?? 0) * per,
    };
    const own =
      (Number.isFinite(f.gbSeconds) ? f.gbSeconds : 0) * PRICES.lambdaGbSecond +
      f.invocations * PRICES.lambdaRequest +
      f.readUnits * PRICES.readRequestUnit +
      f.writeUnits * PRICES.writeRequestUnit +
      f.sqsRequests * PRICES.sqsRequest;
    byFunction[name] = { ...f, dollars: own };
  }
  const total = (key: keyof FunctionCost) =>
    Object.values(byFunction).reduce((n, f) => n + (Number.isFinite(f[key]) ? f[key] : 0), 0);
  const ours = new Set<string>(queues);
  const { polling } = usage;
  // SES events reach `feedback` through SNS one message at a time: counted by message, not by the runner's batch.
  const pollingRequests = Object.entries(polling.byCommandAndQueue)
    .filter(([key]) => ours.has(key.split(' ')[1]) && !key.startsWith('SendMessage'))
    .reduce((n, [, count]) => n + count, 0);
  const extraChunks = Object.entries(polling.receives)
    .filter(([queue]) => ours.has(queue))
    .reduce((n, [, r]) => n + r.extraChunks, 0);
  const sesEvents = ours.has('feedback') ? (polling.sent.feedback ?? 0) : 0;
  const sqs = {
    handlers: total('sqsRequests'),
    polling: (pollingRequests + extraChunks) * per,
    sesEvents: sesEvents * per,
  };
  const estimatedWriteUnits =
    Object.values(usage.requests).reduce((n, r) => n + sum(r.estimatedWriteUnits), 0) * per;
  const cost = {
    lambdaInvocations: total('invocations'),
    lambdaGbSeconds: total('gbSeconds'),
    readUnits: total('readUnits'),
    writeUnits: total('writeUnits'),
    sqsRequests: sqs.handlers + sqs.polling + sqs.sesEvents,
    sesMessages: total('sesMessages'),
    snsPublishes: sqs.sesEvents,
  };
  const bill = {
    lambda: cost.lambdaGbSeconds * PRICES.lambdaGbSecond + cost.lambdaInvocations * PRICES.lambdaRequest,
    dynamodb: cost.readUnits * PRICES.readRequestUnit + cost.writeUnits * PRICES.writeRequestUnit,
    sqs: cost.sqsRequests * PRICES.sqsRequest,
    ses: cost.sesMessages * PRICES.sesMessage,
    sns: cost.snsPublishes * PRICES.snsPublish,
  };
  const withoutSes = bill.lambda + bill.dynamodb + bill.sqs + bill.sns;
  return {
    items,
    what,
    ...cost,
    estimatedWriteUnits,
    sqs,
    dollars: { ...bill, total: withoutSes + bill.ses, withoutSes },
    byFunction,
  };
};

/** Dollars with three significant digits: $0.00462, $0.105, $1.23. */
export const dollars = (value: number): string =>
  !Number.isFinite(value)
    ? 'n/a'
    : `$${Math.abs(value) >= 1 || value === 0 ? value.toFixed(2) : value.toPrecision(3)}`;

const n = (value: number) =>
  value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);

/** The lines a scenario prints. */
export const costLines = (cost: Cost): string[] => [
  `cost on AWS per 1 000 ${cost.what} (${REGION} list prices; ${cost.items} counted; bench/README.md "Cost on AWS"):`,
  `  Lambda: ${n(cost.lambdaInvocations)} invocations, ${n(cost.lambdaGbSeconds)} GB-s (wall time here, an ` +
    `upper bound) = ${dollars(cost.dollars.lambda)}`,
  `  DynamoDB: ${n(cost.readUnits)} RRU, ${n(cost.writeUnits)} WRU (${n(cost.estimatedWriteUnits)} of them ` +
    `estimated) = ${dollars(cost.dollars.dynamodb)}`,
  `  SQS: ${n(cost.sqsRequests)} requests (handlers ${n(cost.sqs.handlers)}, event-source polling ` +
    `${n(cost.sqs.polling)}, SES events ${n(cost.sqs.sesEvents)}) = ${dollars(cost.dollars.sqs)}`,
  `  SES: ${n(cost.sesMessages)} messages = ${dollars(cost.dollars.ses)}; SNS: ${n(cost.snsPublishes)} ` +
    `publishes of SES events = ${dollars(cost.dollars.sns)}`,
  `  total ${dollars(cost.dollars.total)}, without SES ${dollars(cost.dollars.withoutSes)}`,
  `  by function (without SES and polling): ${Object.entries(cost.byFunction)
    .sort((a, b) => b[1].dollars - a[1].dollars)
    .map(
      ([name, f]) =>
        `${name} ${dollars(f.dollars)}: ${n(f.invocations)} invocations, ${n(f.gbSeconds)} GB-s, ` +
        `${n(f.readUnits)} RRU, ${n(f.writeUnits)} WRU` +
        (f.sqsRequests ? `, ${n(f.sqsRequests)} SQS` : '') +
        (f.sesMessages ? `, ${n(f.sesMessages)} SES` : ''),
    )
    .join('; ')}`,
];

/** The figures: units per 1 000 items and the dollars, the latter without SES against `target` if given. */
export const costFigures = (figure: ReturnType<typeof figuresOf>, cost: Cost, target?: number): Figure[] => {
  const per = `per 1 000 ${cost.what}`;
  return [
    figure(`AWS: Lambda GB-s ${per}`, cost.lambdaGbSeconds, 'GB-s', {
      note: `${cost.lambdaInvocations.toFixed(1)} invocations; wall time here, an upper bound`,
    }),
    figure(`AWS: DynamoDB RRU ${per}`, cost.readUnits, ''),
    figure(`AWS: DynamoDB WRU ${per}`, cost.writeUnits, '', {
      note: `${cost.estimatedWriteUnits.toFixed(1)} estimated (failed conditions, transactions)`,
    }),
    figure(`AWS: SQS requests ${per}`, cost.sqsRequests, '', {
      note: `handlers ${cost.sqs.handlers.toFixed(1)}, polling ${cost.sqs.polling.toFixed(1)}, SES events ${cost.sqs.sesEvents.toFixed(1)}`,
    }),
    figure(`AWS: SES messages ${per}`, cost.sesMessages, ''),
    figure(`AWS: $ ${per}`, cost.dollars.total, '$', { note: `${REGION} list prices` }),
    figure(`AWS: $ ${per}, excluding SES`, cost.dollars.withoutSes, '$', {
      ...(target === undefined ? {} : { target: { op: '<=' as const, value: target } }),
      note: `Lambda ${dollars(cost.dollars.lambda)}, DynamoDB ${dollars(cost.dollars.dynamodb)}, SQS ${dollars(cost.dollars.sqs)}, SNS ${dollars(cost.dollars.sns)}`,
    }),
  ];
};
