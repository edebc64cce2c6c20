//! Small preferences remembered in this browser (language, theme) via localStorage.

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub fn get(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok()?
}

pub fn set(key: &str, value: &str) {
    if let Some(s) = local_storage() {
        // Private windows may refuse; the preference then lasts for this page only.
        let _ = s.set_item(key, value);
    }
}
