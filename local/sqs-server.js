// Child process running local-aws-sqs on the port given as the first argument (see emulators.ts).
const { createSqsServer } = require('local-aws-sqs');

createSqsServer({
  port: Number(process.argv[2]),
  hostname: '127.0.0.1',
  // Tests create and delete queues freely; AWS's 60 s wait before re-creating a name only slows them down.
  emulateQueueCreationLifecycle: false,
}).catch((error) => {
  console.error('local-aws-sqs failed to start:', error);
  process.exit(1);
});
