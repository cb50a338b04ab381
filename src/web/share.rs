//! The browser's side of sharing: the page's own address, the clipboard,
//! downloads, reading a dropped or picked file, and fetching a scenario URL.
//! Each failure comes back as a message for the page to show, never a panic.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The page's address without its query: what shared links start with.
pub fn page_base() -> String {
    web_sys::window()
        .map(|w| w.location())
        .and_then(|l| Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?)))
        .unwrap_or_default()
}

/// Replaces the address bar's query without reloading (so a reload keeps the scenario).
pub fn set_query(query: &str) {
    if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
        let url = format!("{}?{query}", page_base());
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

fn js_message(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// Copies text to the clipboard. Fails where the browser refuses (an iframe
/// without clipboard permission, an insecure page); the page then shows the
/// text to copy by hand.
pub async fn copy(text: String) -> Result<(), String> {
    let w = web_sys::window().ok_or("no window")?;
    let nav = w.navigator();
    let clip = js_sys::Reflect::get(&nav, &"clipboard".into()).map_err(js_message)?;
    if clip.is_undefined() {
        return Err("this browser does not offer the clipboard here".into());
    }
    JsFuture::from(nav.clipboard().write_text(&text))
        .await
        .map(|_| ())
        .map_err(js_message)
}

/// Offers `text` as a file download named `name`.
pub fn download(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(js_message)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(js_message)?;
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc
        .create_element("a")
        .map_err(js_message)?
        .dyn_into()
        .map_err(|_| "no anchor".to_string())?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// Reads a picked or dropped file as text, refusing large ones before reading.
pub async fn read_file(file: web_sys::File, max_bytes: usize) -> Result<String, String> {
    if file.size() > max_bytes as f64 {
        return Err(format!(
            "the file is {:.0} KB; a scenario file may be at most {} KB",
            file.size() / 1024.0,
            max_bytes / 1024
        ));
    }
    let text = JsFuture::from(file.text()).await.map_err(js_message)?;
    text.as_string()
        .ok_or_else(|| "the file is not text".into())
}

/// Fetches a scenario file from a URL (subject to the browser's CORS rules).
pub async fn fetch_text(url: String, max_bytes: usize) -> Result<String, String> {
    let w = web_sys::window().ok_or("no window")?;
    let resp = JsFuture::from(w.fetch_with_str(&url))
        .await
        .map_err(|e| format!("could not fetch it ({}); is the address right, and does its server allow other sites to read it (CORS)?", js_message(e)))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| "not a response".to_string())?;
    if !resp.ok() {
        return Err(format!(
            "the server answered {} {}",
            resp.status(),
            resp.status_text()
        ));
    }
    let text = JsFuture::from(resp.text().map_err(js_message)?)
        .await
        .map_err(js_message)?;
    let text = text.as_string().ok_or("the answer is not text")?;
    if text.len() > max_bytes {
        return Err(format!(
            "the file is {} KB; at most {} KB",
            text.len() / 1024,
            max_bytes / 1024
        ));
    }
    Ok(text)
}
