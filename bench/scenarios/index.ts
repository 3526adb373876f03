/** Every scenario, in run order. A new one (nurture, restock…) is a module exporting a Scenario, added here. */
import type { Scenario } from '../lib/scenario';
import { bundlesScenario } from './bundles';
import { etaScenario } from './eta';
import { exportScenario } from './export';
import { holdsScenario } from './holds';
import { importScenario } from './import';
import { mixedScenario } from './mixed';
import { nurtureScenario } from './nurture';
import { queueDepthScenario } from './queue-depth';
import { restockScenario } from './restock';
import { sendRateScenario } from './send-rate';
import { signupScenario } from './signup';

export const scenarios: Scenario[] = [
  signupScenario,
  nurtureScenario,
  restockScenario,
  holdsScenario,
  etaScenario,
  mixedScenario,
  bundlesScenario,
  queueDepthScenario,
  importScenario,
  exportScenario,
  sendRateScenario,
];
