//! What the page learns from the browser's observers rather than by asking
//! every frame: whether it is in view, and when the picture's elements change
//! size.

use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::Callback;

/// An `IntersectionObserver` on the page's root element and its callback.
pub(super) struct InViewObserver {
    observer: web_sys::IntersectionObserver,
    _callback: Closure<dyn FnMut(js_sys::Array)>,
}

impl InViewObserver {
    pub(super) fn new(on: Callback<bool>) -> Option<Self> {
        let doc = web_sys::window()?.document()?;
        let root = doc.document_element()?;
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            // The latest entry is the current state.
            if let Some(e) = entries
                .iter()
                .last()
                .and_then(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().ok())
            {
                on.emit(e.is_intersecting());
            }
        });
        let observer =
            web_sys::IntersectionObserver::new(callback.as_ref().unchecked_ref()).ok()?;
        observer.observe(&root);
        Some(InViewObserver {
            observer,
            _callback: callback,
        })
    }
}

impl Drop for InViewObserver {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// A `ResizeObserver` on the picture's stage and the diagram's canvas.
///
/// The frame loop used to read both elements' `clientWidth` every frame, which
/// forces the browser to recompute styles at the start of each frame (about
/// 0.3 ms, 15–60 times a second). Now it reads them only after this observer
/// has said that one changed size (`generation` moves on).
pub(super) struct SizeObserver {
    observer: web_sys::ResizeObserver,
    _callback: Closure<dyn FnMut(js_sys::Array)>,
    /// The elements observed now (the stage and the canvas are replaced
    /// when the view changes).
    watched: Vec<web_sys::Element>,
    pub generation: Rc<Cell<u64>>,
}

impl SizeObserver {
    /// `on_resize` runs after a size changed (and once for each newly
    /// observed element).
    pub(super) fn new(on_resize: Callback<()>) -> Option<Self> {
        let generation = Rc::new(Cell::new(0));
        let gen = generation.clone();
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |_: js_sys::Array| {
            gen.set(gen.get() + 1);
            on_resize.emit(());
        });
        let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
        Some(SizeObserver {
            observer,
            _callback: callback,
            watched: Vec::new(),
            generation,
        })
    }

    /// Observes exactly `elements` (after a render that may have replaced them).
    pub(super) fn watch(&mut self, elements: Vec<web_sys::Element>) {
        if elements == self.watched {
            return;
        }
        self.observer.disconnect();
        for e in &elements {
            self.observer.observe(e);
        }
        self.watched = elements;
    }
}

impl Drop for SizeObserver {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}
