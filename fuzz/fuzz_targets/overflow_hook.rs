//! For the Excel targets: calamine's cell-reference arithmetic overflows on some malformed
//! references. The fuzz build checks overflow (debug assertions), a release build wraps, and
//! the table reader catches the panic natively and refuses the file; so such a panic is let
//! through to the reader's catch here, while any other panic still stops the fuzzer (and one
//! that reaches the target uncaught is still a crash).

/// Installs the hook, once.
pub fn allow_caught_overflow() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            if !(message.starts_with("attempt to ") && message.ends_with("with overflow")) {
                fuzzer_hook(info);
            }
        }));
    });
}
