// Watched folders from the window: what the Watched folders view asks of the
// app (their status arrives as WatchUpdated events).
import { area } from "./ipc";

export const watchedCommands = area("listWatched", "addWatched", "removeWatched", "setWatchPaused");
