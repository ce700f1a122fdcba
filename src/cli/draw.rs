//! `wijkstem draw`: a panel's selection probabilities from the respondents
//! and the quotas, and the lottery table of numbered panels as PDF. Reads two
//! files and writes one; no database.

use crate::*;
use wijkstem::i18n::tr;
use wijkstem::Problem;

#[derive(clap::Args)]
pub struct DrawArgs {
    /// The quotas: CSV with feature,value,min,max
    quotas: PathBuf,
    /// The respondents: CSV with a code column and one column per feature
    respondents: PathBuf,
    /// Seats on the panel
    #[arg(long)]
    size: u32,
    /// Round to a lottery of this many numbered panels (1000: three ten-sided dice)
    #[arg(long)]
    lottery: Option<usize>,
    /// Where to write the lottery table (PDF); needs --lottery
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print JSON instead of text
    #[arg(long)]
    json: bool,
    /// leximin (the draw's chances) or uniform (every quota panel equally likely, estimated: to compare with)
    #[arg(long, default_value = "leximin")]
    algorithm: String,
}

fn read(path: &std::path::Path) -> Result<String, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::from(Problem::new("draw.io").with("detail", format!("{}: {e}", path.display()))))?;
    String::from_utf8(bytes).map_err(|_| Problem::new("draw.not_utf8").with("path", path.display()).into())
}

fn decimal(p: f64, lang: Lang) -> String {
    let s = format!("{p:.6}");
    if lang == Lang::Nl {
        s.replace('.', ",")
    } else {
        s
    }
}

pub fn draw(a: &DrawArgs, lang: Lang) -> Result<ExitCode, Failure> {
    if a.out.is_some() != a.lottery.is_some() {
        return Err(Problem::new("cli.lottery_needs_out").into());
    }
    let uniform = match a.algorithm.trim().to_lowercase().as_str() {
        "leximin" => false,
        "uniform" => true,
        _ => {
            return Err(Problem::new("cli.bad_format")
                .with("value", &a.algorithm)
                .with("choices", "leximin, uniform")
                .into())
        }
    };
    if uniform && a.lottery.is_some() {
        return Err(Problem::new("cli.lottery_leximin").into());
    }
    if let Some(out) = &a.out {
        let same = |p: &std::path::Path| std::fs::canonicalize(p).ok() == std::fs::canonicalize(out).ok();
        if out.exists() && (same(&a.quotas) || same(&a.respondents)) {
            return Err(Problem::new("draw.out_is_input").with("path", out.display()).into());
        }
    }
    let (quotas, pool) = (read(&a.quotas)?, read(&a.respondents)?);
    let started = std::time::Instant::now();
    let out = wijkstem::panel::draw::compute(&quotas, &pool, a.size, a.lottery)?;
    let seconds = started.elapsed().as_secs_f64();
    let min_of = |ps: &[f64]| ps.iter().copied().fold(f64::INFINITY, f64::min);
    if uniform {
        let min = min_of(&out.uniform);
        if a.json {
            let probabilities: serde_json::Map<String, serde_json::Value> =
                out.codes.iter().zip(&out.uniform).map(|(c, p)| (c.clone(), serde_json::json!(p))).collect();
            let v = serde_json::json!({
                "algorithm": "uniform",
                "min_probability": min,
                "probabilities": probabilities,
                "spread": out.uniform_spread,
                "seconds": seconds,
                "pool_sha256": out.pool_hash,
                "quotas_sha256": out.quotas_hash,
            });
            println!("{v}");
            return Ok(ExitCode::SUCCESS);
        }
        let mut m: std::collections::BTreeMap<String, String> = [("p".to_string(), decimal(min, lang))].into();
        m.insert("spread".into(), decimal(out.uniform_spread, lang));
        println!("{}", tr(lang, "cliout.draw_uniform", &m));
        println!();
        for (c, p) in out.codes.iter().zip(&out.uniform) {
            println!("{c}\t{}", decimal(*p, lang));
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let (Some(l), Some(path)) = (&out.lottery, &a.out) {
        let pdf = wijkstem::pdf::lottery_table(&wijkstem::panel::draw::LotteryTable::of(&out, l), lang);
        std::fs::write(path, pdf).map_err(|e| {
            Failure::from(Problem::new("draw.write").with("detail", format!("{}: {e}", path.display())))
        })?;
    }
    if a.json {
        let probabilities: serde_json::Map<String, serde_json::Value> =
            out.codes.iter().zip(&out.probabilities).map(|(c, p)| (c.clone(), serde_json::json!(p))).collect();
        let mut v = serde_json::json!({
            "min_probability": out.min_probability,
            "at_min": out.at_min,
            "probabilities": probabilities,
            "panels": out.panels,
            "types": out.types,
            "seconds": seconds,
            "pool_sha256": out.pool_hash,
            "quotas_sha256": out.quotas_hash,
            "uniform_min_probability": min_of(&out.uniform),
            "uniform_spread": out.uniform_spread,
        });
        if let Some(l) = &out.lottery {
            v["lottery"] = serde_json::json!({ "panels": l.size(), "max_deviation": l.max_deviation });
        }
        println!("{v}");
        return Ok(ExitCode::SUCCESS);
    }
    let one = |k: &str, v: String| -> std::collections::BTreeMap<String, String> { [(k.to_string(), v)].into() };
    let mut head = one("size", out.size.to_string());
    head.extend([
        ("respondents".to_string(), out.respondents.to_string()),
        ("features".to_string(), out.features.to_string()),
        ("types".to_string(), out.types.to_string()),
    ]);
    println!("{}", tr(lang, "cliout.draw_head", &head));
    let mut min = one("p", decimal(out.min_probability, lang));
    min.insert("count".into(), out.at_min.to_string());
    println!("{}", tr(lang, "cliout.draw_min", &min));
    let mut cmp = one("p", decimal(min_of(&out.uniform), lang));
    cmp.insert("spread".into(), decimal(out.uniform_spread, lang));
    println!("{}", tr(lang, "cliout.draw_compare", &cmp));
    let mut panels = one("panels", out.panels.to_string());
    let secs = format!("{seconds:.2}");
    panels.insert("seconds".into(), if lang == Lang::Nl { secs.replace('.', ",") } else { secs });
    println!("{}", tr(lang, "cliout.draw_panels", &panels));
    if let (Some(l), Some(path)) = (&out.lottery, &a.out) {
        let mut m = one("m", l.size().to_string());
        m.insert("dev".into(), decimal(l.max_deviation, lang));
        m.insert("path".into(), path.display().to_string());
        println!("{}", tr(lang, "cliout.draw_lottery", &m));
    }
    println!();
    for (c, p) in out.codes.iter().zip(&out.probabilities) {
        println!("{c}\t{}", decimal(*p, lang));
    }
    Ok(ExitCode::SUCCESS)
}
