#!/usr/bin/python3
"""A small window that offers files as a desktop drag source (text/uri-list),
as a file manager does, so the tests can drag real files onto the app with
xdotool. Usage: drag-source.py X Y PATH...; prints "ready" once shown, and
"sent" each time a drop target took the URIs."""
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402

x, y, paths = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
uris = [GLib.filename_to_uri(p, None) for p in paths]

window = Gtk.Window(title="stowage-drag-source")
window.set_default_size(140, 80)
window.move(x, y)
button = Gtk.Button(label=f"{len(uris)} item(s)")
button.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
button.drag_source_add_uri_targets()


def on_get(_widget, _context, data, _info, _time):
    data.set_uris(uris)
    print("sent", flush=True)


button.connect("drag-data-get", on_get)
window.add(button)
window.connect("destroy", Gtk.main_quit)
window.show_all()
GLib.idle_add(lambda: print("ready", flush=True) and False)
Gtk.main()
