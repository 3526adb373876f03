// Child process running local-aws-sqs on the port given as the first argument (see emulators.ts).
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

/**
 * local-aws-sqs 2.0.2 counts a ChangeMessageVisibility as one more receive; AWS does not. Consumers that back
 * off (the email and webhook senders) would otherwise see receive counts jump by two per try and reach the
 * dead-letter queue after half their tries. The fix gives back the count the change adds, and is skipped (with
 * a warning) if a newer release no longer has this code.
 */
const loadEmulator = () => {
  const entry = require.resolve('local-aws-sqs');
  const source = fs.readFileSync(entry, 'utf8');
  const counted = 'if(!r)return!1;let n=Number(e);return l(this,D,Wt).call(this,r,n,!0),!0}';
  if (!source.includes(counted)) {
    console.warn('local-aws-sqs: visibility-change receive count fix not applied (unknown version)');
    return require('local-aws-sqs');
  }
  const fixed = source.replace(
    counted,
    'if(!r)return!1;let n=Number(e);r.record.attributes.ApproximateReceiveCount=String(Number(r.record.attributes.ApproximateReceiveCount)-1);return l(this,D,Wt).call(this,r,n,!0),!0}',
  );
  const patched = new Module(entry, module);
  patched.filename = entry;
  patched.paths = Module._nodeModulePaths(path.dirname(entry));
  patched._compile(fixed, entry);
  return patched.exports;
};

const { createSqsServer } = loadEmulator();

createSqsServer({
  port: Number(process.argv[2]),
  hostname: '127.0.0.1',
  // Tests create and delete queues freely; AWS's 60 s wait before re-creating a name only slows them down.
  emulateQueueCreationLifecycle: false,
}).catch((error) => {
  console.error('local-aws-sqs failed to start:', error);
  process.exit(1);
});
