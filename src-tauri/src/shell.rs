//! What the commands share: the app's state, the one way a command reaches
//! the session (`with`, which tells every window what a write changed), the
//! events pushed to the UI, and opening the read-only view window. The
//! commands themselves are in `commands.rs`, each one `Session` call.

use std::path::PathBuf;
use std::sync::Mutex;

use wijkstem::problem::Failure;
use wijkstem::session::{Res, Session, StartupInfo};

pub struct App {
    pub session: Mutex<Result<Session, Failure>>,
    pub startup: Mutex<StartupInfo>,
    pub db_path: PathBuf,
    /// Set once the app runs; used to tell every window what changed.
    pub handle: std::sync::OnceLock<tauri::AppHandle>,
}

/// The event every window hears after a committed write, with what changed
/// (`Changed[]`): the progress and projector windows redraw on it instead of
/// polling.
pub const CHANGED: &str = "wijkstem://changed";

/// The event with the backup state after each automatic backup check.
pub const BACKUP: &str = "wijkstem://backup";

pub fn with<T>(app: &App, f: impl FnOnce(&mut Session) -> Res<T>) -> Res<T> {
    // A poisoned lock means an earlier command panicked mid-way; SQLite rolled
    // that transaction back, so continuing with the session is safe.
    let mut guard = app.session.lock().unwrap_or_else(|p| p.into_inner());
    match guard.as_mut() {
        Ok(s) => {
            let out = f(s);
            let changes = s.take_changes();
            if !changes.is_empty() {
                if let Some(handle) = app.handle.get() {
                    use tauri::Emitter;
                    let _ = handle.emit(CHANGED, &changes);
                }
            }
            out
        }
        Err(failure) => Err(failure.clone()),
    }
}

/// Open (or bring forward) the read-only view window (`open_view_window`).
pub fn open_view(handle: &tauri::AppHandle, view: &str, selection_id: i64) -> Result<(), String> {
    use tauri::Manager;
    let label = "view";
    let kind = if view == "projector" { "projector" } else { "progress" };
    let route = format!("index.html#{kind}/{selection_id}");
    if let Some(w) = handle.get_webview_window(label) {
        // Opened again: the same window, on the view asked for, in front
        // (closing and rebuilding it raced with its own close).
        let hash = format!("#{kind}/{selection_id}");
        w.eval(format!("if (location.hash !== '{hash}') {{ location.hash = '{hash}'; location.reload(); }}"))
            .map_err(|e| e.to_string())?;
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
        return Ok(());
    }
    let mut b = tauri::WebviewWindowBuilder::new(handle, label, tauri::WebviewUrl::App(route.into()))
        .title("Wijkstem")
        .inner_size(1280.0, 800.0);
    // On a second display, fill it: that is the projector.
    if let Ok(monitors) = handle.available_monitors() {
        if let Some(m) = monitors.get(1) {
            let pos = m.position();
            b = b.position(pos.x as f64, pos.y as f64).fullscreen(true);
        }
    }
    let w = b.build().map_err(|e| e.to_string())?;
    // A test or a moderator can ask for the projector's exact size (1920x1080).
    if let Some((wd, ht)) = std::env::var("WIJKSTEM_VIEW_SIZE")
        .ok()
        .and_then(|v| v.split_once('x').and_then(|(a, b)| Some((a.parse::<f64>().ok()?, b.parse::<f64>().ok()?))))
    {
        let _ = w.set_size(tauri::LogicalSize::new(wd, ht));
    }
    Ok(())
}
