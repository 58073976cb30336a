//! Developer tools, not the product: synthetic road networks of any size ([`synthetic`]), the
//! benchmark inputs ([`benchmark`]) and, natively, the demo-county generator (`demo_county`,
//! whose output ships as data in `demo/county/`). The page compiles only what its timing view
//! needs (the synthetic network and the benchmark inputs).

pub mod benchmark;
pub mod random;
// Native only (and in unit tests): the page ships the generated files, not the generator.
#[cfg(any(test, not(target_arch = "wasm32")))]
pub mod demo_county;
pub mod synthetic;
