//! The MedReach binary: the web app in the browser (the page and, started by it, the engine's
//! web worker run this same module), the command line natively.

#[cfg(target_arch = "wasm32")]
fn main() {
    medreach::ui::start();
}

/// The WebAssembly allocator: the standard one, counting what is in use so that the page can
/// report memory, and refusing allocations beyond a limit a test sets (see
/// `medreach::ui::memory`). A refused allocation ends the worker exactly as a real
/// out-of-memory does.
#[cfg(target_arch = "wasm32")]
mod counted {
    use medreach::ui::memory;
    use std::alloc::{GlobalAlloc, Layout, System};

    pub struct Counted;

    // SAFETY: every call is forwarded to `System` with the caller's arguments; the counters
    // only observe sizes, and a refusal returns null, which `GlobalAlloc` allows.
    unsafe impl GlobalAlloc for Counted {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            if !memory::may_allocate(layout.size()) {
                return std::ptr::null_mut();
            }
            let p = unsafe { System.alloc(layout) };
            if !p.is_null() {
                memory::allocated(layout.size());
            }
            p
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            if !memory::may_allocate(layout.size()) {
                return std::ptr::null_mut();
            }
            let p = unsafe { System.alloc_zeroed(layout) };
            if !p.is_null() {
                memory::allocated(layout.size());
            }
            p
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            unsafe { System.dealloc(ptr, layout) };
            memory::freed(layout.size());
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            if new_size > layout.size() && !memory::may_allocate(new_size - layout.size()) {
                return std::ptr::null_mut();
            }
            let p = unsafe { System.realloc(ptr, layout, new_size) };
            if !p.is_null() {
                memory::freed(layout.size());
                memory::allocated(new_size);
            }
            p
        }
    }

    #[global_allocator]
    static ALLOCATOR: Counted = Counted;
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match medreach::cli::run(&args) {
        Ok(json) => println!("{json}"),
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    }
}
