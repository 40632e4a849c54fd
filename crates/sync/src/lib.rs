//! stowage-sync: scan, plan (pure), execute (transfers), journal, index and
//! watch. Empty until the uploads and sync issues land; the workspace lists
//! it now so the layout is the one every later change builds into.
