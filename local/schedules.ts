/**
 * Scheduled invocations, as EventBridge makes them: every schedule's function is invoked with a scheduled
 * event, here every SCHEDULER_TICK_SECONDS instead of every minute. A tick is skipped while the previous one
 * still runs (locally there is one instance); overlapping sweepers are covered by their own tests.
 */
import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import { schedules } from '../lib/platform';
import type { LambdaHandler } from './handlers';
import { lambdaContext } from './lambda-context';

export const startSchedules = (options: {
  handlers: Record<string, LambdaHandler>;
  tickSeconds: number;
  onError?: (schedule: string, error: unknown) => void;
}) => {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  for (const schedule of schedules) {
    let busy = false;
    const tick = () => {
      if (busy) return;
      busy = true;
      const event: ScheduledEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '000000000000',
        time: new Date().toISOString(),
        region: 'us-east-1',
        resources: [`arn:aws:events:us-east-1:000000000000:rule/${schedule.name}`],
        detail: {},
      };
      const invocation = options.handlers[schedule.function](event, lambdaContext(schedule.function))
        .catch((error) => options.onError?.(schedule.name, error))
        .finally(() => {
          busy = false;
          running.delete(invocation);
        });
      running.add(invocation);
    };
    timers.push(setInterval(tick, options.tickSeconds * 1000));
  }
  return {
    stop: async () => {
      timers.forEach(clearInterval);
      await Promise.allSettled([...running]);
    },
  };
};
