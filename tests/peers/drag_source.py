#!/usr/bin/python3
"""Another program for the desktop tests, written with GTK 3 through Python
GObject (Debian's python3-gi and gir1.2-gtk-3.0): a real X drag source, and a
screenshot of the X screen.

  drag_source.py drag X Y URI...   a 160x160 window at X,Y whose area offers
                                   text/uri-list (the URIs) when dragged; prints
                                   "ready" once shown, "sent" when the drop target
                                   took the data, and exits when the drag ends
                                   (or after 60 s)
  drag_source.py screenshot PNG    saves the whole X screen
"""
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402


def drag(x, y, uris):
    window = Gtk.Window(title="nupub drag source")
    window.set_default_size(160, 160)
    window.set_decorated(False)
    window.move(x, y)
    area = Gtk.EventBox()
    area.add(Gtk.Label(label="drag me"))
    window.add(area)
    area.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
    area.drag_source_add_uri_targets()

    def on_get(_widget, _context, data, _info, _time):
        data.set_uris(uris)
        print("sent", flush=True)

    area.connect("drag-data-get", on_get)
    area.connect("drag-end", lambda *_: GLib.timeout_add(200, Gtk.main_quit))
    window.connect("map-event", lambda *_: print("ready", flush=True))
    GLib.timeout_add_seconds(60, Gtk.main_quit)
    window.show_all()
    Gtk.main()


def screenshot(path):
    root = Gdk.get_default_root_window()
    pixbuf = Gdk.pixbuf_get_from_window(root, 0, 0, root.get_width(), root.get_height())
    pixbuf.savev(path, "png", [], [])


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "drag":
        drag(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:])
    elif len(sys.argv) == 3 and sys.argv[1] == "screenshot":
        screenshot(sys.argv[2])
    else:
        sys.exit(__doc__)
