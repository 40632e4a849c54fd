//! One running Stowage: a second launch shows the running window and exits.
//!
//! On Windows and macOS this is tauri-plugin-single-instance. On Linux the
//! plugin owns a D-Bus name; a launch that finds the name taken forwards to
//! its owner, and when the owner is just quitting (it answered "taken",
//! then left before the call reached it) the plugin fails the launch:
//! "failed to initialize plugin `single-instance`: failed to forward
//! arguments to the running instance: ServiceUnknown", and no window
//! opens. Starting Stowage again right after quitting hit it (as did the
//! WebDriver tests that restart the app). Here a launch whose forward fails
//! because the owner is gone claims the name again instead.

use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Wry};

/// The plugin that keeps Stowage to one instance; `show` runs in the
/// running instance when another launch hands over to it.
pub fn plugin(show: fn(&AppHandle)) -> TauriPlugin<Wry> {
    #[cfg(target_os = "linux")]
    return linux::plugin(show);
    #[cfg(not(target_os = "linux"))]
    return tauri_plugin_single_instance::init(move |app, _args, _cwd| show(app));
}

/// Lets go of the one-instance claim as the app exits, before its last
/// work: a launch in the meantime starts instead of asking a quitting app
/// to show itself.
pub fn release(app: &AppHandle) {
    #[cfg(target_os = "linux")]
    linux::release(app);
    #[cfg(not(target_os = "linux"))]
    tauri_plugin_single_instance::destroy(app);
}

#[cfg(target_os = "linux")]
mod linux {
    use tauri::plugin::{Builder, TauriPlugin};
    use tauri::{AppHandle, Manager, Wry};
    use zbus::blocking::connection::Builder as Connect;
    use zbus::blocking::{fdo::DBusProxy, Connection};
    use zbus::names::{BusName, WellKnownName};
    use zbus::object_server::Interface;

    const INTERFACE: &str = "app.stowage.desktop.SingleInstance";
    const PATH: &str = "/app/stowage/desktop/SingleInstance";

    /// The running instance's side: another launch asks it to show itself.
    struct Running {
        app: AppHandle,
        show: fn(&AppHandle),
    }

    #[zbus::interface(name = "app.stowage.desktop.SingleInstance")]
    impl Running {
        fn show(&self) {
            (self.show)(&self.app);
        }
    }

    /// Holds the name while the app runs.
    struct Held {
        bus: Connection,
        name: String,
    }

    pub fn release(app: &AppHandle) {
        if let Some(held) = app.try_state::<Held>() {
            if let Ok(name) = WellKnownName::try_from(held.name.as_str()) {
                let _ = held.bus.release_name(name);
            }
        }
    }

    pub fn plugin(show: fn(&AppHandle)) -> TauriPlugin<Wry> {
        Builder::new("stowage-single-instance")
            .setup(move |app, _api| {
                let name = format!("{}.SingleInstance", app.config().identifier);
                let running = || Running { app: app.clone(), show };
                match claim(&name, running) {
                    Ok(Claim::Ours(connection)) => {
                        app.manage(Held { bus: connection, name });
                    }
                    Ok(Claim::HandedOver) => {
                        app.cleanup_before_exit();
                        std::process::exit(0);
                    }
                    // Without a session bus no other instance can be found: run.
                    Err(e) => tracing::warn!("single instance: launching without the check: {e}"),
                }
                Ok(())
            })
            .build()
    }

    #[derive(Debug)]
    pub enum Claim {
        /// This launch is the one instance; the connection holds the name.
        Ours(Connection),
        /// The running instance was told to show itself; this launch ends.
        HandedOver,
    }

    /// Takes `name`, or hands over to its owner. An owner that leaves while
    /// it is asked (a quit in progress) leaves the name free: take it then.
    pub fn claim<I: Interface>(name: &str, serve: impl Fn() -> I) -> zbus::Result<Claim> {
        const TRIES: u32 = 20;
        let mut tries = 0;
        loop {
            tries += 1;
            let taken = Connect::session()?
                .name(name)?
                .replace_existing_names(false)
                .allow_name_replacements(false)
                .serve_at(PATH, serve())?
                .build();
            let err = match taken {
                Ok(connection) => return Ok(Claim::Ours(connection)),
                Err(zbus::Error::NameTaken) => match hand_over(name) {
                    Ok(()) => return Ok(Claim::HandedOver),
                    Err(e) => e,
                },
                Err(e) => return Err(e),
            };
            if still_owned(name)? || tries == TRIES {
                return Err(err);
            }
            tracing::info!("the running instance quit while this launch asked it to show itself: taking over");
        }
    }

    fn hand_over(name: &str) -> zbus::Result<()> {
        Connection::session()?.call_method(Some(name), PATH, Some(INTERFACE), "Show", &())?;
        Ok(())
    }

    fn still_owned(name: &str) -> zbus::Result<bool> {
        let bus = Connection::session()?;
        Ok(DBusProxy::new(&bus)?.name_has_owner(BusName::try_from(name)?)?)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// An instance that quits as it is asked: it lets go of the name
        /// and answers with an error, as a process that exits mid-call.
        struct Quitting {
            name: String,
        }

        #[zbus::interface(name = "app.stowage.desktop.SingleInstance")]
        impl Quitting {
            async fn show(&self, #[zbus(connection)] connection: &zbus::Connection) -> zbus::fdo::Result<()> {
                let name = zbus::names::WellKnownName::try_from(self.name.as_str()).expect("a bus name");
                connection.release_name(name).await?;
                Err(zbus::fdo::Error::NoReply("quitting".into()))
            }
        }

        /// A running instance that counts the launches that asked it to show itself.
        #[derive(Clone, Default)]
        struct Live(std::sync::Arc<std::sync::atomic::AtomicU32>);

        #[zbus::interface(name = "app.stowage.desktop.SingleInstance")]
        impl Live {
            fn show(&self) {
                self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        }

        fn test_name(what: &str) -> String {
            format!("app.stowage.test.SingleInstance.{what}{}", std::process::id())
        }

        /// The launch that asks a quitting instance takes the name itself
        /// (the plugin this replaces ends such a launch with an error).
        #[test]
        #[ignore = "needs a D-Bus session bus: scripts/test runs it inside dbus-run-session"]
        fn a_launch_during_a_quit_takes_over() {
            let name = test_name("quit");
            let _quitting = Connect::session()
                .and_then(|b| b.name(name.as_str()))
                .and_then(|b| b.serve_at(PATH, Quitting { name: name.clone() }))
                .and_then(Connect::build)
                .expect("the first instance holds the name");
            let claim = claim(&name, || Quitting { name: name.clone() }).ok();
            assert!(matches!(claim, Some(Claim::Ours(_))), "{claim:?}");
        }

        /// A launch beside a running instance shows that one and ends.
        #[test]
        #[ignore = "needs a D-Bus session bus: scripts/test runs it inside dbus-run-session"]
        fn a_second_launch_hands_over() {
            let name = test_name("live");
            let live = Live::default();
            let first = claim(&name, || live.clone()).expect("the first launch");
            assert!(matches!(first, Claim::Ours(_)), "{first:?}");
            let second = claim(&name, Live::default).expect("the second launch");
            assert!(matches!(second, Claim::HandedOver), "{second:?}");
            assert_eq!(live.0.load(std::sync::atomic::Ordering::SeqCst), 1, "the running one was asked to show itself");
        }
    }
}
