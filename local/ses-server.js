// Child process running aws-ses-v2-local on the port given as the first argument (see emulators.ts).
const { AsyncLocalStorage } = require('node:async_hooks');
const path = require('node:path');

/**
 * aws-ses-v2-local 2.x drops the message tags of SendRawEmail; SES repeats them in the events it publishes,
 * and the platform tags each email with its id so a Send event can confirm it (lambdas/domain/email-tag.ts).
 * This keeps them: each SendRawEmail runs with its request's tags at hand, and the stored email gets a
 * `tags` field (`{ name: value }`) that GET /store lists, and its `configurationSet` (SES publishes events
 * only for email sent through a configuration set, so several local platforms sharing this emulator each
 * hear about their own email only). Both hooks replace module exports the emulator reads
 * at call time; if a release no longer has them, it warns and runs without tags.
 */
const dist = path.dirname(require.resolve('aws-ses-v2-local'));
const requestTags = new AsyncLocalStorage();

const tagsOf = (body) => {
  const tags = {};
  for (const [key, name] of Object.entries(body ?? {})) {
    const match = /^Tags\.member\.(\d+)\.Name$/.exec(key);
    if (match && typeof name === 'string') tags[name] = String(body[`Tags.member.${match[1]}.Value`] ?? '');
  }
  return tags;
};

try {
  const sendRaw = require(path.join(dist, 'v1/sendRawEmail.js'));
  const store = require(path.join(dist, 'store.js'));
  if (typeof sendRaw.default !== 'function' || typeof store.saveEmail !== 'function')
    throw new Error('layout');
  const handle = sendRaw.default;
  sendRaw.default = (req, res, next) =>
    requestTags.run({ tags: tagsOf(req.body), configurationSet: req.body?.ConfigurationSetName }, () =>
      handle(req, res, next),
    );
  const save = store.saveEmail;
  store.saveEmail = (email) => {
    const { tags, configurationSet } = requestTags.getStore() ?? {};
    save({
      ...email,
      ...(tags && Object.keys(tags).length > 0 ? { tags } : {}),
      ...(configurationSet ? { configurationSet } : {}),
    });
  };
} catch {
  console.warn('aws-ses-v2-local: message tags not kept (unknown version)');
}

require(path.join(dist, 'index.js'))
  .default({ host: '127.0.0.1', port: Number(process.argv[2]) })
  .catch((error) => {
    console.error('aws-ses-v2-local failed to start:', error);
    process.exit(1);
  });
