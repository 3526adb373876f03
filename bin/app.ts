#!/usr/bin/env node
/** CDK entry point (`cdk.json` runs it with tsx): wiring only, see lib/platform-app.ts. */
import { App } from 'aws-cdk-lib';
import { buildPlatformApp } from '../lib/platform-app';

buildPlatformApp(new App());
