// A minimal W3C WebDriver client over fetch: enough to drive the Stowage
// window through tauri-driver without pulling a browser-automation stack.

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  static async start(base, application, { timeoutMs = 60_000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    let lastError;
    while (Date.now() < deadline) {
      try {
        const value = await call(base, "POST", "/session", {
          capabilities: { alwaysMatch: { "tauri:options": { application } } },
        });
        return new Session(base, value.sessionId);
      } catch (e) {
        lastError = e;
        await sleep(500);
      }
    }
    throw new Error(`could not start a WebDriver session: ${lastError}`);
  }

  cmd(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }

  async find(css) {
    const value = await this.cmd("POST", "/element", { using: "css selector", value: css });
    return new Element(this, value[ELEMENT]);
  }

  async findAll(css) {
    const values = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return values.map((v) => new Element(this, v[ELEMENT]));
  }

  /** Polls `probe` until it returns a truthy value; the UI is asynchronous. */
  async waitFor(what, probe, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
      try {
        last = await probe();
        if (last) return last;
      } catch (e) {
        last = e;
      }
      await sleep(150);
    }
    throw new Error(`timed out waiting for ${what} (last: ${last})`);
  }

  /** The text content of every element matching `css` (read in the page:
   * WebDriver's visible-text rules drop text in clipped boxes). */
  texts(css) {
    return this.execute("return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent.trim())", [css]);
  }

  /** Runs `script` (a function body) in the page and returns its value. */
  execute(script, args = []) {
    return this.cmd("POST", "/execute/sync", { script, args });
  }

  /** Runs `script`, whose last argument is a callback, and waits for it. */
  executeAsync(script, args = []) {
    return this.cmd("POST", "/execute/async", { script, args });
  }

  /** Presses keys in the focused element ("\uE015" is ArrowDown, "\uE008" Shift: held until the end). */
  async keys(...keys) {
    const actions = [];
    for (const k of keys) actions.push({ type: "keyDown", value: k });
    for (const k of [...keys].reverse()) actions.push({ type: "keyUp", value: k });
    await this.cmd("POST", "/actions", { actions: [{ type: "key", id: "keyboard", actions }] });
    await this.cmd("DELETE", "/actions");
  }

  /** A right click in the middle of `element`. */
  async contextClick(element) {
    const actions = [
      { type: "pointerMove", origin: { [ELEMENT]: element.id }, x: 0, y: 0 },
      { type: "pointerDown", button: 2 },
      { type: "pointerUp", button: 2 },
    ];
    await this.cmd("POST", "/actions", { actions: [{ type: "pointer", id: "mouse", parameters: { pointerType: "mouse" }, actions }] });
    await this.cmd("DELETE", "/actions");
  }

  async screenshot() {
    return Buffer.from(await this.cmd("GET", "/screenshot"), "base64");
  }

  async end() {
    await this.cmd("DELETE", "").catch(() => {});
  }
}

class Element {
  constructor(session, id) {
    this.session = session;
    this.id = id;
  }

  click() {
    return this.session.cmd("POST", `/element/${this.id}/click`, {});
  }

  type(text) {
    return this.session.cmd("POST", `/element/${this.id}/value`, { text });
  }

  clear() {
    return this.session.cmd("POST", `/element/${this.id}/clear`, {});
  }

  text() {
    return this.session.cmd("GET", `/element/${this.id}/text`);
  }

  attribute(name) {
    return this.session.cmd("GET", `/element/${this.id}/attribute/${name}`);
  }
}

/** No WebDriver command takes this long: a driver that waits for an app
 * that never started fails the test with a reason instead of hanging it. */
const COMMAND_TIMEOUT_MS = 120_000;

async function call(base, method, path, body) {
  const response = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(COMMAND_TIMEOUT_MS),
  }).catch((e) => {
    throw new Error(`${method} ${path}: ${e.name === "TimeoutError" ? `no answer in ${COMMAND_TIMEOUT_MS / 1000} s` : e}`);
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json.value ?? json)}`);
  }
  return json.value;
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
