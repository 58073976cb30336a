//! The MedReach binary: the web app in the browser, the command line natively.

#[cfg(target_arch = "wasm32")]
fn main() {
    medreach::ui::mount();
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
