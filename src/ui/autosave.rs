//! Keeps the page's work in the browser's IndexedDB as it changes, and gives it back after a
//! reload or a crashed tab ([`crate::app::saved`] says what is kept and how it turns back into
//! jobs).
//!
//! Two object stores in the database `medreach`: `files` holds each loaded file's bytes once,
//! by name, written when the file is loaded (not on every change); `state` holds one small
//! record (`work`), written whenever the data, the work or a setting changes, once the engine
//! is idle (so the record never describes a half-done load). A storage that refuses (a private
//! window, a full quota, a browser without IndexedDB) gives a note in the page, never a broken
//! page; the work then simply is not kept.

use crate::app::saved::Saved;
use crate::app::text::Bilingual;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransaction, IdbTransactionMode};

const DATABASE: &str = "medreach";
const STATE: &str = "state";
const FILES: &str = "files";
const RECORD: &str = "work";
/// Changes within this many milliseconds are written together.
const SETTLE_MS: i32 = 300;

/// What this page believes is stored.
#[derive(Default)]
struct Store {
    /// Saving is on (after the start-up restore was decided).
    enabled: bool,
    /// A write is waiting for its timer or for the one in progress.
    pending: bool,
    /// A write is in progress.
    writing: bool,
    /// The files stored, with the bytes they were stored from.
    stored: Vec<(String, js_sys::ArrayBuffer)>,
    /// Files the storage refused (too large for the quota): not tried again.
    refused: Vec<(String, js_sys::ArrayBuffer)>,
    /// The work last kept (`None`: no record), to skip writing the same work again when only
    /// the time would change.
    last_kept: Option<Saved>,
    /// Where the work to keep comes from (none while the engine is busy).
    source: Option<std::rc::Rc<Source>>,
    /// Where a note about the storage goes (`None` clears it).
    note: Option<std::rc::Rc<Note>>,
}

/// The work to keep now, with the files' bytes; `None` while it is changing.
pub type Source = dyn Fn() -> Option<(Saved, Vec<(String, js_sys::ArrayBuffer)>)>;

/// Shows a note about the storage, or clears it.
pub type Note = dyn Fn(Option<Bilingual>);

thread_local! {
    static STORE: RefCell<Store> = RefCell::new(Store::default());
}

/// What was found kept at start-up.
pub struct Found {
    /// The record.
    pub saved: Saved,
    /// The files found for it, in its order.
    pub files: Vec<(String, js_sys::ArrayBuffer)>,
}

/// Why the storage could not be used, in both languages.
fn storage_problem(doing_en: &str, doing_zh: &str, e: &JsValue) -> Bilingual {
    let (name, message) = match e.dyn_ref::<web_sys::DomException>() {
        Some(d) => (d.name(), d.message()),
        None => (
            String::new(),
            e.as_string()
                .or_else(|| e.dyn_ref::<js_sys::Error>().map(|e| e.message().into()))
                .unwrap_or_else(|| format!("{e:?}")),
        ),
    };
    let full = name == "QuotaExceededError";
    Bilingual {
        en: if full {
            format!("{doing_en}: the browser's storage for this page is full ({message}). Your work stays while the page is open, but a reload will not bring it back.")
        } else {
            format!("{doing_en}: this browser does not let the page keep data (a private window?) ({name} {message}). Your work stays while the page is open, but a reload will not bring it back.")
        },
        zh: if full {
            format!("{doing_zh}：浏览器为本页提供的存储空间已满（{message}）。页面打开期间工作不受影响，但刷新后无法恢复。")
        } else {
            format!("{doing_zh}：此浏览器不允许本页保存数据（可能是无痕窗口）（{name} {message}）。页面打开期间工作不受影响，但刷新后无法恢复。")
        },
    }
}

/// Waits for `request`'s success (its result) or error.
async fn wait(request: &IdbRequest) -> Result<JsValue, JsValue> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let done = request.clone();
        let ok = Closure::once_into_js(move |_: web_sys::Event| {
            let result = done.result().unwrap_or(JsValue::UNDEFINED);
            let _ = resolve.call1(&JsValue::NULL, &result);
        });
        let failed = request.clone();
        let bad = Closure::once_into_js(move |_: web_sys::Event| {
            let error = failed
                .error()
                .ok()
                .flatten()
                .map_or(JsValue::UNDEFINED, JsValue::from);
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        request.set_onsuccess(Some(ok.unchecked_ref()));
        request.set_onerror(Some(bad.unchecked_ref()));
    });
    JsFuture::from(promise).await
}

/// Waits for `tx` to commit (or its error: a full quota ends a transaction here).
async fn committed(tx: &IdbTransaction) -> Result<(), JsValue> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let ok = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let failed = tx.clone();
        let bad = Closure::once_into_js(move |_: web_sys::Event| {
            let error = failed.error().map_or(JsValue::UNDEFINED, JsValue::from);
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        tx.set_oncomplete(Some(ok.unchecked_ref()));
        tx.set_onerror(Some(bad.unchecked_ref()));
        tx.set_onabort(Some(bad.unchecked_ref()));
    });
    JsFuture::from(promise).await.map(|_| ())
}

/// Opens the database, making its stores the first time.
async fn open() -> Result<IdbDatabase, JsValue> {
    let factory = web_sys::window()
        .ok_or_else(|| JsValue::from_str("no window"))?
        .indexed_db()?
        .ok_or_else(|| JsValue::from_str("IndexedDB is not available"))?;
    let request = factory.open_with_u32(DATABASE, 1)?;
    let upgrading = request.clone();
    let upgrade = Closure::once_into_js(move |_: web_sys::Event| {
        if let Ok(db) = upgrading.result().map(IdbDatabase::unchecked_from_js) {
            let names = db.object_store_names();
            for store in [STATE, FILES] {
                if !names.contains(store) {
                    let _ = db.create_object_store(store);
                }
            }
        }
    });
    request.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    Ok(wait(&request).await?.unchecked_into())
}

/// The work kept by an earlier visit, if any: `Err` says why the storage cannot be used, or
/// why the record kept cannot be read (it is then removed).
pub async fn read() -> Result<Option<Found>, Bilingual> {
    let doing = ("Reading the work kept", "读取保存的工作");
    let db = open()
        .await
        .map_err(|e| storage_problem(doing.0, doing.1, &e))?;
    let found = read_from(&db)
        .await
        .map_err(|e| storage_problem(doing.0, doing.1, &e))?;
    let Some((record, files)) = found else {
        return Ok(None);
    };
    match Saved::from_json(&record) {
        Ok(saved) => {
            STORE.with(|s| {
                let mut s = s.borrow_mut();
                s.stored = files.clone();
                s.last_kept = Some(saved.clone());
            });
            Ok(Some(Found { saved, files }))
        }
        Err(e) => {
            let _ = clear().await;
            Err(Bilingual {
                en: format!("The work kept in this browser could not be read and was removed: {e}"),
                zh: format!("浏览器中保存的工作无法读取，已删除：{e}"),
            })
        }
    }
}

/// The record's text and the files it names that are stored.
async fn read_from(
    db: &IdbDatabase,
) -> Result<Option<(String, Vec<(String, js_sys::ArrayBuffer)>)>, JsValue> {
    let stores = js_sys::Array::of2(&STATE.into(), &FILES.into());
    let tx = db.transaction_with_str_sequence(&stores)?;
    let record = wait(&tx.object_store(STATE)?.get(&RECORD.into())?).await?;
    let Some(record) = record.as_string() else {
        return Ok(None);
    };
    let names = match Saved::from_json(&record).map(|s| s.data) {
        Ok(crate::app::saved::SavedData::Files { names, .. }) => names,
        _ => Vec::new(),
    };
    let files = tx.object_store(FILES)?;
    let mut found = Vec::new();
    for name in names {
        let bytes = wait(&files.get(&name.as_str().into())?).await?;
        if let Ok(buffer) = bytes.dyn_into::<js_sys::ArrayBuffer>() {
            found.push((name, buffer));
        }
    }
    Ok(Some((record, found)))
}

/// Removes everything kept (the user starts fresh).
pub async fn clear() -> Result<(), JsValue> {
    STORE.with(|s| {
        let mut s = s.borrow_mut();
        s.enabled = false;
        s.stored.clear();
        s.last_kept = None;
    });
    let db = open().await?;
    let stores = js_sys::Array::of2(&STATE.into(), &FILES.into());
    let tx = db.transaction_with_str_sequence_and_mode(&stores, IdbTransactionMode::Readwrite)?;
    tx.object_store(STATE)?.clear()?;
    tx.object_store(FILES)?.clear()?;
    committed(&tx).await
}

/// Forgets the work kept and opens the page anew (the user's "start fresh").
pub fn start_fresh() {
    wasm_bindgen_futures::spawn_local(async {
        if let Err(e) = clear().await {
            leptos::logging::error!("could not remove the work kept: {e:?}");
        }
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    });
}

/// Turns saving on: from now on every [`schedule`] writes what `source` gives, and tells
/// `note` when the storage refuses.
pub fn enable(source: std::rc::Rc<Source>, note: std::rc::Rc<Note>) {
    STORE.with(|s| {
        let mut s = s.borrow_mut();
        s.enabled = true;
        s.source = Some(source);
        s.note = Some(note);
    });
}

/// Asks for the work to be written soon (changes close together are written once).
pub fn schedule() {
    let start = STORE.with(|s| {
        let mut s = s.borrow_mut();
        let start = s.enabled && !s.pending;
        s.pending |= s.enabled;
        start
    });
    if !start {
        return;
    }
    let later = Closure::once_into_js(|| wasm_bindgen_futures::spawn_local(flush()));
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
            later.unchecked_ref(),
            SETTLE_MS,
        );
    }
}

/// Writes the work now, unless a write is in progress (it writes again when done) or the
/// engine is busy (its end asks again).
async fn flush() {
    let (busy, source, note) = STORE.with(|s| {
        let s = s.borrow();
        (s.writing, s.source.clone(), s.note.clone())
    });
    let (Some(source), Some(note)) = (source, note) else {
        return;
    };
    if busy {
        return;
    }
    let Some((saved, files)) = source() else {
        STORE.with(|s| s.borrow_mut().pending = false);
        return;
    };
    STORE.with(|s| {
        let mut s = s.borrow_mut();
        s.pending = false;
        s.writing = true;
    });
    let outcome = write(&saved, files).await;
    let again = STORE.with(|s| {
        let mut s = s.borrow_mut();
        s.writing = false;
        s.pending
    });
    match outcome {
        // Kept: an earlier note no longer holds.
        Ok(true) => note(None),
        Ok(false) => {}
        Err(why) => note(Some(why)),
    }
    if again {
        STORE.with(|s| s.borrow_mut().pending = false);
        schedule();
    }
}

/// Writes `saved` and the files it needs that are not stored yet, and drops stored files it
/// no longer needs. A file the quota refuses is left out (the record is still written) and
/// named in the note returned. `Ok(false)`: nothing had changed, nothing was written.
async fn write(
    saved: &Saved,
    files: Vec<(String, js_sys::ArrayBuffer)>,
) -> Result<bool, Bilingual> {
    let doing = ("Keeping your work", "保存工作");
    let keep = saved.worth_keeping();
    let record = keep.then(|| saved.to_json());
    let files = if keep { files } else { Vec::new() };
    let (put, drop, unchanged) = STORE.with(|s| {
        let s = s.borrow();
        let same = |list: &[(String, js_sys::ArrayBuffer)],
                    (n, b): &(String, js_sys::ArrayBuffer)| {
            list.iter()
                .any(|(m, c)| m == n && JsValue::from(c) == JsValue::from(b))
        };
        let put: Vec<_> = files
            .iter()
            .filter(|f| !same(&s.stored, f) && !same(&s.refused, f))
            .cloned()
            .collect();
        let drop: Vec<String> = s
            .stored
            .iter()
            .filter(|(n, _)| !files.iter().any(|(m, _)| m == n))
            .map(|(n, _)| n.clone())
            .collect();
        let same_record = match (&s.last_kept, keep) {
            (Some(last), true) => last.same_work(saved),
            (None, false) => true,
            _ => false,
        };
        let unchanged = put.is_empty() && drop.is_empty() && same_record;
        (put, drop, unchanged)
    });
    if unchanged {
        return Ok(false);
    }
    let db = open()
        .await
        .map_err(|e| storage_problem(doing.0, doing.1, &e))?;
    let mut note = None;
    for (name, bytes) in &put {
        // One transaction per file: a file the quota refuses leaves the others stored.
        match store_file(&db, name, bytes).await {
            Ok(()) => STORE.with(|s| {
                let mut s = s.borrow_mut();
                s.stored.retain(|(n, _)| n != name);
                s.stored.push((name.clone(), bytes.clone()));
            }),
            Err(e) => {
                STORE.with(|s| s.borrow_mut().refused.push((name.clone(), bytes.clone())));
                let p = storage_problem(doing.0, doing.1, &e);
                note = Some(Bilingual {
                    en: format!("{name}: {}", p.en),
                    zh: format!("{name}：{}", p.zh),
                });
            }
        }
    }
    write_record(&db, record.as_deref(), &drop)
        .await
        .map_err(|e| storage_problem(doing.0, doing.1, &e))?;
    STORE.with(|s| {
        let mut s = s.borrow_mut();
        s.stored.retain(|(n, _)| !drop.contains(n));
        s.last_kept = keep.then(|| saved.clone());
    });
    note.map_or(Ok(true), Err)
}

async fn store_file(
    db: &IdbDatabase,
    name: &str,
    bytes: &js_sys::ArrayBuffer,
) -> Result<(), JsValue> {
    let tx = db.transaction_with_str_and_mode(FILES, IdbTransactionMode::Readwrite)?;
    tx.object_store(FILES)?.put_with_key(bytes, &name.into())?;
    committed(&tx).await
}

/// Writes the record (or removes it: nothing worth keeping) and removes the files in `drop`.
async fn write_record(
    db: &IdbDatabase,
    record: Option<&str>,
    drop: &[String],
) -> Result<(), JsValue> {
    let stores = js_sys::Array::of2(&STATE.into(), &FILES.into());
    let tx = db.transaction_with_str_sequence_and_mode(&stores, IdbTransactionMode::Readwrite)?;
    let state = tx.object_store(STATE)?;
    match record {
        Some(r) => state.put_with_key(&r.into(), &RECORD.into())?,
        None => state.delete(&RECORD.into())?,
    };
    let files = tx.object_store(FILES)?;
    for name in drop {
        files.delete(&name.as_str().into())?;
    }
    committed(&tx).await
}
