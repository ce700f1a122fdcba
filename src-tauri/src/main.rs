//! Wijkstem desktop shell. It opens the database, wires the window and turns
//! each IPC command into exactly one core call. No domain logic lives here.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::PathBuf;
use std::sync::Mutex;

use shell::{with, App};
use wijkstem::session::Session;
use wijkstem::storage::store::Store;

mod commands;
mod shell;

fn db_path_from_args() -> PathBuf {
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--db" {
            if let Some(p) = args.next() {
                return PathBuf::from(p);
            }
        } else if let Some(p) = a.strip_prefix("--db=") {
            return PathBuf::from(p);
        }
    }
    Store::default_path()
}

fn main() {
    // Note: WEBKIT_DISABLE_DMABUF_RENDERER / WEBKIT_DISABLE_COMPOSITING_MODE
    // would save ~90 MB, but with either set WebKitWebDriver hangs on
    // screenshots after the first page change, so the app we ship would no
    // longer be the app we test. Left to the environment (see benches/startup.py).
    let path = db_path_from_args();
    let (session, startup) = Session::start(&path);
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(App {
            session: Mutex::new(session),
            startup: Mutex::new(startup),
            db_path: path.clone(),
            handle: std::sync::OnceLock::new(),
        })
        .setup(|app| {
            use tauri::Manager;
            let handle = app.handle().clone();
            let _ = app.state::<App>().handle.set(handle.clone());
            // Automatic backups run on the app's own timer, not the window's:
            // every minute the session decides whether one is due and the
            // windows hear the outcome.
            tauri::async_runtime::spawn(async move {
                loop {
                    tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                    let app = handle.state::<App>();
                    if let Ok(status) = with(&app, |s| Ok(s.backup_tick())) {
                        use tauri::Emitter;
                        let _ = handle.emit(shell::BACKUP, &status);
                    }
                }
            });
            Ok(())
        })
        .invoke_handler(include!(concat!(env!("OUT_DIR"), "/handler.rs")))
        .build(tauri::generate_context!())
        .expect("Wijkstem could not start its window")
        .run(|handle, event| {
            // A normal exit is recorded, so the next start knows whether the
            // last run ended in a crash or power cut.
            if let tauri::RunEvent::Exit = event {
                use tauri::Manager;
                let app = handle.state::<App>();
                let _ = with(&app, |s| s.end_run());
            }
        });
}
