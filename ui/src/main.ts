import { mount } from "svelte";
import App from "./App.svelte";
import "./app.css";
import { applyTheme } from "./lib/theme.svelte";
import { trackNavigationKeys } from "./lib/input-modality";

// Before the first paint: the window opens in its colours, not in light first.
applyTheme();
trackNavigationKeys(document.documentElement);
mount(App, { target: document.getElementById("app")! });
