// The app on the desktop: About, folders opened in the file manager, start
// at login, notifications, where downloads go, and quitting once the window asked.
import { area } from "./ipc";

export const desktopCommands = area(
  "about", "openFolder", "startAtLogin", "setStartAtLogin", "quitNow", "notifyWhen", "setNotifyWhen", "downloadFolder",
  "setDownloadFolder",
);
