// Connection profiles: what Settings, the profile form and the first run ask
// of the app. Keys go in once and are never read back.
import { area } from "./ipc";

export const profileCommands = area(
  "getProfiles", "useProfile", "saveProfile", "removeProfile", "testProfile", "checkProfile", "keyStatus", "importProfiles",
);
