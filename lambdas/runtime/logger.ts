/**
 * The structured logger every function writes with (AWS Lambda Powertools: JSON lines with the service name,
 * the invocation's request id when a handler injects the context). One instance per Lambda instance.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'backorders' });
