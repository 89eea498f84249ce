// What the client scripts share: deadlines on every wait, failing with one line on stderr, connecting on a chosen
// transport set-up, waiting for the upgrade, reporting what was observed. Imported by containers-exchange.mjs and
// app-client.mjs.

/** Writes `<who>: <message>` on stderr and exits with 1: the calling test shows stderr. */
export function failer(who) {
  return (message) => {
    process.stderr.write(`${who}: ${message}\n`);
    process.exit(1);
  };
}

/** Resolves with the value `register(resolve, reject)` delivers, or rejects after `ms`. */
export function within(what, register, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
    register((value) => {
      clearTimeout(timer);
      resolve(value);
    }, (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/**
 * Client options for a mode: `default` (polling, then upgrade) or one of `only`, that transport alone; undefined
 * for any other mode.
 */
export function clientOptions(mode, only, options) {
  const fresh = { ...options, forceNew: true, reconnection: false };
  if (only.includes(mode)) return { ...fresh, transports: [mode] };
  return mode === "default" ? fresh : undefined;
}

/** Resolves once connected; rejects on connect_error or after `ms`. */
export function connected(socket, ms) {
  return within("connect", (ok, ko) => {
    socket.once("connect", ok);
    socket.once("connect_error", (e) => ko(new Error(`connect_error: ${e.message}`)));
  }, ms);
}

/** Resolves once the engine is on websocket, at once if it is already; rejects after `ms`. */
export function upgraded(socket, ms) {
  return within("upgrade to websocket", (ok) => {
    if (socket.io.engine.transport.name === "websocket") ok();
    else socket.io.engine.once("upgrade", () => ok());
  }, ms);
}

/**
 * Runs the script's `steps`, then prints `observed` with the transport the client ended on as ONE JSON line and
 * exits with 0; on any error, fails with what was observed so far.
 */
export async function observe(socket, observed, fail, steps) {
  try {
    await steps();
    observed.finalTransport = socket.io.engine.transport.name;
    socket.disconnect();
    process.stdout.write(JSON.stringify(observed) + "\n");
    process.exit(0);
  } catch (e) {
    fail(`${e.message} (observed so far: ${JSON.stringify(observed)})`);
  }
}
