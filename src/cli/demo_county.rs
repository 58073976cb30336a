//! `medreach demo-county`: writes the generated demo county.

use super::USAGE;

/// `medreach demo-county --out DIR [--seed N]`: writes the generated demo county's four GeoJSON
/// files (and its README) into DIR.
pub fn run(args: &[String]) -> Result<String, String> {
    let mut out: Option<&str> = None;
    let mut seed = crate::devtools::demo_county::SEED;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n\n{USAGE}"));
        match flag.as_str() {
            "--out" => out = Some(value?),
            "--seed" => {
                let v = value?;
                seed = v
                    .parse()
                    .map_err(|_| format!("--seed: \"{v}\" is not a whole number"))?;
            }
            other => return Err(format!("unknown option \"{other}\"\n\n{USAGE}")),
        }
    }
    let dir = out.ok_or_else(|| format!("demo-county needs --out DIR\n\n{USAGE}"))?;
    crate::devtools::demo_county::generate(seed)
        .write_to(std::path::Path::new(dir))
        .map_err(|e| format!("{dir}: {e}"))?;
    Ok(format!("wrote the demo county (seed {seed}) to {dir}"))
}
