#!/usr/bin/python3
"""A StatusNotifierWatcher on the test D-Bus session: the registry a desktop's
tray runs (KDE, GNOME's AppIndicator extension, waybar...). With it, the
app's tray icon registers over the real StatusNotifierItem protocol and its
menu is readable and clickable through com.canonical.dbusmenu, which is how
the e2e tests drive the tray. Prints "ready" once it owns its name."""
import sys

from gi.repository import Gio, GLib

XML = """
<node>
  <interface name="org.kde.StatusNotifierWatcher">
    <method name="RegisterStatusNotifierItem"><arg type="s" direction="in"/></method>
    <method name="RegisterStatusNotifierHost"><arg type="s" direction="in"/></method>
    <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
    <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
    <property name="ProtocolVersion" type="i" access="read"/>
    <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
    <signal name="StatusNotifierHostRegistered"/>
  </interface>
</node>
"""
PATH = "/StatusNotifierWatcher"
IFACE = "org.kde.StatusNotifierWatcher"
items = []
watches = {}


def on_call(conn, sender, path, iface, method, params, invocation):
    if method == "RegisterStatusNotifierItem":
        (service,) = params.unpack()
        # An item registers with its object path (the sender is its bus
        # name) or with its bus name (its path is then the standard one).
        item = sender + service if service.startswith("/") else service + "/StatusNotifierItem"
        items.append(item)
        # Like a panel, forget an item when its app leaves the bus.
        watches[item] = Gio.bus_watch_name_on_connection(
            conn, item.split("/")[0], Gio.BusNameWatcherFlags.NONE, None, lambda c, name: forget(name)
        )
        conn.emit_signal(None, PATH, IFACE, "StatusNotifierItemRegistered", GLib.Variant("(s)", (item,)))
    invocation.return_value(None)


def forget(bus):
    for item in [i for i in items if i.split("/")[0] == bus]:
        items.remove(item)
        Gio.bus_unwatch_name(watches.pop(item))


def on_get(conn, sender, path, iface, prop):
    return {
        "RegisteredStatusNotifierItems": GLib.Variant("as", items),
        "IsStatusNotifierHostRegistered": GLib.Variant("b", True),
        "ProtocolVersion": GLib.Variant("i", 0),
    }[prop]


def on_bus(conn, name):
    info = Gio.DBusNodeInfo.new_for_xml(XML).interfaces[0]
    conn.register_object(PATH, info, on_call, on_get, None)


def on_name(conn, name):
    print("ready", flush=True)


def on_lost(conn, name):
    sys.exit("could not own org.kde.StatusNotifierWatcher")


Gio.bus_own_name(Gio.BusType.SESSION, IFACE, Gio.BusNameOwnerFlags.NONE, on_bus, on_name, on_lost)
GLib.MainLoop().run()
