// Opening the app for a test: a WebDriver session on the real binary, past
// the first-run screen, with the current profile shown.
import { Session } from "./webdriver.mjs";

export const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the WebDriver tests through scripts/test`);
  return value;
};

export async function openApp() {
  const session = await Session.start(env("STOWAGE_WEBDRIVER_URL"), env("STOWAGE_APP"));
  const ready = await session.waitFor("the first-run screen or the sidebar", async () => {
    if ((await session.findAll('[data-testid="try-local"]')).length) return "first-run";
    if ((await session.findAll('[data-testid="profile-switcher"]')).length) return "sidebar";
  });
  session.sawFirstRun = ready === "first-run";
  if (ready === "first-run") {
    await (await session.find('[data-testid="try-local"]')).click();
    await session.waitFor("the sidebar", async () => (await session.findAll('[data-testid="profile-switcher"]')).length > 0);
  }
  return session;
}

/** The value of the current-profile switcher. */
export async function currentProfile(session) {
  return session.execute('return document.querySelector("[data-testid=profile-switcher]").value');
}
