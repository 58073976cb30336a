//! `medreach report`: the printable report (`app::print`) as one self-contained HTML file, in
//! Chinese (default) or English, over the same layers and options as `check`.

use super::check::{parse_lang, Inputs};
use super::USAGE;
use crate::app::analysis::Analysis;
use crate::app::print::{date_of_days, document, PrintInput};
use crate::app::scene::Scene;
use crate::app::text::{word_report, Lang};

/// Runs `report` with its flags `args`; returns a line saying what it wrote.
pub fn run(args: &[String]) -> Result<String, String> {
    let mut out: Option<String> = None;
    let mut lang = Lang::Zh;
    let parsed = Inputs::parse(args, &mut |flag, value| {
        match flag {
            "--out" => out = Some(value()?),
            "--lang" => lang = parse_lang(&value()?)?,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    let Some(inputs) = parsed else {
        return Ok(USAGE.to_string());
    };
    let out = out.ok_or_else(|| format!("--out FILE.html is required\n\n{USAGE}"))?;
    let data = inputs.load()?;
    let options = &inputs.options;
    options.validate().map_err(|e| e.to_string())?;
    let analysis =
        Analysis::run(&data, options.mode, &options.speeds).map_err(|e| e.to_string())?;
    let mut report = analysis.report(options.limit_min, &options.rules);
    word_report(&mut report, lang);
    // With a plan (`--plan`), the report includes its comparison with the data as loaded.
    let comparison = if data.edits().is_empty() {
        None
    } else {
        let baseline =
            Analysis::run_baseline(&data, options.mode, &options.speeds, &mut |_, _, _| {})
                .map_err(|e| e.to_string())?
                .report(options.limit_min, &options.rules);
        Some(crate::app::compare::compare(&baseline, &report))
    };
    let scene = Scene::build(&analysis);
    let files: Vec<String> = data
        .files
        .iter()
        .map(|f| {
            std::path::Path::new(&f.name)
                .file_name()
                .map_or_else(|| f.name.clone(), |n| n.to_string_lossy().into_owned())
        })
        .collect();
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| (d.as_secs() / 86_400) as i64);
    let date = date_of_days(days);
    let html = document(
        &PrintInput {
            report: &report,
            scene: Some(&scene),
            files: &files,
            date: &date,
            comparison: comparison.as_ref(),
        },
        lang,
    );
    std::fs::write(&out, &html).map_err(|e| format!("{out}: {e}"))?;
    Ok(format!("{out}: report written ({} bytes)", html.len()))
}
